// How the labs engine reaches the app: a self-registering registry of lab actions (what a step asks the
// app to do: train, inspect a model, simulate a cache...) and of state sections (each workspace's settings
// as JSON the labs read and set), and SessionLabHost, the labs::LabHost over a Session.
//
// To add an action or a state section, write app/session/lab_actions/<area>.cpp (that folder is an object
// library, so nothing drops the registration) and register at namespace scope:
//     MLSYS_LAB_ACTION("simulate_cache", "replay the model's traffic through a cache", run_fn);
//     MLSYS_LAB_ACTION_ASYNC("train", "...", run_fn, poll_fn);
//     MLSYS_LAB_STATE("memory", get_fn, set_fn);   // set_fn may be nullptr for a read-only section
// No shared file lists them (docs/LABS.md "Adding an action").
#pragma once

#include "labs/host.hpp"

#include "models/core/result.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlsys::session {

class Session;

// Runs an action: read `params` (errors name the parameter: "params.epochs: must be ..."), drive the
// session, return a JSON object (the step's result, which checks and records read by name). With
// context.blocking false it may start a job and return {"pending": true, ...anything poll needs}.
using LabActionRun = std::function<core::Result<nlohmann::json>(Session& session, const nlohmann::json& params,
                                                                const labs::ActionContext& context)>;
// For actions that start jobs: the final result once the job finished (nullopt while it runs). `started`
// is what run returned.
using LabActionPoll = std::function<std::optional<core::Result<nlohmann::json>>(Session& session, const nlohmann::json& params,
                                                                                const nlohmann::json& started)>;
using LabStateGet = std::function<nlohmann::json(const Session& session)>;
using LabStateSet = std::function<core::Status(Session& session, const nlohmann::json& settings)>;

struct LabActionInfo {
    std::string kind;
    std::string description;
    LabActionRun run;
    LabActionPoll poll;  // may be empty
};
struct LabStateInfo {
    std::string section;
    LabStateGet get;
    LabStateSet set;  // may be empty: read-only
};

// Registration (at static initialisation, through the macros). A second registration of a name replaces
// nothing and returns false (so a clash shows up in tests, not as a silent override).
bool register_lab_action(LabActionInfo info);
bool register_lab_state(LabStateInfo info);
// Everything registered, sorted by name.
std::vector<LabActionInfo> lab_actions();
std::vector<LabStateInfo> lab_state_sections();

// The labs engine's view of a Session.
class SessionLabHost final : public labs::LabHost {
public:
    explicit SessionLabHost(Session& session) : session_(session) {}
    bool has_action(const std::string& kind) const override;
    core::Result<nlohmann::json> run_action(const std::string& kind, const nlohmann::json& params,
                                            const labs::ActionContext& context) override;
    std::optional<core::Result<nlohmann::json>> poll_action(const std::string& kind, const nlohmann::json& params,
                                                            const nlohmann::json& started) override;
    core::Status apply_settings(const nlohmann::json& set) override;
    // session.state_json(), then each registered section under its name.
    nlohmann::json state() const override;

private:
    Session& session_;
};

}  // namespace mlsys::session

#define MLSYS_LAB_CONCAT2(a, b) a##b
#define MLSYS_LAB_CONCAT(a, b) MLSYS_LAB_CONCAT2(a, b)
#define MLSYS_LAB_ACTION(kind, description, run)                                                          \
    static const bool MLSYS_LAB_CONCAT(mlsys_lab_action_, __LINE__) =                                      \
        ::mlsys::session::register_lab_action(::mlsys::session::LabActionInfo{kind, description, run, {}})
#define MLSYS_LAB_ACTION_ASYNC(kind, description, run, poll)                                              \
    static const bool MLSYS_LAB_CONCAT(mlsys_lab_action_, __LINE__) =                                      \
        ::mlsys::session::register_lab_action(::mlsys::session::LabActionInfo{kind, description, run, poll})
#define MLSYS_LAB_STATE(section, get, set)                                                                \
    static const bool MLSYS_LAB_CONCAT(mlsys_lab_state_, __LINE__) =                                       \
        ::mlsys::session::register_lab_state(::mlsys::session::LabStateInfo{section, get, set})
