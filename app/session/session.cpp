// Session: current model, training job lifecycle, state as JSON.
#include "app/session/session.hpp"

#include "app/session/faults_state.hpp"
#include "app/session/memory_state.hpp"
#include "app/session/motion_lab.hpp"
#include "app/session/optimize_state.hpp"

#include "models/core/files.hpp"

#include <cstdio>

namespace mlsys::session {

using core::fail;
using nlohmann::json;

Session::Session(std::string runs_dir) : runs_dir_(std::move(runs_dir)) {
    if (runs_dir_.empty()) runs_dir_ = core::default_runs_dir().string();
}

Session::~Session() = default;

MemoryWorkspaceState& Session::memory_state() const {
    if (!memory_) memory_ = std::make_unique<MemoryWorkspaceState>();
    return *memory_;
}

FaultsWorkspaceState& Session::faults_state() const {
    if (!faults_) faults_ = std::make_unique<FaultsWorkspaceState>();
    return *faults_;
}

MotionLabState& Session::motion_state() const {
    if (!motion_) motion_ = std::make_unique<MotionLabState>();
    return *motion_;
}

OptimizeWorkspaceState& Session::optimize_state() const {
    if (!optimize_) optimize_ = std::make_unique<OptimizeWorkspaceState>();
    return *optimize_;
}

std::string Session::model_label() const {
    if (!model_) return "none yet";
    char buf[160];
    const auto acc = model_metadata_.find("test_accuracy");
    const std::string ds = model_metadata_.value("dataset", std::string());
    if (acc != model_metadata_.end() && acc->is_number() && !ds.empty())
        std::snprintf(buf, sizeof buf, "%s · %lld params · %.1f%% on %s", model_->spec().name.c_str(),
                      static_cast<long long>(model_->n_params()), 100.0 * acc->get<double>(), ds.c_str());
    else
        std::snprintf(buf, sizeof buf, "%s · %lld params", model_->spec().name.c_str(),
                      static_cast<long long>(model_->n_params()));
    return buf;
}

void Session::set_model(models::Model model, json metadata, std::string source) {
    model_ = std::make_unique<models::Model>(std::move(model));
    model_metadata_ = metadata.is_object() ? std::move(metadata) : json::object();
    model_source_ = std::move(source);
}

core::Status Session::load_model(const std::string& path) {
    auto loaded = models::load_model(path);
    if (!loaded) return fail(loaded.error());
    set_model(std::move(loaded->model), std::move(loaded->metadata), path);
    return core::Status::success();
}

core::Status Session::save_model(const std::string& path) {
    if (!model_) return fail("there is no model to save yet: train one or load a model file");
    return models::save_model(path, *model_, model_metadata_);
}

core::Status Session::start_training() {
    if (train_job_ && !train_job_->is_done()) return fail("a training run is already in progress");
    auto req = make_request(train, runs_dir_);
    if (!req) return fail(req.error());
    train_job_ = std::make_unique<TrainJob>(std::move(*req));
    return core::Status::success();
}

std::string Session::poll() {
    if (!train_job_ || !train_job_->is_done()) return {};
    if (train_job_->state() == core::JobState::Failed) {
        std::string message = "training failed: " + train_job_->error();
        train_job_.reset();
        return message;
    }
    auto outcome = train_job_->take_outcome();
    if (!outcome) return {};
    adopt_training(train_job_->request().dataset, std::move(*outcome));
    return {};
}

void Session::adopt_training(const std::string& dataset, TrainOutcome outcome) {
    TrainResult r;
    r.valid = true;
    r.dataset = dataset;
    r.model_name = outcome.model.spec().name;
    r.test_accuracy = outcome.test.accuracy;
    r.final_train_loss = outcome.epochs.empty() ? 0.0 : outcome.epochs.back().train_loss;
    r.final_val_accuracy = outcome.val_accuracy.empty() ? -1.0 : outcome.val_accuracy.back();
    r.epochs_completed = static_cast<int>(outcome.epochs.size());
    r.params = outcome.model.n_params();
    r.run_dir = outcome.run_dir;
    r.cancelled = outcome.cancelled;
    last_train_ = r;
    json metadata{{"dataset", r.dataset}, {"test_accuracy", r.test_accuracy}, {"epochs_completed", r.epochs_completed}};
    set_model(std::move(outcome.model), metadata, r.run_dir.empty() ? "trained in this session" : r.run_dir);
}

json Session::state_json() const {
    json model = json{{"loaded", model_ != nullptr}};
    if (model_) {
        const auto wl = model_->workload();
        model["name"] = model_->spec().name;
        model["params"] = model_->n_params();
        model["macs"] = wl.total_macs();
        model["weight_bytes"] = model_->n_params() * 4;
        model["activation_elems"] = wl.total_activation_elems();
        model["layers"] = static_cast<int>(wl.layers.size());
        model["source"] = model_source_;
        model["metadata"] = model_metadata_;
    }
    json t = to_json(train);
    t["status"] = !train_job_ ? "idle" : train_job_->is_done() ? core::to_string(train_job_->state()) : "running";
    json run = json{{"valid", last_train_.valid}};
    if (last_train_.valid) {
        run["kind"] = "train";
        run["dataset"] = last_train_.dataset;
        run["model"] = last_train_.model_name;
        run["test_accuracy"] = last_train_.test_accuracy;
        run["train_loss"] = last_train_.final_train_loss;
        run["val_accuracy"] = last_train_.final_val_accuracy;
        run["epochs"] = last_train_.epochs_completed;
        run["params"] = last_train_.params;
        run["run_dir"] = last_train_.run_dir;
        run["cancelled"] = last_train_.cancelled;
    }
    return json{{"model", model}, {"train", t}, {"run", run}};
}

}  // namespace mlsys::session
