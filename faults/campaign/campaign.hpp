// Fault-injection campaigns on a real model and test set: a sweep of bit-error rates with N seeded trials
// per point (accuracy, silent data corruption, detected errors, each with a confidence interval), and
// statistical single-fault injection per layer x bit (vulnerability). Synchronous, seeded, cancellable
// through a JobControl; results are plain data. The Run is written by campaign_run.hpp.
#pragma once

#include "faults/campaign/stats.hpp"
#include "faults/flips/fault_spec.hpp"
#include "faults/flips/word_faults.hpp"
#include "models/core/job.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>
#include <vector>

namespace mlsys::faults {

struct CampaignConfig {
    FaultSpec fault;
    std::vector<double> bers = {1e-6};  // one point per rate (a spec with n_faults or sites uses one point)
    int trials = 10;                    // trials per point
    uint64_t seed = 1;
    int eval_limit = 1000;              // test images evaluated per trial (0 = all)
    int batch_size = 250;               // images per inference
    double confidence = 0.95;
    int max_flipped_images = 24;        // examples of changed predictions kept
};
nlohmann::json to_json(const CampaignConfig& c);

// Outcome of one image in a faulty trial, compared with the clean ("golden") run.
struct ImageOutcomes {
    int64_t n_images = 0;
    int64_t n_correct = 0;
    int64_t n_sdc = 0;       // silent data corruption: prediction changed, nothing noticed
    int64_t n_detected = 0;  // NaN/Inf in the output, or a detector (ABFT) flagged the image
};

struct PointResult {
    double ber = 0;
    int trials = 0;
    MeanCi accuracy;          // mean accuracy over trials with its interval
    double accuracy_drop = 0; // clean accuracy - mean accuracy
    ImageOutcomes images;     // summed over trials
    Interval sdc_ci;          // Wilson interval of n_sdc / n_images
    Interval detected_ci;
    int64_t trials_with_sdc = 0;  // trials in which at least one image was silently corrupted
    Interval trial_failure_ci;    // Wilson interval of trials_with_sdc / trials
    double mean_faults = 0;       // fault sites applied per trial
    ProtectionCounters counters;  // summed over trials
    std::vector<double> trial_accuracy;
};

struct FlippedImage {
    int index = 0;        // into the test set
    int label = 0;
    int clean_prediction = 0;
    int faulty_prediction = -1;  // -1: no answer (NaN or detected)
    double ber = 0;
    int trial = 0;
};

struct CampaignResult {
    double clean_accuracy = 0;
    int n_images = 0;
    std::vector<PointResult> points;
    std::vector<FlippedImage> flipped;
    std::vector<int64_t> faults_per_layer;  // summed over every trial
    bool cancelled = false;
};
nlohmann::json to_json(const PointResult& p);
nlohmann::json to_json(const CampaignResult& r);

// Called after every trial with the result so far (points complete so far plus the running one).
using CampaignProgress = std::function<void(const CampaignResult&, double fraction)>;

// Runs the sweep on `model` (left as it was found: weights restored, hook removed). A cancel through
// `control` stops after the current trial and returns what was measured with cancelled = true.
core::Result<CampaignResult> run_campaign(models::Model& model, const models::Dataset& test,
                                          const CampaignConfig& config, core::JobControl* control = nullptr,
                                          const CampaignProgress& progress = {});

// Statistical fault injection: single faults, one layer x bit cell at a time.
struct VulnerabilityConfig {
    FaultSpec fault;            // kind, target kind (weights or activations), precision, protection
    std::vector<int> layers;    // empty: every layer with parameters (weights) / every matrix layer
    std::vector<int> bits;      // empty: every bit of the word
    int trials_per_cell = 20;
    uint64_t seed = 1;
    int eval_limit = 500;
    int batch_size = 250;
    double confidence = 0.95;
};

struct VulnerabilityCell {
    int layer = 0;
    int bit = 0;
    int64_t trials = 0;
    int64_t critical = 0;   // trials in which at least one prediction changed or no answer came
    Interval critical_ci;
    ImageOutcomes images;
    double sdc_rate() const { return images.n_images ? double(images.n_sdc) / double(images.n_images) : 0.0; }
};

struct VulnerabilityResult {
    std::vector<int> layers;
    std::vector<std::string> layer_names;
    std::vector<int> bits;
    std::vector<VulnerabilityCell> cells;  // layers.size() x bits.size(), row-major
    double population = 0;                 // fault sites (words x bits) the cells sample from
    int64_t leveugle_trials = 0;           // injections needed for a 5% margin at the confidence
    bool cancelled = false;
    const VulnerabilityCell& cell(size_t layer_i, size_t bit_i) const { return cells[layer_i * bits.size() + bit_i]; }
};
nlohmann::json to_json(const VulnerabilityResult& r);

using VulnerabilityProgress = std::function<void(const VulnerabilityResult&, double fraction)>;
core::Result<VulnerabilityResult> run_vulnerability(models::Model& model, const models::Dataset& test,
                                                    const VulnerabilityConfig& config,
                                                    core::JobControl* control = nullptr,
                                                    const VulnerabilityProgress& progress = {});

}  // namespace mlsys::faults
