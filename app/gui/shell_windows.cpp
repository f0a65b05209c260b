// The shell's floating parts: the help window (F1), About, the performance overlay (F2), toasts and the
// error modal. Reads frame times and jobs; changes nothing but its own visibility flags and queues.
#include "app/gui/shell_ui.hpp"

#include "app/gui/settings.hpp"
#include "app/gui/widgets/plot_math.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"
#include "models/core/files.hpp"

#include <algorithm>
#include <cstdio>

namespace mlsys::gui {
namespace {

void shortcut_row(const char* keys, const char* what) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(keys);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(what);
}

ImU32 toast_color(const Theme& t, ToastKind kind) {
    switch (kind) {
        case ToastKind::Info: return t.accent;
        case ToastKind::Success: return t.good;
        case ToastKind::Warning: return t.warning;
        case ToastKind::Error: return t.bad;
    }
    return t.accent;
}

std::vector<double> to_doubles(const RingBuffer<float>& r) {
    std::vector<double> v;
    v.reserve(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) v.push_back(r[i]);
    return v;
}

}  // namespace

void ShellUi::draw_help() {
    const float s = ctx_.fonts.scale;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowSize(ImVec2(620 * s, 520 * s), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.5f),
                            ImGuiCond_FirstUseEver, ImVec2(0.5f, 0.5f));
    if (!ImGui::Begin("Help###help", &show_help_, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return;
    }
    ImGui::PushFont(ctx_.fonts.bold);
    ImGui::TextUnformatted("Keyboard shortcuts");
    ImGui::PopFont();
    if (ImGui::BeginTable("shortcuts", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
        ImGui::TableSetupColumn("Keys", ImGuiTableColumnFlags_WidthFixed, 110 * s);
        ImGui::TableSetupColumn("Action", ImGuiTableColumnFlags_WidthStretch);
        shortcut_row("Space", "Start or pause the current workspace's job (e.g. training)");
        shortcut_row("Ctrl+S", "Save the current model");
        shortcut_row("Ctrl+E", "Export from the current workspace (or the window as PNG)");
        shortcut_row("F1", "Show or hide this help");
        shortcut_row("F2", "Show or hide the performance overlay");
        shortcut_row("Ctrl+Q", "Quit");
        shortcut_row("Right-click", "On a chart: save it as PNG");
        ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::PushFont(ctx_.fonts.bold);
    ImGui::TextUnformatted("Getting started");
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(
        "MLSys Lab follows one model through a whole machine learning system. Train a network in Train; it "
        "becomes the current model (shown in the status bar) that Memory, Accelerator, Deploy and Faults then "
        "simulate, place on devices and break on purpose. Labs walks you through exercises step by step, and "
        "Runs keeps every experiment so you can compare and export them.");
    ImGui::Spacing();
    ImGui::TextUnformatted(
        "Hover over any number to see what it means. Long work runs in the background: the status bar shows its "
        "progress, and you can switch workspaces while it runs.");
    ImGui::PopTextWrapPos();
    entries_[active_].workspace->draw_help(ctx_);
    ImGui::Spacing();
    ImGui::PushFont(ctx_.fonts.bold);
    ImGui::TextUnformatted("Where things are saved");
    ImGui::PopFont();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx_.theme->text_dim), "Settings");
    ImGui::SameLine(110 * s);
    ImGui::TextUnformatted(gui_settings_path().string().c_str());
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx_.theme->text_dim), "Runs");
    ImGui::SameLine(110 * s);
    ImGui::TextUnformatted(ctx_.session ? ctx_.session->runs_dir().c_str() : core::default_runs_dir().string().c_str());
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx_.theme->text_dim), "Exports");
    ImGui::SameLine(110 * s);
    ImGui::TextUnformatted(ctx_.export_dir.string().c_str());
    ImGui::End();
}

