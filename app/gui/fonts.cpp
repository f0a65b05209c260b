// Font loading (see fonts.hpp). The glyph ranges live in a static vector because ImGui keeps a pointer to
// them until the atlas is built.
#include "app/gui/fonts.hpp"

#include "models/core/log.hpp"

#include <filesystem>
#include <string>

namespace mlsys::gui {
namespace {

std::string& extra_glyphs() {
    static std::string text;
    return text;
}

const ImWchar* text_ranges() {
    static ImVector<ImWchar> ranges;
    ranges.clear();
    ImFontGlyphRangesBuilder builder;
    static const ImWchar kRanges[] = {
        0x0020, 0x00FF,  // Basic Latin, Latin-1 (×, ±, µ, °)
        0x0370, 0x03FF,  // Greek (σ, λ, η, α)
        0x2000, 0x206F,  // General punctuation (– — … ‖ thin spaces)
        0x2070, 0x209F,  // superscripts and subscripts (10⁻⁶)
        0x2190, 0x21FF,  // arrows
        0x2200, 0x22FF,  // mathematical operators (≤ ≥ ≈ ∑ ∞ ∿)
        0x2500, 0x25FF,  // box drawing, blocks, geometric shapes (■ ▶ ●)
        0x2713, 0x2717,  // ✓ ✗
        0,
    };
    builder.AddRanges(kRanges);
    builder.AddText(extra_glyphs().c_str());
    builder.BuildRanges(&ranges);
    return ranges.Data;
}

ImFont* add(const std::string& file, float px, const ImWchar* ranges) {
    ImFontConfig cfg;
    cfg.OversampleH = 2;
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    return ImGui::GetIO().Fonts->AddFontFromFileTTF(file.c_str(), px, &cfg, ranges);
}

}  // namespace

void add_font_glyphs(const std::string& utf8_text) { extra_glyphs() += utf8_text; }

Fonts load_fonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    Fonts f;
    f.scale = scale;
    const std::string dir = kFontDir;
    const std::string sans = dir + "/DejaVuSans.ttf";
    const std::string sans_bold = dir + "/DejaVuSans-Bold.ttf";
    const std::string mono = dir + "/DejaVuSansMono.ttf";
    std::error_code ec;
    for (const std::string& file : {sans, sans_bold, mono}) {
        if (!std::filesystem::exists(file, ec)) {
            core::log_warn(file + " not found (install the fonts-dejavu-core package); using ImGui's built-in font");
            ImFontConfig cfg;
            cfg.SizePixels = 13.0f * scale;
            ImFont* builtin = io.Fonts->AddFontDefault(&cfg);
            f.regular = f.bold = f.heading = f.small = f.mono = builtin;
            return f;
        }
    }
    const ImWchar* ranges = text_ranges();
    f.regular = add(sans, kBaseFontPx * scale, ranges);  // first font added is ImGui's default
    f.bold = add(sans_bold, kBaseFontPx * scale, ranges);
    f.heading = add(sans_bold, 21.0f * scale, ranges);
    f.small = add(sans, 12.5f * scale, ranges);
    f.mono = add(mono, 14.0f * scale, ranges);
    f.is_dejavu = f.regular && f.bold && f.heading && f.small && f.mono;
    if (!f.is_dejavu) {
        core::log_warn("DejaVu fonts failed to load from " + dir + "; using ImGui's built-in font");
        io.Fonts->Clear();
        ImFont* builtin = io.Fonts->AddFontDefault();
        f.regular = f.bold = f.heading = f.small = f.mono = builtin;
    }
    return f;
}

}  // namespace mlsys::gui
