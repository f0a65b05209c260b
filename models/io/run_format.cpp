// Run format names: status strings and metrics segment file names.
#include "models/io/run_format.hpp"

namespace mlsys::models {

const char* to_string(RunStatus status) {
    switch (status) {
    case RunStatus::Running: return "running";
    case RunStatus::Finished: return "finished";
    case RunStatus::Failed: return "failed";
    case RunStatus::Cancelled: return "cancelled";
    case RunStatus::Incomplete: return "incomplete";
    }
    return "incomplete";
}

std::optional<RunStatus> parse_run_status(std::string_view text) {
    for (RunStatus s : {RunStatus::Running, RunStatus::Finished, RunStatus::Failed, RunStatus::Cancelled,
                        RunStatus::Incomplete})
        if (text == to_string(s)) return s;
    return std::nullopt;
}

std::string run_metrics_file(int segment) {
    if (segment <= 1) return kRunMetricsFile;
    return "metrics-" + std::to_string(segment) + ".csv";
}

}  // namespace mlsys::models
