// Distillation training loop (distill.hpp): teacher forward in inference mode, student forward/backward
// with dL/dz = (1 - alpha)(softmax(z) - y)/N + alpha T (softmax(z/T) - softmax(t/T))/N.
#include "models/optimize/distill.hpp"

#include "models/data/batching.hpp"
#include "models/layers/loss.hpp"
#include "models/train/optimizer.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace mlsys::models::optimize {

nlohmann::json to_json(const DistillConfig& c) { return {{"temperature", c.temperature}, {"alpha", c.alpha}}; }

core::Result<double> distill(Model& student, Model* teacher, const Dataset& train, const DistillConfig& c,
                             const TrainConfig& tc, const TrainProgress& progress, core::JobControl* control) {
    if (!(c.temperature > 0)) return core::fail("temperature must be > 0");
    if (!(c.alpha >= 0 && c.alpha <= 1)) return core::fail("alpha must be in [0, 1]");
    if (train.sample_shape != student.spec().input_shape || train.n_classes != student.spec().n_classes)
        return core::fail("the training data does not match the student's inputs and classes");
    if (teacher && (teacher->spec().input_shape != student.spec().input_shape ||
                    teacher->spec().n_classes != student.spec().n_classes))
        return core::fail("teacher \"" + teacher->spec().name + "\" takes other inputs or classes than the student");
    const bool use_teacher = teacher && c.alpha > 0;
    auto opt = make_optimizer(tc.optimizer);
    BatchSampler sampler(train.size(), tc.batch_size, true, tc.seed);
    const int64_t total = int64_t(sampler.n_batches()) * tc.epochs;
    int64_t done = 0;
    Tensor x, d_hard, d_soft, soft_targets;
    std::vector<int> y;
    auto params = student.params();
    double epoch_loss = 0;
    for (int e = 0; e < tc.epochs; ++e) {
        sampler.start_epoch(e);
        epoch_loss = 0;
        for (int b = 0; b < sampler.n_batches(); ++b) {
            if (control && !control->checkpoint()) return core::fail("cancelled");
            gather_batch(train, sampler.batch(b), x, y);
            if (use_teacher) {
                teacher->forward(x, false);
                const Tensor& t = teacher->logits();
                soft_targets.resize(t.shape);
                const int n = t.shape[0], k = t.shape[1];
                for (int i = 0; i < n; ++i) {
                    const float* row = t.ptr() + int64_t(i) * k;
                    float* out = soft_targets.ptr() + int64_t(i) * k;
                    float mx = row[0];
                    for (int j = 1; j < k; ++j) mx = std::max(mx, row[j]);
                    double sum = 0;
                    for (int j = 0; j < k; ++j) sum += out[j] = std::exp((row[j] - mx) / float(c.temperature));
                    for (int j = 0; j < k; ++j) out[j] = float(out[j] / sum);
                }
            }
            student.forward(x, true);
            float loss = softmax_cross_entropy(student.logits(), y, &d_hard);
            if (use_teacher) {
                const float soft = soft_cross_entropy(student.logits(), soft_targets, float(c.temperature), &d_soft);
                loss = float((1 - c.alpha) * loss + c.alpha * soft);
                for (int64_t i = 0; i < d_hard.size(); ++i)
                    d_hard[i] = float((1 - c.alpha) * d_hard[i] + c.alpha * d_soft[i]);
            }
            student.backward(d_hard);
            const double pos = e + double(b) / sampler.n_batches();
            opt->step(params, tc.optimizer.learning_rate * schedule_factor(tc.schedule, pos, tc.epochs));
            epoch_loss += loss;
            ++done;
            if (progress) progress(done, total, loss);
            if (control) control->set_progress(double(done) / double(total));
        }
        epoch_loss /= std::max(1, sampler.n_batches());
    }
    return epoch_loss;
}

}  // namespace mlsys::models::optimize
