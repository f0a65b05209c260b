// Evaluation of a model on a dataset: loss, accuracy, confusion matrix, per-class precision and recall.
#pragma once

#include "models/core/job.hpp"
#include "models/data/batching.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"

#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace mlsys::models {

struct EvalResult {
    int n_samples = 0;
    double loss = 0;      // mean cross-entropy
    double accuracy = 0;  // fraction correct
    std::vector<std::vector<int64_t>> confusion;  // [true class][predicted class]
    std::vector<double> precision;                // per class (0 when nothing was predicted as it)
    std::vector<double> recall;                   // per class
    std::vector<int> predictions;                 // per sample
    std::vector<float> confidence;                // per sample: the winning class's probability
};
nlohmann::json to_json(const EvalResult& r, bool with_predictions = false);

// Runs the model in inference mode over the dataset (or its first `limit` samples when > 0). Cancellable
// through `control` (returns what was evaluated so far). The model's activation hook, if any, applies.
EvalResult evaluate(Model& model, const Dataset& data, int batch_size = 256, int limit = 0,
                    core::JobControl* control = nullptr);

// Precision and recall per class from a confusion matrix.
void fill_precision_recall(EvalResult& r);

}  // namespace mlsys::models
