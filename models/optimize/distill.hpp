// Knowledge distillation (Hinton et al., 2015): a student trained on a mix of the hard labels and the
// teacher's temperature-softened outputs; with alpha 0 (or no teacher) the same loop trains the student
// alone, so the two are compared like for like. Plain, seeded, cancellable.
#pragma once

#include "models/core/job.hpp"
#include "models/core/result.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/optimize/pruning.hpp"
#include "models/train/trainer.hpp"

#include <nlohmann/json_fwd.hpp>

namespace mlsys::models::optimize {

struct DistillConfig {
    double temperature = 4.0;  // T: softens both distributions (T = 1: plain softmax)
    double alpha = 0.7;        // weight of the soft (teacher) loss; 1 - alpha weighs the hard-label loss
};
nlohmann::json to_json(const DistillConfig& c);

// Trains `student` in place for train_config.epochs on `train`. `teacher` (may be null = train alone)
// must take the same inputs and classes. Returns the mean loss of the last epoch.
core::Result<double> distill(Model& student, Model* teacher, const Dataset& train, const DistillConfig& config,
                             const TrainConfig& train_config, const TrainProgress& progress = {},
                             core::JobControl* control = nullptr);

}  // namespace mlsys::models::optimize
