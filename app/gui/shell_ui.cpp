// ShellUi: workspace management, the per-frame layout and the commands behind menus and shortcuts.
// The drawing of each region is in shell_chrome.cpp and shell_windows.cpp.
#include "app/gui/shell_ui.hpp"

#include "app/session/session.hpp"
#include "models/core/log.hpp"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>  // key codes only: the GLFW backend puts GLFW_KEY_* into io.KeysDown

namespace mlsys::gui {

ShellUi::ShellUi(GuiContext& ctx, GuiSettings& settings) : ctx_(ctx), settings_(settings) {
    ctx_.find_workspace = [this](const std::string& id) { return find(id); };
    for (WorkspaceEntry& e : workspace_catalog()) {
        Entry entry;
        entry.info = e.info;
        entry.is_registered = e.is_registered;
        entry.workspace = e.factory();
        if (auto it = settings_.workspace_state.find(entry.info.id); it != settings_.workspace_state.end()) {
            std::vector<std::string> warnings;
            entry.workspace->restore_state(*it, warnings);
            for (const std::string& w : warnings) core::log_warn("settings: " + w);
        }
        entries_.push_back(std::move(entry));
    }
    if (!select(settings_.workspace)) {
        if (!settings_.workspace.empty()) core::log_warn("settings: no workspace '" + settings_.workspace + "'");
        active_ = 0;
        settings_.workspace = entries_.empty() ? "" : entries_[0].info.id;
    }
    ctx_.theme = &theme_colors(parse_theme_kind(settings_.theme));
}

ShellUi::~ShellUi() { ctx_.find_workspace = nullptr; }

bool ShellUi::select(const std::string& id) {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].info.id == id) {
            if (active_ != i || settings_.workspace != id) settings_changed = true;
            active_ = i;
            settings_.workspace = id;
            return true;
        }
    }
    return false;
}

Workspace* ShellUi::find(const std::string& id) {
    for (Entry& e : entries_) {
        if (e.info.id == id) return e.workspace.get();
    }
    return nullptr;
}

std::string ShellUi::known_ids() const {
    std::string out;
    for (const Entry& e : entries_) out += (out.empty() ? "" : ", ") + e.info.id;
    return out;
}

bool ShellUi::start_demo(const std::string& name, std::string& error) {
    Entry& e = entries_[active_];
    if (!e.is_registered) {
        error = "the " + e.info.title + " workspace is not available in this build yet";
        return false;
    }
    return e.workspace->start_demo(ctx_, name, error);
}

std::vector<JobView> ShellUi::collect_jobs() const {
    std::vector<JobView> jobs;
    for (const Entry& e : entries_) e.workspace->running_jobs(jobs);
    return jobs;
}

float ShellUi::sidebar_width() const { return 196.0f * ctx_.fonts.scale; }

void ShellUi::save_model() {
    if (entries_[active_].workspace->on_save_model(ctx_)) return;
    if (Workspace* train = find("train"); train && train != entries_[active_].workspace.get()) {
        if (train->on_save_model(ctx_)) return;
    }
    ctx_.toast("No trained model to save yet: train one in the Train workspace.", ToastKind::Warning);
}

void ShellUi::export_current() {
    if (entries_[active_].workspace->on_export(ctx_)) return;
    wants_window_png = true;  // every workspace can at least be exported as a picture
}

void ShellUi::start_pause() {
    if (entries_[active_].workspace->on_start_pause(ctx_)) return;
    ctx_.toast("Nothing to start or pause in " + entries_[active_].info.title + ".", ToastKind::Info);
}

void ShellUi::set_theme(ThemeKind kind) {
    if (settings_.theme == to_string(kind)) return;
    settings_.theme = to_string(kind);
    ctx_.theme = &theme_colors(kind);
    apply_theme(kind, ctx_.fonts.scale);
    settings_changed = true;
}

void ShellUi::toggle_overlay() {
    settings_.performance_overlay = !settings_.performance_overlay;
    settings_changed = true;
}

void ShellUi::handle_shortcuts() {
    const ImGuiIO& io = ImGui::GetIO();
    const bool ctrl = io.KeyCtrl;
    if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_Q, false)) wants_quit = true;
    if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_S, false)) save_model();
    if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_E, false)) export_current();
    if (ImGui::IsKeyPressed(GLFW_KEY_F1, false)) toggle_help();
    if (ImGui::IsKeyPressed(GLFW_KEY_F2, false)) toggle_overlay();
    // Space belongs to a text field or a modal when one has focus.
    if (!ctrl && !io.WantTextInput && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel) &&
        ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false))
        start_pause();
}

void ShellUi::store_workspace_state() {
    if (!settings_.workspace_state.is_object()) settings_.workspace_state = nlohmann::json::object();
    for (const Entry& e : entries_) {
        nlohmann::json state = e.workspace->save_state();
        if (!state.is_null()) settings_.workspace_state[e.info.id] = std::move(state);
    }
}

void ShellUi::draw_frame() {
    // The session first: a finished job becomes the current model before any workspace looks at it.
    if (ctx_.session) {
        const std::string failure = ctx_.session->poll();
        if (!failure.empty()) ctx_.show_error("Training failed", failure);
        ctx_.model_label = ctx_.session->has_model() ? ctx_.session->model_label() : "";
    }
    for (Entry& e : entries_) e.workspace->update(ctx_);
    if (!ctx_.requested_workspace.empty()) {
        select(ctx_.requested_workspace);
        ctx_.requested_workspace.clear();
    }
    handle_shortcuts();

    const ImGuiViewport* vp = ImGui::GetMainViewport();
    draw_menu_bar();
    const float menu_h = ImGui::GetFrameHeight();
    const float status_h = ImGui::GetFrameHeight() + 8.0f * ctx_.fonts.scale;
    const float body_top = vp->Pos.y + menu_h;  // the main menu bar is one frame height tall
    const float body_h = vp->Pos.y + vp->Size.y - status_h - body_top;
    draw_sidebar(body_top, body_h);
    draw_workspace(body_top, body_h);
    draw_status_bar(body_top + body_h, status_h);
    if (settings_.performance_overlay) draw_overlay(body_top);
    if (show_help_) draw_help();
    if (show_about_) draw_about();
    if (show_demo_) ImGui::ShowDemoWindow(&show_demo_);
    if (show_metrics_) ImGui::ShowMetricsWindow(&show_metrics_);
    if (show_gallery_) {
        if (!gallery_) gallery_ = std::make_unique<ChartGallery>();
        gallery_->draw(&show_gallery_, ctx_.time_s);
    }
    draw_toasts(body_top + body_h);
    draw_error_modal();
    ++ctx_.frame;
}

}  // namespace mlsys::gui
