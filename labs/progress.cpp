// Lab progress <-> JSON, and its file in the data directory (written with write_file_atomic).
#include "labs/progress.hpp"

#include "models/core/files.hpp"

#include <ctime>

namespace mlsys::labs {

using core::fail;
using nlohmann::json;

std::string utc_now_iso() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

namespace {
json entries_json(const std::map<std::string, Entry>& m, bool with_correct) {
    json out = json::object();
    for (const auto& [id, e] : m) {
        json j{{"value", e.value}, {"attempts", e.attempts}, {"at", e.at}};
        if (with_correct) j["correct"] = e.is_correct;
        out[id] = j;
    }
    return out;
}
core::Status read_entries(const json& j, const std::string& where, std::map<std::string, Entry>& out) {
    if (j.is_null()) return core::Status::success();
    if (!j.is_object()) return fail(where + ": must be an object");
    for (auto it = j.begin(); it != j.end(); ++it) {
        const json& e = it.value();
        if (!e.is_object() || !e.contains("value")) return fail(where + "." + it.key() + ": must be an object with \"value\"");
        Entry en;
        en.value = e["value"];
        en.is_correct = e.value("correct", false);
        en.attempts = e.value("attempts", 0);
        en.at = e.value("at", std::string());
        out[it.key()] = en;
    }
    return core::Status::success();
}
}  // namespace

json to_json(const LabProgress& p) {
    json steps = json::object();
    for (const auto& [id, s] : p.steps) {
        steps[id] = json{{"passed", s.passed},
                         {"opened_at", s.opened_at},
                         {"passed_at", s.passed_at},
                         {"hints_shown", s.hints_shown},
                         {"predictions", entries_json(s.predictions, false)},
                         {"answers", entries_json(s.answers, true)},
                         {"result", s.result},
                         {"action_at", s.action_at},
                         {"measurements", s.measurements}};
    }
    return json{{"format", kProgressFormat}, {"version", kProgressFormatVersion}, {"lab_id", p.lab_id},
                {"lab_revision", p.lab_revision}, {"current_step", p.current_step}, {"started_at", p.started_at},
                {"updated_at", p.updated_at}, {"completed_at", p.completed_at}, {"run_dir", p.run_dir}, {"steps", steps}};
}

core::Result<LabProgress> parse_progress(const json& j) {
    if (!j.is_object() || j.value("format", "") != kProgressFormat) return fail(std::string("format: must be \"") + kProgressFormat + "\"");
    if (j.value("version", 0) != kProgressFormatVersion) return fail("version: " + j.value("version", json()).dump() + " is not supported");
    LabProgress p;
    try {
        p.lab_id = j.at("lab_id").get<std::string>();
        p.lab_revision = j.value("lab_revision", 0);
        p.current_step = j.value("current_step", 0);
        p.started_at = j.value("started_at", "");
        p.updated_at = j.value("updated_at", "");
        p.completed_at = j.value("completed_at", "");
        p.run_dir = j.value("run_dir", "");
        if (p.current_step < 0) return fail("current_step: must be >= 0");
        const json steps = j.value("steps", json::object());
        if (!steps.is_object()) return fail("steps: must be an object");
        for (auto it = steps.begin(); it != steps.end(); ++it) {
            const json& s = it.value();
            const std::string where = "steps." + it.key();
            if (!s.is_object()) return fail(where + ": must be an object");
            StepProgress sp;
            sp.passed = s.value("passed", false);
            sp.opened_at = s.value("opened_at", "");
            sp.passed_at = s.value("passed_at", "");
            sp.hints_shown = s.value("hints_shown", 0);
            sp.result = s.value("result", json());
            sp.action_at = s.value("action_at", "");
            sp.measurements = s.value("measurements", json::object());
            if (auto st = read_entries(s.value("predictions", json()), where + ".predictions", sp.predictions); !st) return fail(st.error());
            if (auto st = read_entries(s.value("answers", json()), where + ".answers", sp.answers); !st) return fail(st.error());
            p.steps[it.key()] = std::move(sp);
        }
    } catch (const json::exception& e) {
        return fail(std::string("a field has the wrong type: ") + e.what());
    }
    return p;
}

std::filesystem::path default_progress_dir() { return core::data_dir() / "labs" / "progress"; }

std::filesystem::path progress_path(const std::filesystem::path& dir, const std::string& lab_id) {
    return dir / (lab_id + ".json");
}

core::Result<LabProgress> load_progress(const std::filesystem::path& dir, const std::string& lab_id) {
    const auto path = progress_path(dir, lab_id);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        LabProgress p;
        p.lab_id = lab_id;
        p.started_at = utc_now_iso();
        return p;
    }
    auto text = core::read_file(path);
    if (!text) return fail(text.error());
    json j;
    try {
        j = json::parse(*text);
    } catch (const json::parse_error& e) {
        return fail(path.string() + ": damaged progress file (" + e.what() + ")");
    }
    auto p = parse_progress(j);
    if (!p) return fail(path.string() + ": " + p.error());
    if (p->lab_id != lab_id) return fail(path.string() + ": lab_id: \"" + p->lab_id + "\" does not match \"" + lab_id + "\"");
    return p;
}

core::Status save_progress(const std::filesystem::path& dir, LabProgress& progress) {
    progress.updated_at = utc_now_iso();
    if (progress.started_at.empty()) progress.started_at = progress.updated_at;
    return core::write_file_atomic(progress_path(dir, progress.lab_id), to_json(progress).dump(2) + "\n");
}

}  // namespace mlsys::labs
