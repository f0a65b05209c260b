// Lab text with ImGui: the markdown subset's blocks, with inline spans wrapped word by word (ImGui 1.86
// cannot wrap a line that mixes fonts, so each word is placed by hand). Draws only; owns nothing.
#include "app/gui/panels/labs_workspace.hpp"

#include "labs/markdown.hpp"

namespace mlsys::gui {

namespace {

struct Word {
    std::string text;
    labs::Span::Style style;
    bool gap_before;
};

// Draws spans as flowing text from the current cursor, wrapping at the content region's right edge.
void draw_spans(GuiContext& ctx, const std::vector<labs::Span>& spans, float indent) {
    const Theme& t = *ctx.theme;
    std::vector<Word> words;
    bool gap = false;
    for (const auto& span : spans) {
        size_t i = 0;
        const std::string& s = span.text;
        while (i < s.size()) {
            if (s[i] == ' ') {
                gap = true;
                ++i;
                continue;
            }
            size_t j = i;
            while (j < s.size() && s[j] != ' ') ++j;
            words.push_back({s.substr(i, j - i), span.style, gap});
            gap = false;
            i = j;
        }
    }
    const float left = ImGui::GetCursorPosX() + indent;
    const float right = ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x;
    const float space = ImGui::CalcTextSize(" ").x;
    float x = left;
    for (size_t k = 0; k < words.size(); ++k) {
        const Word& w = words[k];
        ImFont* font = w.style == labs::Span::Style::Strong ? ctx.fonts.bold
                       : w.style == labs::Span::Style::Code ? ctx.fonts.mono
                                                             : ctx.fonts.regular;
        const ImU32 color = w.style == labs::Span::Style::Code       ? t.accent
                            : w.style == labs::Span::Style::Emphasis ? t.text_dim
                                                                     : t.text;
        ImGui::PushFont(font);
        const float width = ImGui::CalcTextSize(w.text.c_str()).x;
        const float g = (k > 0 && w.gap_before) ? space : 0.0f;
        if (k == 0) {
            ImGui::SetCursorPosX(left);
        } else if (x + g + width > right) {
            x = left;
            ImGui::SetCursorPosX(left);
        } else {
            ImGui::SameLine(0, 0);
            ImGui::SetCursorPosX(x + g);
            x += g;
        }
        ImGui::PushStyleColor(ImGuiCol_Text, color);
        ImGui::TextUnformatted(w.text.c_str());
        ImGui::PopStyleColor();
        ImGui::PopFont();
        x += width;
    }
}

}  // namespace

void draw_lab_text(GuiContext& ctx, const std::string& markdown) {
    const float sc = ctx.fonts.scale;
    for (const auto& b : labs::parse_markdown(markdown)) {
        switch (b.kind) {
            case labs::Block::Kind::Heading:
                ImGui::PushFont(b.level == 1 ? ctx.fonts.heading : ctx.fonts.bold);
                for (const auto& s : b.spans) {
                    ImGui::TextUnformatted(s.text.c_str());
                    ImGui::SameLine(0, 0);
                }
                ImGui::NewLine();
                ImGui::PopFont();
                break;
            case labs::Block::Kind::Paragraph: draw_spans(ctx, b.spans, 0); break;
            case labs::Block::Kind::Bullet:
            case labs::Block::Kind::Numbered: {
                const float x0 = ImGui::GetCursorPosX();
                if (b.kind == labs::Block::Kind::Bullet) ImGui::Bullet();
                else ImGui::Text("%d.", b.level);
                ImGui::SameLine(0, 0);
                ImGui::SetCursorPosX(x0);
                draw_spans(ctx, b.spans, 18 * sc);
                break;
            }
            case labs::Block::Kind::Code:
                ImGui::PushFont(ctx.fonts.mono);
                ImGui::PushStyleColor(ImGuiCol_Text, ctx.theme->accent);
                ImGui::TextUnformatted(b.spans.empty() ? "" : b.spans[0].text.c_str());
                ImGui::PopStyleColor();
                ImGui::PopFont();
                break;
        }
        ImGui::Spacing();
    }
}

}  // namespace mlsys::gui
