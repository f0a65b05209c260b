// Heatmap drawing (see heatmap.hpp). Cells are rectangles: a 10 x 10 confusion matrix or a 64 x 64
// activation map is a few thousand vertices; bigger images belong in Plot::image with a GPU texture.
#include "app/gui/widgets/heatmap.hpp"

#include "app/gui/widgets/colormap.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace mlsys::gui {

ImU32 heat_color(ColorScale scale, double v, double v_min, double v_max) {
    if (!std::isfinite(v)) return IM_COL32(128, 128, 128, 255);
    const double span = v_max > v_min ? v_max - v_min : 1.0;
    switch (scale) {
        case ColorScale::Viridis: return pack_rgba(viridis(static_cast<float>((v - v_min) / span)));
        case ColorScale::Diverging: return pack_rgba(diverging(static_cast<float>(2.0 * (v - v_min) / span - 1.0)));
    }
    return 0;
}

bool heatmap(const char* id, const HeatmapSpec& spec, const float* values, int rows, int cols) {
    const Theme& t = chart_theme();
    ImVec2 size = spec.size;
    const float s = chart_scale();
    if (size.x <= 0) size.x = std::max(160.0f * s, ImGui::GetContentRegionAvail().x);
    if (size.y <= 0) size.y = std::min(size.x * 0.85f, 460.0f * s);
    const ChartLayout L = begin_chart(id, spec.title, spec.help, size, {});
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* small = chart_small_font();
    const float fs = small->FontSize;
    if (!values || rows <= 0 || cols <= 0) {
        draw_centered_note(dl, L.content_min, L.content_max, spec.empty_text ? spec.empty_text : "No data yet");
        end_chart(L, spec.title, nullptr);
        return L.hovered;
    }

    // Colour range.
    double lo = spec.v_min, hi = spec.v_max;
    if (!(hi > lo)) {
        lo = 1e300;
        hi = -1e300;
        for (int i = 0; i < rows * cols; ++i) {
            if (!std::isfinite(values[i])) continue;
            lo = std::min<double>(lo, values[i]);
            hi = std::max<double>(hi, values[i]);
        }
        if (!(hi >= lo)) lo = 0, hi = 1;
        if (spec.scale == ColorScale::Diverging) {
            const double m = std::max(std::abs(lo), std::abs(hi));
            lo = -m;
            hi = m > 0 ? m : 1;
        }
        if (hi == lo) hi = lo + 1;
    }

    // Margins: row labels on the left, column labels below, the colour bar on the right.
    auto label_w = [&](const std::vector<std::string>* labels) {
        float w = 0;
        if (labels)
            for (const std::string& l : *labels) w = std::max(w, small->CalcTextSizeA(fs, 1e9f, 0, l.c_str()).x);
        return w;
    };
    const AxisTicks bar_ticks = make_ticks(lo, hi, false, 4);
    const float left = (spec.row_labels ? label_w(spec.row_labels) + 6 * s : 0);
    const float top = spec.row_axis.empty() ? 0 : fs + 6 * s;
    const float bottom = (spec.col_labels ? fs + 6 * s : 0) + (spec.col_axis.empty() ? 0 : fs + 6 * s);
    const float bar_w = 12 * s, right = bar_w + 10 * s + max_label_width(bar_ticks) + 8 * s;
    ImVec2 gmin(L.content_min.x + left, L.content_min.y + top);
    ImVec2 gmax(L.content_max.x - right, L.content_max.y - bottom);
    // Square cells when there is room for them: matrices read best that way.
    const float cell = std::min((gmax.x - gmin.x) / cols, (gmax.y - gmin.y) / rows);
    if (cell <= 1) {
        end_chart(L, spec.title, nullptr);
        return L.hovered;
    }
    // Centre the grid and its colour bar horizontally in the space left over.
    const float spare = (gmax.x - gmin.x) - cell * cols;
    gmin.x += spare * 0.5f;
    gmax = ImVec2(gmin.x + cell * cols, gmin.y + cell * rows);

    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            const ImVec2 a(gmin.x + c * cell, gmin.y + r * cell), b(a.x + cell, a.y + cell);
            dl->AddRectFilled(a, b, heat_color(spec.scale, values[r * cols + c], lo, hi));
        }
    }
    if (spec.highlight_cells) {
        for (int idx : *spec.highlight_cells) {
            if (idx < 0 || idx >= rows * cols) continue;
            const int r = idx / cols, c = idx % cols;
            const ImVec2 a(gmin.x + c * cell, gmin.y + r * cell);
            dl->AddRect(ImVec2(a.x + 0.5f, a.y + 0.5f), ImVec2(a.x + cell - 0.5f, a.y + cell - 0.5f), t.text, 0, 0, 1.5f * s);
        }
    }
    if (spec.show_values && cell >= fs * 1.6f) {
        char buf[32];
        for (int r = 0; r < rows; ++r) {
            for (int c = 0; c < cols; ++c) {
                const float v = values[r * cols + c];
                std::snprintf(buf, sizeof buf, spec.value_format, v);
                const ImVec2 ts = small->CalcTextSizeA(fs, 1e9f, 0, buf);
                if (ts.x > cell - 2 * s) continue;
                const ImU32 bg = heat_color(spec.scale, v, lo, hi);
                const Rgb8 rgb{static_cast<uint8_t>(bg & 0xFF), static_cast<uint8_t>((bg >> 8) & 0xFF),
                               static_cast<uint8_t>((bg >> 16) & 0xFF)};
                const ImU32 fg = luminance(rgb) > 0.55f ? IM_COL32(20, 20, 20, 255) : IM_COL32(245, 245, 245, 255);
                dl->AddText(small, fs, ImVec2(gmin.x + (c + 0.5f) * cell - ts.x * 0.5f, gmin.y + (r + 0.5f) * cell - fs * 0.5f), fg, buf);
            }
        }
    }
    // Labels, thinned so they never overlap.
    if (spec.row_labels) {
        const int every = std::max(1, static_cast<int>(std::ceil(fs / cell)));
        for (int r = 0; r < rows && r < static_cast<int>(spec.row_labels->size()); r += every) {
            const std::string& l = (*spec.row_labels)[static_cast<std::size_t>(r)];
            const float w = small->CalcTextSizeA(fs, 1e9f, 0, l.c_str()).x;
            dl->AddText(small, fs, ImVec2(gmin.x - 6 * s - w, gmin.y + (r + 0.5f) * cell - fs * 0.5f), t.text_dim, l.c_str());
        }
    }
    if (spec.col_labels) {
        float last_end = -1e9f;
        for (int c = 0; c < cols && c < static_cast<int>(spec.col_labels->size()); ++c) {
            const std::string& l = (*spec.col_labels)[static_cast<std::size_t>(c)];
            const float w = small->CalcTextSizeA(fs, 1e9f, 0, l.c_str()).x;
            const float x = gmin.x + (c + 0.5f) * cell - w * 0.5f;
            if (x < last_end + 4 * s) continue;
            dl->AddText(small, fs, ImVec2(x, gmax.y + 4 * s), t.text_dim, l.c_str());
            last_end = x + w;
        }
    }
    if (!spec.col_axis.empty()) {
        const float w = small->CalcTextSizeA(fs, 1e9f, 0, spec.col_axis.c_str()).x;
        dl->AddText(small, fs, ImVec2((gmin.x + gmax.x - w) * 0.5f, L.content_max.y - fs), t.text_dim, spec.col_axis.c_str());
    }
    if (!spec.row_axis.empty())
        dl->AddText(small, fs, ImVec2(gmin.x - left, L.content_min.y), t.text_dim, spec.row_axis.c_str());

    // Colour bar with ticks.
    const ImVec2 bmin(gmax.x + 10 * s, gmin.y), bmax(gmax.x + 10 * s + bar_w, gmax.y);
    const int steps = 48;
    for (int i = 0; i < steps; ++i) {
        const float y0 = bmax.y - (bmax.y - bmin.y) * (i + 1) / steps, y1 = bmax.y - (bmax.y - bmin.y) * i / steps;
        dl->AddRectFilled(ImVec2(bmin.x, y0), ImVec2(bmax.x, y1 + 0.5f),
                          heat_color(spec.scale, lo + (hi - lo) * (i + 0.5) / steps, lo, hi));
    }
    dl->AddRect(bmin, bmax, t.border);
    const AxisMap bm{lo, hi, false, bmax.y, bmin.y};
    for (std::size_t i = 0; i < bar_ticks.major.size(); ++i) {
        const float y = bm.to_px(bar_ticks.major[i]);
        dl->AddLine(ImVec2(bmax.x, y), ImVec2(bmax.x + 3 * s, y), t.axis);
        dl->AddText(small, fs, ImVec2(bmax.x + 6 * s, y - fs * 0.5f), t.text_dim, bar_ticks.labels[i].c_str());
    }
    if (!spec.colorbar_label.empty())
        dl->AddText(small, fs, ImVec2(bmin.x, bmax.y + 4 * s), t.text_dim, spec.colorbar_label.c_str());

    // Hover read-out.
    const ImVec2 m = ImGui::GetIO().MousePos;
    if (L.hovered && m.x >= gmin.x && m.x < gmax.x && m.y >= gmin.y && m.y < gmax.y) {
        const int c = std::clamp(static_cast<int>((m.x - gmin.x) / cell), 0, cols - 1);
        const int r = std::clamp(static_cast<int>((m.y - gmin.y) / cell), 0, rows - 1);
        const ImVec2 a(gmin.x + c * cell, gmin.y + r * cell);
        dl->AddRect(a, ImVec2(a.x + cell, a.y + cell), t.text, 0, 0, 2 * s);
        char buf[32];
        std::snprintf(buf, sizeof buf, spec.value_format, values[r * cols + c]);
        std::string row_name = spec.row_labels && r < static_cast<int>(spec.row_labels->size()) ? (*spec.row_labels)[static_cast<std::size_t>(r)] : std::to_string(r);
        std::string col_name = spec.col_labels && c < static_cast<int>(spec.col_labels->size()) ? (*spec.col_labels)[static_cast<std::size_t>(c)] : std::to_string(c);
        ImGui::BeginTooltip();
        ImGui::Text("%s: %s", spec.row_axis.empty() ? "row" : spec.row_axis.c_str(), row_name.c_str());
        ImGui::Text("%s: %s", spec.col_axis.empty() ? "column" : spec.col_axis.c_str(), col_name.c_str());
        ImGui::Text("value: %s %s", buf, spec.colorbar_label.c_str());
        ImGui::EndTooltip();
    }
    end_chart(L, spec.title, [&] {
        std::ostringstream out;
        out << "row";
        for (int c = 0; c < cols; ++c)
            out << "," << (spec.col_labels && c < static_cast<int>(spec.col_labels->size()) ? (*spec.col_labels)[static_cast<std::size_t>(c)] : std::to_string(c));
        out << "\n";
        for (int r = 0; r < rows; ++r) {
            out << (spec.row_labels && r < static_cast<int>(spec.row_labels->size()) ? (*spec.row_labels)[static_cast<std::size_t>(r)] : std::to_string(r));
            for (int c = 0; c < cols; ++c) out << "," << values[r * cols + c];
            out << "\n";
        }
        return out.str();
    });
    return L.hovered;
}

}  // namespace mlsys::gui
