// Per-channel input normalization: statistics computed on the training split and applied to any split
// (and stored with a model so inference sees the same scaling). Never computes statistics on test data.
#pragma once

#include "models/core/result.hpp"
#include "models/data/dataset.hpp"

#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace mlsys::models {

// x' = (x - mean[c]) / stddev[c], where c is the index in the last (channel) dimension of the sample
// shape: one channel for {28, 28, 1} images, one per feature for {features} sets.
struct Normalization {
    std::vector<float> mean;
    std::vector<float> stddev;  // population standard deviation; 1 for a constant channel
    int channels() const { return static_cast<int>(mean.size()); }
};

// Mean and standard deviation of every channel over all samples (accumulated in double, two passes).
// A channel whose deviation is below 1e-6 gets stddev 1 so it is shifted but not blown up.
Normalization compute_normalization(const Dataset& train);

// Normalizes x in place; its last dimension must equal the number of channels.
core::Status apply_normalization(const Normalization& norm, Tensor& x);

// {"mean": [...], "stddev": [...]} and its parser (errors name the key).
nlohmann::json normalization_to_json(const Normalization& norm);
core::Result<Normalization> parse_normalization(const nlohmann::json& j);

}  // namespace mlsys::models
