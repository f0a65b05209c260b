// The geometry of a radar (spider) chart, without ImGui: where each axis points and where a value on it
// lands. Axis 0 points straight up and the axes go clockwise (screen y grows downward), as in most radar
// charts, so "north" is the first metric. Unit-tested exactly.
#pragma once

#include <vector>

namespace mlsys::gui {

struct RadarPoint {
    float x = 0, y = 0;
};

// The angle of axis `axis` of `n_axes` in radians, measured as on screen: -pi/2 (up) for axis 0, then
// clockwise by 2 pi / n_axes per axis.
double radar_axis_angle(int axis, int n_axes);

// The screen position of `value` (0 at the centre, 1 at `radius`; clamped to [0, 1], NaN as 0) on axis
// `axis` of a radar centred at (cx, cy).
RadarPoint radar_point(float cx, float cy, float radius, int axis, int n_axes, double value);

// The polygon of one series: one vertex per axis, in axis order.
std::vector<RadarPoint> radar_polygon(float cx, float cy, float radius, const std::vector<double>& values);

// The area of a radar polygon in units of radius^2 (the shoelace formula over radar_polygon of a unit
// radar): sum over axes of v_i v_(i+1) sin(2 pi / n) / 2. A "bigger is better" summary of a profile;
// the whole hexagon (all 1) has area 3 sqrt(3) / 2.
double radar_area(const std::vector<double>& values);

// Which axis the direction from the centre to (px, py) is closest to (for hover read-outs); -1 when the
// point is at the centre.
int radar_nearest_axis(float cx, float cy, float px, float py, int n_axes);

}  // namespace mlsys::gui
