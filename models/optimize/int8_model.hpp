// The int8 model: a network as an integer-only microcontroller runs it — int8 weights and activations,
// int32 biases and accumulators, a fixed-point multiplier and shift per output channel, fused ReLU as a
// clamp, lookup tables for sigmoid/tanh. Built from a float Model by post-training quantization
// (quantize_model), run by the integer kernels (int8_infer) or the exact reference (int8_reference.hpp),
// written to bytes by int8_export.hpp. The layout of each field is what docs/INT8_FORMAT.md documents.
#pragma once

#include "models/core/result.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/optimize/quant_params.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::models::optimize {

// Operator codes (also the byte values in the exported format).
enum class QOp : uint8_t {
    Conv2D = 1,           // weights [out_c][kh][kw][in_c]
    DepthwiseConv2D = 2,  // weights [kh][kw][c]
    Dense = 3,            // weights [out][in]
    MaxPool = 4,
    AvgPool = 5,          // padding not counted in the average
    GlobalAvgPool = 6,
    Relu = 7,             // standalone: out = max(in, zero_point)
    Lut = 8,              // out = lut[in + 128] (sigmoid, tanh)
};
const char* to_string(QOp op);

struct QLayer {
    QOp op = QOp::Dense;
    std::string name;  // the float layer it came from ("conv2d_1")
    int in_h = 1, in_w = 1, in_c = 1;
    int out_h = 1, out_w = 1, out_c = 1;
    int kernel_h = 1, kernel_w = 1, stride = 1, padding = 0;
    QuantParams in_q, out_q;       // activation parameters (out_q == in_q for pools and relu)
    int32_t act_min = -128;        // output clamp: a fused ReLU raises act_min to out_q.zero_point
    int32_t act_max = 127;
    bool fused_relu = false;
    // Weighted ops only. Per-channel vectors have out_c entries (depthwise: c); per-tensor ones have 1.
    std::vector<int8_t> weights;
    std::vector<float> weight_scale;
    std::vector<int32_t> weight_zero_point;
    std::vector<int32_t> bias;                 // out_c entries, scale in_scale * weight_scale[c], zero point 0
    std::vector<FixedPointMultiplier> requant; // out_c entries: in_scale * weight_scale[c] / out_scale
    std::vector<int8_t> lut;                   // Lut only: 256 entries

    int64_t in_elems() const { return int64_t(in_h) * in_w * in_c; }
    int64_t out_elems() const { return int64_t(out_h) * out_w * out_c; }
    int64_t macs() const;
};

struct QuantizedModel {
    std::string name;
    Shape input_shape;  // per sample
    int n_classes = 0;
    QuantParams input_q;  // how float inputs become int8
    std::vector<QLayer> layers;
    int weight_bits = 8;
    int act_bits = 8;
    bool act_symmetric = false;  // activation codes in [-(2^(b-1) - 1), 2^(b-1) - 1] instead of the full range

    const QuantParams& output_q() const { return layers.back().out_q; }
    int64_t weight_bytes() const;    // int8 weights
    int64_t parameter_bytes() const; // weights + int32 biases + multipliers/shifts + scales + LUTs
    int64_t total_macs() const;
    int64_t max_activation_elems() const;  // the largest input or output of one layer
};

struct QuantConfig {
    int weight_bits = 8;              // 2..8 (stored in int8)
    int act_bits = 8;                 // 2..8
    bool per_channel = true;          // one weight scale per output channel
    bool weight_symmetric = true;     // zero point 0, restricted range
    bool act_symmetric = false;       // activations: asymmetric (full range) by default
    CalibMethod calib = CalibMethod::MinMax;
    double percentile = 99.99;
    int n_calib = 500;                // calibration samples taken from the front of the calibration set
};
nlohmann::json to_json(const QuantConfig& c);

// Post-training quantization: folds batchnorm into the preceding conv, fuses ReLU, calibrates every
// activation range on `calib` and quantizes weights. Errors name the layer that has no int8 form.
core::Result<QuantizedModel> quantize_model(Model& model, const Dataset& calib, const QuantConfig& config);

// The layers whose outputs become int8 tensors in quantize_model (after folding and fusion): what
// quantization-aware training fake-quantizes. Errors like quantize_model's for layers without an int8 form.
core::Result<std::vector<int>> quantization_points(Model& model);

// Integer-only inference of one sample: `input` has in_elems of layer 0, `output` gets n_classes int8
// logits. `scratch` is resized as needed (two ping-pong activation buffers). No floating point.
void int8_infer(const QuantizedModel& m, const int8_t* input, int8_t* output, std::vector<int8_t>& scratch);

// The float input quantized with input_q (what the desktop sends to a board).
void quantize_input(const QuantizedModel& m, const float* x, int8_t* q);

struct Int8Eval {
    int n_samples = 0;
    double accuracy = 0;
    std::vector<int> predictions;
};
// The exact reference of int8_infer for a batch (inputs: n samples back to back): the same defining formula
// q_out = clamp(z_out + floor(M * (bias + sum (q_x - z_x)(q_w - z_w)) + 1/2)) evaluated another way — in
// extended-precision floating point over whole NHWC tensors with the engine's HWIO weight order, where
// every product and sum is exact. Returns n x n_classes logits. Slow; for tests.
std::vector<int8_t> int8_reference_infer(const QuantizedModel& m, const std::vector<int8_t>& inputs, int n);

// Accuracy of the integer path on `data` (its first `limit` samples when > 0).
Int8Eval evaluate_int8(const QuantizedModel& m, const Dataset& data, int limit = 0);

}  // namespace mlsys::models::optimize
