// Reading and writing the app's settings file (see settings.hpp). Bad input degrades to defaults with a
// warning; it must never stop the app from starting.
#include "app/gui/settings.hpp"

#include "models/core/files.hpp"

#include <nlohmann/json.hpp>

#include <system_error>

namespace mlsys::gui {
namespace {

constexpr const char* kFormat = "mlsyslab-gui-settings";
constexpr int kVersion = 1;

struct Reader {
    const nlohmann::json& root;
    const std::string& source;
    std::vector<std::string>& warnings;

    const nlohmann::json* find(const char* group, const char* key) const {
        const nlohmann::json* obj = &root;
        if (group) {
            auto g = root.find(group);
            if (g == root.end()) return nullptr;
            if (!g->is_object()) {
                warnings.push_back(source + ": " + group + ": must be an object; using defaults");
                return nullptr;
            }
            obj = &*g;
        }
        auto it = obj->find(key);
        return it == obj->end() ? nullptr : &*it;
    }
    static std::string path(const char* group, const char* key) {
        return group ? std::string(group) + "." + key : std::string(key);
    }

    void read_int(const char* group, const char* key, int lo, int hi, int& out) const {
        const nlohmann::json* v = find(group, key);
        if (!v) return;
        if (!v->is_number_integer() || v->get<long long>() < lo || v->get<long long>() > hi) {
            warnings.push_back(source + ": " + path(group, key) + ": must be an integer in " + std::to_string(lo) +
                               ".." + std::to_string(hi) + " (got " + v->dump() + "); using " +
                               std::to_string(out));
            return;
        }
        out = v->get<int>();
    }
    void read_bool(const char* group, const char* key, bool& out) const {
        const nlohmann::json* v = find(group, key);
        if (!v) return;
        if (!v->is_boolean()) {
            warnings.push_back(source + ": " + path(group, key) + ": must be true or false (got " + v->dump() + ")");
            return;
        }
        out = v->get<bool>();
    }
    void read_choice(const char* key, std::initializer_list<const char*> choices, std::string& out) const {
        const nlohmann::json* v = find(nullptr, key);
        if (!v) return;
        if (v->is_string()) {
            for (const char* c : choices) {
                if (v->get<std::string>() == c) {
                    out = c;
                    return;
                }
            }
        }
        std::string list;
        for (const char* c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
        warnings.push_back(source + ": " + key + ": must be one of " + list + " (got " + v->dump() + ")");
    }
    void read_identifier(const char* key, std::string& out) const {
        const nlohmann::json* v = find(nullptr, key);
        if (!v) return;
        if (!v->is_string() || v->get<std::string>().empty() || v->get<std::string>().size() > 64) {
            warnings.push_back(source + ": " + key + ": must be a workspace id (got " + v->dump() + ")");
            return;
        }
        out = v->get<std::string>();
    }
};

}  // namespace

SettingsLoad parse_gui_settings(const std::string& text, const std::string& source_name) {
    SettingsLoad out;
    nlohmann::json root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded() || !root.is_object()) {
        out.warnings.push_back(source_name + ": not a JSON object; ignoring it and using default settings");
        return out;
    }
    auto format = root.find("format");
    if (format == root.end() || *format != kFormat) {
        out.warnings.push_back(source_name + ": format: expected \"" + std::string(kFormat) +
                               "\"; ignoring the file and using default settings");
        return out;
    }
    auto version = root.find("version");
    if (version == root.end() || !version->is_number_integer() || version->get<int>() > kVersion) {
        out.warnings.push_back(source_name + ": version: expected " + std::to_string(kVersion) +
                               " or lower; ignoring the file and using default settings");
        return out;
    }
    GuiSettings& s = out.settings;
    const Reader r{root, source_name, out.warnings};
    r.read_int("window", "x", -100000, 100000, s.window_x);
    r.read_int("window", "y", -100000, 100000, s.window_y);
    r.read_int("window", "width", 200, 16384, s.window_width);
    r.read_int("window", "height", 150, 16384, s.window_height);
    r.read_bool("window", "maximized", s.window_maximized);
    r.read_identifier("workspace", s.workspace);
    r.read_choice("theme", {"dark", "light"}, s.theme);
    r.read_bool(nullptr, "performance_overlay", s.performance_overlay);
    if (auto ws = root.find("workspaces"); ws != root.end()) {
        if (ws->is_object()) s.workspace_state = *ws;
        else out.warnings.push_back(source_name + ": workspaces: must be an object (got " + ws->dump() + ")");
    }
    return out;
}

std::string serialize_gui_settings(const GuiSettings& s) {
    nlohmann::json j = {
        {"format", kFormat},
        {"version", kVersion},
        {"window",
         {{"x", s.window_x},
          {"y", s.window_y},
          {"width", s.window_width},
          {"height", s.window_height},
          {"maximized", s.window_maximized}}},
        {"workspace", s.workspace},
        {"theme", s.theme},
        {"performance_overlay", s.performance_overlay},
        {"workspaces", s.workspace_state.is_object() ? s.workspace_state : nlohmann::json::object()},
    };
    return j.dump(2) + "\n";
}

std::filesystem::path gui_settings_path() { return core::config_dir() / "settings.json"; }

SettingsLoad load_gui_settings(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return {};
    core::Result<std::string> text = core::read_file(path);
    if (!text) {
        SettingsLoad out;
        out.warnings.push_back(text.error() + "; using default settings");
        return out;
    }
    return parse_gui_settings(*text, path.string());
}

core::Status save_gui_settings(const std::filesystem::path& path, const GuiSettings& settings) {
    return core::write_file_atomic(path, serialize_gui_settings(settings));
}

}  // namespace mlsys::gui
