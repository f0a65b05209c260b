// What every workspace receives each frame: the session, fonts, theme, and the shell's services (toasts,
// the error popup, chart/window PNG export, GPU textures). Workspaces keep their own state; this holds
// only what the shell shares with all of them.
#pragma once

#include "app/gui/fonts.hpp"
#include "app/gui/theme.hpp"

#include <imgui.h>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace mlsys::session {
class Session;
}

namespace mlsys::gui {

class Workspace;

enum class ToastKind { Info, Success, Warning, Error };

struct Toast {
    std::string text;
    ToastKind kind = ToastKind::Info;
    double shown_at_s = -1;  // set by the shell when first drawn
};

struct ErrorMessage {
    std::string title;
    std::string message;
};

// A screen rectangle (ImGui coordinates) to write as PNG once this frame has been rendered.
struct RegionCapture {
    std::filesystem::path path;
    ImVec2 min, max;
};

// Uploads RGBA8 pixels as a GPU texture and returns an id for ImDrawList::AddImage. Implemented by the
// shell with OpenGL; absent in headless tests, where widgets fall back to drawing rectangles.
class TextureCache {
public:
    virtual ~TextureCache() = default;
    // Creates or updates the texture `key`; re-uploads only when `version` differs from the last call.
    // `rgba` holds w x h pixels in IM_COL32 layout, row 0 at the top. smooth: bilinear filtering when
    // enlarged (a decision boundary), else nearest (crisp pixels of a 28x28 image). Null when it cannot upload.
    virtual ImTextureID update(const std::string& key, int w, int h, const uint32_t* rgba, uint64_t version,
                               bool smooth = false) = 0;
};

// A running job as the status bar and the performance overlay show it.
struct JobView {
    std::string name;       // "Training cnn on fashion-mnist"
    double progress = -1;   // 0..1, or < 0 when unknown
    std::string detail;     // "epoch 2/5 · loss 0.412"
    double rate = 0;        // work per second (e.g. images/s), 0 when unknown
    std::string rate_unit;  // "images/s"
};

class GuiContext {
public:
    session::Session* session = nullptr;  // the shared engine room; null until the session lands/loads
    const Theme* theme = &theme_colors(ThemeKind::Dark);
    Fonts fonts;
    TextureCache* textures = nullptr;  // null headless
    bool can_capture = false;           // the shell can read back the framebuffer (false headless)
    bool scripted = false;              // a --screenshot/--frames run: deterministic, no dialogs needed
    double time_s = 0;                  // seconds since start
    int64_t frame = 0;                  // frames drawn so far
    std::filesystem::path export_dir;   // where chart and window PNGs go (data_dir()/exports)
    std::string model_label;            // the current model as the status bar names it ("" = none yet)

    // Another workspace by id (null when unknown), so one workspace can drive or embed another: the Labs
    // workspace draws the workspace a lab step opens beside the step. Set by the shell; empty headless
    // without a shell.
    std::function<Workspace*(const std::string& id)> find_workspace;
    // Set by a workspace to have the shell show another one after this frame's updates ("" = stay).
    std::string requested_workspace;

    // A short message in the corner that fades after a few seconds.
    void toast(std::string text, ToastKind kind = ToastKind::Info);
    // A modal with a title and a clear message; the app keeps running. Also logged as an error.
    void show_error(std::string title, std::string message);
    // Writes the screen rectangle [min, max] as PNG after this frame renders, under export_dir with a name
    // made from `name` and the time; a toast reports the path or the failure.
    void save_region_png(const std::string& name, ImVec2 min, ImVec2 max);

    // Filled by the calls above, drained by the shell.
    std::deque<Toast> toasts;
    std::deque<ErrorMessage> errors;
    std::vector<RegionCapture> captures;
};

// The context of the current ImGui context (kept in io.UserData), so widgets can reach textures and the
// PNG export without every call passing it. Null when none is set (e.g. a bare test context).
GuiContext* current_gui_context();
void set_current_gui_context(GuiContext* ctx);

// A file name for an export: "<name>-YYYYmmdd-HHMMSS.png" with characters outside [A-Za-z0-9._-] made '-'.
std::string export_file_name(const std::string& name, const std::string& extension);

}  // namespace mlsys::gui
