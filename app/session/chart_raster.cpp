// CPU line-chart rasteriser: anti-aliased 2-pixel lines drawn as overlapping coverage discs, blended into
// an RGB buffer, encoded by models/io/png_file.
#include "app/session/chart_raster.hpp"

#include "models/io/png_file.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::session {

uint32_t chart_color(int i) {
    static const uint32_t kTableau10[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                          0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    return kTableau10[static_cast<unsigned>(i) % 10];
}

namespace {

struct Canvas {
    int w, h;
    std::vector<uint8_t> rgb;
    Canvas(int width, int height) : w(width), h(height), rgb(static_cast<size_t>(width) * height * 3, 255) {}
    void blend(int x, int y, uint32_t color, double alpha) {
        if (x < 0 || y < 0 || x >= w || y >= h || alpha <= 0) return;
        alpha = std::min(alpha, 1.0);
        uint8_t* p = &rgb[(static_cast<size_t>(y) * w + x) * 3];
        const int c[3] = {static_cast<int>((color >> 16) & 0xFF), static_cast<int>((color >> 8) & 0xFF), static_cast<int>(color & 0xFF)};
        for (int k = 0; k < 3; ++k) p[k] = static_cast<uint8_t>(std::lround(p[k] * (1 - alpha) + c[k] * alpha));
    }
    void hline(int x0, int x1, int y, uint32_t color) {
        for (int x = x0; x <= x1; ++x) blend(x, y, color, 1);
    }
    void vline(int x, int y0, int y1, uint32_t color) {
        for (int y = y0; y <= y1; ++y) blend(x, y, color, 1);
    }
    // A line of the given width: each pixel near the segment gets coverage from its distance to it.
    void line(double x0, double y0, double x1, double y1, uint32_t color, double width) {
        const double r = width / 2;
        const int xa = static_cast<int>(std::floor(std::min(x0, x1) - r - 1)), xb = static_cast<int>(std::ceil(std::max(x0, x1) + r + 1));
        const int ya = static_cast<int>(std::floor(std::min(y0, y1) - r - 1)), yb = static_cast<int>(std::ceil(std::max(y0, y1) + r + 1));
        const double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
        for (int y = std::max(ya, 0); y <= std::min(yb, h - 1); ++y)
            for (int x = std::max(xa, 0); x <= std::min(xb, w - 1); ++x) {
                const double px = x + 0.5, py = y + 0.5;
                double t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
                t = std::clamp(t, 0.0, 1.0);
                const double ex = x0 + t * dx - px, ey = y0 + t * dy - py;
                const double d = std::sqrt(ex * ex + ey * ey);
                const double cover = std::clamp(r + 0.5 - d, 0.0, 1.0);
                // Overlapping segments must not darken joints: keep the strongest coverage, not the sum.
                if (cover > 0) {
                    uint8_t* p = &rgb[(static_cast<size_t>(y) * w + x) * 3];
                    const int target[3] = {static_cast<int>((color >> 16) & 0xFF), static_cast<int>((color >> 8) & 0xFF), static_cast<int>(color & 0xFF)};
                    bool done = true;
                    for (int k = 0; k < 3; ++k)
                        if (std::abs(p[k] - target[k]) > 2) done = false;
                    if (!done) blend(x, y, color, cover);
                }
            }
    }
};

}  // namespace

ChartImage render_line_chart(const std::vector<ChartSeries>& series, int w, int h) {
    ChartImage img;
    double x_min = INFINITY, x_max = -INFINITY, y_min = INFINITY, y_max = -INFINITY;
    for (const auto& s : series)
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
            x_min = std::min(x_min, s.x[i]);
            x_max = std::max(x_max, s.x[i]);
            y_min = std::min(y_min, s.y[i]);
            y_max = std::max(y_max, s.y[i]);
        }
    if (!(x_min <= x_max)) x_min = 0, x_max = 1, y_min = 0, y_max = 1;
    if (x_max == x_min) x_min -= 0.5, x_max += 0.5;
    if (y_max == y_min) y_min -= 0.5, y_max += 0.5;
    const double pad = 0.05 * (y_max - y_min);
    y_min -= pad;
    y_max += pad;
    img.x_min = x_min, img.x_max = x_max, img.y_min = y_min, img.y_max = y_max;
    Canvas c(w, h);
    const int left = 6, right = w - 7, top = 6, bottom = h - 7;
    for (int k = 0; k <= 4; ++k) c.hline(left, right, top + (bottom - top) * k / 4, 0xe6e6e6);
    for (int k = 0; k <= 4; ++k) c.vline(left + (right - left) * k / 4, top, bottom, 0xeeeeee);
    c.hline(left, right, bottom, 0x999999);
    c.vline(left, top, bottom, 0x999999);
    auto px = [&](double x) { return left + (x - x_min) / (x_max - x_min) * (right - left); };
    auto py = [&](double y) { return bottom - (y - y_min) / (y_max - y_min) * (bottom - top); };
    for (const auto& s : series) {
        bool have = false;
        double lx = 0, ly = 0;
        int n_points = 0;
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) n_points += std::isfinite(s.y[i]) ? 1 : 0;
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;  // NaN: not logged here; join across
            const double x = px(s.x[i]), y = py(s.y[i]);
            if (have) c.line(lx, ly, x, y, s.rgb, 2.0);
            else if (n_points == 1) c.line(x - 2, y, x + 2, y, s.rgb, 4.0);  // a lone point as a dot
            lx = x, ly = y, have = true;
        }
    }
    img.png = models::encode_png_rgb(w, h, c.rgb);
    return img;
}

}  // namespace mlsys::session
