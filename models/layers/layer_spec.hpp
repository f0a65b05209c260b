// LayerSpec: a layer described as data (the JSON form models are written in) and its parser.
#pragma once

#include "models/core/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace mlsys::models {

enum class LayerKind {
    Dense,
    Conv2D,
    DepthwiseConv2D,
    MaxPool2D,
    AvgPool2D,
    GlobalAvgPool,
    Flatten,
    ReLU,
    Sigmoid,
    Tanh,
    Softmax,
    Dropout,
    BatchNorm,
};

// JSON "type" names: dense, conv2d, depthwise_conv2d, maxpool2d, avgpool2d, global_avgpool, flatten, relu,
// sigmoid, tanh, softmax, dropout, batchnorm.
const char* to_string(LayerKind kind);
core::Result<LayerKind> parse_layer_kind(const std::string& name);

struct LayerSpec {
    LayerKind kind = LayerKind::Dense;
    std::string name;      // unique within a model; the model fills in "conv2d_1" etc. when empty
    int units = 0;         // dense: output features
    int filters = 0;       // conv2d: output channels
    int kernel_h = 3;      // conv2d, depthwise_conv2d; pools: window height
    int kernel_w = 3;
    int stride = 1;        // conv, depthwise, pools (pools default to their window)
    int padding = 0;       // symmetric zero padding in pixels ("same" -> (kernel - 1) / 2, "valid" -> 0)
    bool use_bias = true;  // dense, conv2d, depthwise_conv2d
    float rate = 0.5f;     // dropout: probability of dropping an activation
    float momentum = 0.9f; // batchnorm running statistics: running = momentum * running + (1 - momentum) * batch
    float epsilon = 1e-5f; // batchnorm
};

// Parses one layer object, e.g. {"type": "conv2d", "filters": 16, "kernel": 3, "padding": "same"}.
// `where` prefixes error messages ("layers[2]"); unknown keys are refused so typos are caught.
core::Result<LayerSpec> parse_layer_spec(const nlohmann::json& j, const std::string& where);
nlohmann::json to_json(const LayerSpec& spec);

}  // namespace mlsys::models
