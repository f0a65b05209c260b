// What the lab engine needs from the application, as an interface: the labs library sits below app/session
// (DESIGN.md), so it cannot call the Session. app/session implements LabHost with its action and state
// registries (app/session/lab_actions.hpp); tests implement it with fakes.
#pragma once

#include "models/core/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace mlsys::labs {

// How an action is being run.
struct ActionContext {
    // true (--auto, tests): run to completion before returning. false (the GUI): an action that takes
    // long may start a job in the live workspace and return {"started": true}; the step's check then
    // waits for the state to show the result.
    bool blocking = true;
    std::string lab_id;   // which lab and step asked (for Run names and messages)
    std::string step_id;
};

class LabHost {
public:
    virtual ~LabHost() = default;
    // True when an action of this kind is registered.
    virtual bool has_action(const std::string& kind) const = 0;
    // Runs an action; its result object becomes the step's local scope for checks and records. Errors
    // name the parameter and the value.
    virtual core::Result<nlohmann::json> run_action(const std::string& kind, const nlohmann::json& params,
                                                    const ActionContext& context) = 0;
    // For an action that returned {"pending": true, ...} (non-blocking mode): its final result once the
    // work finished, nullopt while it runs. The default treats `started` as final.
    virtual std::optional<core::Result<nlohmann::json>> poll_action(const std::string& kind, const nlohmann::json& params,
                                                                    const nlohmann::json& started) {
        (void)kind;
        (void)params;
        return core::Result<nlohmann::json>(started);
    }
    // Applies a step's {section: settings} to the workspaces (e.g. {"train": {"epochs": 3}}).
    virtual core::Status apply_settings(const nlohmann::json& set) = 0;
    // The app's state document: every workspace's section ({"model": ..., "train": ..., "run": ...}).
    virtual nlohmann::json state() const = 0;
};

}  // namespace mlsys::labs
