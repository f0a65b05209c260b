// Workload: a network as the simulators see it (DESIGN.md "One idea") — its layers, their per-sample
// shapes, GEMM lowering, parameters and MACs. Built from an in-app model (make_workload in model.hpp) or
// from a real topology file (sim/accel reads SCALE-Sim CSVs). Plain data; no Eigen, no engine state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::models {

enum class OpKind {
    Dense,           // out[1 x N] = in[1 x K] * W[K x N] per sample
    Conv2D,          // im2col GEMM: M = out_h*out_w, N = filters, K = kernel_h*kernel_w*in_c
    DepthwiseConv2D, // one GEMM per channel: M = out_h*out_w, N = 1, K = kernel_h*kernel_w; n_gemms = channels
    Gemm,            // a plain GEMM from a topology (e.g. a BERT projection), M x K times K x N
    MaxPool,
    AvgPool,
    GlobalAvgPool,
    Elementwise,     // activations (relu, sigmoid, tanh), dropout at inference
    Softmax,
    BatchNorm,
    Reshape,         // flatten: no arithmetic, no traffic beyond a view
};
const char* to_string(OpKind op);
// True for ops that run on a MAC array (dense, conv, depthwise, gemm); the rest run on a vector unit.
bool is_matrix_op(OpKind op);

struct WorkloadLayer {
    std::string name;
    std::string type;  // the layer's own type name ("conv2d", "relu", "gemm", ...)
    OpKind op = OpKind::Elementwise;
    // Per-sample shapes, NHWC; dense layers use h = w = 1 and c = features.
    int in_h = 1, in_w = 1, in_c = 1;
    int out_h = 1, out_w = 1, out_c = 1;
    int kernel_h = 1, kernel_w = 1;
    int stride = 1;
    int padding = 0;
    // GEMM lowering per sample: out[M x N] = in[M x K] * W[K x N], repeated n_gemms times.
    int64_t gemm_m = 0, gemm_n = 0, gemm_k = 0;
    int64_t n_gemms = 0;
    int64_t n_weights = 0;  // weight elements, biases excluded
    int64_t n_biases = 0;   // biases and other per-channel parameters (batchnorm gamma/beta)
    int64_t macs = 0;       // multiply-accumulates per sample
    int64_t vector_ops = 0; // non-MAC element operations per sample (compares, exps, adds)

    int64_t input_elems() const { return int64_t(in_h) * in_w * in_c; }
    int64_t output_elems() const { return int64_t(out_h) * out_w * out_c; }
    int64_t n_params() const { return n_weights + n_biases; }
};

struct Workload {
    std::string name;
    std::vector<WorkloadLayer> layers;

    int64_t total_params() const;
    int64_t total_macs() const;  // per sample
    // The largest input + output activation of any single layer, per sample, in elements: what inference
    // must hold at once when it frees each buffer after its layer (BOOK.md: Tables 3.5, 3.6).
    int64_t peak_activation_elems() const;
    // Sum of every layer's output elements per sample: what training keeps for the backward pass.
    int64_t total_activation_elems() const;
};

}  // namespace mlsys::models
