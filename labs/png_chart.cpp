// PNG encoding (signature, IHDR, IDAT through zlib's compress, IEND, CRC-32 per chunk) and the two chart
// kinds of lab reports.
#include "labs/png_chart.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>

namespace mlsys::labs {

namespace {
constexpr uint32_t kAxis = 0x808080, kGrid = 0xE6E6E6;
// The app's chart palette (app/gui/widgets/colormap: blue, orange, green, red).
constexpr uint32_t kSeries[] = {0x4C78A8, 0xF58518, 0x54A24B, 0xE45756};
constexpr uint32_t kPredicted = 0xA6C8E8, kMeasured = 0x2F5B8C;

void put_u32(std::string& s, uint32_t v) {
    for (int k = 3; k >= 0; --k) s += static_cast<char>((v >> (8 * k)) & 0xFF);
}
void chunk(std::string& out, const char* type, const std::string& data) {
    put_u32(out, static_cast<uint32_t>(data.size()));
    std::string body = std::string(type, 4) + data;
    out += body;
    put_u32(out, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}
}  // namespace

Canvas::Canvas(int width, int height) : w_(width), h_(height), rgb_(static_cast<size_t>(width) * height * 3, 255) {}

uint32_t Canvas::pixel(int x, int y) const {
    const size_t i = (static_cast<size_t>(y) * w_ + x) * 3;
    return (uint32_t(rgb_[i]) << 16) | (uint32_t(rgb_[i + 1]) << 8) | rgb_[i + 2];
}

void Canvas::fill_rect(int x0, int y0, int x1, int y1, uint32_t rgb) {
    x0 = std::max(0, x0), y0 = std::max(0, y0), x1 = std::min(w_, x1), y1 = std::min(h_, y1);
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const size_t i = (static_cast<size_t>(y) * w_ + x) * 3;
            rgb_[i] = (rgb >> 16) & 0xFF, rgb_[i + 1] = (rgb >> 8) & 0xFF, rgb_[i + 2] = rgb & 0xFF;
        }
}

void Canvas::line(double x0, double y0, double x1, double y1, uint32_t rgb, int thickness) {
    const int n = static_cast<int>(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0))) + 1;
    for (int k = 0; k <= n; ++k) {
        const double t = static_cast<double>(k) / n;
        const int x = static_cast<int>(std::lround(x0 + t * (x1 - x0))), y = static_cast<int>(std::lround(y0 + t * (y1 - y0)));
        fill_rect(x - thickness / 2, y - thickness / 2, x - thickness / 2 + thickness, y - thickness / 2 + thickness, rgb);
    }
}

std::string Canvas::encode_png() const {
    std::string raw;
    raw.reserve(static_cast<size_t>(h_) * (w_ * 3 + 1));
    for (int y = 0; y < h_; ++y) {
        raw += '\0';  // filter: none
        raw.append(reinterpret_cast<const char*>(&rgb_[static_cast<size_t>(y) * w_ * 3]), static_cast<size_t>(w_) * 3);
    }
    uLongf n = compressBound(static_cast<uLong>(raw.size()));
    std::string z(n, '\0');
    compress2(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()), 6);
    z.resize(n);
    std::string out("\x89PNG\r\n\x1a\n", 8);
    std::string ihdr;
    put_u32(ihdr, static_cast<uint32_t>(w_));
    put_u32(ihdr, static_cast<uint32_t>(h_));
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit, RGB, deflate, no filter method, no interlace
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", z);
    chunk(out, "IEND", "");
    return out;
}

std::string paired_bars_png(const std::vector<std::pair<double, double>>& pairs, int width, int height) {
    Canvas c(width, height);
    const int left = 20, right = width - 20, top = 20, bottom = height - 20;
    for (int g = 1; g <= 4; ++g) c.fill_rect(left, bottom - g * (bottom - top) / 4, right, bottom - g * (bottom - top) / 4 + 1, kGrid);
    const int n = std::max<int>(1, static_cast<int>(pairs.size()));
    const double group_w = static_cast<double>(right - left) / n;
    for (int i = 0; i < static_cast<int>(pairs.size()); ++i) {
        const double a = std::fabs(pairs[i].first), b = std::fabs(pairs[i].second);
        const double scale = std::max({a, b, 1e-12});
        const int x = left + static_cast<int>(i * group_w + group_w * 0.15);
        const int bw = static_cast<int>(group_w * 0.33);
        const int ha = static_cast<int>((bottom - top) * a / scale), hb = static_cast<int>((bottom - top) * b / scale);
        c.fill_rect(x, bottom - ha, x + bw, bottom, kPredicted);
        c.fill_rect(x + bw + 2, bottom - hb, x + 2 * bw + 2, bottom, kMeasured);
    }
    c.fill_rect(left, bottom, right, bottom + 1, kAxis);
    return c.encode_png();
}

std::string line_chart_png(const std::vector<std::vector<double>>& series, int width, int height) {
    Canvas c(width, height);
    const int left = 20, right = width - 20, top = 20, bottom = height - 20;
    double hi = 1e-12;
    size_t n = 0;
    for (const auto& s : series) {
        n = std::max(n, s.size());
        for (double v : s)
            if (std::isfinite(v)) hi = std::max(hi, v);
    }
    for (int g = 1; g <= 4; ++g) c.fill_rect(left, bottom - g * (bottom - top) / 4, right, bottom - g * (bottom - top) / 4 + 1, kGrid);
    c.fill_rect(left, bottom, right, bottom + 1, kAxis);
    c.fill_rect(left, top, left + 1, bottom, kAxis);
    auto px = [&](size_t i) { return left + (n <= 1 ? 0.5 : static_cast<double>(i) / (n - 1)) * (right - left); };
    auto py = [&](double v) { return bottom - v / hi * (bottom - top); };
    for (size_t k = 0; k < series.size(); ++k) {
        const uint32_t col = kSeries[k % 4];
        const auto& s = series[k];
        for (size_t i = 0; i < s.size(); ++i) {
            if (!std::isfinite(s[i])) continue;
            if (i + 1 < s.size() && std::isfinite(s[i + 1])) c.line(px(i), py(s[i]), px(i + 1), py(s[i + 1]), col, 2);
            c.fill_rect(static_cast<int>(px(i)) - 3, static_cast<int>(py(s[i])) - 3, static_cast<int>(px(i)) + 4, static_cast<int>(py(s[i])) + 4, col);
        }
    }
    return c.encode_png();
}

}  // namespace mlsys::labs
