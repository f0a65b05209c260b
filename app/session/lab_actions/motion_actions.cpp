// Lab actions of the motion lab (docs/BOARDS.md "Motion classification and anomaly detection"):
// motion_capture, motion_train, motion_deploy and motion_classify drive session::MotionLabState through
// the board (the virtual board unless the "motion" section's port names a real one), and the "motion" state
// section shows and sets its settings. Params of an action are motion settings applied before it runs
// (plus "motions" and "windows" for motion_classify). In the GUI a stage runs on a worker thread and the
// step polls it, so the window stays responsive while the board streams.
#include "app/session/lab_host.hpp"
#include "app/session/motion_lab.hpp"
#include "app/session/session.hpp"

#include <cstdio>
#include <future>

namespace mlsys::session {
namespace {

using core::fail;
using nlohmann::json;

enum class Stage { Capture, Train, Deploy, Classify };

// On a real board the person at it is asked to move it; headless (--auto) that goes to stderr, in the GUI
// the Board workspace's motion panel shows the state's activity line.
void prompt(const std::string& line) { std::fprintf(stderr, "motion lab: %s\n", line.c_str()); }

core::Result<json> run_stage(MotionLabState& st, const std::string& runs_dir, Stage stage, const json& params) {
    json settings = params;
    std::vector<std::string> motions;
    int windows = 1;
    if (stage == Stage::Classify) {
        try {
            if (settings.contains("motions")) motions = settings["motions"].get<std::vector<std::string>>();
            if (settings.contains("windows")) windows = settings["windows"].get<int>();
        } catch (const json::exception&) {
            return fail("params.motions must be a list of motion names and params.windows a whole number");
        }
        settings.erase("motions");
        settings.erase("windows");
    }
    if (auto ok = apply_json(st.settings, settings); !ok) return fail("params." + ok.error().substr(ok.error().find('.') + 1));
    switch (stage) {
    case Stage::Capture: return motion_capture(st, runs_dir, prompt);
    case Stage::Train: return motion_train(st, runs_dir);
    case Stage::Deploy: return motion_deploy(st, runs_dir);
    case Stage::Classify: return motion_classify(st, runs_dir, motions, windows, prompt);
    }
    return fail("unknown stage");
}

core::Result<json> start(Session& s, const json& params, const labs::ActionContext& ctx, Stage stage) {
    MotionLabState& st = motion_lab(s);
    if (ctx.blocking) {
        std::lock_guard<std::mutex> lock(st.mutex);
        return run_stage(st, s.runs_dir(), stage, params);
    }
    // The GUI: one stage at a time on a worker thread, owned by the session's motion state.
    if (st.pending.valid() && st.pending.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
        return fail("a motion stage is already running");
    const std::string runs_dir = s.runs_dir();
    st.cancel = false;
    st.pending = std::async(std::launch::async, [&st, runs_dir, stage, params] {
        std::lock_guard<std::mutex> lock(st.mutex);
        return run_stage(st, runs_dir, stage, params);
    });
    return json{{"pending", true}};
}

std::optional<core::Result<json>> poll(Session& s, const json&, const json&) {
    MotionLabState& st = motion_lab(s);
    if (!st.pending.valid()) return core::Result<json>(fail("the motion stage was not started"));
    if (st.pending.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
    return st.pending.get();
}

core::Result<json> capture(Session& s, const json& p, const labs::ActionContext& c) { return start(s, p, c, Stage::Capture); }
core::Result<json> train(Session& s, const json& p, const labs::ActionContext& c) { return start(s, p, c, Stage::Train); }
core::Result<json> deploy(Session& s, const json& p, const labs::ActionContext& c) { return start(s, p, c, Stage::Deploy); }
core::Result<json> classify(Session& s, const json& p, const labs::ActionContext& c) { return start(s, p, c, Stage::Classify); }

json motion_state(const Session& s) {
    MotionLabState& st = motion_lab(s);
    std::unique_lock<std::mutex> lock(st.mutex, std::try_to_lock);
    if (!lock.owns_lock()) return json{{"status", "running"}, {"activity", st.activity()}};
    return motion_state_json(st);
}

core::Status set_motion(Session& s, const json& settings) {
    MotionLabState& st = motion_lab(s);
    std::unique_lock<std::mutex> lock(st.mutex, std::try_to_lock);
    if (!lock.owns_lock()) return fail("motion: a stage is running; set the settings when it has finished");
    return apply_json(st.settings, settings);
}

}  // namespace
}  // namespace mlsys::session

MLSYS_LAB_ACTION_ASYNC("motion_capture",
                       "capture IMU windows of every motion class from the board and compute their spectral features (records a Run)",
                       mlsys::session::capture, mlsys::session::poll);
MLSYS_LAB_ACTION_ASYNC("motion_train", "train the dense classifier and the K-means anomaly model on the captured windows",
                       mlsys::session::train, mlsys::session::poll);
MLSYS_LAB_ACTION_ASYNC("motion_deploy", "quantize the classifier to int8, upload it to the board and run every test window on it",
                       mlsys::session::deploy, mlsys::session::poll);
MLSYS_LAB_ACTION_ASYNC("motion_classify",
                       "classify live: stream a window per motion, features on the desktop, INFER on the board, K-means anomaly score",
                       mlsys::session::classify, mlsys::session::poll);
MLSYS_LAB_STATE("motion", mlsys::session::motion_state, mlsys::session::set_motion);
