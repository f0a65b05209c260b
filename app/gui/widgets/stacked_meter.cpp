// Stacked meter drawing (see stacked_meter.hpp). A few small rectangles: cheap under a software renderer.
#include "app/gui/widgets/stacked_meter.hpp"

#include "app/gui/widgets/chart_frame.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::gui {

std::vector<double> meter_fractions(const std::vector<MeterPart>& parts) {
    double total = 0;
    for (const MeterPart& p : parts)
        if (std::isfinite(p.value) && p.value > 0) total += p.value;
    std::vector<double> out(parts.size(), 0.0);
    if (total <= 0) return out;
    for (std::size_t i = 0; i < parts.size(); ++i)
        if (std::isfinite(parts[i].value) && parts[i].value > 0) out[i] = parts[i].value / total;
    return out;
}

int stacked_meter(const char* id, const std::vector<MeterPart>& parts, float width) {
    const Theme& t = chart_theme();
    const float s = chart_scale();
    ImFont* small = chart_small_font();
    const float fs = small->FontSize;
    const float bar_h = 10 * s;
    const std::vector<double> frac = meter_fractions(parts);

    // Legend layout first, so the whole meter is one item of known height: a grid with as many columns as
    // fit, each as wide as its widest entry.
    struct Placed {
        float x, y;
        std::string text;
    };
    std::vector<Placed> legend;
    const float col_gap = 10 * s;
    std::vector<float> entry_w;
    for (const MeterPart& p : parts) {
        const std::string text = p.label + " " + p.value_text;
        entry_w.push_back(12 * s + small->CalcTextSizeA(fs, 1e9f, 0, text.c_str()).x);
    }
    int cols = 1;
    std::vector<float> col_w(1, 0.0f);
    for (int c = static_cast<int>(parts.size()); c >= 1; --c) {
        std::vector<float> w(static_cast<std::size_t>(c), 0.0f);
        for (std::size_t i = 0; i < parts.size(); ++i) w[i % static_cast<std::size_t>(c)] = std::max(w[i % static_cast<std::size_t>(c)], entry_w[i]);
        float total = col_gap * static_cast<float>(c - 1);
        for (float x : w) total += x;
        if (total <= width || c == 1) {
            cols = c;
            col_w = w;
            break;
        }
    }
    const float row_h = fs + 3 * s, top = bar_h + 5 * s;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const int c = static_cast<int>(i) % cols, r = static_cast<int>(i) / cols;
        float x = 0;
        for (int k = 0; k < c; ++k) x += col_w[static_cast<std::size_t>(k)] + col_gap;
        legend.push_back({x, top + r * row_h, parts[i].label + " " + parts[i].value_text});
    }
    const int rows = (static_cast<int>(parts.size()) + cols - 1) / cols;
    const float height = top + std::max(0, rows - 1) * row_h + fs;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, ImVec2(width, height));
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();

    int hovered_part = -1;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    float x = p0.x;
    bool any = false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const float w = static_cast<float>(frac[i]) * width;
        if (w <= 0) continue;
        any = true;
        const ImVec2 a(x, p0.y), b(std::min(x + w, p0.x + width), p0.y + bar_h);
        dl->AddRectFilled(a, b, parts[i].color);
        if (hovered && mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y <= b.y)
            hovered_part = static_cast<int>(i);
        x += w;
    }
    if (!any) dl->AddRect(p0, ImVec2(p0.x + width, p0.y + bar_h), t.border);
    for (std::size_t i = 0; i < legend.size(); ++i) {
        const Placed& l = legend[i];
        const ImVec2 a(p0.x + l.x, p0.y + l.y + fs * 0.5f - 4 * s);
        dl->AddRectFilled(a, ImVec2(a.x + 8 * s, a.y + 8 * s), parts[i].color, 2 * s);
        dl->AddText(small, fs, ImVec2(p0.x + l.x + 12 * s, p0.y + l.y), t.text_dim, l.text.c_str());
        const float w = small->CalcTextSizeA(fs, 1e9f, 0, l.text.c_str()).x + 12 * s;
        if (hovered && mouse.x >= p0.x + l.x && mouse.x < p0.x + l.x + w && mouse.y >= p0.y + l.y &&
            mouse.y < p0.y + l.y + fs)
            hovered_part = static_cast<int>(i);
    }
    if (hovered_part >= 0) {
        const MeterPart& p = parts[static_cast<std::size_t>(hovered_part)];
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 26.0f);
        ImGui::Text("%s: %s (%.0f%%)", p.label.c_str(), p.value_text.c_str(), frac[static_cast<std::size_t>(hovered_part)] * 100);
        if (p.help) {
            ImGui::Spacing();
            ImGui::TextUnformatted(p.help);
        }
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    return hovered_part;
}

}  // namespace mlsys::gui
