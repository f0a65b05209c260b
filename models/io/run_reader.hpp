// Reading Run directories (docs/RUNS.md) for the Runs workspace, `mlsyslab runs` and export: everything
// readable is returned, and every problem (truncated last line, garbage JSON, missing file) is reported
// as damage with the file, line and reason. Never modifies or deletes anything.
#pragma once

#include "models/core/result.hpp"
#include "models/io/run_format.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mlsys::models {

// One problem found in a run. line is 1-based; 0 means the whole file.
struct RunDamage {
    std::string file;  // relative to the run directory, e.g. "metrics.csv"
    int line = 0;
    std::string reason;
};

// All metric rows of a run (every segment merged), column-major.
struct MetricsTable {
    std::vector<std::string> columns;  // metric names in first-seen order, without step and wall_time_s
    std::vector<int64_t> step;
    std::vector<double> wall_time_s;
    std::vector<std::vector<double>> values;  // values[c][row]; NaN where the row has no value

    int n_rows() const { return static_cast<int>(step.size()); }
    // The column named `name`, or nullptr.
    const std::vector<double>* column(const std::string& name) const;
};

struct RunRecord {
    std::filesystem::path dir;
    std::string id;       // the directory name
    std::string kind;     // from config.json, else from the id
    std::string name;     // from config.json, else the id's slug
    std::string created;  // UTC ISO 8601 from config.json; empty if unknown
    int format_version = 0;
    nlohmann::json config = nlohmann::json::object();  // config.json's "config" object
    RunStatus status = RunStatus::Incomplete;
    nlohmann::json summary;                              // summary.json as written; null if absent
    nlohmann::json headline = nlohmann::json::object();  // summary.json's "headline"
    std::string message;                                 // summary.json's "message" (error of a failed run)
    // From summary.json; for a run without one, the last wall_time_s seen in metrics or events (a
    // lower bound); -1 when nothing tells.
    double duration_s = -1.0;
    MetricsTable metrics;
    std::vector<nlohmann::json> events;   // each an object with at least "type"
    std::vector<std::string> artifacts;   // relative paths under artifacts/, sorted
    std::vector<RunDamage> damage;

    bool is_damaged() const { return !damage.empty(); }
};

// What read_run() loads; listing many runs can skip the metrics and events.
struct RunReadOptions {
    bool metrics = true;
    bool events = true;
    bool artifacts = true;
};

// Reads one run directory. Fails only when `dir` is not a directory; everything else becomes damage:
// a last line without its newline (an interrupted append) is reported as "truncated" and skipped, a bad
// line in the middle is reported with its line number and skipped, garbage or missing config.json or
// summary.json is reported with the parser's reason. A run without summary.json reads as Running while
// its writer holds the lock on events.jsonl, else Incomplete.
core::Result<RunRecord> read_run(const std::filesystem::path& dir, const RunReadOptions& options = {});

// Every run directory under root (sub-directories named like a run id or holding config.json; hidden
// ones such as .trash are skipped), newest first: by the start time in the id (for a directory not
// named like an id, config.json's modification time), then by config.json's modification time.
// Empty if root does not exist.
std::vector<std::filesystem::path> list_runs(const std::filesystem::path& root);

// Parses "YYYYMMDD-HHMMSS-<kind>-<slug>-<hhhh>" into its parts; false if `id` is not of that form.
struct RunIdParts {
    std::string timestamp;  // "YYYYMMDD-HHMMSS" (UTC)
    std::string kind;
    std::string slug;
    std::string suffix;
};
bool parse_run_id(const std::string& id, RunIdParts& parts);

}  // namespace mlsys::models
