// Trainer: mini-batch training of a Model on a Dataset as a sequence of plain, seeded steps. The loop that
// drives it (CLI progress bar, GUI job publishing snapshots, lab checks) lives with the caller, so pause,
// cancel and parameter changes happen between steps.
#pragma once

#include "models/data/batching.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/train/optimizer.hpp"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <vector>

namespace mlsys::models {

struct TrainConfig {
    int epochs = 3;
    int batch_size = 64;
    OptimizerConfig optimizer;
    ScheduleConfig schedule;
    uint64_t seed = 1;  // data order and dropout; the model's own seed draws its initial weights
};
nlohmann::json to_json(const TrainConfig& c);

// Where the time of one step went.
struct StepTiming {
    double forward_ns = 0;
    double backward_ns = 0;
    double update_ns = 0;
};

struct StepResult {
    int64_t step = 0;          // 1-based global step
    double epoch = 0;          // fractional epoch after this step
    double loss = 0;           // mean cross-entropy of the batch
    double accuracy = 0;       // fraction of the batch classified correctly
    double learning_rate = 0;  // after the schedule
    int batch_size = 0;
    bool epoch_ended = false;
    StepTiming timing;
};

struct EpochResult {
    int epoch = 0;  // 1-based
    double train_loss = 0;
    double train_accuracy = 0;
    double seconds = 0;
    double images_per_s = 0;
};

class Trainer {
public:
    // `model` and `train` must outlive the trainer. Errors when the dataset does not match the model.
    static core::Result<std::unique_ptr<Trainer>> create(Model& model, const Dataset& train, TrainConfig config);

    int64_t steps_per_epoch() const { return steps_per_epoch_; }
    int64_t total_steps() const { return steps_per_epoch_ * config_.epochs; }
    int64_t steps_done() const { return step_; }
    int epochs_done() const { return epoch_; }
    bool done() const { return epoch_ >= config_.epochs; }
    const TrainConfig& config() const { return config_; }

    // Runs one optimisation step on the next batch.
    StepResult step();
    // Statistics of the epoch that ended with the last step (valid when StepResult::epoch_ended).
    const EpochResult& last_epoch() const { return last_epoch_; }

    // Changes the base learning rate from the next step (the GUI's slider, a lab).
    void set_learning_rate(double lr) { config_.optimizer.learning_rate = lr; }
    // Bytes of optimizer state so far.
    int64_t optimizer_state_bytes() const { return optimizer_->state_bytes(); }

private:
    Trainer(Model& model, const Dataset& train, TrainConfig config);
    void start_epoch();

    Model& model_;
    const Dataset& train_;
    TrainConfig config_;
    std::unique_ptr<Optimizer> optimizer_;
    BatchSampler sampler_;
    int64_t steps_per_epoch_ = 0;
    int64_t step_ = 0;
    int64_t step_in_epoch_ = 0;
    int epoch_ = 0;
    Tensor x_, dlogits_;
    std::vector<int> y_;
    std::vector<Param> params_;
    // running sums over the current epoch
    double epoch_loss_sum_ = 0;
    int64_t epoch_correct_ = 0;
    int64_t epoch_seen_ = 0;
    double epoch_start_s_ = 0;
    EpochResult last_epoch_;
};

}  // namespace mlsys::models
