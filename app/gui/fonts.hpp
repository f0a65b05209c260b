// Loads the app's fonts (DejaVu Sans from Debian's fonts-dejavu-core, with the symbols the app draws:
// Greek, superscripts, arrows, maths, workspace icons) into ImGui's atlas, scaled for high DPI.
#pragma once

#include <imgui.h>

#include <string>

namespace mlsys::gui {

inline constexpr const char* kFontDir = "/usr/share/fonts/truetype/dejavu";
inline constexpr float kBaseFontPx = 15.0f;  // body text at scale 1

struct Fonts {
    ImFont* regular = nullptr;  // body text
    ImFont* bold = nullptr;     // emphasis, table headers
    ImFont* heading = nullptr;  // workspace titles
    ImFont* small = nullptr;    // axis ticks, captions
    ImFont* mono = nullptr;     // numbers in logs and serial monitors
    float scale = 1.0f;         // content scale the sizes were multiplied by
    bool is_dejavu = false;     // false: the font files were missing and ImGui's built-in font is used
};

// Clears io.Fonts and loads the fonts at kBaseFontPx x scale. When DejaVu is missing it logs a warning
// naming the file and the package, and every slot gets ImGui's built-in font. The atlas is not built here.
Fonts load_fonts(float scale);

// Extra characters (e.g. workspace icons) to include in the glyph ranges; call before load_fonts.
void add_font_glyphs(const std::string& utf8_text);

}  // namespace mlsys::gui
