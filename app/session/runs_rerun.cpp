// rerun_request(): config.json "config" -> TrainRequest through the same parser the train job's to_json
// round-trips with.
#include "app/session/runs_rerun.hpp"

namespace mlsys::session {

core::Result<TrainRequest> rerun_request(const models::RunRecord& run, const std::string& runs_dir) {
    if (run.kind != "train")
        return core::fail(run.id + ": re-running '" + run.kind + "' runs is not supported; only training runs (kind 'train') can be re-run");
    for (const auto& d : run.damage)
        if (d.file == models::kRunConfigFile) return core::fail(run.id + ": config.json is damaged (" + d.reason + "); nothing to re-run from");
    auto req = parse_train_request(run.config);
    if (!req) return core::fail(run.id + ": " + req.error());
    req->runs_dir = runs_dir;
    req->write_run = true;
    req->save_path.clear();
    return req;
}

}  // namespace mlsys::session
