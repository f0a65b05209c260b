// The app's frame without the platform: menu bar, sidebar, workspace area, status bar, help, performance
// overlay, toasts and the error modal, plus the keyboard shortcuts. Runs in any ImGui context, so the
// headless tests draw exactly what the window shows. Owns the workspaces; owns no window or GL state.
#pragma once

#include "app/gui/gui_context.hpp"
#include "app/gui/settings.hpp"
#include "app/gui/widgets/chart_gallery.hpp"
#include "app/gui/widgets/ring_buffer.hpp"
#include "app/gui/workspace.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mlsys::gui {

class ShellUi {
public:
    struct Entry {
        WorkspaceInfo info;
        bool is_registered = false;
        std::unique_ptr<Workspace> workspace;
    };

    // Instantiates every workspace of the catalog and selects settings.workspace (or the first one).
    ShellUi(GuiContext& ctx, GuiSettings& settings);
    ~ShellUi();
    ShellUi(const ShellUi&) = delete;
    ShellUi& operator=(const ShellUi&) = delete;

    // Shows the workspace `id`; false when no such id exists.
    bool select(const std::string& id);
    const std::string& active_id() const { return entries_[active_].info.id; }
    Workspace* find(const std::string& id);
    const std::vector<Entry>& entries() const { return entries_; }
    std::string known_ids() const;  // "train, memory, ..." for error messages

    // Starts a demo in the active workspace (--demo); false with a reason.
    bool start_demo(const std::string& name, std::string& error);

    // Draws one whole frame; call between ImGui::NewFrame() and ImGui::Render(). Polls the session first.
    void draw_frame();
    // Copies every workspace's save_state() into settings.workspace_state (before the settings are saved).
    void store_workspace_state();

    // Frame times the platform records (ms): between frame starts, and the frame's own CPU work.
    RingBuffer<float> frame_ms{600};
    RingBuffer<float> work_ms{600};
    std::string renderer_name = "none (headless)";  // OpenGL renderer string, for About and the overlay

    // Requests the platform carries out after the frame.
    bool wants_quit = false;
    bool wants_window_png = false;
    bool settings_changed = false;  // theme, workspace or overlay changed: save the settings file

    // Commands (menu items and shortcuts call these).
    void save_model();
    void export_current();
    void start_pause();
    void set_theme(ThemeKind kind);
    void toggle_overlay();
    void toggle_help() { show_help_ = !show_help_; }
    void show_about() { show_about_ = true; }
    void show_gallery() { show_gallery_ = true; }

private:
    void handle_shortcuts();
    void draw_menu_bar();
    void draw_sidebar(float top, float height);
    void draw_workspace(float top, float height);
    void draw_status_bar(float top, float height);
    void draw_help();
    void draw_about();
    void draw_overlay(float top);
    void draw_toasts(float bottom);
    void draw_error_modal();
    std::vector<JobView> collect_jobs() const;
    float sidebar_width() const;

    GuiContext& ctx_;
    GuiSettings& settings_;
    std::vector<Entry> entries_;
    std::size_t active_ = 0;
    bool show_help_ = false;
    bool show_about_ = false;
    bool show_demo_ = false;
    bool show_metrics_ = false;
    bool show_gallery_ = false;
    std::unique_ptr<ChartGallery> gallery_;  // created when first opened
};

}  // namespace mlsys::gui
