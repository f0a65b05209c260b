// Radar chart geometry (see radar_math.hpp).
#include "app/gui/widgets/radar_math.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::gui {

namespace {
constexpr double kPi = 3.14159265358979323846;
double clamp01(double v) { return std::isnan(v) ? 0.0 : std::clamp(v, 0.0, 1.0); }
}  // namespace

double radar_axis_angle(int axis, int n_axes) {
    if (n_axes <= 0) return -kPi / 2;
    return -kPi / 2 + 2 * kPi * static_cast<double>(axis) / static_cast<double>(n_axes);
}

RadarPoint radar_point(float cx, float cy, float radius, int axis, int n_axes, double value) {
    const double a = radar_axis_angle(axis, n_axes);
    const double r = static_cast<double>(radius) * clamp01(value);
    return {static_cast<float>(cx + r * std::cos(a)), static_cast<float>(cy + r * std::sin(a))};
}

std::vector<RadarPoint> radar_polygon(float cx, float cy, float radius, const std::vector<double>& values) {
    std::vector<RadarPoint> out;
    const int n = static_cast<int>(values.size());
    out.reserve(values.size());
    for (int i = 0; i < n; ++i) out.push_back(radar_point(cx, cy, radius, i, n, values[static_cast<size_t>(i)]));
    return out;
}

double radar_area(const std::vector<double>& values) {
    const size_t n = values.size();
    if (n < 3) return 0;
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += clamp01(values[i]) * clamp01(values[(i + 1) % n]);
    return 0.5 * std::sin(2 * kPi / static_cast<double>(n)) * sum;
}

int radar_nearest_axis(float cx, float cy, float px, float py, int n_axes) {
    const double dx = px - cx, dy = py - cy;
    if (n_axes <= 0 || (dx == 0 && dy == 0)) return -1;
    // Angle from "up", clockwise on screen, in [0, 2 pi).
    double a = std::atan2(dy, dx) + kPi / 2;
    while (a < 0) a += 2 * kPi;
    while (a >= 2 * kPi) a -= 2 * kPi;
    const double step = 2 * kPi / n_axes;
    return static_cast<int>(std::floor(a / step + 0.5)) % n_axes;
}

}  // namespace mlsys::gui
