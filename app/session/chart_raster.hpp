// Line charts rasterised on the CPU into PNG bytes, for reports that must be self-contained files (the
// HTML run report). No GPU, no GUI; the axis labels are left to the HTML around the image.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::session {

struct ChartSeries {
    std::vector<double> x, y;  // NaN y values leave a gap
    uint32_t rgb = 0x1f77b4;   // 0xRRGGBB
};

struct ChartImage {
    std::string png;
    double x_min = 0, x_max = 1, y_min = 0, y_max = 1;  // the data range the axes span
};

// The palette (Tableau 10) charts and legends share: colour i of the series.
uint32_t chart_color(int i);

// Draws the series on shared axes (the union of their ranges, padded) over a light grid.
ChartImage render_line_chart(const std::vector<ChartSeries>& series, int width_px, int height_px);

}  // namespace mlsys::session
