// Re-running a Run with the same config: the run's config.json is turned back into the job's request.
// Training runs (kind "train") can be re-run; other kinds say so by name.
#pragma once

#include "app/session/train_job.hpp"
#include "models/io/run_reader.hpp"

#include <string>

namespace mlsys::session {

// The TrainRequest that reproduces `run` (seed included), writing its Run under runs_dir. Errors: a kind
// that cannot be re-run, a damaged or unreadable config (the key is named).
core::Result<TrainRequest> rerun_request(const models::RunRecord& run, const std::string& runs_dir);

}  // namespace mlsys::session
