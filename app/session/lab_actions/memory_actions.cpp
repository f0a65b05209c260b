// Lab actions of the memory-hierarchy simulator: "memsim" runs a study (any Memory setting as a param, or
// "current": true for the session's model) and returns its summary; the "memory" state section shows and
// sets the Memory workspace's settings and its newest study.
#include "app/session/lab_host.hpp"
#include "app/session/memory_state.hpp"
#include "app/session/session.hpp"

#include "models/model/model.hpp"

#include <filesystem>
#include <fstream>

namespace mlsys::session {
namespace {

using core::fail;
using nlohmann::json;

core::Result<json> memsim_action(Session& s, const json& params, const labs::ActionContext&) {
    if (!params.is_object()) return fail("params: must be an object of Memory settings");
    MemoryWorkspaceState& ws = memory_workspace(s);
    MemorySettings settings = ws.settings;
    json p = params;
    std::string tmp_spec;
    if (p.contains("current")) {
        if (!p["current"].is_boolean()) return fail("params.current: must be true or false");
        if (p["current"].get<bool>()) {
            if (!s.model()) return fail("params.current: there is no current model (train or load one first)");
            tmp_spec = (std::filesystem::temp_directory_path() / "mlsyslab-memsim-current.json").string();
            std::ofstream(tmp_spec) << models::to_json(s.model()->spec()).dump();
            p["workload"] = tmp_spec;
            p["model_file"] = "";
        }
        p.erase("current");
    }
    if (auto st = apply_json(settings, p); !st) return fail("params." + st.error());
    auto study = run_memory_study(settings);
    if (!tmp_spec.empty()) std::filesystem::remove(tmp_spec);
    if (!study) return fail(study.error());
    ws.settings = settings;
    auto shared = std::make_shared<const MemoryStudy>(std::move(*study));
    ws.study = shared;
    return study_summary(*shared);
}

json memory_state(const Session& s) {
    const MemoryWorkspaceState& ws = memory_workspace(s);
    json j = to_json(ws.settings);
    j["status"] = ws.job ? "running" : ws.study ? "finished" : "idle";
    if (ws.study) j["study"] = study_summary(*ws.study);
    return j;
}

core::Status set_memory(Session& s, const json& settings) { return apply_json(memory_workspace(s).settings, settings); }

}  // namespace
}  // namespace mlsys::session

MLSYS_LAB_ACTION("memsim", "replay (or estimate) a model's memory traffic through a cache hierarchy: energy, misses, roofline, training memory",
                 mlsys::session::memsim_action);
MLSYS_LAB_STATE("memory", mlsys::session::memory_state, mlsys::session::set_memory);
