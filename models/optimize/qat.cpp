// Quantization-aware training loop (qat.hpp): swap in fake-quantized weights for forward and backward,
// swap the float masters back for the optimizer step; activations fake-quantized by a hook with
// exponential-moving-average ranges.
#include "models/optimize/qat.hpp"

#include "models/data/batching.hpp"
#include "models/layers/loss.hpp"
#include "models/train/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace mlsys::models::optimize {
namespace {

// Per-output-channel (last axis) symmetric fake quantization of a weight tensor.
void fake_quantize_weight(Tensor& w, int bits) {
    const int oc = w.shape.back();
    std::vector<float> mx(static_cast<size_t>(oc), 0.0f);
    for (int64_t i = 0; i < w.size(); ++i) mx[size_t(i % oc)] = std::max(mx[size_t(i % oc)], std::fabs(w[i]));
    for (int64_t i = 0; i < w.size(); ++i) {
        const QuantParams p = choose_qparams(-mx[size_t(i % oc)], mx[size_t(i % oc)], bits, true);
        w[i] = fake_quantize(w[i], p, bits, true);
    }
}

}  // namespace

core::Result<double> qat_train(Model& model, const Dataset& train, const QuantConfig& cfg, const TrainConfig& tc,
                               const TrainProgress& progress, core::JobControl* control) {
    auto points = quantization_points(model);
    if (!points) return core::fail(points.error());
    if (train.sample_shape != model.spec().input_shape) return core::fail("the training data does not match the model's inputs");
    const std::set<int> point_set(points->begin(), points->end());
    std::vector<Range> ranges(static_cast<size_t>(model.n_layers()));
    std::vector<bool> seen(static_cast<size_t>(model.n_layers()), false);
    model.set_activation_hook([&](int layer, Tensor& out) {
        if (!point_set.count(layer) || out.size() == 0) return;
        const auto [mn, mx] = std::minmax_element(out.data.begin(), out.data.end());
        Range& r = ranges[size_t(layer)];
        if (!seen[size_t(layer)]) {
            r = {*mn, *mx};
            seen[size_t(layer)] = true;
        } else {  // EMA of the batch ranges (momentum 0.9), as in TensorFlow's QAT
            r.lo = 0.9f * r.lo + 0.1f * *mn;
            r.hi = 0.9f * r.hi + 0.1f * *mx;
        }
        const QuantParams p = choose_qparams(r.lo, r.hi, cfg.act_bits, cfg.act_symmetric);
        for (auto& v : out.data) v = fake_quantize(v, p, cfg.act_bits, cfg.act_symmetric);
    });
    std::vector<Tensor*> weights;
    for (int i = 0; i < model.n_layers(); ++i) {
        const LayerKind k = model.layer(i).kind();
        if (k != LayerKind::Dense && k != LayerKind::Conv2D && k != LayerKind::DepthwiseConv2D) continue;
        for (auto& p : model.layer(i).params())
            if (p.name == "weight") weights.push_back(p.value);
    }
    std::vector<FloatBuffer> masters(weights.size());
    auto opt = make_optimizer(tc.optimizer);
    auto params = model.params();
    BatchSampler sampler(train.size(), tc.batch_size, true, tc.seed);
    const int64_t total = int64_t(sampler.n_batches()) * tc.epochs;
    int64_t done = 0;
    Tensor x, dlogits;
    std::vector<int> y;
    double epoch_loss = 0;
    for (int e = 0; e < tc.epochs; ++e) {
        sampler.start_epoch(e);
        epoch_loss = 0;
        for (int b = 0; b < sampler.n_batches(); ++b) {
            if (control && !control->checkpoint()) {
                model.set_activation_hook({});
                return core::fail("cancelled");
            }
            gather_batch(train, sampler.batch(b), x, y);
            for (size_t w = 0; w < weights.size(); ++w) {
                masters[w] = weights[w]->data;
                fake_quantize_weight(*weights[w], cfg.weight_bits);
            }
            model.forward(x, true);
            const float loss = softmax_cross_entropy(model.logits(), y, &dlogits);
            model.backward(dlogits);
            for (size_t w = 0; w < weights.size(); ++w) weights[w]->data = masters[w];  // straight-through
            const double pos = e + double(b) / sampler.n_batches();
            opt->step(params, tc.optimizer.learning_rate * schedule_factor(tc.schedule, pos, tc.epochs));
            epoch_loss += loss;
            ++done;
            if (progress) progress(done, total, loss);
            if (control) control->set_progress(double(done) / double(total));
        }
        epoch_loss /= std::max(1, sampler.n_batches());
    }
    model.set_activation_hook({});
    return epoch_loss;
}

}  // namespace mlsys::models::optimize
