// The deploy decision table behind `mlsyslab deploy` and the Deploy workspace: the current model's
// variants estimated on every chosen device, the split-point analysis over a link, and a real loopback
// offload measurement beside the estimator's prediction. No GUI code.
#pragma once

#include "models/core/job.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "sim/deploy/estimator.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mlsys::session {

struct DeployRequest {
    std::vector<std::string> variants{"fp32"};  // "fp32", "fp16", "int8" (integer-only), "prunedNN" (NN% magnitude-pruned)
    std::vector<std::string> devices;           // empty: all
    std::string link = "wifi";
    std::string split_device = "rpi4";          // the device side of the split analysis
    std::string split_server = "cloud-a100";
    std::string dataset;                        // measure each variant's accuracy on its test split ("" = skip)
    int accuracy_limit = 0;                     // evaluate at most this many test samples (0 = all)
    const models::Dataset* test_set = nullptr;  // or measure on this set (already loaded; wins over `dataset`)
    sim::EstimateOptions options;
};

struct DeployReport {
    std::vector<sim::ModelVariant> variants;
    std::vector<sim::DeviceEstimate> estimates;  // variant-major, device-minor
    std::vector<sim::SplitPoint> splits;         // for the first variant on split_device over link
    size_t best_split = 0;
    std::string link_id;
    std::vector<std::string> notes;              // e.g. why an accuracy is not measured
};

// The model with its weights stored at `precision` and read back: fp16 rounds each weight to the nearest
// half-precision value; int8 quantizes each weight tensor symmetrically (scale = max|w| / 127, round to
// nearest) and dequantizes. Biases and normalisation state stay float (int8 kernels keep int32 biases).
// Evaluating it measures what the storage precision costs in accuracy; activations stay float.
core::Result<models::Model> with_weights_at(const models::Model& model, sim::Precision precision);
// Rounds one float to the nearest fp16 value (ties to even; overflow to infinity; subnormals kept).
float round_to_fp16(float x);

// Builds the report for `model`. The error names an unknown device, link or variant.
core::Result<DeployReport> make_deploy_report(models::Model& model, const DeployRequest& request,
                                              const sim::ProfileLibrary& library);
nlohmann::json to_json(const DeployReport& r);

// The cascade pattern measured: a small model on `device` answers when its confidence reaches a threshold
// and forwards the rest over `link` to a large model on `server`. Both models run on the real test set
// (their predictions and the small model's confidence are measured); latencies come from the estimator.
struct CascadeReport {
    std::string small_model, large_model, device, server, link;
    int n_samples = 0;
    double small_accuracy = 0, large_accuracy = 0;  // each model alone
    double small_latency_s = 0;                     // the small model on the device
    double offload_latency_s = 0;                   // the large model on the server, transfer over the link included
    std::vector<sim::CascadeResult> points;         // one per threshold
};
core::Result<CascadeReport> measure_cascade(models::Model& small, models::Model& large, const models::Dataset& test,
                                            const sim::DeviceProfile& device, const sim::DeviceProfile& server,
                                            const sim::LinkProfile& link, const std::vector<double>& thresholds);
nlohmann::json to_json(const CascadeReport& r);

// A measured offload over loopback: an in-process server hosts a copy of the model; for each link the
// client shapes `n_requests` real test inputs and reports the median round trip beside the prediction
// (the unshaped loopback round trip, measured first, plus the link model's transfer time).
struct OffloadMeasurement {
    std::string link_id;
    int n_requests = 0;
    double base_round_trip_s = 0;   // unshaped: loopback + server compute
    double predicted_s = 0;
    double measured_median_s = 0;
    double measured_p90_s = 0;
    double error_fraction() const { return predicted_s > 0 ? (measured_median_s - predicted_s) / predicted_s : 0; }
};
core::Result<std::vector<OffloadMeasurement>> measure_offload(const models::Model& model, const models::Dataset& inputs,
                                                              const std::vector<const sim::LinkProfile*>& links,
                                                              int n_requests, core::JobControl* control = nullptr);

}  // namespace mlsys::session
