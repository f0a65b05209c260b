// A radar (spider) chart over ImDrawList: one axis per metric, every value scored 0 (centre, worst) .. 1
// (rim, best), one filled polygon per series, grid rings at quarters, axis labels, and a hover read-out of
// the nearest axis. Reads the caller's arrays each frame; owns nothing. Geometry in radar_math.hpp.
#pragma once

#include "app/gui/widgets/chart_frame.hpp"

#include <string>
#include <vector>

namespace mlsys::gui {

struct RadarSeries {
    const char* label = nullptr;
    const double* values = nullptr;  // one per axis, 0..1
    ImU32 color = 0;                 // 0: the theme's palette by series order
    // Optional read-out text per axis (e.g. "12.3 ms"), shown beside the score when hovered.
    const std::string* value_text = nullptr;
};

struct RadarSpec {
    const char* title = nullptr;
    const char* help = nullptr;
    ImVec2 size{0, 0};
    const std::vector<std::string>* axes = nullptr;  // axis labels at the rim, at least 3 (short for small radars)
    const std::vector<std::string>* axis_titles = nullptr;  // full names for the read-out (null: the labels)
    int rings = 4;                                   // grid rings at 1/rings, 2/rings, ... 1
    bool legend = true;
    const char* empty_text = "No data yet";
    ImU32 frame_color = 0;  // 0: the theme's border; e.g. a red frame for a device the model does not fit
};

bool radar_chart(const char* id, const RadarSpec& spec, const RadarSeries* series, int n_series);

}  // namespace mlsys::gui
