// The int8 board model: the MLB1 binary form round-trips and refuses damaged bytes by name; the integer
// reference gives hand-computed outputs; requantization rounds half up exactly.
#include "hardware/boards/board_model.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace mlsys;
using namespace mlsys::hardware;

TEST_SUITE_BEGIN("hardware.boards");

namespace {
// 2 inputs -> 2 outputs with ReLU -> 1 output; numbers chosen to compute by hand.
BoardModel tiny_model() {
    BoardModel m;
    BoardDenseLayer a;
    a.n_in = 2;
    a.n_out = 2;
    a.input_zero_point = 1;
    a.output_zero_point = -3;
    a.act_min = -3;  // fused ReLU
    a.weights = {2, -1, 3, 4};
    a.bias = {10, -200};
    a.multiplier = {1 << 30, 1 << 30};  // 0.5 * 2^31
    a.shift = {31, 32};                 // M = 0.5 and 0.25
    BoardDenseLayer b;
    b.n_in = 2;
    b.n_out = 1;
    b.input_zero_point = -3;
    b.output_zero_point = 5;
    b.weights = {1, 1};
    b.bias = {0};
    b.multiplier = {1 << 30};
    b.shift = {30};  // M = 1
    m.layers = {a, b};
    return m;
}
}  // namespace

TEST_CASE("requantize rounds half up") {
    // M = 0.5: 3 -> 1.5 -> 2; -3 -> -1.5 -> -1; 5 -> 2.5 -> 3
    CHECK(requantize(3, 1 << 30, 31) == 2);
    CHECK(requantize(-3, 1 << 30, 31) == -1);
    CHECK(requantize(5, 1 << 30, 31) == 3);
    CHECK(requantize(-5, 1 << 30, 31) == -2);
    int32_t m = 0;
    uint8_t s = 0;
    REQUIRE(quantize_multiplier(0.75, m, s).ok());
    CHECK(m == 1610612736);  // 0.75 * 2^31
    CHECK(s == 31);
    REQUIRE(quantize_multiplier(0.001, m, s).ok());
    CHECK(std::abs(double(m) / std::pow(2.0, s) - 0.001) < 1e-12);
    CHECK_FALSE(quantize_multiplier(-1, m, s).ok());
}

TEST_CASE("integer reference gives hand-computed outputs") {
    const BoardModel m = tiny_model();
    REQUIRE(validate_board_model(m).ok());
    // x = (5, -2), x - zp = (4, -3)
    // o0: 10 + 2*4 - 1*-3 = 21 -> 21*0.5 = 10.5 -> 11 -> 11 - 3 = 8
    // o1: -200 + 3*4 + 4*-3 = -200 -> -50 -> -53 -> ReLU clamp at -3
    // layer 2: (8+3) + (-3+3) = 11 -> 11 + 5 = 16
    CHECK(infer_board_model(m, {5, -2}) == std::vector<int8_t>{16});
    // saturation: a huge input drives o0 far above 127
    BoardModel big = m;
    big.layers[0].bias = {100000, 0};
    CHECK(infer_board_model(big, {5, -2}) == std::vector<int8_t>{127});
    CHECK(argmax_int8({3, 9, 9, -1}) == 1);
}

TEST_CASE("MLB1 round trips and damaged bytes are refused by name") {
    const BoardModel m = random_board_model({12, 16, 4}, 7);
    const auto bytes = write_board_model(m);
    CHECK(bytes.size() == 16 + (10 + 12 * 16 + 9 * 16) + (10 + 16 * 4 + 9 * 4));
    auto back = parse_board_model(bytes);
    REQUIRE_MESSAGE(back.ok(), back.error());
    CHECK(write_board_model(*back) == bytes);
    CHECK(back->n_inputs() == 12);
    CHECK(back->n_outputs() == 4);

    auto damaged = bytes;
    damaged[0] = 'X';
    CHECK(parse_board_model(damaged).error().find("bad magic") != std::string::npos);
    damaged = bytes;
    damaged.resize(bytes.size() - 1);
    CHECK(parse_board_model(damaged).error().find("layers[1]: truncated") != std::string::npos);
    damaged = bytes;
    damaged.push_back(0);
    CHECK(parse_board_model(damaged).error().find("1 trailing bytes") != std::string::npos);
    damaged = bytes;
    damaged[16 + 2] = 200;  // n_in of layer 0
    CHECK(parse_board_model(damaged).error().find("outside 1..64") != std::string::npos);
    damaged = bytes;
    damaged[bytes.size() - 1] = 0;  // last shift
    CHECK(parse_board_model(damaged).error().find("shift[3] = 0") != std::string::npos);
    CHECK(parse_board_model({}).error().find("shorter than") != std::string::npos);
}

TEST_CASE("input quantization rounds and clamps") {
    BoardModel m = tiny_model();
    m.input_scale = 0.5f;
    CHECK(quantize_input(m, {1.0f, -1.25f, 1000.0f, -1000.0f}) == std::vector<int8_t>{3, -2, 127, -128});
}