void ShellUi::draw_about() {
    const float s = ctx_.fonts.scale;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.5f),
                            ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(460 * s, 0));
    if (!ImGui::Begin("About MLSys Lab###about", &show_about_,
                      ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::End();
        return;
    }
    ImGui::PushFont(ctx_.fonts.heading);
    ImGui::TextUnformatted("MLSys Lab");
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted("A simulator and teaching lab for machine learning systems, companion to the textbook "
                           "\"Machine Learning Systems\" by V. J. Reddi.");
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx_.theme->text_dim), "Dear ImGui %s · renderer: %s",
                       ImGui::GetVersion(), renderer_name.c_str());
    ImGui::End();
}

void ShellUi::draw_overlay(float top) {
    const Theme& t = *ctx_.theme;
    const float s = ctx_.fonts.scale;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x - 12 * s, top + 12 * s), ImGuiCond_Always, ImVec2(1, 0));
    ImGui::SetNextWindowBgAlpha(0.88f);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                   ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove;
    if (!ImGui::Begin("##perf_overlay", nullptr, flags)) {
        ImGui::End();
        return;
    }
    const std::vector<double> frames = to_doubles(frame_ms);
    const std::vector<double> work = to_doubles(work_ms);
    const double med = percentile(frames, 50), p99 = percentile(frames, 99);
    ImGui::PushFont(ctx_.fonts.bold);
    ImGui::TextUnformatted("Performance");
    ImGui::PopFont();
    if (ImGui::BeginTable("perf", 3, ImGuiTableFlags_SizingFixedFit)) {
        auto row = [&](const char* name, const char* value, const char* tip) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", name);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(value);
            metric_tooltip(tip);
        };
        char buf[96];
        std::snprintf(buf, sizeof buf, "%.2f ms median  ·  %.2f ms p99", med, p99);
        row("Frame", buf,
            "Time between the starts of consecutive frames over the last 600 frames. 16.7 ms is 60 frames per "
            "second; with vertical sync on, the median sits at the display's refresh interval.");
        std::snprintf(buf, sizeof buf, "%.2f ms median  ·  %.2f ms p99", percentile(work, 50), percentile(work, 99));
        row("Work", buf,
            "The CPU time the app spends building, drawing and submitting one frame, without waiting for the "
            "display. This is what a slow panel would raise.");
        std::snprintf(buf, sizeof buf, "%.0f", med > 0 ? 1000.0 / med : 0.0);
        row("FPS", buf, "Frames per second, from the median frame time.");
        ImGui::EndTable();
    }

    // Sparkline of recent frame times with a 16.7 ms reference line.
    const ImVec2 size(260 * s, 46 * s);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 p1(p0.x + size.x, p0.y + size.y);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p0, p1, t.plot_bg, 3 * s);
    const double y_max = std::max(33.4, p99 * 1.2);
    const float ref_y = p1.y - static_cast<float>(16.7 / y_max) * size.y;
    dl->AddLine(ImVec2(p0.x, ref_y), ImVec2(p1.x, ref_y), with_alpha(t.warning, 0.6f));
    constexpr std::size_t kShown = 240;  // the last four seconds at 60 fps
    const std::size_t n = std::min(frame_ms.size(), kShown);
    if (n >= 2) {
        std::vector<ImVec2> pts;
        pts.reserve(n);
        const std::size_t first = frame_ms.size() - n;
        for (std::size_t i = 0; i < n; ++i) {
            const float x = p0.x + size.x * static_cast<float>(i) / static_cast<float>(kShown - 1);
            const float y = p1.y - static_cast<float>(std::min<double>(frame_ms[first + i], y_max) / y_max) * size.y;
            pts.emplace_back(x, y);
        }
        dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), t.series[0], ImDrawFlags_None, 1.0f * s);
    }
    ImGui::Dummy(size);
    ImGui::PushFont(ctx_.fonts.small);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "last %d frames · line at 16.7 ms (60 fps)",
                       static_cast<int>(kShown));
    ImGui::PopFont();

    const std::vector<JobView> jobs = collect_jobs();
    if (!jobs.empty()) ImGui::Separator();
    for (const JobView& j : jobs) {
        if (j.rate > 0) ImGui::Text("%s: %s %s", j.name.c_str(), format_si(j.rate).c_str(), j.rate_unit.c_str());
        else ImGui::Text("%s: starting", j.name.c_str());
    }
    ImGui::End();
}

