// The step engine: one lab in progress against a LabHost. Opens steps (applying their settings), takes
// predictions (only before the measurement), runs the step's action, grades answers, evaluates the check
// against the state document, unlocks the next step and saves progress after every change. The GUI and
// `mlsyslab lab run --auto` both drive a lab through this class.
#pragma once

#include "labs/host.hpp"
#include "labs/lab.hpp"
#include "labs/progress.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mlsys::labs {

// Why a step has (not) passed.
struct StepStatus {
    std::vector<std::string> missing_predictions;  // ids not yet committed
    bool needs_action = false;                     // the step has an action that has not run yet
    std::vector<std::string> open_questions;       // ids unanswered or answered wrongly
    bool has_check = false;
    bool check_ok = false;
    std::string check_error;  // the evaluation error (a missing name), empty when it evaluated
    bool passed = false;

    // "waiting for: your prediction p1; running the step; question q2; the check (run.epochs >= 3)"
    std::string waiting_for() const;
};

// The result of grading one answer.
struct Grade {
    bool is_correct = false;
    std::string feedback;  // "right", or "not quite: the app shows 89,610" style help without the answer
};

class LabRunner {
public:
    // progress_dir empty: progress is kept in memory only (--auto).
    LabRunner(Lab lab, LabProgress progress, LabHost& host, std::filesystem::path progress_dir = {});

    const Lab& lab() const { return lab_; }
    const LabProgress& progress() const { return progress_; }
    LabHost& host() { return host_; }
    int current() const { return progress_.current_step; }
    int n_steps() const { return static_cast<int>(lab_.steps.size()); }
    // The furthest step the student may open: one past the last passed step in order.
    int unlocked() const;

    // Makes step i current (i <= unlocked()) and applies its settings to the workspaces.
    core::Status open_step(int i);
    // Commits a prediction; refused once the step's action has run (the measurement is revealed).
    core::Status commit_prediction(int i, const std::string& id, const nlohmann::json& value);
    // Runs step i's action (every prediction must be committed first); stores its result and reveals
    // the measurements. In non-blocking mode an action may only start a job (result {"started": true}).
    core::Status run_action(int i, const ActionContext& context);
    // True while step i's action runs as a job (started in non-blocking mode).
    bool is_pending(int i) const;
    // Collects a pending action's result when its job finished (call once per frame); returns an error
    // when the job failed.
    core::Status poll_action(int i);
    // Grades an answer to a question of step i (number within tolerance, or the right choice index).
    core::Result<Grade> answer(int i, const std::string& question_id, const nlohmann::json& value);
    // Marks a manual step (one that needs watching the GUI) as done: the student's "I did this".
    core::Status mark_manual_done(int i);
    // Shows one more hint of step i; returns the number shown.
    int reveal_hint(int i);
    // Re-evaluates step i against the current state; records measurements when it passes; saves.
    StepStatus evaluate(int i);
    // Moves to the next step when the current one passed; marks the lab complete after the last.
    core::Status next();
    // Clears step i and everything after it, and makes i current (answers of earlier steps stay).
    core::Status reset_to(int i);

    // The state document checks see: host.state() plus {"lab": {"answers": {id: value}, "predictions": ...,
    // "steps": {step_id: result}}}.
    nlohmann::json state_document() const;
    // Evaluates an expression in step i's scope (its action result, then the state document).
    core::Result<nlohmann::json> evaluate_in_step(int i, const std::string& expression) const;
    // The value a prediction's measurement had (null before the action ran).
    nlohmann::json measured(int i, const std::string& prediction_id) const;

    core::Status save();

private:
    nlohmann::json scope_local(int i) const;
    void record_measurements(int i, const nlohmann::json& state);

    core::Status store_result(int i, const nlohmann::json& result);

    Lab lab_;
    LabProgress progress_;
    std::map<std::string, nlohmann::json> pending_;  // step id -> what a non-blocking action returned
    LabHost& host_;
    std::filesystem::path progress_dir_;
};

struct AutoOptions {
    std::string runs_dir;  // where the lab's Run (with the report) goes; empty: no report
    std::function<void(const std::string&)> log;  // one line per step (may be empty)
};

struct AutoResult {
    bool ok = false;
    std::string message;  // the failing step and check, or "all N steps passed"
    int n_passed = 0, n_skipped = 0;
    std::string run_dir;
    nlohmann::json report;  // the JSON snapshot
};

// Runs every automatable step with the solution block's answers, blocking. Stops at the first step that
// does not pass: message "step 3 \"lr-too-high\": the check (run.test_accuracy < 0.7) is false".
AutoResult run_auto(const Lab& lab, LabHost& host, const AutoOptions& options);

}  // namespace mlsys::labs
