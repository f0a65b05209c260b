// The desktop app's persistent settings (window geometry, last workspace, theme, overlay) as a plain
// struct with a pure JSON parser; stored in $XDG_CONFIG_HOME/mlsyslab/settings.json. No ImGui here.
#pragma once

#include "models/core/result.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace mlsys::gui {

struct GuiSettings {
    int window_x = -1;  // screen position; -1: let the window manager place it
    int window_y = -1;
    int window_width = 1280;
    int window_height = 800;
    bool window_maximized = false;
    std::string workspace = "train";  // id of the workspace shown at start
    std::string theme = "dark";       // "dark" or "light"
    bool performance_overlay = false;
    // Each workspace's own saved state by id ({"train": {...}}), written by Workspace::save_state and given
    // back to Workspace::restore_state; the shell only checks that it is an object.
    nlohmann::json workspace_state = nlohmann::json::object();
    bool operator==(const GuiSettings&) const = default;
};

// Settings plus the warnings met while reading them (each names the file and the key).
struct SettingsLoad {
    GuiSettings settings;
    std::vector<std::string> warnings;
};

// Parses {"format": "mlsyslab-gui-settings", "version": 1, ...}. Never fails: text that is not JSON, or
// of another format, gives the defaults and one warning; a key with a wrong type or an out-of-range value
// keeps its default and adds a warning naming it ("settings.json: window.width: must be 200..16384").
SettingsLoad parse_gui_settings(const std::string& text, const std::string& source_name);

// The JSON text parse_gui_settings reads back into an equal struct.
std::string serialize_gui_settings(const GuiSettings& settings);

// config_dir()/settings.json.
std::filesystem::path gui_settings_path();

// Reads `path`; a missing file gives the defaults with no warning.
SettingsLoad load_gui_settings(const std::filesystem::path& path);

// Writes atomically (temporary file and rename), creating the directory.
[[nodiscard]] core::Status save_gui_settings(const std::filesystem::path& path, const GuiSettings& settings);

}  // namespace mlsys::gui
