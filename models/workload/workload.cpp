// Workload totals.
#include "models/workload/workload.hpp"

#include <algorithm>

namespace mlsys::models {

const char* to_string(OpKind op) {
    switch (op) {
    case OpKind::Dense: return "dense";
    case OpKind::Conv2D: return "conv2d";
    case OpKind::DepthwiseConv2D: return "depthwise_conv2d";
    case OpKind::Gemm: return "gemm";
    case OpKind::MaxPool: return "maxpool";
    case OpKind::AvgPool: return "avgpool";
    case OpKind::GlobalAvgPool: return "global_avgpool";
    case OpKind::Elementwise: return "elementwise";
    case OpKind::Softmax: return "softmax";
    case OpKind::BatchNorm: return "batchnorm";
    case OpKind::Reshape: return "reshape";
    }
    return "?";
}

bool is_matrix_op(OpKind op) {
    return op == OpKind::Dense || op == OpKind::Conv2D || op == OpKind::DepthwiseConv2D || op == OpKind::Gemm;
}

int64_t Workload::total_params() const {
    int64_t n = 0;
    for (const auto& l : layers) n += l.n_params();
    return n;
}

int64_t Workload::total_macs() const {
    int64_t n = 0;
    for (const auto& l : layers) n += l.macs;
    return n;
}

int64_t Workload::peak_activation_elems() const {
    int64_t peak = 0;
    for (const auto& l : layers) peak = std::max(peak, l.input_elems() + l.output_elems());
    return peak;
}

int64_t Workload::total_activation_elems() const {
    int64_t n = 0;
    for (const auto& l : layers) n += l.output_elems();
    return n;
}

}  // namespace mlsys::models
