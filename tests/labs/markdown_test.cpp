// The lab-text markdown subset and the PNG encoder of report charts.
#include "labs/markdown.hpp"
#include "labs/png_chart.hpp"

#include <doctest/doctest.h>

using namespace mlsys::labs;

TEST_SUITE_BEGIN("labs.markdown");

TEST_CASE("blocks: headings, paragraphs, lists and code") {
    const auto b = parse_markdown("# Title\nSome *text* that\ncontinues.\n\n- one\n- two **bold**\n  more\n1. first\n```\ncode line\n```\n");
    REQUIRE(b.size() == 6);
    CHECK(b[0].kind == Block::Kind::Heading);
    CHECK(b[0].level == 1);
    CHECK(b[1].kind == Block::Kind::Paragraph);
    REQUIRE(b[1].spans.size() == 3);
    CHECK(b[1].spans[1].style == Span::Style::Emphasis);
    CHECK(b[1].spans[1].text == "text");
    CHECK(b[1].spans[2].text == " that continues.");
    CHECK(b[2].kind == Block::Kind::Bullet);
    CHECK(b[3].spans.back().text == " more");
    CHECK(b[4].kind == Block::Kind::Numbered);
    CHECK(b[4].level == 1);
    CHECK(b[5].kind == Block::Kind::Code);
    CHECK(b[5].spans[0].text == "code line");
}

TEST_CASE("inline spans and HTML") {
    const auto s = parse_inline("a `x*y` **b** c_d");
    REQUIRE(s.size() == 5);
    CHECK(s[1].style == Span::Style::Code);
    CHECK(s[1].text == "x*y");
    CHECK(s[3].style == Span::Style::Strong);
    CHECK(s[4].text == " c_d");  // an underscore inside a word is not emphasis
    CHECK(markdown_to_html("- a < b\n- **c**") == "<ul>\n<li>a &lt; b</li>\n<li><strong>c</strong></li>\n</ul>\n");
}

TEST_CASE("PNG charts have the signature and the drawn pixels") {
    Canvas c(4, 3);
    c.fill_rect(1, 1, 3, 2, 0x123456);
    CHECK(c.pixel(0, 0) == 0xFFFFFF);
    CHECK(c.pixel(2, 1) == 0x123456);
    const std::string png = c.encode_png();
    CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(png.substr(12, 4) == "IHDR");
    CHECK(png.substr(png.size() - 8, 4) == "IEND");
    CHECK(paired_bars_png({{1, 2}, {3, 1}}).size() > 100);
}

TEST_SUITE_END();
