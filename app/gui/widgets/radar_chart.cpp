// Radar chart drawing (see radar_chart.hpp).
#include "app/gui/widgets/radar_chart.hpp"

#include "app/gui/widgets/radar_math.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace mlsys::gui {

bool radar_chart(const char* id, const RadarSpec& spec, const RadarSeries* series_in, int n_series) {
    const Theme& t = chart_theme();
    const int n_axes = spec.axes ? static_cast<int>(spec.axes->size()) : 0;
    std::vector<RadarSeries> series(series_in, series_in + std::max(0, n_series));
    std::vector<LegendItem> legend;
    for (int i = 0; i < n_series; ++i) {
        RadarSeries& s = series[static_cast<size_t>(i)];
        if (!s.color) s.color = series_color(i);
        if (spec.legend && s.label && n_series > 1) legend.push_back({s.label, s.color});
    }
    const ChartLayout L = begin_chart(id, spec.title, spec.help, spec.size, legend);
    const float sc = L.scale;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (spec.frame_color) dl->AddRect(L.frame_min, L.frame_max, spec.frame_color, 6 * sc, 0, 2 * sc);
    ImFont* small = chart_small_font();
    const float fs = small->FontSize;
    const bool any = n_axes >= 3 && std::any_of(series.begin(), series.end(), [](const RadarSeries& s) { return s.values; });
    if (!any) {
        draw_centered_note(dl, L.content_min, L.content_max, spec.empty_text);
        end_chart(L, spec.title, nullptr);
        return L.hovered;
    }
    // The widest label decides how much room the sides need.
    float label_w = 0;
    for (const auto& a : *spec.axes) label_w = std::max(label_w, small->CalcTextSizeA(fs, 1e9f, 0, a.c_str()).x);
    const float cw = L.content_max.x - L.content_min.x, ch = L.content_max.y - L.content_min.y;
    const float cx = L.content_min.x + cw * 0.5f, cy = L.content_min.y + ch * 0.5f + 2 * sc;
    const float radius = std::max(8.0f, std::min(cw * 0.5f - label_w - 8 * sc, ch * 0.5f - fs - 6 * sc));

    // Grid rings and spokes.
    std::vector<double> ring(static_cast<size_t>(n_axes));
    const int rings = std::max(1, spec.rings);
    for (int r = 1; r <= rings; ++r) {
        std::fill(ring.begin(), ring.end(), static_cast<double>(r) / rings);
        const auto poly = radar_polygon(cx, cy, radius, ring);
        for (int i = 0; i < n_axes; ++i) {
            const auto& a = poly[static_cast<size_t>(i)];
            const auto& b = poly[static_cast<size_t>((i + 1) % n_axes)];
            dl->AddLine(ImVec2(a.x, a.y), ImVec2(b.x, b.y), r == rings ? t.axis : t.grid, 1.0f);
        }
    }
    // Hover: the nearest axis.
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const float mdx = mouse.x - cx, mdy = mouse.y - cy;
    const bool near = L.hovered && std::sqrt(mdx * mdx + mdy * mdy) <= radius + label_w;
    const int hot = near ? radar_nearest_axis(cx, cy, mouse.x, mouse.y, n_axes) : -1;
    for (int i = 0; i < n_axes; ++i) {
        const RadarPoint tip = radar_point(cx, cy, radius, i, n_axes, 1.0);
        dl->AddLine(ImVec2(cx, cy), ImVec2(tip.x, tip.y), i == hot ? t.text_dim : t.grid, i == hot ? 1.5f * sc : 1.0f);
        // Label just outside the rim, anchored by which side of the centre it is on.
        const std::string& text = (*spec.axes)[static_cast<size_t>(i)];
        const ImVec2 ts = small->CalcTextSizeA(fs, 1e9f, 0, text.c_str());
        const double ang = radar_axis_angle(i, n_axes);
        const float ca = static_cast<float>(std::cos(ang)), sa = static_cast<float>(std::sin(ang));
        float lx = tip.x + ca * 5 * sc, ly = tip.y + sa * 5 * sc;
        lx -= ca > 0.2f ? 0 : (ca < -0.2f ? ts.x : ts.x * 0.5f);
        ly -= sa > 0.2f ? 0 : (sa < -0.2f ? ts.y : ts.y * 0.5f);
        dl->AddText(small, fs, ImVec2(lx, ly), i == hot ? t.text : t.text_dim, text.c_str());
    }
    // Series: translucent fill (a fan of triangles from the centre, so concave shapes fill right) and outline.
    for (const RadarSeries& s : series) {
        if (!s.values) continue;
        const std::vector<double> v(s.values, s.values + n_axes);
        const auto poly = radar_polygon(cx, cy, radius, v);
        const ImU32 fill = with_alpha(s.color, 0.22f);
        for (int i = 0; i < n_axes; ++i) {
            const auto& a = poly[static_cast<size_t>(i)];
            const auto& b = poly[static_cast<size_t>((i + 1) % n_axes)];
            dl->AddTriangleFilled(ImVec2(cx, cy), ImVec2(a.x, a.y), ImVec2(b.x, b.y), fill);
        }
        for (int i = 0; i < n_axes; ++i) {
            const auto& a = poly[static_cast<size_t>(i)];
            const auto& b = poly[static_cast<size_t>((i + 1) % n_axes)];
            dl->AddLine(ImVec2(a.x, a.y), ImVec2(b.x, b.y), s.color, 2.0f * sc);
            dl->AddCircleFilled(ImVec2(a.x, a.y), (i == hot ? 4.0f : 2.5f) * sc, s.color, 10);
        }
    }
    if (hot >= 0) {
        ImGui::BeginTooltip();
        const auto* titles = spec.axis_titles && spec.axis_titles->size() == spec.axes->size() ? spec.axis_titles : spec.axes;
        ImGui::TextUnformatted((*titles)[static_cast<size_t>(hot)].c_str());
        for (const RadarSeries& s : series) {
            if (!s.values) continue;
            char buf[160];
            std::snprintf(buf, sizeof buf, "%s%sscore %.2f%s%s", s.label ? s.label : "", s.label ? ": " : "",
                          s.values[hot], s.value_text ? " · " : "", s.value_text ? s.value_text[hot].c_str() : "");
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color), "%s", buf);
        }
        ImGui::TextDisabled("1 = the best of the devices compared, 0 = the worst or not possible");
        ImGui::EndTooltip();
    }
    end_chart(L, spec.title, [&] {
        std::ostringstream csv;
        csv << "series";
        for (const auto& a : *spec.axes) csv << "," << a;
        csv << "\n";
        for (const RadarSeries& s : series) {
            if (!s.values) continue;
            csv << (s.label ? s.label : "");
            for (int i = 0; i < n_axes; ++i) csv << "," << s.values[i];
            csv << "\n";
        }
        return csv.str();
    });
    return L.hovered;
}

}  // namespace mlsys::gui
