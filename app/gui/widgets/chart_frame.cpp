// Chart panel, axes and menus shared by every chart type (see chart_frame.hpp).
#include "app/gui/widgets/chart_frame.hpp"

#include "app/gui/gui_context.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::gui {

const Theme& chart_theme() {
    const GuiContext* ctx = current_gui_context();
    return ctx ? *ctx->theme : theme_colors(ThemeKind::Dark);
}

ImFont* chart_small_font() {
    const GuiContext* ctx = current_gui_context();
    return ctx && ctx->fonts.small ? ctx->fonts.small : ImGui::GetFont();
}

float chart_scale() {
    const GuiContext* ctx = current_gui_context();
    return ctx ? ctx->fonts.scale : 1.0f;
}

ImU32 series_color(int i) {
    const Theme& t = chart_theme();
    return t.series[static_cast<std::size_t>(i) % t.series.size()];
}

ChartLayout begin_chart(const char* id, const char* title, const char* help, ImVec2 size,
                        const std::vector<LegendItem>& legend) {
    const Theme& t = chart_theme();
    ChartLayout L;
    L.scale = chart_scale();
    const float s = L.scale;
    if (size.x <= 0) size.x = std::max(120.0f * s, ImGui::GetContentRegionAvail().x);
    if (size.y <= 0) size.y = 240.0f * s;
    L.frame_min = ImGui::GetCursorScreenPos();
    L.frame_max = ImVec2(L.frame_min.x + size.x, L.frame_min.y + size.y);
    ImGui::InvisibleButton(id, size);
    L.hovered = ImGui::IsItemHovered();

    ImDrawList* dl = ImGui::GetWindowDrawList();
    // A bordered card without a fill: under Mesa's software renderer every filled pixel costs (~5 ms per
    // megapixel measured), and a workspace of charts would pay that for nothing but a tint.
    dl->AddRect(L.frame_min, L.frame_max, t.border, 6 * s);
    const ImVec2 pad(12 * s, 9 * s);
    float y = L.frame_min.y + pad.y;
    float title_h = 0;
    if (title && *title) {
        const GuiContext* ctx = current_gui_context();
        ImFont* bold = ctx && ctx->fonts.bold ? ctx->fonts.bold : ImGui::GetFont();
        const float fs = bold->FontSize;
        dl->AddText(bold, fs, ImVec2(L.frame_min.x + pad.x, y), t.text, title);
        const ImVec2 title_size = bold->CalcTextSizeA(fs, 1e9f, 0, title);
        title_h = fs;
        if (help && *help && ImGui::IsMouseHoveringRect(ImVec2(L.frame_min.x + pad.x, y),
                                                        ImVec2(L.frame_min.x + pad.x + title_size.x, y + fs))) {
            ImGui::BeginTooltip();
            ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
            ImGui::TextUnformatted(help);
            ImGui::PopTextWrapPos();
            ImGui::EndTooltip();
        }
    }
    // Legend: right-aligned on the title row, swatch + label per item.
    if (!legend.empty()) {
        ImFont* f = chart_small_font();
        const float fs = f->FontSize;
        float x = L.frame_max.x - pad.x;
        const float ly = y + std::max(0.0f, (std::max(title_h, fs) - fs) * 0.5f);
        for (auto it = legend.rbegin(); it != legend.rend(); ++it) {
            const float w = f->CalcTextSizeA(fs, 1e9f, 0, it->label.c_str()).x;
            x -= w;
            dl->AddText(f, fs, ImVec2(x, ly), t.text_dim, it->label.c_str());
            x -= 6 * s + 10 * s;
            dl->AddRectFilled(ImVec2(x, ly + fs * 0.5f - 2.5f * s), ImVec2(x + 10 * s, ly + fs * 0.5f + 2.5f * s),
                              it->color, 2 * s);
            x -= 14 * s;
        }
        title_h = std::max(title_h, fs);
    }
    if (title_h > 0) y += title_h + 8 * s;
    L.content_min = ImVec2(L.frame_min.x + pad.x, y);
    L.content_max = ImVec2(L.frame_max.x - pad.x, L.frame_max.y - pad.y);
    return L;
}

void end_chart(const ChartLayout& layout, const char* title, const std::function<std::string()>& csv) {
    if (ImGui::BeginPopupContextItem()) {
        GuiContext* ctx = current_gui_context();
        if (ImGui::MenuItem("Save chart as PNG", nullptr, false, ctx && ctx->can_capture) && ctx) {
            ctx->save_region_png(title && *title ? title : "chart", layout.frame_min, layout.frame_max);
        }
        if (csv && ImGui::MenuItem("Copy data as CSV")) {
            ImGui::SetClipboardText(csv().c_str());
            if (ctx) ctx->toast("Copied the chart's data as CSV.", ToastKind::Success);
        }
        ImGui::EndPopup();
    }
}

