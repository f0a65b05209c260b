// The int8 model a board runs (docs/PROTOCOL.md "Model format"): dense layers with int8 weights, int32
// biases and fixed-point requantization, its compact binary form ("MLB1", uploaded over serial), and the
// desktop's integer-only reference inference, which the firmware must match bit for bit.
#pragma once

#include "models/core/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::hardware {

// One fully connected layer with per-output-channel requantization:
//   acc[o] = bias[o] + sum_i weights[o][i] * (x[i] - input_zero_point)
//   y[o]   = clamp(output_zero_point + ((acc[o] * multiplier[o] + 2^(shift[o]-1)) >> shift[o]), act_min, act_max)
// (64-bit product, arithmetic shift: round half up). A fused ReLU is act_min = output_zero_point. This is
// the integer-only arithmetic of models/optimize (docs/OPTIMIZE.md) restricted to symmetric weights.
struct BoardDenseLayer {
    int n_in = 0;
    int n_out = 0;
    int8_t input_zero_point = 0;
    int8_t output_zero_point = 0;
    int8_t act_min = -128;
    int8_t act_max = 127;
    std::vector<int8_t> weights;      // n_out x n_in, row-major (one row per output)
    std::vector<int32_t> bias;        // n_out, in units of input_scale * weight_scale[o]
    std::vector<int32_t> multiplier;  // n_out, in [0, 2^31)
    std::vector<uint8_t> shift;       // n_out, total right shift in [1, 62]
};

struct BoardModel {
    float input_scale = 1.0f;  // real = input_scale * (q - input_zero_point); the host quantizes inputs
    float output_scale = 1.0f; // real score = output_scale * (q - output_zero_point)
    std::vector<BoardDenseLayer> layers;

    int n_inputs() const { return layers.empty() ? 0 : layers.front().n_in; }
    int n_outputs() const { return layers.empty() ? 0 : layers.back().n_out; }
    int8_t input_zero_point() const { return layers.empty() ? int8_t{0} : layers.front().input_zero_point; }
    int8_t output_zero_point() const { return layers.empty() ? int8_t{0} : layers.back().output_zero_point; }
    int64_t n_macs() const;
};

// Limits of the format (the firmware's buffers are sized from these; a board may report smaller ones).
inline constexpr int kBoardMaxLayers = 8;
inline constexpr int kBoardMaxWidth = 64;
inline constexpr size_t kBoardModelHeaderBytes = 16;
inline constexpr size_t kBoardLayerHeaderBytes = 10;

// Checks shapes, chaining, zero points and shifts; the message names the layer and the field.
[[nodiscard]] core::Status validate_board_model(const BoardModel& m);

// The binary form: little-endian, "MLB1" magic, version 1 (layout in docs/PROTOCOL.md).
std::vector<uint8_t> write_board_model(const BoardModel& m);
// Parses the binary form; every count is checked against the bytes present before it is used.
[[nodiscard]] core::Result<BoardModel> parse_board_model(const std::vector<uint8_t>& bytes);

// The desktop integer-only reference: int8 input (already quantized) -> int8 outputs of the last layer.
// The input size must equal n_inputs() (checked).
std::vector<int8_t> infer_board_model(const BoardModel& m, const std::vector<int8_t>& input);
// Index of the largest output (the first one on ties), as the firmware reports it.
int argmax_int8(const std::vector<int8_t>& v);

// Real-valued input -> int8 with the model's input scale and zero point (round half away from zero, clamp).
std::vector<int8_t> quantize_input(const BoardModel& m, const std::vector<float>& x);
// int8 outputs -> real scores.
std::vector<float> dequantize_output(const BoardModel& m, const std::vector<int8_t>& q);

// A real multiplier 0 < M < 2^31 as (multiplier, shift): M = multiplier * 2^-shift, multiplier in
// [2^30, 2^31), shift in 1..62.
[[nodiscard]] core::Status quantize_multiplier(double real_multiplier, int32_t& multiplier, uint8_t& shift);

// One requantization step exactly as the firmware does it (exposed for tests): round half up of
// acc * multiplier / 2^shift, before the zero point and clamp.
int32_t requantize(int32_t acc, int32_t multiplier, int shift);

}  // namespace mlsys::hardware

namespace mlsys::hardware {
// A model with seeded random int8 weights for the given widths (e.g. {12, 16, 4}): hidden layers with
// ReLU, multipliers chosen so outputs spread over the int8 range. For tests and benchmarks.
BoardModel random_board_model(const std::vector<int>& widths, uint64_t seed);
}  // namespace mlsys::hardware
