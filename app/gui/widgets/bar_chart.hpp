// Bar charts over ImDrawList: grouped or stacked bars per category (e.g. energy per layer split by memory
// level, the step time split into forward/backward/update), linear or log value axis, legend, hover
// read-out with totals, save-as-PNG. Reads the caller's arrays each frame; owns nothing.
#pragma once

#include "app/gui/widgets/chart_frame.hpp"

#include <string>
#include <vector>

namespace mlsys::gui {

struct BarSeries {
    const char* label = nullptr;
    const float* values = nullptr;  // one per category
    ImU32 color = 0;                // 0: the theme's palette by series order
};

struct BarSpec {
    const char* title = nullptr;
    const char* help = nullptr;
    ImVec2 size{0, 0};
    const std::vector<std::string>* categories = nullptr;  // one label per bar group
    std::string value_label;     // e.g. "energy (µJ)"
    bool stacked = false;        // stack the series; otherwise side by side
    bool horizontal = false;     // bars grow to the right, categories listed top to bottom
    bool log_scale = false;      // log value axis (stacked bars need a linear axis)
    const char* value_format = "%.4g";
};

// Draws n_series series over categories->size() categories. Returns true while hovered.
bool bar_chart(const char* id, const BarSpec& spec, const BarSeries* series, int n_series);

}  // namespace mlsys::gui