AxisTicks make_ticks(double lo, double hi, bool log_scale, int max_intervals) {
    AxisTicks t;
    if (log_scale) {
        t.major = log_ticks(lo, hi, std::max(2, max_intervals + 1));
        for (double v : t.major) t.labels.push_back(format_log_tick(v));
        if (t.major.size() <= 6) t.minor = log_minor_ticks(lo, hi);
        if (t.major.size() < 2) {  // less than two decades: label the nice linear ticks instead
            t.major = linear_ticks(lo, hi, max_intervals);
            t.labels.clear();
            for (double v : t.major) t.labels.push_back(format_si(v));
        }
        return t;
    }
    t.major = linear_ticks(lo, hi, max_intervals);
    const double step = t.major.size() >= 2 ? t.major[1] - t.major[0] : nice_step(hi - lo, max_intervals);
    for (double v : t.major) t.labels.push_back(format_tick(v, step));
    return t;
}

float max_label_width(const AxisTicks& ticks) {
    ImFont* f = chart_small_font();
    float w = 0;
    for (const std::string& l : ticks.labels) w = std::max(w, f->CalcTextSizeA(f->FontSize, 1e9f, 0, l.c_str()).x);
    return w;
}

void draw_x_axis(ImDrawList* dl, const AxisMap& map, const AxisTicks& ticks, ImVec2 pmin, ImVec2 pmax,
                 const std::string& label) {
    const Theme& t = chart_theme();
    const float s = chart_scale();
    ImFont* f = chart_small_font();
    const float fs = f->FontSize;
    for (double v : ticks.minor) {
        const float x = map.to_px(v);
        if (std::isfinite(x) && x >= pmin.x && x <= pmax.x)
            dl->AddLine(ImVec2(x, pmin.y), ImVec2(x, pmax.y), with_alpha(t.grid, 0.5f));
    }
    float last_label_end = -1e9f;
    for (std::size_t i = 0; i < ticks.major.size(); ++i) {
        const float x = std::round(map.to_px(ticks.major[i])) + 0.5f;
        if (!std::isfinite(x) || x < pmin.x - 1.5f || x > pmax.x + 1.5f) continue;
        dl->AddLine(ImVec2(x, pmin.y), ImVec2(x, pmax.y), t.grid);
        dl->AddLine(ImVec2(x, pmax.y), ImVec2(x, pmax.y + 4 * s), t.axis);
        const char* text = ticks.labels[i].c_str();
        const float w = f->CalcTextSizeA(fs, 1e9f, 0, text).x;
        const float lx = std::clamp(x - w * 0.5f, pmin.x - 20 * s, pmax.x + 20 * s - w);
        if (lx < last_label_end + 6 * s) continue;  // never overlap labels
        dl->AddText(f, fs, ImVec2(lx, pmax.y + 6 * s), t.text_dim, text);
        last_label_end = lx + w;
    }
    dl->AddLine(ImVec2(pmin.x, pmax.y + 0.5f), ImVec2(pmax.x, pmax.y + 0.5f), t.axis);
    if (!label.empty()) {
        const float w = f->CalcTextSizeA(fs, 1e9f, 0, label.c_str()).x;
        dl->AddText(f, fs, ImVec2((pmin.x + pmax.x - w) * 0.5f, pmax.y + 8 * s + fs), t.text_dim, label.c_str());
    }
}

void draw_y_axis(ImDrawList* dl, const AxisMap& map, const AxisTicks& ticks, ImVec2 pmin, ImVec2 pmax,
                 const std::string& label) {
    const Theme& t = chart_theme();
    const float s = chart_scale();
    ImFont* f = chart_small_font();
    const float fs = f->FontSize;
    for (double v : ticks.minor) {
        const float y = map.to_px(v);
        if (std::isfinite(y) && y >= pmin.y && y <= pmax.y)
            dl->AddLine(ImVec2(pmin.x, y), ImVec2(pmax.x, y), with_alpha(t.grid, 0.5f));
    }
    for (std::size_t i = 0; i < ticks.major.size(); ++i) {
        const float y = std::round(map.to_px(ticks.major[i])) + 0.5f;
        if (!std::isfinite(y) || y < pmin.y - 1.5f || y > pmax.y + 1.5f) continue;
        dl->AddLine(ImVec2(pmin.x, y), ImVec2(pmax.x, y), t.grid);
        const char* text = ticks.labels[i].c_str();
        const float w = f->CalcTextSizeA(fs, 1e9f, 0, text).x;
        dl->AddText(f, fs, ImVec2(pmin.x - 6 * s - w, y - fs * 0.5f), t.text_dim, text);
    }
    dl->AddLine(ImVec2(pmin.x - 0.5f, pmin.y), ImVec2(pmin.x - 0.5f, pmax.y), t.axis);
    if (!label.empty()) {  // above the axis, left-aligned with the tick labels: reads without rotating text
        dl->AddText(f, fs, ImVec2(pmin.x - 6 * s - max_label_width(ticks), pmin.y - fs - 6 * s), t.text_dim,
                    label.c_str());
    }
}

void draw_centered_note(ImDrawList* dl, ImVec2 pmin, ImVec2 pmax, const char* text) {
    const Theme& t = chart_theme();
    const ImVec2 size = ImGui::CalcTextSize(text);
    dl->AddText(ImVec2((pmin.x + pmax.x - size.x) * 0.5f, (pmin.y + pmax.y - size.y) * 0.5f), t.text_dim, text);
}

}  // namespace mlsys::gui
