// The shell's fixed regions: the menu bar, the workspace sidebar, the workspace content window and the
// status bar. Layout only; commands live in shell_ui.cpp.
#include "app/gui/shell_ui.hpp"

#include "app/gui/widgets/tooltip.hpp"

#include <cstdio>

namespace mlsys::gui {
namespace {

constexpr ImGuiWindowFlags kFixedWindow = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                                          ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse |
                                          ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;

}  // namespace

void ShellUi::draw_menu_bar() {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Save model", "Ctrl+S")) save_model();
        if (ImGui::MenuItem("Export", "Ctrl+E")) export_current();
        if (ImGui::MenuItem("Save window as PNG")) wants_window_png = true;
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) wants_quit = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        if (ImGui::MenuItem("Performance overlay", "F2", settings_.performance_overlay)) toggle_overlay();
        if (ImGui::BeginMenu("Theme")) {
            if (ImGui::MenuItem("Dark", nullptr, settings_.theme == "dark")) set_theme(ThemeKind::Dark);
            if (ImGui::MenuItem("Light", nullptr, settings_.theme == "light")) set_theme(ThemeKind::Light);
            ImGui::EndMenu();
        }
        ImGui::Separator();
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            if (ImGui::MenuItem(entries_[i].info.title.c_str(), nullptr, i == active_)) select(entries_[i].info.id);
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Debug")) {
        ImGui::MenuItem("ImGui demo window", nullptr, &show_demo_);
        ImGui::MenuItem("ImGui metrics window", nullptr, &show_metrics_);
        ImGui::MenuItem("Chart gallery", nullptr, &show_gallery_);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Help and shortcuts", "F1", show_help_)) toggle_help();
        if (ImGui::MenuItem("About MLSys Lab")) show_about_ = true;
        ImGui::EndMenu();
    }
    ImGui::EndMainMenuBar();
}

void ShellUi::draw_sidebar(float top, float height) {
    const Theme& t = *ctx_.theme;
    const float s = ctx_.fonts.scale;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x, top));
    ImGui::SetNextWindowSize(ImVec2(sidebar_width(), height));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, t.sidebar_bg);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 10 * s));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
    ImGui::Begin("##sidebar", nullptr, kFixedWindow | ImGuiWindowFlags_NoScrollbar);
    ImDrawList* dl = ImGui::GetWindowDrawList();

    // App title.
    const float pad_x = 16 * s;
    ImGui::SetCursorPosX(pad_x);
    ImGui::PushFont(ctx_.fonts.heading);
    ImGui::TextUnformatted("MLSys Lab");
    ImGui::PopFont();
    ImGui::SetCursorPosX(pad_x);
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    ImGui::PushFont(ctx_.fonts.small);
    ImGui::TextUnformatted("Machine learning systems");
    ImGui::PopFont();
    ImGui::PopStyleColor();
    ImGui::Dummy(ImVec2(0, 10 * s));

    // One row per workspace: accent bar and tint when selected, dim text when not available yet.
    const float row_h = 38 * s;
    const float w = sidebar_width();
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const Entry& e = entries_[i];
        ImGui::PushID(e.info.id.c_str());
        const ImVec2 p0 = ImGui::GetCursorScreenPos();
        const ImVec2 p1(p0.x + w, p0.y + row_h);
        if (ImGui::InvisibleButton("##row", ImVec2(w, row_h))) select(e.info.id);
        const bool hovered = ImGui::IsItemHovered();
        const bool active = i == active_;
        if (active) {
            dl->AddRectFilled(ImVec2(p0.x + 6 * s, p0.y + 2 * s), ImVec2(p1.x - 6 * s, p1.y - 2 * s), t.sidebar_active,
                              5 * s);
            dl->AddRectFilled(ImVec2(p0.x + 6 * s, p0.y + 8 * s), ImVec2(p0.x + 9 * s, p1.y - 8 * s), t.accent, 2 * s);
        } else if (hovered) {
            dl->AddRectFilled(ImVec2(p0.x + 6 * s, p0.y + 2 * s), ImVec2(p1.x - 6 * s, p1.y - 2 * s), t.sidebar_hover,
                              5 * s);
        }
        const ImU32 text_col = e.is_registered ? t.text : t.text_dim;
        const ImU32 icon_col = active ? t.accent : (e.is_registered ? t.text_dim : with_alpha(t.text_dim, 0.7f));
        const float text_y = p0.y + (row_h - ImGui::GetFontSize()) * 0.5f;
        dl->AddText(ImVec2(p0.x + 22 * s, text_y), icon_col, e.info.icon.c_str());
        dl->AddText(ImVec2(p0.x + 50 * s, text_y), text_col, e.info.title.c_str());
        if (hovered) {
            ImGui::BeginTooltip();
            ImGui::PushTextWrapPos(360 * s);
            ImGui::TextUnformatted(e.info.summary.c_str());
            if (!e.is_registered) {
                ImGui::Spacing();
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "Not available in this build yet.");
            }
            ImGui::PopTextWrapPos();
            ImGui::EndTooltip();
        }
        ImGui::PopID();
    }
    ImGui::End();
    ImGui::PopStyleVar(3);
    ImGui::PopStyleColor();
}

