// The lab action and state registries (function-local statics, so registration order across translation
// units does not matter) and SessionLabHost.
#include "app/session/lab_host.hpp"

#include "app/session/session.hpp"

#include <algorithm>
#include <map>

namespace mlsys::session {

using core::fail;
using nlohmann::json;

namespace {
std::map<std::string, LabActionInfo>& actions() {
    static std::map<std::string, LabActionInfo> m;
    return m;
}
std::map<std::string, LabStateInfo>& sections() {
    static std::map<std::string, LabStateInfo> m;
    return m;
}
}  // namespace

bool register_lab_action(LabActionInfo info) {
    const std::string kind = info.kind;
    return actions().emplace(kind, std::move(info)).second;
}

bool register_lab_state(LabStateInfo info) {
    const std::string name = info.section;
    return sections().emplace(name, std::move(info)).second;
}

std::vector<LabActionInfo> lab_actions() {
    std::vector<LabActionInfo> out;
    for (const auto& [k, v] : actions()) out.push_back(v);
    return out;
}

std::vector<LabStateInfo> lab_state_sections() {
    std::vector<LabStateInfo> out;
    for (const auto& [k, v] : sections()) out.push_back(v);
    return out;
}

bool SessionLabHost::has_action(const std::string& kind) const { return actions().count(kind) > 0; }

core::Result<json> SessionLabHost::run_action(const std::string& kind, const json& params, const labs::ActionContext& context) {
    auto it = actions().find(kind);
    if (it == actions().end()) {
        std::string names;
        for (const auto& [k, v] : actions()) names += (names.empty() ? "" : ", ") + k;
        return fail("no lab action \"" + kind + "\" (actions: " + names + ")");
    }
    try {
        return it->second.run(session_, params, context);
    } catch (const std::exception& e) {
        // An action is plugged in by another module: its exception must not cross into the engine.
        return fail(std::string("the action failed: ") + e.what());
    }
}

std::optional<core::Result<json>> SessionLabHost::poll_action(const std::string& kind, const json& params, const json& started) {
    auto it = actions().find(kind);
    if (it == actions().end() || !it->second.poll) return core::Result<json>(started);
    try {
        return it->second.poll(session_, params, started);
    } catch (const std::exception& e) {
        return core::Result<json>(fail(std::string("the action failed: ") + e.what()));
    }
}

core::Status SessionLabHost::apply_settings(const json& set) {
    for (auto it = set.begin(); it != set.end(); ++it) {
        auto s = sections().find(it.key());
        if (s == sections().end() || !s->second.set) {
            std::string names;
            for (const auto& [k, v] : sections())
                if (v.set) names += (names.empty() ? "" : ", ") + k;
            return fail("set." + it.key() + ": no settings section \"" + it.key() + "\" to set (settable: " + names + ")");
        }
        if (auto st = s->second.set(session_, it.value()); !st) return st;
    }
    return core::Status::success();
}

json SessionLabHost::state() const {
    json state = session_.state_json();
    for (const auto& [name, info] : sections()) {
        try {
            state[name] = info.get(session_);
        } catch (const std::exception& e) {
            state[name] = json{{"error", e.what()}};
        }
    }
    return state;
}

}  // namespace mlsys::session
