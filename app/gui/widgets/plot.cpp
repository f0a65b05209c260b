// Plot: XY charts (see plot.hpp). Lines longer than the plot is wide are reduced to a min/max envelope
// per pixel column, so a 100k-step loss curve costs a few hundred vertices per frame.
#include "app/gui/widgets/plot.hpp"

#include "app/gui/gui_context.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace mlsys::gui {
namespace {

bool usable(double v, bool log_scale) { return std::isfinite(v) && (!log_scale || v > 0); }

float value_at(const float* arr, int count, int offset, int i) {
    return arr[(offset + i) % count];
}

float x_at(const LineSeries& s, int i) {
    return s.x ? value_at(s.x, s.count, s.offset, i) : static_cast<float>(i);
}

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format ? format : "%.4g", v);
    return buf;
}

}  // namespace

Range fit_axis(const AxisSpec& axis, double lo, double hi, bool has_data) {
    if (axis.fit == AxisFit::Fixed || !has_data) {
        if (axis.log_scale && !(axis.lo > 0 && axis.hi > axis.lo)) return {1, 10};
        return {axis.lo, axis.hi > axis.lo ? axis.hi : axis.lo + 1};
    }
    if (axis.include_zero && !axis.log_scale) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
    }
    if (axis.fit == AxisFit::Tight) {
        if (hi > lo) return {lo, hi};
        return nice_range(lo, hi, axis.log_scale);
    }
    return nice_range(lo, hi, axis.log_scale);
}

Plot& Plot::line(const LineSeries& s) {
    if (s.y && s.count > 0) lines_.push_back(s);
    return *this;
}
Plot& Plot::scatter(const ScatterSeries& s) {
    if (s.x && s.y && s.count > 0) scatters_.push_back(s);
    return *this;
}
Plot& Plot::image(const PlotImage& img) {
    if (img.rgba && img.w > 0 && img.h > 0) images_.push_back(img);
    return *this;
}
Plot& Plot::ref_line(const RefLine& r) {
    refs_.push_back(r);
    return *this;
}

void Plot::collect_bounds(Bounds& bx, Bounds& by) const {
    const bool lx = spec_.x.log_scale, ly = spec_.y.log_scale;
    for (const LineSeries& s : lines_) {
        for (int i = 0; i < s.count; ++i) {
            const double x = x_at(s, i), y = value_at(s.y, s.count, s.offset, i);
            if (usable(x, lx) && usable(y, ly)) {
                bx.add(x);
                by.add(y);
            }
        }
    }
    for (const ScatterSeries& s : scatters_) {
        for (int i = 0; i < s.count; ++i) {
            if (usable(s.x[i], lx) && usable(s.y[i], ly)) {
                bx.add(s.x[i]);
                by.add(s.y[i]);
            }
        }
    }
    for (const PlotImage& img : images_) {
        bx.add(img.x_min);
        bx.add(img.x_max);
        by.add(img.y_min);
        by.add(img.y_max);
    }
    for (const RefLine& r : refs_) {
        if (usable(r.value, r.vertical ? lx : ly)) (r.vertical ? bx : by).add(r.value);
    }
}

std::string Plot::to_csv() const {
    std::ostringstream out;
    out.precision(9);
    for (const LineSeries& s : lines_) {
        out << "# " << (s.label ? s.label : "series") << "\n" << (spec_.x.label.empty() ? "x" : spec_.x.label) << ","
            << (spec_.y.label.empty() ? "y" : spec_.y.label) << "\n";
        for (int i = 0; i < s.count; ++i) out << x_at(s, i) << "," << value_at(s.y, s.count, s.offset, i) << "\n";
    }
    for (const ScatterSeries& s : scatters_) {
        out << "# " << (s.label ? s.label : "points") << "\nx,y" << (s.classes ? ",class" : "")
            << (s.point_labels ? ",name" : "") << "\n";
        for (int i = 0; i < s.count; ++i) {
            out << s.x[i] << "," << s.y[i];
            if (s.classes) out << "," << s.classes[i];
            if (s.point_labels) out << "," << s.point_labels[i];
            out << "\n";
        }
    }
    return out.str();
}

