// Export formats written without third-party encoders: CRC-32C against RFC 3720's published vectors, a
// TFRecord scalar Event checked byte by byte against a record built by hand from the TFRecord and protobuf
// wire-format specifications, event-file and zip round trips, and the PNG container.
#include "models/io/png_file.hpp"
#include "models/io/tfevents.hpp"
#include "models/io/zip_file.hpp"

#include "models/core/files.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

using namespace mlsys::models;
namespace fs = std::filesystem;

TEST_SUITE_BEGIN("models.export");

namespace {
std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int x : b) s.push_back(static_cast<char>(x));
    return s;
}
// Bit-at-a-time CRC-32C straight from the definition: an independent reference for the table version.
uint32_t crc32c_bitwise(const std::string& s) {
    uint32_t c = 0xFFFFFFFFu;
    for (unsigned char ch : s) {
        c ^= ch;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
    }
    return ~c;
}
std::string le32(uint32_t v) { return bytes({int(v & 0xFF), int((v >> 8) & 0xFF), int((v >> 16) & 0xFF), int(v >> 24)}); }
}  // namespace

TEST_CASE("crc32c matches the published test vectors") {
    CHECK(crc32c("123456789") == 0xE3069283u);            // the standard check value
    CHECK(crc32c(std::string(32, '\0')) == 0x8A9136AAu);    // RFC 3720 B.4: 32 bytes of zeros
    CHECK(crc32c(std::string(32, '\xFF')) == 0x62A8AB43u);  // 32 bytes of ones
    std::string up, down;
    for (int i = 0; i < 32; ++i) {
        up.push_back(static_cast<char>(i));
        down.push_back(static_cast<char>(31 - i));
    }
    CHECK(crc32c(up) == 0x46DD794Eu);    // incrementing 00..1f
    CHECK(crc32c(down) == 0x113FDB5Cu);  // decrementing 1f..00
    CHECK(crc32c("") == 0u);
    for (const std::string& s : {std::string("loss"), up, std::string(1000, 'x')}) CHECK(crc32c(s) == crc32c_bitwise(s));
    // Masking: rotate right by 15, add 0xa282ead8.
    const uint32_t c = crc32c("123456789");
    CHECK(masked_crc32c("123456789") == ((c >> 15) | (c << 17)) + 0xa282ead8u);
}

TEST_CASE("scalar event record is byte exact against a hand-built TFRecord") {
    // Event{wall_time: 1.5, step: 3, summary{value{tag: "loss", simple_value: 0.25}}} by the wire format:
    // 0x09 = field 1 wire type 1 (fixed64), 1.5 = 0x3FF8000000000000 little-endian;
    // 0x10 = field 2 varint, 3; 0x2A = field 5 length-delimited, 13 bytes of Summary:
    //   0x0A = Summary.value, 11 bytes: 0x0A 0x04 "loss" (tag), 0x15 = field 2 fixed32, 0.25f = 0x3E800000.
    const std::string event = bytes({0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x10, 0x03, 0x2A, 0x0D, 0x0A, 0x0B, 0x0A, 0x04,
                                     'l', 'o', 's', 's', 0x15, 0x00, 0x00, 0x80, 0x3E});
    CHECK(encode_scalar_event(1.5, 3, "loss", 0.25f) == event);
    // TFRecord: uint64 length 26 little-endian, masked CRC-32C of those 8 bytes, data, masked CRC of data.
    const std::string len = bytes({26, 0, 0, 0, 0, 0, 0, 0});
    auto mask = [](uint32_t x) { return ((x >> 15) | (x << 17)) + 0xa282ead8u; };
    const std::string record = len + le32(mask(crc32c_bitwise(len))) + event + le32(mask(crc32c_bitwise(event)));
    CHECK(tfrecord_frame(event) == record);
    CHECK(record.size() == 8 + 4 + 26 + 4);
    // Step 0 is omitted as proto3 does; the file-version event is wall_time + field 3.
    CHECK(encode_scalar_event(1.5, 0, "a", 1.0f).substr(9, 1) == bytes({0x2A}));
    CHECK(encode_file_version_event(1.5) == bytes({0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x1A, 13}) + "brain.Event:2");
}

