// The Run directory format (docs/RUNS.md), version 1: file names, format tags and statuses shared by the
// writer (run_log.hpp) and the reader (run_reader.hpp). Constants only; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mlsys::models {

inline constexpr int kRunFormatVersion = 1;
inline constexpr const char* kRunConfigFormat = "mlsys-run-config";
inline constexpr const char* kRunSummaryFormat = "mlsys-run-summary";

inline constexpr const char* kRunConfigFile = "config.json";
inline constexpr const char* kRunMetricsFile = "metrics.csv";  // later segments: metrics-2.csv, metrics-3.csv, ...
inline constexpr const char* kRunEventsFile = "events.jsonl";
inline constexpr const char* kRunSummaryFile = "summary.json";
inline constexpr const char* kRunArtifactsDir = "artifacts";

// The first two columns of every metrics file.
inline constexpr const char* kRunStepColumn = "step";
inline constexpr const char* kRunWallTimeColumn = "wall_time_s";

// Finished, Failed and Cancelled are written by the writer's finish(); Running and Incomplete are what a
// reader concludes for a run without summary.json (its writer still holds the lock, or it is gone).
enum class RunStatus { Running, Finished, Failed, Cancelled, Incomplete };

// "running", "finished", "failed", "cancelled", "incomplete".
const char* to_string(RunStatus status);
std::optional<RunStatus> parse_run_status(std::string_view text);

// The file holding metrics segment k (1-based): "metrics.csv" for 1, "metrics-<k>.csv" after.
std::string run_metrics_file(int segment);

}  // namespace mlsys::models