void ShellUi::draw_toasts(float bottom) {
    const Theme& t = *ctx_.theme;
    const float s = ctx_.fonts.scale;
    constexpr double kShowS = 4.0, kFadeS = 0.6;
    while (!ctx_.toasts.empty() && ctx_.toasts.front().shown_at_s >= 0 &&
           ctx_.time_s - ctx_.toasts.front().shown_at_s > kShowS + kFadeS)
        ctx_.toasts.pop_front();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    float y = bottom - 12 * s;
    const float wrap = 380 * s;
    for (auto it = ctx_.toasts.rbegin(); it != ctx_.toasts.rend(); ++it) {
        if (it->shown_at_s < 0) it->shown_at_s = ctx_.time_s;
        const double age = ctx_.time_s - it->shown_at_s;
        const float alpha = age < kShowS ? 1.0f : static_cast<float>(std::max(0.0, 1.0 - (age - kShowS) / kFadeS));
        const ImVec2 text = ImGui::CalcTextSize(it->text.c_str(), nullptr, false, wrap);
        const ImVec2 pad(14 * s, 10 * s);
        const ImVec2 p1(vp->Pos.x + vp->Size.x - 16 * s, y);
        const ImVec2 p0(p1.x - text.x - 2 * pad.x - 4 * s, y - text.y - 2 * pad.y);
        dl->AddRectFilled(p0, p1, with_alpha(t.panel_bg, 0.97f * alpha), 6 * s);
        dl->AddRect(p0, p1, with_alpha(t.border, alpha), 6 * s);
        dl->AddRectFilled(p0, ImVec2(p0.x + 4 * s, p1.y), with_alpha(toast_color(t, it->kind), alpha), 6 * s,
                          ImDrawFlags_RoundCornersLeft);
        dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(p0.x + pad.x + 4 * s, p0.y + pad.y),
                    with_alpha(t.text, alpha), it->text.c_str(), nullptr, wrap);
        y = p0.y - 8 * s;
    }
}

void ShellUi::draw_error_modal() {
    if (ctx_.errors.empty()) return;
    const float s = ctx_.fonts.scale;
    const ErrorMessage& e = ctx_.errors.front();
    const std::string popup_id = e.title + "###error_modal";
    if (!ImGui::IsPopupOpen("###error_modal")) ImGui::OpenPopup(popup_id.c_str());
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.5f), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSizeConstraints(ImVec2(380 * s, 0), ImVec2(640 * s, vp->Size.y * 0.8f));
    if (ImGui::BeginPopupModal(popup_id.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::PushTextWrapPos(600 * s);
        ImGui::TextUnformatted(e.message.c_str());
        ImGui::PopTextWrapPos();
        ImGui::Spacing();
        ImGui::Spacing();
        bool close = false;
        if (ImGui::Button("OK", ImVec2(100 * s, 0)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
            ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
            close = true;
        ImGui::SameLine();
        if (ImGui::Button("Copy message")) ImGui::SetClipboardText((e.title + ": " + e.message).c_str());
        if (ctx_.errors.size() > 1) {
            ImGui::SameLine();
            ImGui::TextDisabled("%d more", static_cast<int>(ctx_.errors.size() - 1));
        }
        if (close) {
            ImGui::CloseCurrentPopup();
            ImGui::EndPopup();
            ctx_.errors.pop_front();
            return;
        }
        ImGui::EndPopup();
    }
}

}  // namespace mlsys::gui
