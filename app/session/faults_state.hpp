// Faults workspace state: the campaign settings as a plain struct (what the GUI panel, `mlsyslab faults`
// and the labs read and set), how they become a faults::CampaignConfig, and the campaign as a job that
// publishes snapshots and writes a Run. No GUI code.
#pragma once

#include "faults/campaign/campaign.hpp"
#include "faults/protect/protection_cost.hpp"
#include "models/core/job.hpp"
#include "models/model/model.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace mlsys::session {

// Every field as the command line spells it (docs/FAULTS.md).
struct FaultsSettings {
    std::string dataset = "fashion-mnist";
    std::string fault = "bitflip";      // bitflip stuck0 stuck1 intermittent
    std::string target = "weights";     // weights[:L] activations:L buffer:ifmap|filter|ofmap[:L] pe:R,C
    std::string precision = "fp32";     // fp32 int8 pytorchfi
    std::string protect = "none";       // none parity ecc range tmr abft
    std::string ber = "1e-7:1e-2";      // one rate or LO:HI (log-spaced)
    int points_per_decade = 1;
    int trials = 10;
    int n_faults = 0;                   // > 0: exactly this many faults a trial instead of a rate
    std::string bits;                   // "" (all), "30", "23-30", "0-22,31"
    int eval_limit = 1000;              // test images per trial
    uint64_t seed = 1;
    double confidence = 0.95;
    double intermittent_p = 0.25;
    int burst_length = 1;
    std::string dataflow = "os";        // os ws is
    int array_rows = 8, array_cols = 8;
    int pe_bit = 30;
    std::string protect_layers;         // TMR/ABFT: "" (all) or "0,3"
    bool vulnerability = false;         // also run the layer x bit single-fault map
    int vulnerability_trials = 10;      // per layer x bit cell
};
nlohmann::json to_json(const FaultsSettings& s);
// Sets the fields present in `j` (the labs' set action); unknown keys are an error naming the key.
core::Status apply_json(FaultsSettings& s, const nlohmann::json& j);
// Parses and checks the settings against a model (layer names resolve later, in the injector).
core::Result<faults::CampaignConfig> campaign_config(const FaultsSettings& s);

// What a running campaign shows: the sweep so far, the vulnerability map, the price list.
struct FaultsSnapshot {
    faults::CampaignResult campaign;
    faults::VulnerabilityResult vulnerability;
    std::vector<faults::ProtectionCost> costs;
    std::vector<std::string> class_names;
    std::vector<std::string> layer_names;
    models::Shape sample_shape;          // per-sample shape of the test data
    std::vector<float> flipped_pixels;   // the samples of campaign.flipped, one after another
    std::string model_name;
    double progress = 0;
    std::string phase;    // "sweep", "vulnerability", "done"
    std::string run_dir;  // empty when no Run was written
};

struct FaultsRequest {
    FaultsSettings settings;
    std::string runs_dir;  // empty: core::default_runs_dir()
    bool write_run = true;
    std::string model_label;  // recorded in the Run's config
};

// Runs the campaign (and the vulnerability map when asked) on a copy of `model` over the dataset's test
// split, writing a Run. `on_snapshot` sees every trial's result. Cancel through `control`.
core::Result<FaultsSnapshot> run_faults(const models::Model& model, const FaultsRequest& request,
                                        core::JobControl* control = nullptr,
                                        const std::function<void(const FaultsSnapshot&)>& on_snapshot = {});

// The campaign on a worker thread; the UI reads latest() once a frame.
class FaultsJob {
public:
    static core::Result<std::unique_ptr<FaultsJob>> start(const models::Model& model, FaultsRequest request);
    // A demo: trains `preset` on `train_limit` images of the request's dataset for one epoch inside the job
    // (status "training"), then runs the campaign on it.
    static core::Result<std::unique_ptr<FaultsJob>> start_trained(const std::string& preset, int train_limit,
                                                                   FaultsRequest request);
    std::shared_ptr<const FaultsSnapshot> latest() const { return latest_.get(); }
    uint64_t version() const { return latest_.version(); }
    double progress() { return job_->control().progress(); }
    bool is_done() const { return job_->is_done(); }
    core::JobState state() const { return job_->state(); }
    std::string error() const { return job_->error(); }
    void cancel() { job_->control().request_cancel(); }
    void wait() { job_->wait(); }

private:
    FaultsJob() = default;
    std::unique_ptr<models::Model> model_;
    core::Latest<FaultsSnapshot> latest_;
    std::unique_ptr<core::Job> job_;
};

class Session;

// The Faults workspace's state kept per Session (the GUI panel and the labs read and set the same struct):
// the settings and the newest finished campaign.
struct FaultsWorkspaceState {
    FaultsSettings settings;
    std::shared_ptr<const FaultsSnapshot> last;
};
FaultsWorkspaceState& faults_workspace(const Session& s);

// A campaign's numbers as the labs read them: clean_accuracy, points[i].{ber accuracy sdc_rate ...},
// accuracy (the last point's), costs.<protection>.{memory_pct compute_pct latency_pct}, and, with a
// vulnerability map, critical_pct per field (sign/exponent/mantissa), per layer and per bit, and the most
// vulnerable layer and bit.
nlohmann::json faults_summary(const FaultsSnapshot& snap);

}  // namespace mlsys::session
