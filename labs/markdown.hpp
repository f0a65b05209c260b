// The markdown subset lab text is written in (docs/LABS.md): headings (#, ##, ###), paragraphs, bullet and
// numbered lists, fenced code blocks, and inline **strong**, *emphasis* and `code`. Math stays as text
// ("z = Σ x_i w_i + b"). Parsed into blocks of spans that the GUI draws and the HTML report writes.
#pragma once

#include <string>
#include <vector>

namespace mlsys::labs {

struct Span {
    enum class Style { Plain, Strong, Emphasis, Code };
    Style style = Style::Plain;
    std::string text;
};

struct Block {
    enum class Kind { Heading, Paragraph, Bullet, Numbered, Code };
    Kind kind = Kind::Paragraph;
    int level = 0;    // Heading: 1-3; Numbered: the item's number
    std::vector<Span> spans;  // Code: one Plain span with the lines
};

std::vector<Span> parse_inline(const std::string& text);
std::vector<Block> parse_markdown(const std::string& text);

// The blocks as HTML (text escaped).
std::string markdown_to_html(const std::string& text);
// Escapes &, <, >, " for HTML.
std::string html_escape(const std::string& text);

}  // namespace mlsys::labs
