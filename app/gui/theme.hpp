// The one place the app's colours and spacing are defined: a dark (default) and a light theme, applied to
// ImGui's style and read by every panel and chart through GuiContext::theme. Holds no other state.
#pragma once

#include <imgui.h>

#include <array>
#include <string>

namespace mlsys::gui {

enum class ThemeKind { Dark, Light };

ThemeKind parse_theme_kind(const std::string& name);  // "light" -> Light, anything else -> Dark
const char* to_string(ThemeKind kind);                // "dark" / "light"

struct Theme {
    ThemeKind kind = ThemeKind::Dark;
    ImU32 window_bg = 0;       // workspace background
    ImU32 panel_bg = 0;        // cards and chart frames
    ImU32 sidebar_bg = 0;
    ImU32 sidebar_hover = 0;
    ImU32 sidebar_active = 0;  // the selected workspace's row
    ImU32 accent = 0;          // selection, primary buttons, focus
    ImU32 text = 0;
    ImU32 text_dim = 0;        // secondary labels, units, axis titles
    ImU32 border = 0;
    ImU32 plot_bg = 0;
    ImU32 grid = 0;            // chart grid lines
    ImU32 axis = 0;            // chart axes and tick marks
    ImU32 good = 0;            // correct predictions, passed checks
    ImU32 warning = 0;
    ImU32 bad = 0;             // mistakes, errors, faults
    // Categorical series colours: Okabe & Ito (2008), distinguishable with the common colour-vision
    // deficiencies. Index 0 is the first series (e.g. train), 1 the second (validation).
    std::array<ImU32, 8> series{};
};

// The theme's colours (constant tables).
const Theme& theme_colors(ThemeKind kind);

// Sets ImGui's style (colours, rounding, padding) for the theme, with sizes scaled by `scale` (high DPI).
void apply_theme(ThemeKind kind, float scale);

// An ImU32 colour with its alpha multiplied by `alpha` (0..1).
ImU32 with_alpha(ImU32 color, float alpha);

}  // namespace mlsys::gui
