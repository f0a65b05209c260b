// The optimization issue's int8 model on the board: the `tiny` preset quantized by models/optimize converts
// to the board format, the desktop board reference equals models::optimize::int8_infer bit for bit, and
// the virtual board running the real firmware returns the same int8 outputs. Models the board cannot run
// are refused with the layer named.
#include "hardware/boards/board_client.hpp"
#include "hardware/boards/from_quantized.hpp"
#include "hardware/virtual/virtual_board.hpp"
#include "models/model/model.hpp"
#include "models/optimize/int8_export.hpp"

#include "models/core/rng.hpp"

#include <doctest/doctest.h>

using namespace mlsys;
using namespace mlsys::hardware;
using namespace mlsys::models;
using namespace mlsys::models::optimize;

TEST_SUITE_BEGIN("hardware.boards");

namespace {
QuantizedModel quantized_preset(const std::string& preset, bool per_channel) {
    auto spec = *preset_spec(preset);
    Dataset d;
    d.name = "synthetic";
    d.sample_shape = spec.input_shape;
    d.n_classes = spec.n_classes;
    for (int c = 0; c < spec.n_classes; ++c) d.class_names.push_back("c" + std::to_string(c));
    d.x = Tensor(batched(40, spec.input_shape));
    core::Rng rng(11);
    for (auto& v : d.x.data) v = float(rng.uniform(-2.0, 2.0));
    for (int i = 0; i < 40; ++i) d.y.push_back(i % spec.n_classes);
    auto model = Model::build(spec, 2);
    REQUIRE(model.ok());
    QuantConfig cfg;
    cfg.per_channel = per_channel;
    auto q = quantize_model(*model, d, cfg);
    REQUIRE_MESSAGE(q.ok(), q.error());
    return *q;
}
}  // namespace

TEST_CASE("board reference equals the optimize integer kernels on the tiny preset") {
    for (bool per_channel : {true, false}) {
        CAPTURE(per_channel);
        const QuantizedModel q = quantized_preset("tiny", per_channel);
        auto image = serialize_int8(q);
        REQUIRE(image.ok());
        auto m = parse_any_board_model(std::vector<uint8_t>(image->begin(), image->end()), "tiny.mlq8");
        REQUIRE_MESSAGE(m.ok(), m.error());
        CHECK(m->n_inputs() == 6);
        CHECK(m->n_outputs() == 3);
        core::Rng rng(3);
        std::vector<int8_t> scratch;
        for (int t = 0; t < 500; ++t) {
            std::vector<int8_t> x(6);
            for (auto& v : x) v = static_cast<int8_t>(static_cast<int>(rng.uniform_int(256)) - 128);
            std::vector<int8_t> expect(3);
            int8_infer(q, x.data(), expect.data(), scratch);
            CHECK(infer_board_model(*m, x) == expect);
        }
    }
}

TEST_CASE("virtual board runs a model from models optimize bit for bit") {
    const QuantizedModel q = quantized_preset("tiny", true);
    auto m = board_model_from_quantized(q);
    REQUIRE_MESSAGE(m.ok(), m.error());
    VirtualBoardConfig cfg;
    cfg.speed = 0;
    auto vb = VirtualBoard::start(cfg);
    REQUIRE_MESSAGE(vb.ok(), vb.error());
    auto c = BoardClient::open((*vb)->port_path());
    REQUIRE(c.ok());
    REQUIRE((*c)->hello().ok());
    REQUIRE((*c)->upload_model(write_board_model(*m)).ok());
    core::Rng rng(8);
    std::vector<int8_t> scratch;
    for (int t = 0; t < 10; ++t) {
        std::vector<float> xf(6);
        for (auto& v : xf) v = float(rng.uniform(-2.0, 2.0));
        std::vector<int8_t> x(6);
        quantize_input(q, xf.data(), x.data());
        CHECK(x == quantize_input(*m, xf));  // the same input quantization on both paths
        std::vector<int8_t> expect(3);
        int8_infer(q, x.data(), expect.data(), scratch);
        auto r = (*c)->infer(x, 3);
        REQUIRE_MESSAGE(r.ok(), r.error());
        CHECK(r->scores == expect);
        CHECK(r->cycles > 0);
    }
}

TEST_CASE("models the board cannot run are refused by layer") {
    const QuantizedModel cnn = quantized_preset("cnn", true);
    auto m = board_model_from_quantized(cnn);
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().find("layer 0") != std::string::npos);
    CHECK(m.error().find("dense layers only") != std::string::npos);
    const QuantizedModel play = quantized_preset("playground", true);  // tanh becomes a lookup table
    CHECK_FALSE(board_model_from_quantized(play).ok());
}
