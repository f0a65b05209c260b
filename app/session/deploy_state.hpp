// The Deploy workspace's state as plain data (GUI, labs and tests read and set the same thing): what to
// compare (DeploySettings), the finished evaluation of the current model (DeployEvaluation: every variant on
// every device, the split points over every link, the measured accuracies), the derived views the decision
// board draws (radar scores, colour ranks, the Pareto front), and the two jobs that run on worker threads —
// the evaluation (it measures each variant's accuracy on real test data) and the live loopback offload.
#pragma once

#include "app/session/deploy_report.hpp"

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlsys::session {

struct DeploySettings {
    std::string variant = "fp32";             // the variant shown on the board, radars and split chart
    std::string link = "wifi";                // the link the decision board's split columns use
    std::string split_device = "rpi4";        // the device side of the split analysis
    std::string split_server = "cloud-a100";  // the server side
    double inferences_per_hour = 3600;        // duty cycle: battery life and amortised cost
    int accuracy_samples = 2000;              // test samples per accuracy measurement (0 = the whole test set)
    int offload_requests = 15;                // requests per link in the live offload measurement
    std::string fallback_preset = "mlp";      // evaluated (untrained) when the session has no model
};
nlohmann::json to_json(const DeploySettings& s);
// Applies the keys present in `j`; the error names the first bad key (the settings stay unchanged then).
core::Status apply_json(DeploySettings& s, const nlohmann::json& j);

// The variants the workspace compares: fp32, fp16, int8 (integer-only, models/optimize) and pruned50.
const std::vector<std::string>& deploy_variant_names();

// One evaluation of a model: everything the board draws, for every variant, device and link.
struct DeployEvaluation {
    std::string model_name;
    std::string model_label;   // "cnn · 105,866 params · 90.1% on fashion-mnist" or the fallback's description
    bool trained = false;      // false: the fallback preset with initial weights (chance-level accuracy)
    std::string dataset;       // where the accuracies were measured ("" = not measured)
    int accuracy_samples = 0;
    int64_t n_params = 0;
    DeployReport report;       // every variant on every device (variant-major)
    std::map<std::string, std::vector<sim::SplitPoint>> splits;  // key "variant/link": split_device -> server
    std::vector<std::string> device_ids;
    std::vector<std::string> device_names;
    std::vector<std::string> link_ids;     // the links with a network (not "none")
    DeploySettings settings;   // what it was computed with

    const sim::DeviceEstimate* estimate(const std::string& variant, const std::string& device) const;
    const std::vector<sim::SplitPoint>* split_points(const std::string& variant, const std::string& link) const;
};

// Evaluates `model` as the settings ask: estimates for every variant (deploy_variant_names) on every device,
// each variant's accuracy measured on `test` (null: not measured), split points for every variant over every
// link. `control` (optional) is checked between variants.
core::Result<DeployEvaluation> evaluate_deployment(const models::Model& model, const std::string& model_label, bool trained,
                                                   const models::Dataset* test, const DeploySettings& settings,
                                                   const sim::ProfileLibrary& library, core::JobControl* control = nullptr);

// ---- derived views (pure) -------------------------------------------------------------------------

// The radar's six axes, each scored 0 (worst) .. 1 (best) across the devices compared.
enum RadarAxis { kRadarLatency, kRadarEnergy, kRadarAccuracy, kRadarHeadroom, kRadarCost, kRadarPrivacy, kRadarAxes };
const char* radar_axis_name(int axis);
using RadarScores = std::array<double, kRadarAxes>;
// Latency, energy and cost are scored on a log scale between the best and worst device that fits (orders of
// magnitude apart): best 1, worst 0.1 (so it stays visible); a device that does not fit scores 0 on every
// axis but privacy. Accuracy is the measured accuracy (0 when not measured). Memory headroom is the share of
// RAM left free (1 - needed / available). Privacy is 1 when the raw input stays on the device.
std::vector<RadarScores> radar_scores(const std::vector<const sim::DeviceEstimate*>& estimates);

// For a column of values where lower is better: each value's rank colour 0 (best) .. 1 (worst) on a log scale
// between the column's minimum and maximum (NaN for values that should not be ranked, e.g. non-fitting).
std::vector<double> log_rank(const std::vector<double>& values, const std::vector<bool>& include);

// The Pareto-optimal points of (latency, accuracy): no other point is both at least as fast and at least as
// accurate and strictly better in one. Returns their indices sorted by latency.
std::vector<size_t> pareto_front(const std::vector<double>& latency, const std::vector<double>& accuracy);

// ---- the jobs ----------------------------------------------------------------------------------------

// The evaluation as a job: clones the model, loads the test set (when the model names a dataset) and runs
// evaluate_deployment on a worker thread. The UI polls result() each frame.
class DeployEvaluationJob {
public:
    // `model` is cloned before the thread starts; `dataset` empty: accuracy not measured.
    static core::Result<std::unique_ptr<DeployEvaluationJob>> start(const models::Model& model, std::string model_label,
                                                                    bool trained, std::string dataset,
                                                                    DeploySettings settings);
    bool is_done() const { return job_->is_done(); }
    double progress() const { return job_->control().progress(); }
    std::string status() const { return job_->control().status(); }
    std::string error() const { return job_->error(); }
    void cancel() { job_->control().request_cancel(); }
    void wait() { job_->wait(); }
    // The evaluation once finished (null before, or after a failure).
    std::shared_ptr<const DeployEvaluation> result() const { return result_->get(); }

private:
    DeployEvaluationJob() = default;
    std::shared_ptr<core::Latest<DeployEvaluation>> result_;
    std::unique_ptr<core::Job> job_;
};

// The live offload measurement as a job: an in-process server on loopback hosts a copy of the model; each
// link's shaped round trips are measured with real test inputs (measure_offload).
struct OffloadRun {
    std::vector<OffloadMeasurement> links;
    std::string dataset;
    int n_requests = 0;
    std::string model_name;
};
class OffloadMeasureJob {
public:
    static core::Result<std::unique_ptr<OffloadMeasureJob>> start(const models::Model& model, std::string dataset,
                                                                  int n_requests, std::vector<sim::LinkProfile> links);
    bool is_done() const { return job_->is_done(); }
    double progress() const { return job_->control().progress(); }
    std::string status() const { return job_->control().status(); }
    std::string error() const { return job_->error(); }
    void cancel() { job_->control().request_cancel(); }
    void wait() { job_->wait(); }
    std::shared_ptr<const OffloadRun> result() const { return result_->get(); }

private:
    OffloadMeasureJob() = default;
    std::shared_ptr<core::Latest<OffloadRun>> result_;
    std::unique_ptr<core::Job> job_;
};

// The dataset a model was trained on, from its metadata or the session's last training ("" = unknown), and
// whether it can be loaded here.
std::string model_dataset(const nlohmann::json& metadata);

}  // namespace mlsys::session
