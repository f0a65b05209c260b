// Layer base: build() bookkeeping, parameter counting, the factory, shared initialisation helpers.
#include "models/layers/layer.hpp"

#include "models/layers/layer_kinds.hpp"

#include <cmath>

namespace mlsys::models {

core::Status Layer::build(const Shape& input_shape) {
    for (int d : input_shape)
        if (d <= 0) return core::fail(name() + ": input shape " + shape_str(input_shape) + " has an empty dimension");
    in_shape_ = input_shape;
    auto out = do_build(input_shape);
    if (!out) return core::fail(name().empty() ? out.error() : name() + ": " + out.error());
    out_shape_ = *out;
    return core::Status::success();
}

int64_t Layer::n_params() {
    int64_t n = 0;
    for (const auto& p : params()) n += p.value->size();
    return n;
}

core::Result<std::unique_ptr<Layer>> make_layer(const LayerSpec& spec) {
    switch (spec.kind) {
    case LayerKind::Dense: return detail::make_dense(spec);
    case LayerKind::Conv2D: return detail::make_conv2d(spec);
    case LayerKind::DepthwiseConv2D: return detail::make_depthwise_conv2d(spec);
    case LayerKind::MaxPool2D:
    case LayerKind::AvgPool2D: return detail::make_pool2d(spec);
    case LayerKind::GlobalAvgPool: return detail::make_global_avgpool(spec);
    case LayerKind::Flatten: return detail::make_flatten(spec);
    case LayerKind::ReLU:
    case LayerKind::Sigmoid:
    case LayerKind::Tanh: return detail::make_activation(spec);
    case LayerKind::Softmax: return detail::make_softmax(spec);
    case LayerKind::Dropout: return detail::make_dropout(spec);
    case LayerKind::BatchNorm: return detail::make_batchnorm(spec);
    }
    return core::fail("unknown layer kind");
}

namespace detail {

void he_normal(Tensor& w, int64_t fan_in, core::Rng& rng) {
    const double stddev = std::sqrt(2.0 / static_cast<double>(fan_in > 0 ? fan_in : 1));
    for (auto& v : w.data) v = static_cast<float>(rng.normal(0.0, stddev));
}

int window_out(int in, int k, int stride, int pad) {
    const int span = in + 2 * pad - k;
    if (span < 0 || stride <= 0) return 0;
    return span / stride + 1;
}

}  // namespace detail
}  // namespace mlsys::models
