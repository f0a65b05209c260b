// The Optimize workspace's state as plain data (the GUI, the labs and tests read and set the same thing): the
// technique and its knobs (OptimizeSettings), every variant made so far from the session's model with its
// measured metrics, weight histograms and Run (OptimizeVariant), the per-layer sensitivity, and the jobs that
// compute them on worker threads. The optimization itself is run_optimize (optimize_job.hpp), the code path
// of `mlsyslab optimize`; nothing here re-implements it. No GUI code.
#pragma once

#include "app/session/optimize_job.hpp"
#include "app/session/train_job.hpp"
#include "app/session/train_settings.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mlsys::session {

class Session;

// The techniques the panel offers, in its order: int8 and int4 (integer-only, post-training or QAT),
// fp16, bf16, fp8-e4m3, fp8-e5m2 (simulated floats), prune, distill.
const std::vector<std::string>& optimize_techniques();

struct OptimizeSettings {
    std::string technique = "int8";
    // Integer quantization.
    bool per_channel = true;           // one weight scale per output channel
    bool asymmetric_weights = false;   // weights with a zero point
    std::string calib_method = "minmax";  // minmax, percentile, mse
    int calib_samples = 500;           // calibration images
    int qat_epochs = 0;                // > 0: quantization-aware training first
    // Pruning.
    double prune_fraction = 0.5;       // share of weights (or channels when structured) removed
    bool structured = false;
    bool per_layer = false;            // unstructured: one threshold per layer instead of one global
    int finetune_epochs = 1;
    // Distillation: the current model teaches a fresh student built from a preset.
    std::string student = "mlp";
    double temperature = 4.0;
    double alpha = 0.7;
    int distill_epochs = 1;
    // Measurement.
    std::string device = "xiao-esp32s3";  // latency and fit estimate (assets/deploy profiles)
    int train_limit = 10000;           // training images for calibration, fine-tuning, distillation (0 = all)
    int test_limit = 0;                // test images accuracy is measured on (0 = the whole test set)
    double learning_rate = 3e-4;       // fine-tuning, QAT, distillation
    uint64_t seed = 1;
    // Views.
    std::string pareto_x = "size";     // "size" (weight bytes) or "latency"
    int sensitivity_bits = 4;          // per-layer sensitivity: quantize one layer to this many bits ...
    double sensitivity_prune = 0;      // ... or, when > 0, prune only that layer to this share
    int sensitivity_limit = 1000;      // test images per sensitivity measurement (0 = all)
};
nlohmann::json to_json(const OptimizeSettings& s);
// Applies the keys present in `j`; the error names the first bad key and value (settings unchanged then).
core::Status apply_json(OptimizeSettings& s, const nlohmann::json& j);

// The run_optimize request the settings describe (without its source model, dataset and runs dir).
core::Result<OptimizeRequest> make_optimize_request(const OptimizeSettings& s);
// "int8 PTQ", "magnitude pruning", ... and the knobs as one line, for the table.
std::string technique_title(const OptimizeSettings& s);
std::string technique_detail(const OptimizeSettings& s);

// One row of the table: the original or a variant made from it.
struct OptimizeVariant {
    VariantMetrics metrics;
    std::string technique = "original";  // technique_title(), or "original", "teacher", "student alone", ...
    std::string detail;                  // the knobs
    std::string derived_from;            // the variant it was applied to ("" for the original)
    bool is_baseline = false;            // a comparison made along the way (the student trained alone, PTQ before QAT)
    std::string run_dir;                 // the Run that recorded it
    // The float form the session can take as its current model (an integer variant: the float model with
    // its weights rounded to the same int8/int4 grid). Null for baselines that are not kept. Only the
    // owning (UI) thread touches it; jobs get clones.
    std::shared_ptr<models::Model> model;
    double model_accuracy = std::numeric_limits<double>::quiet_NaN();  // of `model` (differs for int variants)
    std::shared_ptr<const models::optimize::QuantizedModel> int8;      // integer variants
    // Per-layer weight histograms: before = the model the technique was applied to, after = this variant,
    // over the same bins per layer (matched by layer name; "after" may lack layers, e.g. a distilled student).
    std::vector<WeightHistogram> hist_before, hist_after;
};

// Pareto-optimal variants for accuracy (higher is better) against x (lower is better: bytes or latency):
// no other variant is at least as small/fast and at least as accurate and strictly better in one. Rows
// with a non-finite x or accuracy are left out. Indices into the inputs, sorted by x.
std::vector<size_t> optimize_pareto_front(const std::vector<double>& x, const std::vector<double>& accuracy);
// The same over variants, x = weight bytes as stored ("size": the smaller of dense and CSR) or latency.
std::vector<size_t> optimize_pareto_front(const std::vector<OptimizeVariant>& variants, const std::string& x_axis);

// The float model with every weighted layer's weights fake-quantized as `config` quantizes them (bits,
// per channel or tensor, symmetric or not); biases and activations stay float. What an integer variant
// becomes when it is made the current model.
core::Result<models::Model> weights_on_int_grid(const models::Model& model, const models::optimize::QuantConfig& config);

// Per-layer sensitivity of one model.
struct SensitivityResult {
    std::string model_name;     // the variant measured
    int bits = 4;
    double prune = 0;
    int n_test = 0;
    double baseline_accuracy = 0;  // the model unchanged, on the same images
    std::vector<LayerSensitivity> layers;
};

// What a job hands back.
struct OptimizeOutcome {
    std::optional<OptimizeVariant> original;  // measuring: the original row
    std::vector<OptimizeVariant> variants;    // applying: baselines first, then the variant
    std::optional<SensitivityResult> sensitivity;
    std::shared_ptr<TrainOutcome> trained;    // training: the model to adopt (Session::adopt_training)
    std::string trained_dataset;
    std::vector<std::string> notes;
};

