// Colour tables and ImGui style for the dark and light themes (see theme.hpp). Every colour the app uses
// comes from here, so the two themes stay consistent.
#include "app/gui/theme.hpp"

namespace mlsys::gui {
namespace {

constexpr ImU32 rgb(unsigned hex, unsigned alpha = 255) {
    return IM_COL32((hex >> 16) & 0xFF, (hex >> 8) & 0xFF, hex & 0xFF, alpha);
}

ImVec4 vec(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

Theme make_dark() {
    Theme t;
    t.kind = ThemeKind::Dark;
    t.window_bg = rgb(0x1c1e22);
    t.panel_bg = rgb(0x24272c);
    t.sidebar_bg = rgb(0x16181b);
    t.sidebar_hover = rgb(0x25282e);
    t.sidebar_active = rgb(0x2c3440);
    t.accent = rgb(0x4c9bff);
    t.text = rgb(0xe3e5e8);
    t.text_dim = rgb(0x9aa1ab);
    t.border = rgb(0x34383f);
    t.plot_bg = rgb(0x1f2226);
    t.grid = rgb(0x30343a);
    t.axis = rgb(0x767d87);
    t.good = rgb(0x3fb950);
    t.warning = rgb(0xd29922);
    t.bad = rgb(0xf85149);
    t.series = {rgb(0x56b4e9), rgb(0xe69f00), rgb(0x009e73), rgb(0xcc79a7),
                rgb(0xf0e442), rgb(0xd55e00), rgb(0x0072b2), rgb(0xa0a0a0)};
    return t;
}

Theme make_light() {
    Theme t;
    t.kind = ThemeKind::Light;
    t.window_bg = rgb(0xf6f7f9);
    t.panel_bg = rgb(0xffffff);
    t.sidebar_bg = rgb(0xe8eaee);
    t.sidebar_hover = rgb(0xdcdfe5);
    t.sidebar_active = rgb(0xd0dcf0);
    t.accent = rgb(0x1f6feb);
    t.text = rgb(0x1f2328);
    t.text_dim = rgb(0x5c6470);
    t.border = rgb(0xd0d4da);
    t.plot_bg = rgb(0xfbfcfd);
    t.grid = rgb(0xe3e6ea);
    t.axis = rgb(0x8a929c);
    t.good = rgb(0x1a7f37);
    t.warning = rgb(0x9a6700);
    t.bad = rgb(0xcf222e);
    t.series = {rgb(0x0072b2), rgb(0xe69f00), rgb(0x009e73), rgb(0xcc79a7),
                rgb(0xd55e00), rgb(0x56b4e9), rgb(0xb8a200), rgb(0x606060)};
    return t;
}

}  // namespace

ThemeKind parse_theme_kind(const std::string& name) { return name == "light" ? ThemeKind::Light : ThemeKind::Dark; }

const char* to_string(ThemeKind kind) {
    switch (kind) {
        case ThemeKind::Dark: return "dark";
        case ThemeKind::Light: return "light";
    }
    return "dark";
}

const Theme& theme_colors(ThemeKind kind) {
    static const Theme dark = make_dark();
    static const Theme light = make_light();
    return kind == ThemeKind::Light ? light : dark;
}

ImU32 with_alpha(ImU32 color, float alpha) {
    const unsigned a = (color >> IM_COL32_A_SHIFT) & 0xFF;
    const auto scaled = static_cast<unsigned>(static_cast<float>(a) * alpha + 0.5f);
    return (color & ~IM_COL32_A_MASK) | ((scaled > 255 ? 255u : scaled) << IM_COL32_A_SHIFT);
}

void apply_theme(ThemeKind kind, float scale) {
    const Theme& t = theme_colors(kind);
    ImGuiStyle style;  // start from defaults so repeated calls do not compound the scaling
    if (kind == ThemeKind::Light) ImGui::StyleColorsLight(&style);
    else ImGui::StyleColorsDark(&style);

    style.WindowPadding = ImVec2(14, 12);
    style.FramePadding = ImVec2(8, 5);
    style.CellPadding = ImVec2(8, 4);
    style.ItemSpacing = ImVec2(10, 8);
    style.ItemInnerSpacing = ImVec2(6, 5);
    style.IndentSpacing = 18;
    style.ScrollbarSize = 13;
    style.GrabMinSize = 10;
    style.WindowRounding = 6;
    style.ChildRounding = 6;
    style.FrameRounding = 4;
    style.PopupRounding = 6;
    style.ScrollbarRounding = 8;
    style.GrabRounding = 4;
    style.TabRounding = 4;
    style.WindowBorderSize = 1;
    style.ChildBorderSize = 1;
    style.PopupBorderSize = 1;
    style.FrameBorderSize = 0;
    style.WindowTitleAlign = ImVec2(0.0f, 0.5f);
    style.ScaleAllSizes(scale);

    ImVec4* c = style.Colors;
    const bool dark = kind == ThemeKind::Dark;
    c[ImGuiCol_Text] = vec(t.text);
    c[ImGuiCol_TextDisabled] = vec(t.text_dim);
    c[ImGuiCol_WindowBg] = vec(t.window_bg);
    c[ImGuiCol_ChildBg] = vec(t.panel_bg);
    c[ImGuiCol_PopupBg] = vec(dark ? IM_COL32(0x2a, 0x2d, 0x33, 0xF8) : IM_COL32(0xff, 0xff, 0xff, 0xF8));
    c[ImGuiCol_Border] = vec(t.border);
    c[ImGuiCol_MenuBarBg] = vec(t.sidebar_bg);
    c[ImGuiCol_TitleBg] = vec(t.sidebar_bg);
    c[ImGuiCol_TitleBgActive] = vec(t.sidebar_active);
    c[ImGuiCol_FrameBg] = vec(dark ? IM_COL32(0x30, 0x34, 0x3b, 0xFF) : IM_COL32(0xea, 0xec, 0xf0, 0xFF));
    c[ImGuiCol_FrameBgHovered] = vec(dark ? IM_COL32(0x3a, 0x3f, 0x47, 0xFF) : IM_COL32(0xdf, 0xe3, 0xe9, 0xFF));
    c[ImGuiCol_FrameBgActive] = vec(dark ? IM_COL32(0x42, 0x48, 0x52, 0xFF) : IM_COL32(0xd4, 0xda, 0xe2, 0xFF));
    c[ImGuiCol_Button] = vec(dark ? IM_COL32(0x33, 0x38, 0x40, 0xFF) : IM_COL32(0xe4, 0xe7, 0xec, 0xFF));
    c[ImGuiCol_ButtonHovered] = vec(dark ? IM_COL32(0x3e, 0x45, 0x4f, 0xFF) : IM_COL32(0xd6, 0xdb, 0xe3, 0xFF));
    c[ImGuiCol_ButtonActive] = vec(with_alpha(t.accent, 0.8f));
    c[ImGuiCol_Header] = vec(with_alpha(t.accent, 0.30f));
    c[ImGuiCol_HeaderHovered] = vec(with_alpha(t.accent, 0.45f));
    c[ImGuiCol_HeaderActive] = vec(with_alpha(t.accent, 0.60f));
    c[ImGuiCol_CheckMark] = vec(t.accent);
    c[ImGuiCol_SliderGrab] = vec(t.accent);
    c[ImGuiCol_SliderGrabActive] = vec(t.accent);
    c[ImGuiCol_Separator] = vec(t.border);
    c[ImGuiCol_Tab] = vec(dark ? IM_COL32(0x2a, 0x2e, 0x34, 0xFF) : IM_COL32(0xe4, 0xe7, 0xec, 0xFF));
    c[ImGuiCol_TabHovered] = vec(with_alpha(t.accent, 0.55f));
    c[ImGuiCol_TabActive] = vec(with_alpha(t.accent, 0.40f));
    c[ImGuiCol_PlotLines] = vec(t.series[0]);
    c[ImGuiCol_PlotHistogram] = vec(t.series[0]);
    c[ImGuiCol_TableHeaderBg] = vec(dark ? IM_COL32(0x2a, 0x2e, 0x34, 0xFF) : IM_COL32(0xe9, 0xec, 0xf0, 0xFF));
    c[ImGuiCol_TableBorderStrong] = vec(t.border);
    c[ImGuiCol_TableBorderLight] = vec(with_alpha(t.border, 0.6f));
    c[ImGuiCol_TableRowBgAlt] = vec(dark ? IM_COL32(255, 255, 255, 8) : IM_COL32(0, 0, 0, 8));
    c[ImGuiCol_TextSelectedBg] = vec(with_alpha(t.accent, 0.35f));
    c[ImGuiCol_NavHighlight] = vec(t.accent);
    c[ImGuiCol_ModalWindowDimBg] = vec(IM_COL32(0, 0, 0, dark ? 140 : 90));
    ImGui::GetStyle() = style;
}

}  // namespace mlsys::gui
