// Layer: the interface every engine layer implements (forward, backward, parameters, cost), and the
// factory that builds one from its LayerSpec. Layers keep the caches their backward pass needs, so one
// model instance belongs to one thread at a time.
#pragma once

#include "models/core/result.hpp"
#include "models/core/rng.hpp"
#include "models/layers/layer_spec.hpp"
#include "models/tensor/tensor.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mlsys::models {

// A trainable (or saved) tensor of a layer: its value and, for trainable ones, its gradient.
struct Param {
    std::string name;       // "weight", "bias", "gamma", "running_mean", ...
    Tensor* value = nullptr;
    Tensor* grad = nullptr; // null for non-trainable state
};

class Layer {
public:
    explicit Layer(LayerSpec spec) : spec_(std::move(spec)) {}
    virtual ~Layer() = default;
    Layer(const Layer&) = delete;
    Layer& operator=(const Layer&) = delete;

    const LayerSpec& spec() const { return spec_; }
    LayerKind kind() const { return spec_.kind; }
    const std::string& name() const { return spec_.name; }
    void set_name(std::string name) { spec_.name = std::move(name); }

    // Validates the per-sample input shape and allocates parameters (zeroed). The error names the layer
    // and the problem ("conv2d_1: kernel 5x5 is larger than the padded input 3x3").
    core::Status build(const Shape& input_shape);
    const Shape& input_shape() const { return in_shape_; }
    const Shape& output_shape() const { return out_shape_; }

    // Draws initial parameters (He-normal for weights, zero biases, BN gamma 1 beta 0).
    virtual void init_params(core::Rng& rng) { (void)rng; }

    // y = f(x) for a batch (x.shape = {N, input_shape...}); y is resized here. `training` selects dropout
    // and batch-statistics behaviour and lets the layer cache what backward needs.
    virtual void forward(const Tensor& x, Tensor& y, bool training) = 0;

    // Given the x and y of the last training forward and dL/dy, overwrites every parameter gradient with
    // dL/dparam and, when dx is not null, writes dL/dx (resized here).
    virtual void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) = 0;

    // Trainable parameters with their gradients.
    virtual std::vector<Param> params() { return {}; }
    // Non-trainable state saved with the model (batchnorm running statistics); grad is null.
    virtual std::vector<Param> state() { return {}; }

    // Multiply-accumulates per sample of the forward pass (0 for layers without multiplies).
    virtual int64_t macs_per_sample() const { return 0; }
    int64_t n_params();

    // Seeds the layer's own randomness (dropout masks).
    virtual void set_seed(uint64_t seed) { (void)seed; }

protected:
    // Returns the output shape for `in` (already stored in in_shape_) and allocates parameters, or an error.
    virtual core::Result<Shape> do_build(const Shape& in) = 0;

    LayerSpec spec_;
    Shape in_shape_;
    Shape out_shape_;
};

// Builds the layer a spec describes (not yet built for a shape).
core::Result<std::unique_ptr<Layer>> make_layer(const LayerSpec& spec);

}  // namespace mlsys::models
