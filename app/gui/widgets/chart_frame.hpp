// What every chart shares: the panel with title, help tooltip and legend; tick computation and the drawing
// of axes, grid and tick labels; the right-click menu (save as PNG, copy data as CSV). Used by plot.cpp,
// heatmap.cpp and bar_chart.cpp; holds no data between frames.
#pragma once

#include "app/gui/theme.hpp"
#include "app/gui/widgets/plot_math.hpp"

#include <imgui.h>

#include <functional>
#include <string>
#include <vector>

namespace mlsys::gui {

struct LegendItem {
    std::string label;
    ImU32 color = 0;
};

// The geometry of one chart this frame.
struct ChartLayout {
    ImVec2 frame_min, frame_max;      // the whole chart (what "Save as PNG" captures)
    ImVec2 content_min, content_max;  // inside the padding, below the title row
    bool hovered = false;
    float scale = 1;                  // the GUI's content scale
};

// Colours and fonts for charts: from the current GuiContext, or the dark theme and ImGui's font.
const Theme& chart_theme();
ImFont* chart_small_font();
float chart_scale();
// The i-th categorical series colour of the current theme.
ImU32 series_color(int i);

// Reserves a chart of `size` at the cursor (0 width: all available; 0 height: 240 px x scale) as one
// item, draws the panel, the title (its tooltip is `help`) and the legend, and returns the layout.
ChartLayout begin_chart(const char* id, const char* title, const char* help, ImVec2 size,
                        const std::vector<LegendItem>& legend);
// The right-click menu: "Save chart as PNG" and, when `csv` is set, "Copy data as CSV".
void end_chart(const ChartLayout& layout, const char* title, const std::function<std::string()>& csv);

// Ticks for one axis: major values and their labels, and unlabelled minor values (log axes).
struct AxisTicks {
    std::vector<double> major;
    std::vector<std::string> labels;
    std::vector<double> minor;
};
AxisTicks make_ticks(double lo, double hi, bool log_scale, int max_intervals);

// Widest tick label in the small font, in pixels.
float max_label_width(const AxisTicks& ticks);

// Grid lines, the axis lines and tick labels around plot rectangle [pmin, pmax].
void draw_x_axis(ImDrawList* dl, const AxisMap& map, const AxisTicks& ticks, ImVec2 pmin, ImVec2 pmax,
                 const std::string& label);
void draw_y_axis(ImDrawList* dl, const AxisMap& map, const AxisTicks& ticks, ImVec2 pmin, ImVec2 pmax,
                 const std::string& label);

// "No data yet"-style text centred in a rectangle.
void draw_centered_note(ImDrawList* dl, ImVec2 pmin, ImVec2 pmax, const char* text);

}  // namespace mlsys::gui
