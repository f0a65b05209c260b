// Training under faults: mini-batch training where every step's gradients (or the weights themselves) are
// hit at a bit-error rate before the update, so a student sees whether training shrugs the faults off or
// diverges. Its own small loop over Model::forward/backward and an Optimizer, because the faults go between
// backward and the update. Synchronous, seeded, cancellable.
#pragma once

#include "faults/flips/fault_spec.hpp"
#include "models/core/job.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/train/optimizer.hpp"

#include <functional>
#include <vector>

namespace mlsys::faults {

struct TrainFaultsConfig {
    TargetKind target = TargetKind::Gradients;  // Gradients or Weights
    FaultKind kind = FaultKind::BitFlip;        // BitFlip (fresh each step) or StuckAt0/1 (fixed sites)
    double ber = 1e-6;                          // per bit, per step
    std::vector<int> bits;                      // empty: all 32
    int epochs = 1;
    int batch_size = 64;
    models::OptimizerConfig optimizer;
    uint64_t seed = 1;
    int eval_limit = 1000;
};

struct TrainFaultsEpoch {
    int epoch = 0;
    double train_loss = 0;     // mean over the epoch's finite losses
    double test_accuracy = 0;
    int64_t n_faults = 0;
    int64_t n_nonfinite_steps = 0;  // steps whose loss was NaN or Inf
};

struct TrainFaultsResult {
    std::vector<double> step_loss;  // every step (NaN kept: that is the divergence)
    std::vector<TrainFaultsEpoch> epochs;
    bool diverged = false;          // loss not finite at the end, or the last epoch's accuracy at chance
    bool cancelled = false;
};

using TrainFaultsProgress = std::function<void(const TrainFaultsResult&, double fraction)>;

// Trains `model` in place on `train`, evaluating on `test` after each epoch.
core::Result<TrainFaultsResult> train_under_faults(models::Model& model, const models::Dataset& train,
                                                   const models::Dataset& test, const TrainFaultsConfig& config,
                                                   core::JobControl* control = nullptr,
                                                   const TrainFaultsProgress& progress = {});

}  // namespace mlsys::faults
