// Bar chart drawing (see bar_chart.hpp).
#include "app/gui/widgets/bar_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace mlsys::gui {
namespace {

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

}  // namespace

bool bar_chart(const char* id, const BarSpec& spec, const BarSeries* series_in, int n_series) {
    const Theme& t = chart_theme();
    const int n_cat = spec.categories ? static_cast<int>(spec.categories->size()) : 0;
    std::vector<BarSeries> series(series_in, series_in + std::max(0, n_series));
    std::vector<LegendItem> legend;
    for (int i = 0; i < n_series; ++i) {
        if (!series[static_cast<std::size_t>(i)].color) series[static_cast<std::size_t>(i)].color = series_color(i);
        if (series[static_cast<std::size_t>(i)].label && n_series > 1)
            legend.push_back({series[static_cast<std::size_t>(i)].label, series[static_cast<std::size_t>(i)].color});
    }
    const ChartLayout L = begin_chart(id, spec.title, spec.help, spec.size, legend);
    const float s = L.scale;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* small = chart_small_font();
    const float fs = small->FontSize;
    const bool log_scale = spec.log_scale && !spec.stacked;

    // Value range, always including zero on a linear axis; totals when stacked (negative parts stack down).
    double lo = 0, hi = 0;
    bool any = false;
    for (int c = 0; c < n_cat; ++c) {
        double pos = 0, neg = 0;
        for (const BarSeries& b : series) {
            if (!b.values || !std::isfinite(b.values[c]) || (log_scale && b.values[c] <= 0)) continue;
            const double v = b.values[c];
            if (!any && log_scale) lo = hi = v;
            any = true;
            if (spec.stacked) {
                (v >= 0 ? pos : neg) += v;
            } else {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
        if (spec.stacked) {
            lo = std::min(lo, neg);
            hi = std::max(hi, pos);
        }
    }
    const Range r = nice_range(lo, hi, log_scale);
    const double base = log_scale ? r.lo : 0.0;  // where bars start

    // Layout: the value axis is y (vertical bars) or x (horizontal bars).
    float cat_label_w = 0;
    for (int c = 0; c < n_cat; ++c)
        cat_label_w = std::max(cat_label_w, small->CalcTextSizeA(fs, 1e9f, 0, (*spec.categories)[static_cast<std::size_t>(c)].c_str()).x);
    const float content_w = L.content_max.x - L.content_min.x, content_h = L.content_max.y - L.content_min.y;
    ImVec2 pmin, pmax;
    AxisTicks vt;
    if (!spec.horizontal) {
        vt = make_ticks(r.lo, r.hi, log_scale, std::clamp(static_cast<int>(content_h / (34 * s)), 2, 8));
        pmin = ImVec2(L.content_min.x + max_label_width(vt) + 8 * s, L.content_min.y + (spec.value_label.empty() ? fs * 0.5f : fs + 8 * s));
        pmax = ImVec2(L.content_max.x - 4 * s, L.content_max.y - fs - 8 * s);
    } else {
        vt = make_ticks(r.lo, r.hi, log_scale, std::clamp(static_cast<int>(content_w / (90 * s)), 2, 8));
        pmin = ImVec2(L.content_min.x + cat_label_w + 8 * s, L.content_min.y + fs * 0.5f);
        pmax = ImVec2(L.content_max.x - 14 * s, L.content_max.y - fs - 8 * s - (spec.value_label.empty() ? 0 : fs + 4 * s));
    }
    if (n_cat == 0 || !any || pmax.x - pmin.x < 20 || pmax.y - pmin.y < 20) {
        draw_centered_note(dl, L.content_min, L.content_max, "No data yet");
        end_chart(L, spec.title, nullptr);
        return L.hovered;
    }
    const AxisMap vm = spec.horizontal ? AxisMap{r.lo, r.hi, log_scale, pmin.x, pmax.x} : AxisMap{r.lo, r.hi, log_scale, pmax.y, pmin.y};
    if (spec.horizontal) draw_x_axis(dl, vm, vt, pmin, pmax, spec.value_label);
    else draw_y_axis(dl, vm, vt, pmin, pmax, spec.value_label);

    const float span = spec.horizontal ? pmax.y - pmin.y : pmax.x - pmin.x;
    const float slot = span / n_cat;
    const float group = slot * 0.72f;
    const int per_slot = spec.stacked ? 1 : std::max(1, n_series);
    const float bar = group / per_slot;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    int hovered_cat = -1;
    for (int c = 0; c < n_cat; ++c) {
        const float g0 = (spec.horizontal ? pmin.y : pmin.x) + c * slot + (slot - group) * 0.5f;
        double pos = 0, neg = 0;
        for (int k = 0; k < n_series; ++k) {
            const BarSeries& b = series[static_cast<std::size_t>(k)];
            if (!b.values || !std::isfinite(b.values[c]) || (log_scale && b.values[c] <= 0)) continue;
            const double v = b.values[c];
            double from = base, to = v;
            if (spec.stacked) {
                double& acc = v >= 0 ? pos : neg;
                from = acc;
                to = acc + v;
                acc = to;
            }
            const float a = static_cast<float>(vm.to_px(from)), z = static_cast<float>(vm.to_px(to));
            const float b0 = spec.stacked ? g0 : g0 + k * bar, b1 = b0 + bar - (per_slot > 1 ? 1.5f * s : 0);
            if (spec.horizontal) dl->AddRectFilled(ImVec2(std::min(a, z), b0), ImVec2(std::max(a, z), b1), b.color);
            else dl->AddRectFilled(ImVec2(b0, std::min(a, z)), ImVec2(b1, std::max(a, z)), b.color);
        }
        // Category label.
        const std::string& name = (*spec.categories)[static_cast<std::size_t>(c)];
        const float w = small->CalcTextSizeA(fs, 1e9f, 0, name.c_str()).x;
        if (spec.horizontal) {
            dl->AddText(small, fs, ImVec2(pmin.x - 6 * s - w, g0 + group * 0.5f - fs * 0.5f), t.text_dim, name.c_str());
        } else if (w <= slot - 2 * s || c % std::max(1, static_cast<int>(std::ceil((w + 6 * s) / slot))) == 0) {
            dl->AddText(small, fs, ImVec2(pmin.x + (c + 0.5f) * slot - w * 0.5f, pmax.y + 6 * s), t.text_dim, name.c_str());
        }
        const bool in_slot = spec.horizontal ? (mouse.y >= pmin.y + c * slot && mouse.y < pmin.y + (c + 1) * slot)
                                             : (mouse.x >= pmin.x + c * slot && mouse.x < pmin.x + (c + 1) * slot);
        if (L.hovered && in_slot && mouse.x >= pmin.x - (spec.horizontal ? cat_label_w : 0) && mouse.x <= pmax.x &&
            mouse.y >= pmin.y && mouse.y <= pmax.y + (spec.horizontal ? 0 : fs + 8 * s))
            hovered_cat = c;
    }
    if (spec.horizontal) dl->AddLine(ImVec2(pmin.x, pmin.y), ImVec2(pmin.x, pmax.y), t.axis);
    else dl->AddLine(ImVec2(pmin.x, pmax.y), ImVec2(pmax.x, pmax.y), t.axis);

    if (hovered_cat >= 0) {
        const float a = (spec.horizontal ? pmin.y : pmin.x) + hovered_cat * slot;
        if (spec.horizontal) dl->AddRectFilled(ImVec2(pmin.x, a), ImVec2(pmax.x, a + slot), with_alpha(t.text, 0.06f));
        else dl->AddRectFilled(ImVec2(a, pmin.y), ImVec2(a + slot, pmax.y), with_alpha(t.text, 0.06f));
        ImGui::BeginTooltip();
        ImGui::TextUnformatted((*spec.categories)[static_cast<std::size_t>(hovered_cat)].c_str());
        double total = 0;
        for (const BarSeries& b : series) {
            if (!b.values) continue;
            total += b.values[hovered_cat];
            ImGui::ColorButton("##swatch", ImGui::ColorConvertU32ToFloat4(b.color), ImGuiColorEditFlags_NoTooltip,
                               ImVec2(fs * 0.8f, fs * 0.8f));
            ImGui::SameLine();
            ImGui::Text("%s: %s", b.label ? b.label : "value", fmt(spec.value_format, b.values[hovered_cat]).c_str());
        }
        if (spec.stacked && n_series > 1) ImGui::Text("total: %s", fmt(spec.value_format, total).c_str());
        ImGui::EndTooltip();
    }
    end_chart(L, spec.title, [&] {
        std::ostringstream out;
        out << "category";
        for (const BarSeries& b : series) out << "," << (b.label ? b.label : "value");
        out << "\n";
        for (int c = 0; c < n_cat; ++c) {
            out << (*spec.categories)[static_cast<std::size_t>(c)];
            for (const BarSeries& b : series) out << "," << (b.values ? b.values[c] : 0.0f);
            out << "\n";
        }
        return out.str();
    });
    return L.hovered;
}

}  // namespace mlsys::gui