TEST_CASE("event file round trip and corrupt records") {
    const fs::path dir = fs::path(MLSYS_TEST_TMP_DIR) / "tfevents";
    fs::remove_all(dir);
    std::vector<ScalarPoint> points{{"loss", 0, 1700000000.25, 2.5f}, {"loss", 100, 1700000001.5, 0.75f},
                                    {"val/accuracy", 100, 1700000001.5, 0.875f}, {"loss", 1LL << 40, 1700000002.0, -1.0f}};
    auto path = write_tfevents_file(dir, 1700000000.0, points);
    REQUIRE_MESSAGE(path.ok(), path.error());
    CHECK(path->filename() == "events.out.tfevents.1700000000.mlsyslab");
    auto text = mlsys::core::read_file(*path);
    REQUIRE(text.ok());
    auto back = read_tfevents(*text);
    REQUIRE_MESSAGE(back.ok(), back.error());
    CHECK(back->file_version == "brain.Event:2");
    REQUIRE(back->points.size() == 4);
    for (size_t i = 0; i < 4; ++i) {
        CHECK(back->points[i].tag == points[i].tag);
        CHECK(back->points[i].step == points[i].step);
        CHECK(back->points[i].wall_time_s == points[i].wall_time_s);
        CHECK(back->points[i].value == points[i].value);
    }
    std::string bad = *text;
    bad[bad.size() - 6] ^= 1;  // a byte of the last payload
    auto r = read_tfevents(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "record 5: payload CRC mismatch");
    auto cut = read_tfevents(text->substr(0, text->size() - 3));
    REQUIRE_FALSE(cut.ok());
    CHECK(cut.error() == "record 5: payload cut short");
}

TEST_CASE("zip writer round trip with stored and deflated entries") {
    const fs::path dir = fs::path(MLSYS_TEST_TMP_DIR) / "zip";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path file = dir / "bundle.zip";
    std::string big;
    for (int i = 0; i < 5000; ++i) big += std::to_string(i) + ",0.5\n";
    {
        auto w = ZipWriter::create(file);
        REQUIRE(w.ok());
        REQUIRE(w->add("run-a/metrics.csv", big, 1700000000).ok());
        REQUIRE(w->add("run-a/empty.txt", "", 1700000000).ok());
        REQUIRE(w->add("run-b/x", "\x01\x02", 0).ok());
        REQUIRE(w->finish().ok());
    }
    auto archive = mlsys::core::read_file(file);
    REQUIRE(archive.ok());
    CHECK(archive->size() < big.size() / 2);  // deflated
    CHECK(archive->substr(0, 4) == "PK\x03\x04");
    auto entries = read_zip(*archive);
    REQUIRE_MESSAGE(entries.ok(), entries.error());
    REQUIRE(entries->size() == 3);
    CHECK((*entries)[0].name == "run-a/metrics.csv");
    CHECK((*entries)[0].bytes == big);
    CHECK((*entries)[1].bytes.empty());
    CHECK((*entries)[2].bytes == "\x01\x02");
    std::string bad = *archive;
    bad[40 + 30] ^= 0x55;  // inside the first entry's deflate stream
    CHECK_FALSE(read_zip(bad).ok());
    auto nz = read_zip("hello world, not a zip archive");
    REQUIRE_FALSE(nz.ok());
    CHECK(nz.error() == "not a zip archive (no end-of-central-directory record)");
}

TEST_CASE("png encoder writes a valid container") {
    std::vector<uint8_t> rgb(4 * 3 * 3, 0);
    rgb[0] = 255;  // top-left red
    const std::string png = encode_png_rgb(4, 3, rgb);
    CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(png.substr(12, 4) == "IHDR");
    CHECK(png.substr(16, 8) == bytes({0, 0, 0, 4, 0, 0, 0, 3}));
    CHECK(png.substr(24, 2) == bytes({8, 2}));
    CHECK(png.substr(png.size() - 8, 4) == "IEND");
}
