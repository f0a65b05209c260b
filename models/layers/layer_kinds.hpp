// Factories of the concrete layers (each defined in its own .cpp); used by make_layer only.
#pragma once

#include "models/layers/layer.hpp"

namespace mlsys::models::detail {

std::unique_ptr<Layer> make_dense(const LayerSpec& spec);
std::unique_ptr<Layer> make_conv2d(const LayerSpec& spec);
std::unique_ptr<Layer> make_depthwise_conv2d(const LayerSpec& spec);
std::unique_ptr<Layer> make_pool2d(const LayerSpec& spec);          // max and average
std::unique_ptr<Layer> make_global_avgpool(const LayerSpec& spec);
std::unique_ptr<Layer> make_flatten(const LayerSpec& spec);
std::unique_ptr<Layer> make_activation(const LayerSpec& spec);      // relu, sigmoid, tanh
std::unique_ptr<Layer> make_softmax(const LayerSpec& spec);
std::unique_ptr<Layer> make_dropout(const LayerSpec& spec);
std::unique_ptr<Layer> make_batchnorm(const LayerSpec& spec);

// He-normal initialisation, std = sqrt(2 / fan_in) (He et al., ICCV 2015), suited to ReLU networks.
void he_normal(Tensor& w, int64_t fan_in, core::Rng& rng);

// Output size of a sliding window: floor((in + 2 pad - k) / stride) + 1, or 0 when the window does not fit.
int window_out(int in, int k, int stride, int pad);

}  // namespace mlsys::models::detail