// Progress while a job runs (what the panel draws).
struct OptimizeProgress {
    std::string stage;            // "calibrating and quantizing", "fine-tuning", ...
    int64_t steps_done = 0, steps_total = 0;  // of the training part (fine-tuning, QAT, distillation)
    std::vector<float> losses;    // training loss per reported step
};

// One optimization job on a worker thread: measure the original, apply a technique, or measure per-layer
// sensitivity. The source model is cloned before the thread starts; the caller polls is_done() and takes
// the outcome once. Cancel is cooperative (training steps check it; a cancelled job yields no variant).
class OptimizeJob {
public:
    enum class Kind { Train, Measure, Apply, Sensitivity };
    // Trains a model (run_training, the Train workspace's loop and Run) for a session that has none.
    static core::Result<std::unique_ptr<OptimizeJob>> train(const TrainSettings& settings, const std::string& runs_dir);
    // Measures `model` as the original row on `dataset`'s test split.
    static core::Result<std::unique_ptr<OptimizeJob>> measure(const models::Model& model, std::string name,
                                                              std::string dataset, OptimizeSettings settings);
    // Applies settings.technique to `source` (named `source_name` in the table) through run_optimize, writing
    // a Run under `runs_dir`.
    static core::Result<std::unique_ptr<OptimizeJob>> apply(const models::Model& source, std::string source_name,
                                                            std::string dataset, OptimizeSettings settings,
                                                            std::string runs_dir);
    static core::Result<std::unique_ptr<OptimizeJob>> sensitivity(const models::Model& model, std::string name,
                                                                  std::string dataset, OptimizeSettings settings);
    ~OptimizeJob();
    OptimizeJob(const OptimizeJob&) = delete;
    OptimizeJob& operator=(const OptimizeJob&) = delete;

    Kind kind() const { return kind_; }
    const std::string& title() const { return title_; }  // "int8 PTQ of original"
    bool is_done() const { return job_->is_done(); }
    core::JobState state() const { return job_->state(); }
    double progress() const { return job_->control().progress(); }
    std::string status() const { return job_->control().status(); }
    std::string error() const { return job_->error(); }
    void cancel() { job_->control().request_cancel(); }
    bool is_cancelled() const { return job_->control().is_cancelled(); }
    void wait() { job_->wait(); }
    std::shared_ptr<const OptimizeProgress> snapshot() const { return progress_.get(); }
    // The outcome once finished (empty before, after a failure or cancel, and after it was taken).
    std::optional<OptimizeOutcome> take_outcome();

private:
    OptimizeJob() = default;
    void launch(std::function<core::Result<OptimizeOutcome>(core::JobControl&, core::Latest<OptimizeProgress>&)> fn);
    Kind kind_ = Kind::Measure;
    std::string title_;
    core::Latest<OptimizeProgress> progress_;
    std::mutex mutex_;
    std::optional<OptimizeOutcome> outcome_;  // written by the worker, taken by the owner
    std::unique_ptr<core::Job> job_;          // last: destroyed (joined) first
};

// The workspace's live state for one Session: settings, the variants (row 0 is always the original once
// measured), the selection, the newest sensitivity, and the running jobs. The Session owns it
// (Session::optimize_state()); the GUI thread or a lab runner uses it; jobs get copies.
struct OptimizeWorkspaceState {
    OptimizeSettings settings;
    std::vector<OptimizeVariant> variants;
    int selected = 0;                     // the row whose histograms are shown
    int current = 0;                      // the row that is the session's current model (-1: another model)
    std::shared_ptr<const SensitivityResult> sensitivity;
    std::unique_ptr<OptimizeJob> job;              // measure or apply (one at a time)
    std::unique_ptr<OptimizeJob> sensitivity_job;
    std::string error;                    // the last job's failure ("" = none)
    std::string dataset;                  // where accuracy is measured
    int n_applies = 0;                    // apply jobs started so far (a lab action tells its own apart)

    // Per frame: notices a new session model (another training, a loaded file) and measures it as the new
    // original (dropping the old variants), and collects finished jobs. Returns a message for a failed job
    // ("" = none); `changed` tells whether the variants or the sensitivity changed.
    std::string poll(Session& s, bool* changed = nullptr);
    // Starts applying settings.technique to the session's current model. Errors: no model, a job running,
    // the original not measured yet, bad settings.
    core::Status apply(Session& s);
    // With no model: starts training a small model briefly (the cnn, one epoch on 6,000 Fashion-MNIST images);
    // poll() makes it the session's current model when done.
    core::Status train_briefly(Session& s);
    // Starts the per-layer sensitivity of the selected variant (the original when it has no float form).
    core::Status run_sensitivity(Session& s);
    // Makes variant `index` the session's current model (its float form, with metadata naming the variant).
    core::Status make_current(Session& s, int index);
    // Cancels the running jobs (they end at their next checkpoint; no variant is added).
    void cancel();
    // Writes variant `index` into `dir` (created): an integer variant as <name>.mlq8 (the binary image) and
    // <name>.h (the C header for firmware), a float one as <name>.mlsys. Returns the paths written.
    core::Result<std::vector<std::string>> export_variant(int index, const std::string& dir) const;
    // Re-estimates every variant's latency and fit on settings.device (no re-measurement of accuracy).
    core::Status reestimate();
    bool is_busy() const { return job && !job->is_done(); }

private:
    std::string model_key_;   // identity of the session model the variants belong to
    void start_measure(Session& s);
};

}  // namespace mlsys::session
