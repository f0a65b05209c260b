// Training under faults (see train_faults.hpp).
#include "faults/campaign/train_faults.hpp"

#include "faults/flips/word_faults.hpp"
#include "models/data/batching.hpp"
#include "models/layers/loss.hpp"
#include "models/train/evaluate.hpp"

#include <cmath>

namespace mlsys::faults {

core::Result<TrainFaultsResult> train_under_faults(models::Model& model, const models::Dataset& train,
                                                   const models::Dataset& test, const TrainFaultsConfig& c,
                                                   core::JobControl* control, const TrainFaultsProgress& progress) {
    if (c.target != TargetKind::Gradients && c.target != TargetKind::Weights)
        return core::fail("training faults hit gradients or weights");
    if (c.kind == FaultKind::Intermittent) return core::fail("training faults are bitflip, stuck0 or stuck1");
    if (!(c.ber >= 0 && c.ber <= 1)) return core::fail("ber must be in [0, 1]");
    if (c.epochs < 1 || c.batch_size < 1) return core::fail("epochs and batch_size must be >= 1");
    if (train.sample_shape != model.spec().input_shape)
        return core::fail("the training set's samples do not match the model's input shape");
    auto params = model.params();
    auto optimizer = models::make_optimizer(c.optimizer);
    core::Rng rng(c.seed);
    models::BatchSampler sampler(train.size(), c.batch_size, true, c.seed);
    // Fixed stuck sites, drawn once over the gradient or weight memory.
    auto memory = [&](bool grads) {
        WordMemory m;
        for (auto& p : params) m.add({grads ? p.grad->ptr() : p.value->ptr(), p.value->size(), Precision::Fp32, 1.0f, -1});
        return m;
    };
    int64_t n_words = 0;
    for (auto& p : params) n_words += p.value->size();
    std::vector<FaultSite> stuck;
    if (c.kind != FaultKind::BitFlip) stuck = sample_sites(rng, n_words, 32, c.bits, c.ber, 0);
    TrainFaultsResult res;
    models::Tensor x, dlogits;
    std::vector<int> y;
    const double total = double(c.epochs) * double(sampler.n_batches());
    double done = 0;
    for (int e = 0; e < c.epochs && !res.cancelled; ++e) {
        sampler.start_epoch(e);
        TrainFaultsEpoch ep;
        ep.epoch = e + 1;
        double loss_sum = 0;
        int64_t finite = 0;
        for (int b = 0; b < sampler.n_batches(); ++b) {
            if (control && !control->checkpoint()) {
                res.cancelled = true;
                break;
            }
            models::gather_batch(train, sampler.batch(b), x, y);
            model.forward(x, true);
            const float loss = models::softmax_cross_entropy(model.logits(), y, &dlogits);
            model.backward(dlogits);
            const std::vector<FaultSite> sites =
                c.kind == FaultKind::BitFlip ? sample_sites(rng, n_words, 32, c.bits, c.ber, 0) : stuck;
            if (!sites.empty()) {
                WordMemory m = memory(c.target == TargetKind::Gradients);
                ProtectionCounters counters;
                m.apply(c.kind, Protection::None, {sites}, counters);  // not restored: the fault sticks
                ep.n_faults += counters.n_faults;
            }
            optimizer->step(params, c.optimizer.learning_rate);
            res.step_loss.push_back(loss);
            if (std::isfinite(loss)) {
                loss_sum += loss;
                ++finite;
            } else {
                ++ep.n_nonfinite_steps;
            }
            done += 1;
            if (control) control->set_progress(done / total);
        }
        ep.train_loss = finite ? loss_sum / double(finite) : NAN;
        ep.test_accuracy = models::evaluate(model, test, 256, c.eval_limit).accuracy;
        res.epochs.push_back(ep);
        if (progress) progress(res, done / total);
    }
    if (!res.epochs.empty()) {
        const auto& last = res.epochs.back();
        res.diverged = !std::isfinite(res.step_loss.empty() ? 0.0 : res.step_loss.back()) ||
                       last.test_accuracy <= 1.5 / std::max(2, model.spec().n_classes);
    }
    return res;
}

}  // namespace mlsys::faults
