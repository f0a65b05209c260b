// Sequential model: layer chain, fused softmax-cross-entropy backward, timing, cloning.
#include "models/model/model.hpp"

#include "models/core/check.hpp"

#include <chrono>

namespace mlsys::models {

using core::fail;
using core::Result;

Result<Model> Model::build(const ModelSpec& spec, uint64_t seed) {
    Model m;
    m.spec_ = spec;
    core::Rng rng(seed);
    Shape shape = spec.input_shape;
    for (size_t i = 0; i < spec.layers.size(); ++i) {
        auto made = make_layer(spec.layers[i]);
        if (!made) return fail("layers[" + std::to_string(i) + "]: " + made.error());
        std::unique_ptr<Layer> layer = std::move(*made);
        if (auto st = layer->build(shape); !st) return fail("layers[" + std::to_string(i) + "]: " + st.error());
        layer->init_params(rng);
        layer->set_seed(rng.next_u64());
        shape = layer->output_shape();
        m.n_params_ += layer->n_params();
        m.layers_.push_back(std::move(layer));
    }
    m.acts_.resize(m.layers_.size());
    m.grads_.resize(m.layers_.size());
    m.layer_ns_.assign(m.layers_.size(), 0.0);
    return m;
}

int Model::logits_layer() const {
    const int last = n_layers() - 1;
    if (last > 0 && layers_.back()->kind() == LayerKind::Softmax) return last - 1;
    return last;
}

const Tensor& Model::forward(const Tensor& x, bool training) {
    input_ = &x;
    const Tensor* in = &x;
    using clock = std::chrono::steady_clock;
    for (size_t i = 0; i < layers_.size(); ++i) {
        const auto t0 = clock::now();
        layers_[i]->forward(*in, acts_[i], training);
        if (hook_) hook_(static_cast<int>(i), acts_[i]);
        layer_ns_[i] = std::chrono::duration<double, std::nano>(clock::now() - t0).count();
        in = &acts_[i];
    }
    return acts_.back();
}

void Model::backward(const Tensor& dlogits) {
    MLSYS_CHECK_MSG(input_ != nullptr, "backward() before forward()");
    // No layer below the first one with parameters needs a gradient: stop there and skip its input
    // gradient (for the mlp preset that saves a 784x128 GEMM per step).
    int first_trainable = 0;
    while (first_trainable < logits_layer() && layers_[static_cast<size_t>(first_trainable)]->params().empty())
        ++first_trainable;
    const Tensor* dy = &dlogits;
    for (int i = logits_layer(); i >= first_trainable; --i) {
        const Tensor& x = i == 0 ? *input_ : acts_[static_cast<size_t>(i - 1)];
        Tensor* dx = i == first_trainable ? nullptr : &grads_[static_cast<size_t>(i - 1)];
        layers_[static_cast<size_t>(i)]->backward(x, acts_[static_cast<size_t>(i)], *dy, dx);
        dy = dx;
    }
}

std::vector<Param> Model::params() {
    std::vector<Param> out;
    for (auto& l : layers_)
        for (auto& p : l->params()) {
            p.name = l->name() + "." + p.name;
            out.push_back(p);
        }
    return out;
}

std::vector<Param> Model::state() {
    std::vector<Param> out;
    for (auto& l : layers_)
        for (auto& p : l->state()) {
            p.name = l->name() + "." + p.name;
            out.push_back(p);
        }
    return out;
}

Result<Model> Model::clone() const {
    auto copy = Model::build(spec_, 0);
    if (!copy) return copy;
    if (auto st = copy->copy_weights_from(const_cast<Model&>(*this)); !st) return fail(st.error());
    return copy;
}

core::Status Model::copy_weights_from(Model& other) {
    auto dst = params();
    auto src = other.params();
    auto dst_state = state();
    auto src_state = other.state();
    if (dst.size() != src.size() || dst_state.size() != src_state.size())
        return fail("copy_weights_from: models have different parameter lists");
    for (size_t i = 0; i < dst.size(); ++i) {
        if (dst[i].value->shape != src[i].value->shape)
            return fail("copy_weights_from: " + dst[i].name + " has shape " + shape_str(dst[i].value->shape) +
                        " but the source has " + shape_str(src[i].value->shape));
        dst[i].value->data = src[i].value->data;
    }
    for (size_t i = 0; i < dst_state.size(); ++i) dst_state[i].value->data = src_state[i].value->data;
    return core::Status::success();
}

Workload Model::workload() const {
    auto w = make_workload(spec_);
    MLSYS_CHECK_MSG(w.ok(), "a built model's spec must give a workload");
    return std::move(w).value();
}

std::vector<int> argmax_rows(const Tensor& scores) {
    const int n = scores.batch();
    const int64_t k = scores.sample_size();
    std::vector<int> out(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const float* row = scores.ptr() + i * k;
        int best = 0;
        for (int64_t j = 1; j < k; ++j)
            if (row[j] > row[best]) best = static_cast<int>(j);
        out[static_cast<size_t>(i)] = best;
    }
    return out;
}

core::Status adapt_to_dataset(ModelSpec& spec, const Shape& sample_shape, int n_classes) {
    spec.input_shape = sample_shape;
    spec.n_classes = n_classes;
    for (auto it = spec.layers.rbegin(); it != spec.layers.rend(); ++it) {
        if (it->kind == LayerKind::Dense) {
            it->units = n_classes;
            break;
        }
        if (it->kind == LayerKind::Conv2D) {
            it->filters = n_classes;
            break;
        }
    }
    auto w = make_workload(spec);
    if (!w)
        return fail("model \"" + spec.name + "\" cannot take inputs of shape " + shape_str(sample_shape) + ": " +
                    w.error());
    if (w->layers.back().output_elems() != n_classes)
        return fail("model \"" + spec.name + "\" outputs " + std::to_string(w->layers.back().output_elems()) +
                    " values, the dataset has " + std::to_string(n_classes) + " classes");
    return core::Status::success();
}

}  // namespace mlsys::models
