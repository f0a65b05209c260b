// Tooltip helpers (see tooltip.hpp). Colours and fonts come from the current GuiContext when there is one.
#include "app/gui/widgets/tooltip.hpp"

#include "app/gui/gui_context.hpp"

namespace mlsys::gui {
namespace {

ImU32 dim_color() {
    const GuiContext* ctx = current_gui_context();
    return ctx ? ctx->theme->text_dim : ImGui::GetColorU32(ImGuiCol_TextDisabled);
}

}  // namespace

void metric_tooltip(const char* text) {
    if (!text || !*text || !ImGui::IsItemHovered()) return;
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void metric_value(const char* label, const char* value, const char* explanation) {
    const GuiContext* ctx = current_gui_context();
    ImGui::BeginGroup();
    ImGui::PushStyleColor(ImGuiCol_Text, dim_color());
    if (ctx && ctx->fonts.small) ImGui::PushFont(ctx->fonts.small);
    ImGui::TextUnformatted(label);
    if (ctx && ctx->fonts.small) ImGui::PopFont();
    ImGui::PopStyleColor();
    if (ctx && ctx->fonts.bold) ImGui::PushFont(ctx->fonts.bold);
    ImGui::TextUnformatted(value);
    if (ctx && ctx->fonts.bold) ImGui::PopFont();
    ImGui::EndGroup();
    metric_tooltip(explanation);
}

void help_marker(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, dim_color());
    ImGui::TextUnformatted("(?)");
    ImGui::PopStyleColor();
    metric_tooltip(text);
}

}  // namespace mlsys::gui
