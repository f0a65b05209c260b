// Heatmaps over ImDrawList: a rows x cols grid of values (row 0 at the top) coloured by viridis or a
// diverging scale, with row/column labels, optional values in the cells, a colour scale bar, hover
// read-out and save-as-PNG. Reads the caller's array each frame; owns nothing.
#pragma once

#include "app/gui/widgets/chart_frame.hpp"

#include <string>
#include <vector>

namespace mlsys::gui {

enum class ColorScale { Viridis, Diverging };

struct HeatmapSpec {
    const char* title = nullptr;
    const char* help = nullptr;
    ImVec2 size{0, 0};                      // 0 width: available; 0 height: square-ish from the width
    std::string row_axis, col_axis;         // e.g. "true class", "predicted class"
    const std::vector<std::string>* row_labels = nullptr;
    const std::vector<std::string>* col_labels = nullptr;
    double v_min = 0, v_max = 0;            // colour range; v_min >= v_max: the data's range
    ColorScale scale = ColorScale::Viridis;  // Diverging maps [-m, m] with m = max |v| unless a range is given
    bool show_values = false;               // print each cell's value (when cells are big enough)
    const char* value_format = "%.0f";
    std::string colorbar_label;             // e.g. "images"
    const std::vector<int>* highlight_cells = nullptr;  // cell indices (r * cols + c) to outline, e.g. the diagonal
    const char* empty_text = "No data yet";             // shown when there are no values
};

// Draws `values` (rows x cols, row-major). Returns true while hovered.
bool heatmap(const char* id, const HeatmapSpec& spec, const float* values, int rows, int cols);

// The colour of value v on the given scale and range (IM_COL32 layout).
ImU32 heat_color(ColorScale scale, double v, double v_min, double v_max);

}  // namespace mlsys::gui
