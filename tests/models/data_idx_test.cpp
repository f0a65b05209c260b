// IDX/Fashion-MNIST reader on small gzip fixtures written here: a good pair, and every way a file can be
// wrong (magic, sizes, counts, labels, truncation, corruption, missing package), each with its message.
#include "models/data/fashion_mnist.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace mlsys::models;
namespace fs = std::filesystem;

TEST_SUITE_BEGIN("models.data");

namespace {

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::path(MLSYS_TEST_TMP_DIR) / ("data-idx-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void put_u32(std::string& s, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
}

// Pixel k of image i: a pattern that differs per image and position.
uint8_t pattern(int i, int k) { return static_cast<uint8_t>((k * 7 + i * 31) % 256); }

std::string images_bytes(uint32_t magic, int n, int rows, int cols, int n_written = -1) {
    std::string s;
    put_u32(s, magic);
    put_u32(s, static_cast<uint32_t>(n));
    put_u32(s, static_cast<uint32_t>(rows));
    put_u32(s, static_cast<uint32_t>(cols));
    if (n_written < 0) n_written = n;
    for (int i = 0; i < n_written; ++i)
        for (int k = 0; k < rows * cols; ++k) s.push_back(static_cast<char>(pattern(i, k)));
    return s;
}

std::string labels_bytes(uint32_t magic, const std::vector<int>& labels, int n_declared = -1) {
    std::string s;
    put_u32(s, magic);
    put_u32(s, static_cast<uint32_t>(n_declared < 0 ? static_cast<int>(labels.size()) : n_declared));
    for (int l : labels) s.push_back(static_cast<char>(l));
    return s;
}

void write_gz(const fs::path& path, const std::string& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
    REQUIRE(gzclose(f) == Z_OK);
}

std::string read_raw(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_raw(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A train split of 3 images with labels {9, 0, 3}.
fs::path good_fixture(const std::string& name) {
    const fs::path dir = fresh_dir(name);
    write_gz(dir / "train-images-idx3-ubyte.gz", images_bytes(2051, 3, 28, 28));
    write_gz(dir / "train-labels-idx1-ubyte.gz", labels_bytes(2049, {9, 0, 3}));
    return dir;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("IDX fixture: a good pair loads with pixels scaled to 0..1 and labels kept") {
    const fs::path dir = good_fixture("good");
    auto d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_MESSAGE(d.ok(), d.error());
    CHECK(d->size() == 3);
    CHECK(d->sample_shape == Shape{28, 28, 1});
    CHECK(d->x.shape == Shape{3, 28, 28, 1});
    CHECK(d->n_classes == 10);
    CHECK(d->class_names[9] == "Ankle boot");
    CHECK(d->y == std::vector<int>{9, 0, 3});
    int mismatches = 0;
    for (int i = 0; i < 3; ++i)
        for (int k = 0; k < 784; ++k)
            mismatches += d->x[i * 784 + k] != static_cast<float>(pattern(i, k)) / 255.0f;
    CHECK(mismatches == 0);
    CHECK(d->x[784 + 1] == doctest::Approx((7 + 31) / 255.0));

    auto limited = load_fashion_mnist(FashionSplit::Train, dir.string(), 2);
    REQUIRE(limited.ok());
    CHECK(limited->size() == 2);
    CHECK(limited->y == std::vector<int>{9, 0});
    CHECK(limited->x.size() == 2 * 784);
}

TEST_CASE("IDX fixture: plain (uncompressed) IDX files are read too") {
    const fs::path dir = fresh_dir("plain");
    write_raw(dir / "labels.idx", labels_bytes(2049, {1, 2, 3, 4}));
    auto labels = read_idx_labels(dir / "labels.idx");
    REQUIRE_MESSAGE(labels.ok(), labels.error());
    CHECK(*labels == std::vector<uint8_t>{1, 2, 3, 4});
}

TEST_CASE("IDX fixture: a wrong magic number is refused with both numbers named") {
    const fs::path dir = good_fixture("magic");
    write_gz(dir / "train-images-idx3-ubyte.gz", images_bytes(2049, 3, 28, 28));
    auto d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), "train-images-idx3-ubyte.gz: bad magic number 2049 (expected 2051"));

    write_gz(dir / "train-images-idx3-ubyte.gz", images_bytes(2051, 3, 28, 28));
    write_gz(dir / "train-labels-idx1-ubyte.gz", labels_bytes(2051, {9, 0, 3}));
    d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), "train-labels-idx1-ubyte.gz: bad magic number 2051 (expected 2049"));
}

