// The optimization issue's int8 model runs on the board format unchanged: a quantized tiny model converted
// to MLB1 gives, through the board's reference inference, exactly the desktop integer-only outputs.
#include "hardware/boards/board_from_int8.hpp"

#include <doctest/doctest.h>

using namespace mlsys;

TEST_SUITE_BEGIN("hardware.board_model");

namespace {
models::Dataset synthetic(int n) {
    models::Dataset d;
    d.name = "synthetic";
    d.sample_shape = {6};
    d.n_classes = 3;
    d.class_names = {"a", "b", "c"};
    d.x = models::Tensor({n, 6});
    core::Rng rng(9);
    for (auto& v : d.x.data) v = float(rng.uniform(-2, 2));
    for (int i = 0; i < n; ++i) d.y.push_back(i % 3);
    return d;
}
}  // namespace

TEST_CASE("a quantized tiny model converts to MLB1 and infers bit for bit like the desktop int8 path") {
    auto model = models::Model::build(*models::preset_spec("tiny"), 4);
    REQUIRE(model.ok());
    const auto data = synthetic(200);
    for (bool per_channel : {true, false}) {
        models::optimize::QuantConfig qc;
        qc.per_channel = per_channel;
        auto q = models::optimize::quantize_model(*model, data, qc);
        REQUIRE(q.ok());
        auto b = hardware::board_model_from_int8(*q);
        REQUIRE_MESSAGE(b.ok(), b.error());
        CHECK(b->n_inputs() == 6);
        CHECK(b->n_outputs() == 3);
        auto parsed = hardware::parse_board_model(hardware::write_board_model(*b));
        REQUIRE(parsed.ok());
        std::vector<int8_t> in(6), desk(3), scratch;
        for (int i = 0; i < data.size(); ++i) {
            models::optimize::quantize_input(*q, data.sample(i), in.data());
            models::optimize::int8_infer(*q, in.data(), desk.data(), scratch);
            CHECK(hardware::infer_board_model(*parsed, in) == desk);
        }
    }
}

TEST_CASE("models the board cannot run are refused with the layer named") {
    models::Dataset img;
    img.name = "img";
    img.sample_shape = {28, 28, 1};
    img.n_classes = 10;
    for (int c = 0; c < 10; ++c) img.class_names.push_back(std::to_string(c));
    img.x = models::Tensor({4, 28, 28, 1}, 0.5f);
    img.y = {0, 1, 2, 3};
    auto cnn = models::Model::build(*models::preset_spec("cnn"), 1);
    REQUIRE(cnn.ok());
    auto q = models::optimize::quantize_model(*cnn, img, {});
    REQUIRE(q.ok());
    auto b = hardware::board_model_from_int8(*q);
    REQUIRE(!b.ok());
    CHECK(b.error().find("layer 0 (conv2d_1): conv2d has no board form") != std::string::npos);
    auto tiny = models::Model::build(*models::preset_spec("tiny"), 4);
    models::optimize::QuantConfig asym;
    asym.weight_symmetric = false;
    auto qa = models::optimize::quantize_model(*tiny, synthetic(50), asym);
    REQUIRE(qa.ok());
    auto ba = hardware::board_model_from_int8(*qa);
    REQUIRE(!ba.ok());
    CHECK(ba.error().find("asymmetric weights") != std::string::npos);
}

TEST_SUITE_END();
