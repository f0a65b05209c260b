// Mini-batch training steps: gather a shuffled batch, forward, fused softmax-cross-entropy, backward, update.
#include "models/train/trainer.hpp"

#include "models/layers/loss.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>

namespace mlsys::models {

using core::fail;

namespace {
double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
double ns_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

nlohmann::json to_json(const TrainConfig& c) {
    return {{"epochs", c.epochs},
            {"batch_size", c.batch_size},
            {"optimizer", to_json(c.optimizer)},
            {"schedule", to_json(c.schedule)},
            {"seed", c.seed}};
}

core::Result<std::unique_ptr<Trainer>> Trainer::create(Model& model, const Dataset& train, TrainConfig config) {
    if (config.epochs < 1) return fail("epochs must be at least 1, got " + std::to_string(config.epochs));
    if (config.batch_size < 1) return fail("batch size must be at least 1, got " + std::to_string(config.batch_size));
    if (!(config.optimizer.learning_rate > 0) || !std::isfinite(config.optimizer.learning_rate))
        return fail("learning rate must be a positive number, got " + std::to_string(config.optimizer.learning_rate));
    if (train.size() == 0) return fail("the training set is empty");
    if (train.sample_shape != model.spec().input_shape)
        return fail("dataset \"" + train.name + "\" has samples of shape " + shape_str(train.sample_shape) +
                    " but model \"" + model.spec().name + "\" expects " + shape_str(model.spec().input_shape));
    if (train.n_classes != model.spec().n_classes)
        return fail("dataset \"" + train.name + "\" has " + std::to_string(train.n_classes) + " classes but model \"" +
                    model.spec().name + "\" outputs " + std::to_string(model.spec().n_classes));
    return std::unique_ptr<Trainer>(new Trainer(model, train, config));
}

Trainer::Trainer(Model& model, const Dataset& train, TrainConfig config)
    : model_(model),
      train_(train),
      config_(config),
      optimizer_(make_optimizer(config.optimizer)),
      sampler_(train.size(), config.batch_size, /*shuffle=*/true, config.seed) {
    steps_per_epoch_ = sampler_.n_batches();
    params_ = model_.params();
    start_epoch();
}

void Trainer::start_epoch() {
    sampler_.start_epoch(epoch_);
    step_in_epoch_ = 0;
    epoch_loss_sum_ = 0;
    epoch_correct_ = 0;
    epoch_seen_ = 0;
    epoch_start_s_ = now_s();
}

StepResult Trainer::step() {
    StepResult r;
    const std::span<const int> idx = sampler_.batch(static_cast<int>(step_in_epoch_));
    gather_batch(train_, idx, x_, y_);

    using clock = std::chrono::steady_clock;
    auto t0 = clock::now();
    model_.forward(x_, /*training=*/true);
    const float loss = softmax_cross_entropy(model_.logits(), y_, &dlogits_);
    r.timing.forward_ns = ns_since(t0);

    t0 = clock::now();
    model_.backward(dlogits_);
    r.timing.backward_ns = ns_since(t0);

    t0 = clock::now();
    const double epoch_pos = static_cast<double>(epoch_) + static_cast<double>(step_in_epoch_) / steps_per_epoch_;
    r.learning_rate = config_.optimizer.learning_rate * schedule_factor(config_.schedule, epoch_pos, config_.epochs);
    optimizer_->step(params_, r.learning_rate);
    r.timing.update_ns = ns_since(t0);

    const std::vector<int> pred = argmax_rows(model_.logits());
    int64_t correct = 0;
    for (size_t i = 0; i < pred.size(); ++i) correct += pred[i] == y_[i];

    r.batch_size = static_cast<int>(idx.size());
    r.loss = loss;
    r.accuracy = static_cast<double>(correct) / r.batch_size;
    epoch_loss_sum_ += static_cast<double>(loss) * r.batch_size;
    epoch_correct_ += correct;
    epoch_seen_ += r.batch_size;
    ++step_;
    ++step_in_epoch_;
    r.step = step_;
    r.epoch = static_cast<double>(epoch_) + static_cast<double>(step_in_epoch_) / steps_per_epoch_;
    if (step_in_epoch_ == steps_per_epoch_) {
        ++epoch_;
        r.epoch_ended = true;
        last_epoch_.epoch = epoch_;
        last_epoch_.train_loss = epoch_loss_sum_ / static_cast<double>(epoch_seen_);
        last_epoch_.train_accuracy = static_cast<double>(epoch_correct_) / static_cast<double>(epoch_seen_);
        last_epoch_.seconds = now_s() - epoch_start_s_;
        last_epoch_.images_per_s = last_epoch_.seconds > 0 ? epoch_seen_ / last_epoch_.seconds : 0;
        if (!done()) start_epoch();
    }
    return r;
}

}  // namespace mlsys::models
