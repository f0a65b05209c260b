// Model: a sequential network built from a ModelSpec — forward, backward, parameters, per-layer timing and
// an activation hook (fault injection, range checks, thumbnails). One instance belongs to one thread.
#pragma once

#include "models/core/result.hpp"
#include "models/layers/layer.hpp"
#include "models/model/model_spec.hpp"
#include "models/workload/workload.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace mlsys::models {

class Model {
public:
    // Builds every layer for the spec's input shape and draws initial parameters from `seed`.
    static core::Result<Model> build(const ModelSpec& spec, uint64_t seed);

    Model(Model&&) noexcept = default;
    Model& operator=(Model&&) noexcept = default;
    ~Model() = default;

    const ModelSpec& spec() const { return spec_; }
    int n_layers() const { return static_cast<int>(layers_.size()); }
    Layer& layer(int i) { return *layers_[static_cast<size_t>(i)]; }
    const Layer& layer(int i) const { return *layers_[static_cast<size_t>(i)]; }
    // Index of the layer whose output the loss sees: the last layer, or the one before a final Softmax
    // (softmax and cross-entropy are fused in training).
    int logits_layer() const;

    // Runs every layer on a batch (x.shape = {N, input_shape...}) and returns the final output
    // (class probabilities when the model ends in Softmax). `x` must stay alive until backward().
    const Tensor& forward(const Tensor& x, bool training);
    // The output of logits_layer() from the last forward.
    const Tensor& logits() const { return acts_[static_cast<size_t>(logits_layer())]; }
    // The output of layer i from the last forward.
    const Tensor& activation(int i) const { return acts_[static_cast<size_t>(i)]; }
    // Backpropagates dL/dlogits through logits_layer() .. 0, overwriting every parameter gradient.
    void backward(const Tensor& dlogits);

    // Every trainable parameter (value + gradient) and every saved state tensor, in layer order.
    std::vector<Param> params();
    std::vector<Param> state();
    int64_t n_params() const { return n_params_; }

    // Called after each layer's forward with (layer index, output) — may modify the output in place.
    using ActivationHook = std::function<void(int layer, Tensor& output)>;
    void set_activation_hook(ActivationHook hook) { hook_ = std::move(hook); }

    // Wall time of each layer in the last forward, in nanoseconds.
    const std::vector<double>& layer_forward_ns() const { return layer_ns_; }

    // A deep copy (same spec, parameter values and state), e.g. for fault injection on a replica.
    core::Result<Model> clone() const;
    // Copies parameter values and state from a model with the same spec.
    core::Status copy_weights_from(Model& other);

    Workload workload() const;

private:
    Model() = default;
    ModelSpec spec_;
    std::vector<std::unique_ptr<Layer>> layers_;
    std::vector<Tensor> acts_;   // acts_[i] = output of layer i
    std::vector<Tensor> grads_;  // scratch for dL/d(activation) per layer
    const Tensor* input_ = nullptr;
    std::vector<double> layer_ns_;
    ActivationHook hook_;
    int64_t n_params_ = 0;
};

// The index of the predicted class for each row of a {N, classes} tensor.
std::vector<int> argmax_rows(const Tensor& scores);

// Adapts a spec to a dataset: sets the input shape and the size of the final dense layer (the "head") to
// the dataset's. Errors when the architecture cannot take that input (e.g. a conv net on 2-D points).
core::Status adapt_to_dataset(ModelSpec& spec, const Shape& sample_shape, int n_classes);

}  // namespace mlsys::models
