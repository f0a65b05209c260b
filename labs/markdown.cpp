// The lab-text markdown subset: a line-based block parser and a left-to-right inline scanner.
#include "labs/markdown.hpp"

#include <cctype>
#include <sstream>

namespace mlsys::labs {

std::vector<Span> parse_inline(const std::string& text) {
    std::vector<Span> out;
    std::string plain;
    auto flush = [&] {
        if (!plain.empty()) out.push_back({Span::Style::Plain, plain});
        plain.clear();
    };
    size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '`') {
            const size_t end = text.find('`', i + 1);
            if (end != std::string::npos) {
                flush();
                out.push_back({Span::Style::Code, text.substr(i + 1, end - i - 1)});
                i = end + 1;
                continue;
            }
        } else if (c == '*' && i + 1 < text.size() && text[i + 1] == '*') {
            const size_t end = text.find("**", i + 2);
            if (end != std::string::npos && end > i + 2) {
                flush();
                out.push_back({Span::Style::Strong, text.substr(i + 2, end - i - 2)});
                i = end + 2;
                continue;
            }
        } else if ((c == '*' || c == '_') && i + 1 < text.size() && !std::isspace(static_cast<unsigned char>(text[i + 1])) &&
                   (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])))) {
            const size_t end = text.find(c, i + 1);
            if (end != std::string::npos && end > i + 1) {
                flush();
                out.push_back({Span::Style::Emphasis, text.substr(i + 1, end - i - 1)});
                i = end + 1;
                continue;
            }
        }
        plain += c;
        ++i;
    }
    flush();
    return out;
}

std::vector<Block> parse_markdown(const std::string& text) {
    std::vector<Block> blocks;
    std::istringstream in(text);
    std::string line, para, code;
    bool in_code = false;
    auto flush_para = [&] {
        if (!para.empty()) blocks.push_back({Block::Kind::Paragraph, 0, parse_inline(para)});
        para.clear();
    };
    while (std::getline(in, line)) {
        if (line.rfind("```", 0) == 0) {
            if (in_code) {
                blocks.push_back({Block::Kind::Code, 0, {{Span::Style::Plain, code}}});
                code.clear();
            } else {
                flush_para();
            }
            in_code = !in_code;
            continue;
        }
        if (in_code) {
            code += (code.empty() ? "" : "\n") + line;
            continue;
        }
        size_t indent = 0;
        while (indent < line.size() && line[indent] == ' ') ++indent;
        const std::string t = line.substr(indent);
        if (t.empty()) {
            flush_para();
            continue;
        }
        if (t[0] == '#') {
            size_t level = 0;
            while (level < t.size() && t[level] == '#') ++level;
            if (level <= 3 && level < t.size() && t[level] == ' ') {
                flush_para();
                blocks.push_back({Block::Kind::Heading, static_cast<int>(level), parse_inline(t.substr(level + 1))});
                continue;
            }
        }
        if ((t[0] == '-' || t[0] == '*') && t.size() > 1 && t[1] == ' ') {
            flush_para();
            blocks.push_back({Block::Kind::Bullet, 0, parse_inline(t.substr(2))});
            continue;
        }
        size_t digits = 0;
        while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
        if (digits > 0 && digits + 1 < t.size() && t[digits] == '.' && t[digits + 1] == ' ') {
            flush_para();
            blocks.push_back({Block::Kind::Numbered, std::stoi(t.substr(0, digits)), parse_inline(t.substr(digits + 2))});
            continue;
        }
        // A continuation line of a list item joins the item; otherwise it joins the paragraph.
        if (para.empty() && indent > 0 && !blocks.empty() &&
            (blocks.back().kind == Block::Kind::Bullet || blocks.back().kind == Block::Kind::Numbered)) {
            auto more = parse_inline(" " + t);
            blocks.back().spans.insert(blocks.back().spans.end(), more.begin(), more.end());
            continue;
        }
        para += (para.empty() ? "" : " ") + t;
    }
    if (in_code) blocks.push_back({Block::Kind::Code, 0, {{Span::Style::Plain, code}}});
    flush_para();
    return blocks;
}

std::string html_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

namespace {
std::string spans_html(const std::vector<Span>& spans) {
    std::string out;
    for (const auto& s : spans) {
        switch (s.style) {
            case Span::Style::Plain: out += html_escape(s.text); break;
            case Span::Style::Strong: out += "<strong>" + html_escape(s.text) + "</strong>"; break;
            case Span::Style::Emphasis: out += "<em>" + html_escape(s.text) + "</em>"; break;
            case Span::Style::Code: out += "<code>" + html_escape(s.text) + "</code>"; break;
        }
    }
    return out;
}
}  // namespace

std::string markdown_to_html(const std::string& text) {
    std::string out;
    const auto blocks = parse_markdown(text);
    for (size_t i = 0; i < blocks.size(); ++i) {
        const Block& b = blocks[i];
        const bool list = b.kind == Block::Kind::Bullet || b.kind == Block::Kind::Numbered;
        const bool starts = list && (i == 0 || blocks[i - 1].kind != b.kind);
        const bool ends = list && (i + 1 == blocks.size() || blocks[i + 1].kind != b.kind);
        const char* tag = b.kind == Block::Kind::Bullet ? "ul" : "ol";
        if (starts) out += std::string("<") + tag + ">\n";
        switch (b.kind) {
            case Block::Kind::Heading: {
                const std::string h = "h" + std::to_string(b.level + 2);
                out += "<" + h + ">" + spans_html(b.spans) + "</" + h + ">\n";
                break;
            }
            case Block::Kind::Paragraph: out += "<p>" + spans_html(b.spans) + "</p>\n"; break;
            case Block::Kind::Bullet:
            case Block::Kind::Numbered: out += "<li>" + spans_html(b.spans) + "</li>\n"; break;
            case Block::Kind::Code: out += "<pre><code>" + html_escape(b.spans.empty() ? "" : b.spans[0].text) + "</code></pre>\n"; break;
        }
        if (ends) out += std::string("</") + tag + ">\n";
    }
    return out;
}

}  // namespace mlsys::labs
