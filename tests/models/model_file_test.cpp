// Model files: round trip, and refusal of truncated, corrupted and foreign files with a clear reason.
#include "models/io/model_file.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace mlsys::models;

TEST_SUITE_BEGIN("models.io");

namespace {
Model trained_looking_model() {
    auto m = Model::build(*preset_spec("dscnn"), 3);  // has batchnorm state as well as parameters
    REQUIRE(m.ok());
    for (auto& p : m->state())
        for (auto& v : p.value->data) v += 0.25f;  // state that differs from its initial value
    return std::move(*m);
}
}  // namespace

TEST_CASE("a saved model loads back bit-identical with its metadata") {
    Model m = trained_looking_model();
    const auto dir = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "model_file";
    std::filesystem::create_directories(dir);
    const auto path = dir / "m.mlsys";
    REQUIRE(save_model(path, m, {{"dataset", "fashion-mnist"}, {"test_accuracy", 0.9}}).ok());
    auto loaded = load_model(path);
    REQUIRE(loaded.ok());
    CHECK(loaded->metadata["dataset"] == "fashion-mnist");
    CHECK(to_json(loaded->model.spec()) == to_json(m.spec()));
    auto a = m.params(), b = loaded->model.params();
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) CHECK(a[i].value->data == b[i].value->data);
    auto sa = m.state(), sb = loaded->model.state();
    REQUIRE(sa.size() == sb.size());
    REQUIRE_FALSE(sa.empty());
    for (size_t i = 0; i < sa.size(); ++i) CHECK(sa[i].value->data == sb[i].value->data);
}

TEST_CASE("truncated - corrupted and foreign files are refused with the reason") {
    Model m = trained_looking_model();
    const std::string bytes = serialize_model(m);
    // Truncated anywhere after the header: reported as truncated with both sizes.
    auto cut = parse_model(bytes.substr(0, bytes.size() - 100), "m.mlsys");
    REQUIRE_FALSE(cut.ok());
    CHECK(cut.error() == "m.mlsys: truncated: expected " + std::to_string(bytes.size()) + " bytes, found " +
                             std::to_string(bytes.size() - 100));
    auto tiny = parse_model(bytes.substr(0, 10), "m.mlsys");
    CHECK(tiny.error() == "m.mlsys: file is too short (10 bytes) to be a model file");
    // One flipped bit in the weights: the CRC catches it.
    std::string flipped = bytes;
    flipped[bytes.size() - 50] ^= 0x10;
    auto bad = parse_model(flipped, "m.mlsys");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().find("checksum mismatch") != std::string::npos);
    CHECK(bad.error().find("the file is corrupted") != std::string::npos);
    // Not a model file at all.
    auto foreign = parse_model(std::string(100, 'x'), "notes.txt");
    CHECK(foreign.error() == "notes.txt: not an MLSys Lab model file (bad magic number)");
    // A newer version.
    std::string future = bytes;
    future[8] = 2;
    CHECK(parse_model(future, "m.mlsys").error() == "m.mlsys: model file version 2 is not supported (this build reads 1)");
    // Trailing garbage.
    CHECK(parse_model(bytes + "zz", "m.mlsys").error() == "m.mlsys: 2 unexpected bytes after the end of the model");
    CHECK(load_model("/nonexistent/m.mlsys").error().rfind("/nonexistent/m.mlsys: cannot open", 0) == 0);
}

TEST_SUITE_END();
