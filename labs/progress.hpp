// A student's progress through one lab (current step, predictions, answers, checks passed, measurements,
// timestamps), saved as a versioned JSON file in the XDG data directory with crash-safe writes, so it
// survives restarts. Steps are keyed by id, so a lab revision that adds steps keeps the old answers.
#pragma once

#include "models/core/result.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

namespace mlsys::labs {

inline constexpr const char* kProgressFormat = "mlsys-lab-progress";
inline constexpr int kProgressFormatVersion = 1;

// A committed prediction or a submitted answer.
struct Entry {
    nlohmann::json value;   // number or choice index
    bool is_correct = false;  // answers only
    int attempts = 0;
    std::string at;         // UTC ISO 8601 of the last submission
};

struct StepProgress {
    bool passed = false;
    std::string opened_at, passed_at;
    int hints_shown = 0;
    std::map<std::string, Entry> predictions;
    std::map<std::string, Entry> answers;
    nlohmann::json result;  // the action's result object; null until the action ran
    std::string action_at;
    nlohmann::json measurements = nlohmann::json::object();  // recorded values and revealed measurements
};

struct LabProgress {
    std::string lab_id;
    int lab_revision = 0;
    int current_step = 0;
    std::string started_at, updated_at, completed_at;
    std::map<std::string, StepProgress> steps;  // by step id
    std::string run_dir;  // the lab's Run, once a report was written

    StepProgress& step(const std::string& id) { return steps[id]; }
    bool is_complete() const { return !completed_at.empty(); }
};

nlohmann::json to_json(const LabProgress& p);
// Reads what to_json wrote; errors name the key.
core::Result<LabProgress> parse_progress(const nlohmann::json& j);

// data_dir()/labs/progress: where progress files live by default.
std::filesystem::path default_progress_dir();
std::filesystem::path progress_path(const std::filesystem::path& dir, const std::string& lab_id);
// The saved progress of a lab; a fresh LabProgress (started now) when there is none. A damaged file is an
// error naming it (the caller may start over; the file is not touched).
core::Result<LabProgress> load_progress(const std::filesystem::path& dir, const std::string& lab_id);
// Writes atomically (temporary file + rename) and sets updated_at.
core::Status save_progress(const std::filesystem::path& dir, LabProgress& progress);

// The current UTC time as "2026-11-30T03:12:45Z".
std::string utc_now_iso();

}  // namespace mlsys::labs
