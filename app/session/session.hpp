// Session: the engine room every front end shares (DESIGN.md) — the current model that every workspace
// uses, each workspace's settings as plain structs, the running jobs, and where Runs go. Owned by one thread
// (the GUI's UI thread, the CLI's main thread or a lab runner); jobs receive copies, never pointers into it.
#pragma once

#include "app/session/train_control.hpp"
#include "app/session/train_settings.hpp"

#include "models/io/model_file.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

namespace mlsys::session {

struct FaultsWorkspaceState;  // app/session/faults_state.hpp
struct MemoryWorkspaceState;  // app/session/memory_state.hpp
struct OptimizeWorkspaceState;  // app/session/optimize_state.hpp
struct MotionLabState;  // app/session/motion_lab.hpp

// What the last finished training produced (for the labs and the status bar).
struct TrainResult {
    bool valid = false;
    std::string dataset;
    std::string model_name;
    double test_accuracy = 0;
    double final_train_loss = 0;
    double final_val_accuracy = -1;
    int epochs_completed = 0;
    int64_t params = 0;
    std::string run_dir;
    bool cancelled = false;
};

class Session {
public:
    // runs_dir: where Runs go (empty: the XDG default).
    explicit Session(std::string runs_dir = "");
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // ---- the current model -------------------------------------------------------------------------
    bool has_model() const { return model_ != nullptr; }
    // The current model; null when none. Jobs must clone it (Model::clone) rather than keep the pointer.
    const models::Model* model() const { return model_.get(); }
    models::Model* model() { return model_.get(); }
    const nlohmann::json& model_metadata() const { return model_metadata_; }
    const std::string& model_source() const { return model_source_; }
    // "cnn · 105,866 params · 90.1% on fashion-mnist", or "none yet".
    std::string model_label() const;
    void set_model(models::Model model, nlohmann::json metadata, std::string source);
    core::Status load_model(const std::string& path);
    core::Status save_model(const std::string& path);

    // ---- training -----------------------------------------------------------------------------------
    TrainSettings train;
    // Starts a training job from `train` (an error if one is running or the settings are invalid).
    core::Status start_training();
    TrainJob* train_job() { return train_job_.get(); }
    const TrainResult& last_train() const { return last_train_; }
    // Makes a finished training's model the current model and its results last_train() (what poll()
    // does for the job; the labs' headless "train" action calls it after run_training).
    void adopt_training(const std::string& dataset, TrainOutcome outcome);

    // Call once per frame (or step of a runner): collects finished jobs; a finished training makes its
    // model the current model. Returns a message to show when a job failed, else empty.
    std::string poll();

    // ---- workspaces' live state ------------------------------------------------------------------------
    // The Memory workspace's settings, job and newest study (created on first use; also reachable as
    // memory_workspace(session)). Mutable through a const Session like the GUI's other per-session views.
    MemoryWorkspaceState& memory_state() const;
    // The Optimize workspace's settings, variants of the current model and jobs (created on first use).
    OptimizeWorkspaceState& optimize_state() const;
    // The motion lab's settings, board connection, dataset and models (created on first use; also reachable
    // as motion_lab(session)).
    MotionLabState& motion_state() const;
    // The Faults workspace's settings, campaign job and newest result (created on first use; also
    // reachable as faults_workspace(session)).
    FaultsWorkspaceState& faults_state() const;

    // ---- state as JSON (labs, CLI) ------------------------------------------------------------------
    // {"model": {...}, "train": {settings + "status"}, "run": {the last training's results}}
    nlohmann::json state_json() const;
    const std::string& runs_dir() const { return runs_dir_; }

private:
    std::string runs_dir_;
    std::unique_ptr<models::Model> model_;
    nlohmann::json model_metadata_ = nlohmann::json::object();
    std::string model_source_;
    std::unique_ptr<TrainJob> train_job_;
    TrainResult last_train_;
    mutable std::unique_ptr<MemoryWorkspaceState> memory_;
    mutable std::unique_ptr<FaultsWorkspaceState> faults_;
    mutable std::unique_ptr<MotionLabState> motion_;  // its destructor stops a running stage and the virtual board
    mutable std::unique_ptr<OptimizeWorkspaceState> optimize_;  // last: its jobs are joined first
};

}  // namespace mlsys::session