void ShellUi::draw_workspace(float top, float height) {
    const float s = ctx_.fonts.scale;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + sidebar_width(), top));
    ImGui::SetNextWindowSize(ImVec2(vp->Size.x - sidebar_width(), height));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(20 * s, 16 * s));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
    const Entry& e = entries_[active_];
    // One window id per workspace keeps each one's scroll position.
    const std::string window_id = "##workspace_" + e.info.id;
    // No background fill: glClear already paints theme.window_bg, and under Mesa's software renderer a
    // full-window fill costs ~5 ms a frame (measured: shell frame 9.5 ms -> 4.0 ms without it).
    ImGui::SetNextWindowBgAlpha(0.0f);
    ImGui::Begin(window_id.c_str(), nullptr, kFixedWindow);
    ImGui::PopStyleVar(3);
    e.workspace->draw(ctx_);
    ImGui::End();
}

void ShellUi::draw_status_bar(float top, float height) {
    const Theme& t = *ctx_.theme;
    const float s = ctx_.fonts.scale;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x, top));
    ImGui::SetNextWindowSize(ImVec2(vp->Size.x, height));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, t.sidebar_bg);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(14 * s, 4 * s));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
    ImGui::Begin("##statusbar", nullptr, kFixedWindow | ImGuiWindowFlags_NoScrollbar);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRectFullScreen();  // the window's clip rect excludes its padding; the rule spans the width
    dl->AddLine(ImVec2(vp->Pos.x, top + 0.5f), ImVec2(vp->Pos.x + vp->Size.x, top + 0.5f), t.border);
    dl->PopClipRect();
    ImGui::AlignTextToFramePadding();

    // Current model.
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "Model");
    ImGui::SameLine();
    const std::string model = ctx_.model_label.empty() ? "none yet" : ctx_.model_label;
    ImGui::TextUnformatted(model.c_str());
    metric_tooltip("The current model: the one every workspace simulates, deploys and tests. Train one in the "
                   "Train workspace, or open a saved model.");

    // Running jobs with progress.
    const std::vector<JobView> jobs = collect_jobs();
    for (const JobView& j : jobs) {
        ImGui::SameLine(0, 24 * s);
        ImGui::TextUnformatted(j.name.c_str());
        if (j.progress >= 0) {
            ImGui::SameLine();
            char pct[16];
            std::snprintf(pct, sizeof pct, "%.0f%%", j.progress * 100);
            ImGui::PushStyleColor(ImGuiCol_PlotHistogram, t.accent);
            ImGui::ProgressBar(static_cast<float>(j.progress), ImVec2(110 * s, ImGui::GetFontSize() + 2 * s), pct);
            ImGui::PopStyleColor();
        }
        if (!j.detail.empty()) {
            ImGui::SameLine();
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", j.detail.c_str());
        }
    }
    if (jobs.empty()) {
        ImGui::SameLine(0, 24 * s);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "No jobs running");
    }

    // Help hint, right-aligned.
    const char* hint = "F1  Help";
    const float hint_w = ImGui::CalcTextSize(hint).x;
    ImGui::SameLine(ImGui::GetWindowWidth() - hint_w - 14 * s);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", hint);
    ImGui::End();
    ImGui::PopStyleVar(3);
    ImGui::PopStyleColor();
}

}  // namespace mlsys::gui
