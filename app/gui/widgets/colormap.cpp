// Colour scale lookups (see colormap.hpp). Pure arithmetic over small constant tables.
#include "app/gui/widgets/colormap.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::gui {
namespace {

// matplotlib's viridis (van der Walt & Smith, CC0) at t = i/9: #440154 #482878 #3e4989 #31688e #26828e
// #1f9e89 #35b779 #6ece58 #b5de2b #fde725.
constexpr Rgb8 kViridis[] = {{68, 1, 84},    {72, 40, 120},  {62, 73, 137},  {49, 104, 142}, {38, 130, 142},
                             {31, 158, 137}, {53, 183, 121}, {110, 206, 88}, {181, 222, 43}, {253, 231, 37}};
constexpr int kViridisN = sizeof kViridis / sizeof kViridis[0];

// TensorFlow Playground's class colours (#f59322 orange, #0877bd blue) around a near-white #e8eaeb.
constexpr Rgb8 kOrange{245, 147, 34};
constexpr Rgb8 kWhite{232, 234, 235};
constexpr Rgb8 kBlue{8, 119, 189};

uint8_t lerp8(uint8_t a, uint8_t b, float t) {
    return static_cast<uint8_t>(std::lround(static_cast<float>(a) + (static_cast<float>(b) - a) * t));
}

}  // namespace

Rgb8 mix(Rgb8 a, Rgb8 b, float t) {
    t = std::clamp(t, 0.0f, 1.0f);
    return {lerp8(a.r, b.r, t), lerp8(a.g, b.g, t), lerp8(a.b, b.b, t)};
}

Rgb8 viridis(float t) {
    if (std::isnan(t)) return {128, 128, 128};
    t = std::clamp(t, 0.0f, 1.0f);
    const float pos = t * (kViridisN - 1);
    const int i = std::min(kViridisN - 2, static_cast<int>(pos));
    return mix(kViridis[i], kViridis[i + 1], pos - static_cast<float>(i));
}

Rgb8 diverging(float t) {
    if (std::isnan(t)) return kWhite;
    t = std::clamp(t, -1.0f, 1.0f);
    return t < 0 ? mix(kWhite, kOrange, -t) : mix(kWhite, kBlue, t);
}

float luminance(Rgb8 c) {
    return (0.2126f * c.r + 0.7152f * c.g + 0.0722f * c.b) / 255.0f;
}

}  // namespace mlsys::gui
