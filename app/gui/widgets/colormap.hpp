// Colour scales for heatmaps and decision boundaries: a viridis lookup (perceptually ordered, readable in
// greyscale and by colour-blind users) and a diverging orange-white-blue scale. Pure, no ImGui.
#pragma once

#include <cstdint>

namespace mlsys::gui {

struct Rgb8 {
    uint8_t r = 0, g = 0, b = 0;
    bool operator==(const Rgb8&) const = default;
};

// t in [0, 1] (clamped; NaN gives mid grey) to viridis, interpolated linearly between matplotlib's
// viridis sampled at t = 0, 1/9, ..., 1.
Rgb8 viridis(float t);

// t in [-1, 1] (clamped): -1 orange, 0 near-white, +1 blue — the colours TensorFlow Playground uses for
// the two classes, so students who know it read our boundary maps the same way.
Rgb8 diverging(float t);

// Linear interpolation of two colours, t in [0, 1].
Rgb8 mix(Rgb8 a, Rgb8 b, float t);

// Relative luminance (ITU-R BT.709 weights on sRGB values in [0, 1]) — used by tests and to choose a
// readable text colour on a cell.
float luminance(Rgb8 c);

// Packs into Dear ImGui's IM_COL32 layout (A << 24 | B << 16 | G << 8 | R) without including ImGui.
inline uint32_t pack_rgba(Rgb8 c, uint8_t alpha = 255) {
    return (static_cast<uint32_t>(alpha) << 24) | (static_cast<uint32_t>(c.b) << 16) |
           (static_cast<uint32_t>(c.g) << 8) | static_cast<uint32_t>(c.r);
}

}  // namespace mlsys::gui
