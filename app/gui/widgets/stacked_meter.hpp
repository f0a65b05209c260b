// A compact stacked meter: one thin horizontal bar split into parts proportional to their values (e.g. the
// training memory split into weights, gradients, optimizer state and activations), with a wrapped legend
// below and a tooltip per part. Reads the caller's values each frame; owns nothing.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace mlsys::gui {

struct MeterPart {
    std::string label;  // "weights"
    double value = 0;   // >= 0; parts of 0 draw nothing but stay in the legend
    std::string value_text;  // preformatted value for the legend and tooltip ("412 KB")
    ImU32 color = 0;
    const char* help = nullptr;  // tooltip text: what this part is, in the textbook's terms
};

// Draws the meter `width` wide at the cursor. Returns the index of the hovered part, or -1.
int stacked_meter(const char* id, const std::vector<MeterPart>& parts, float width);

// The fraction of the total each part takes (all zero when the total is not positive). Pure; for tests.
std::vector<double> meter_fractions(const std::vector<MeterPart>& parts);

}  // namespace mlsys::gui