bool Plot::draw() {
    const Theme& t = chart_theme();
    std::vector<LegendItem> legend;
    int palette = 0;
    for (LineSeries& s : lines_) {
        if (!s.color) s.color = series_color(palette++);
        if (spec_.legend && s.label) legend.push_back({s.label, s.color});
    }
    for (ScatterSeries& s : scatters_) {
        if (!s.color) s.color = series_color(palette++);
        if (spec_.legend && s.label) legend.push_back({s.label, s.color});
    }
    const ChartLayout L = begin_chart(id_, spec_.title, spec_.help, spec_.size, legend);
    const float s = L.scale;
    ImDrawList* dl = ImGui::GetWindowDrawList();

    Bounds bx, by;
    collect_bounds(bx, by);
    const bool has_data = bx.valid() && by.valid();
    const Range xr = fit_axis(spec_.x, bx.lo, bx.hi, has_data);
    const Range yr = fit_axis(spec_.y, by.lo, by.hi, has_data);

    ImFont* small = chart_small_font();
    const float fs = small->FontSize;
    const float content_h = L.content_max.y - L.content_min.y;
    const AxisTicks yt = make_ticks(yr.lo, yr.hi, spec_.y.log_scale, std::clamp(static_cast<int>(content_h / (34 * s)), 2, 8));
    const float left = max_label_width(yt) + 8 * s;
    const float top = spec_.y.label.empty() ? fs * 0.5f : fs + 8 * s;
    const float bottom = fs + 8 * s + (spec_.x.label.empty() ? 0 : fs + 4 * s);
    const ImVec2 pmin(L.content_min.x + left, L.content_min.y + top);
    const ImVec2 pmax(L.content_max.x - 6 * s, L.content_max.y - bottom);
    if (pmax.x - pmin.x < 20 || pmax.y - pmin.y < 20) {  // too small to draw anything useful
        end_chart(L, spec_.title, nullptr);
        return L.hovered;
    }
    const AxisTicks xt = make_ticks(xr.lo, xr.hi, spec_.x.log_scale, std::clamp(static_cast<int>((pmax.x - pmin.x) / (64 * s)), 2, 10));
    const AxisMap xm{xr.lo, xr.hi, spec_.x.log_scale, pmin.x, pmax.x};
    const AxisMap ym{yr.lo, yr.hi, spec_.y.log_scale, pmax.y, pmin.y};

    draw_y_axis(dl, ym, yt, pmin, pmax, spec_.y.label);
    draw_x_axis(dl, xm, xt, pmin, pmax, spec_.x.label);

    dl->PushClipRect(pmin, ImVec2(pmax.x + 1, pmax.y + 1), true);
    GuiContext* ctx = current_gui_context();
    for (const PlotImage& img : images_) {
        const ImVec2 a(xm.to_px(img.x_min), ym.to_px(img.y_max)), b(xm.to_px(img.x_max), ym.to_px(img.y_min));
        ImTextureID tex = nullptr;
        if (ctx && ctx->textures && !img.texture_key.empty())
            tex = ctx->textures->update(img.texture_key, img.w, img.h, img.rgba, img.version, img.smooth);
        if (tex) {
            dl->AddImage(tex, a, b);
        } else {  // no GPU texture (headless): one rectangle per pixel
            const float cw = (b.x - a.x) / img.w, ch = (b.y - a.y) / img.h;
            for (int r = 0; r < img.h; ++r)
                for (int c = 0; c < img.w; ++c)
                    dl->AddRectFilled(ImVec2(a.x + c * cw, a.y + r * ch), ImVec2(a.x + (c + 1) * cw, a.y + (r + 1) * ch),
                                      img.rgba[r * img.w + c]);
        }
    }
    for (const RefLine& r : refs_) {
        const ImU32 col = r.color ? r.color : with_alpha(t.text_dim, 0.8f);
        const float p = r.vertical ? xm.to_px(r.value) : ym.to_px(r.value);
        if (!std::isfinite(p)) continue;
        if (r.vertical) dl->AddLine(ImVec2(p, pmin.y), ImVec2(p, pmax.y), col, 1.5f * s);
        else dl->AddLine(ImVec2(pmin.x, p), ImVec2(pmax.x, p), col, 1.5f * s);
        if (!r.label.empty()) {
            const float lw = small->CalcTextSizeA(fs, 1e9f, 0, r.label.c_str()).x;
            ImVec2 pos = r.vertical ? ImVec2(p + 4 * s, pmin.y + 2 * s) : ImVec2(pmin.x + 4 * s, p - fs - 2 * s);
            if (r.label_at_end) pos = r.vertical ? ImVec2(p + 4 * s, pmax.y - fs - 2 * s) : ImVec2(pmax.x - lw - 4 * s, p - fs - 2 * s);
            dl->AddText(small, fs, pos, col, r.label.c_str());
        }
    }

    // Lines, reduced to a min/max envelope per pixel column when denser than the pixels.
    const int width_px = std::max(1, static_cast<int>(pmax.x - pmin.x));
    std::vector<ImVec2> pts;
    for (const LineSeries& ls : lines_) {
        pts.clear();
        const bool dense = ls.count > 2 * width_px;
        int col = -1;
        ImVec2 lo_pt, hi_pt;
        int lo_i = 0, hi_i = 0;
        auto flush = [&] {
            if (col < 0) return;
            if (lo_i <= hi_i) {
                pts.push_back(lo_pt);
                if (hi_i != lo_i) pts.push_back(hi_pt);
            } else {
                pts.push_back(hi_pt);
                pts.push_back(lo_pt);
            }
        };
        auto emit = [&] {
            if (pts.size() >= 2) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), ls.color, ImDrawFlags_None, ls.thickness * s);
            pts.clear();
        };
        for (int i = 0; i < ls.count; ++i) {
            const double xv = x_at(ls, i), yv = value_at(ls.y, ls.count, ls.offset, i);
            if (!usable(xv, spec_.x.log_scale) || !usable(yv, spec_.y.log_scale)) {  // a gap
                flush();
                col = -1;
                emit();
                continue;
            }
            const ImVec2 p(xm.to_px(xv), ym.to_px(yv));
            if (!dense) {
                pts.push_back(p);
                if (ls.markers) dl->AddCircleFilled(p, 2.5f * s, ls.color, 10);
                continue;
            }
            const int c = static_cast<int>(p.x - pmin.x);
            if (c != col) {
                flush();
                col = c;
                lo_pt = hi_pt = p;
                lo_i = hi_i = i;
            } else {
                if (p.y > lo_pt.y) { lo_pt = p; lo_i = i; }  // screen y grows downward: "lo" is the lower value
                if (p.y < hi_pt.y) { hi_pt = p; hi_i = i; }
            }
        }
        flush();
        if (pts.size() == 1) dl->AddCircleFilled(pts[0], 2.5f * s, ls.color, 10);
        emit();
    }
    // Dense scatters drop anti-aliasing and use 8-sided dots on a dark rim: software rasterizers pay per
    // triangle, and an anti-aliased outlined circle is ~60 triangles against 12 for this.
    for (const ScatterSeries& ss : scatters_) {
        const bool dense = ss.count > 64;
        const ImDrawListFlags saved_flags = dl->Flags;
        if (dense) dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
        const ImU32 rim = t.kind == ThemeKind::Dark ? IM_COL32(15, 15, 18, 200) : IM_COL32(255, 255, 255, 220);
        for (int i = 0; i < ss.count; ++i) {
            if (!usable(ss.x[i], spec_.x.log_scale) || !usable(ss.y[i], spec_.y.log_scale)) continue;
            ImU32 col = ss.color;
            if (ss.classes && ss.class_colors && ss.n_class_colors > 0)
                col = ss.class_colors[((ss.classes[i] % ss.n_class_colors) + ss.n_class_colors) % ss.n_class_colors];
            const ImVec2 p(xm.to_px(ss.x[i]), ym.to_px(ss.y[i]));
            if (dense) {
                dl->AddCircleFilled(p, ss.radius * s + 1.0f, rim, 8);
                dl->AddCircleFilled(p, ss.radius * s, col, 8);
            } else {
                dl->AddCircleFilled(p, ss.radius * s, col, 12);
                dl->AddCircle(p, ss.radius * s, rim, 12, 1.0f);
            }
        }
        dl->Flags = saved_flags;
    }
    dl->PopClipRect();
    if (!has_data && images_.empty()) draw_centered_note(dl, pmin, pmax, spec_.empty_text);

    // Hover read-out: lines at the nearest x; the nearest scatter point within 14 px.
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    if (L.hovered && mouse.x >= pmin.x && mouse.x <= pmax.x && mouse.y >= pmin.y && mouse.y <= pmax.y && has_data) {
        std::string text;
        const ScatterSeries* best_s = nullptr;
        int best_i = -1;
        float best_d2 = 14 * s * 14 * s;
        for (const ScatterSeries& ss : scatters_) {
            for (int i = 0; i < ss.count; ++i) {
                const float px = xm.to_px(ss.x[i]), py = ym.to_px(ss.y[i]);
                const float d2 = (px - mouse.x) * (px - mouse.x) + (py - mouse.y) * (py - mouse.y);
                if (d2 < best_d2) {
                    best_d2 = d2;
                    best_s = &ss;
                    best_i = i;
                }
            }
        }
        if (best_s) {
            const ImVec2 p(xm.to_px(best_s->x[best_i]), ym.to_px(best_s->y[best_i]));
            dl->AddCircle(p, best_s->radius * s + 3 * s, t.text, 16, 1.5f * s);
            if (best_s->point_labels) text += best_s->point_labels[best_i] + "\n";
            else if (best_s->label) text += std::string(best_s->label) + "\n";
            text += (spec_.x.label.empty() ? "x" : spec_.x.label) + " = " + fmt(spec_.x.format, best_s->x[best_i]) + "\n" +
                    (spec_.y.label.empty() ? "y" : spec_.y.label) + " = " + fmt(spec_.y.format, best_s->y[best_i]);
            if (best_s->classes) text += "\nclass " + std::to_string(best_s->classes[best_i]);
        } else if (!lines_.empty()) {
            const double mx = xm.from_px(mouse.x);
            dl->AddLine(ImVec2(mouse.x, pmin.y), ImVec2(mouse.x, pmax.y), with_alpha(t.text_dim, 0.5f));
            bool first = true;
            for (const LineSeries& ls : lines_) {
                int best = -1;
                double best_dx = 1e300;
                for (int i = 0; i < ls.count; ++i) {  // O(n) per hovered frame only
                    const double d = std::abs(x_at(ls, i) - mx);
                    if (d < best_dx && usable(value_at(ls.y, ls.count, ls.offset, i), spec_.y.log_scale)) {
                        best_dx = d;
                        best = i;
                    }
                }
                if (best < 0) continue;
                const double xv = x_at(ls, best), yv = value_at(ls.y, ls.count, ls.offset, best);
                if (first) text += (spec_.x.label.empty() ? "x" : spec_.x.label) + " = " + fmt(spec_.x.format, xv);
                first = false;
                text += std::string("\n") + (ls.label ? ls.label : "y") + " = " + fmt(spec_.y.format, yv);
                dl->AddCircleFilled(ImVec2(xm.to_px(xv), ym.to_px(yv)), 4 * s, ls.color, 12);
            }
        }
        if (!text.empty()) {
            ImGui::BeginTooltip();
            ImGui::TextUnformatted(text.c_str());
            ImGui::EndTooltip();
        }
    }
    end_chart(L, spec_.title, [this] { return to_csv(); });
    return L.hovered;
}

}  // namespace mlsys::gui