TEST_CASE("IDX fixture: fewer images than the header declares is reported as truncated") {
    const fs::path dir = good_fixture("short");
    // A complete gzip stream whose payload holds 2 images and half of a third.
    std::string bytes = images_bytes(2051, 3, 28, 28);
    bytes.resize(16 + 2 * 784 + 392);
    write_gz(dir / "train-images-idx3-ubyte.gz", bytes);
    auto d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), "train-images-idx3-ubyte.gz: truncated: the header declares 3 images of 28x28"));
    CHECK(contains(d.error(), "after 2 complete images (1960 pixel bytes)"));

    write_gz(dir / "train-images-idx3-ubyte.gz", images_bytes(2051, 3, 28, 28).substr(0, 10));
    d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), "truncated header: 10 of 16 bytes"));
}

TEST_CASE("IDX fixture: a cut or corrupted gzip stream is refused naming the file") {
    const fs::path dir = good_fixture("gzip");
    const fs::path images = dir / "train-images-idx3-ubyte.gz";
    const std::string good = read_raw(images);
    REQUIRE(good.size() > 40);

    write_raw(images, good.substr(0, good.size() / 2));
    auto d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), images.string() + ": truncated gzip stream"));

    // Only the 8-byte trailer (CRC-32 and length) missing: all data inflates but the stream is incomplete.
    write_raw(images, good.substr(0, good.size() - 8));
    d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), "truncated gzip stream"));

    // A flipped CRC byte: the data inflates but fails its check.
    std::string bad_crc = good;
    bad_crc[bad_crc.size() - 6] = static_cast<char>(bad_crc[bad_crc.size() - 6] ^ 0x5a);
    write_raw(images, bad_crc);
    d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), images.string() + ": corrupt gzip data"));
}

TEST_CASE("IDX fixture: count mismatch and bad labels and wrong size and trailing data are refused") {
    const fs::path dir = good_fixture("counts");
    write_gz(dir / "train-labels-idx1-ubyte.gz", labels_bytes(2049, {9, 0}));
    auto d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), "train-labels-idx1-ubyte.gz: 2 labels but train-images-idx3-ubyte.gz holds 3 images"));

    write_gz(dir / "train-labels-idx1-ubyte.gz", labels_bytes(2049, {9, 10, 3}));
    d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), "label 10 at index 1 is out of range 0..9"));

    write_gz(dir / "train-labels-idx1-ubyte.gz", labels_bytes(2049, {9, 0, 3}, 5));
    d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), "truncated: the header declares 5 labels but the file holds only 3"));

    write_gz(dir / "train-labels-idx1-ubyte.gz", labels_bytes(2049, {9, 0, 3, 4}, 3));
    d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), "trailing data after the 3 labels the header declares"));

    write_gz(dir / "train-labels-idx1-ubyte.gz", labels_bytes(2049, {9, 0, 3}));
    write_gz(dir / "train-images-idx3-ubyte.gz", images_bytes(2051, 3, 32, 32));
    d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), "images are 32x32, Fashion-MNIST images are 28x28"));

    write_gz(dir / "train-images-idx3-ubyte.gz", images_bytes(2051, 3, 0, 28));
    d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(contains(d.error(), "implausible dimensions 3 x 0 x 28"));
}

TEST_CASE("IDX fixture: a missing file or directory names the Debian package") {
    const fs::path dir = good_fixture("missing");
    fs::remove(dir / "train-labels-idx1-ubyte.gz");
    auto d = load_fashion_mnist(FashionSplit::Train, dir.string());
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().rfind((dir / "train-labels-idx1-ubyte.gz").string() +
                              " not found: install Debian's dataset-fashion-mnist package",
                          0) == 0);

    auto t = load_fashion_mnist(FashionSplit::Test, (dir / "nowhere").string());
    REQUIRE_FALSE(t.ok());
    CHECK(contains(t.error(), "nowhere/t10k-images-idx3-ubyte.gz not found: install Debian's dataset-fashion-mnist"));

    auto raw = read_idx_images(dir / "absent.gz");
    REQUIRE_FALSE(raw.ok());
    CHECK(raw.error() == (dir / "absent.gz").string() + ": not found");
}

TEST_SUITE_END();
