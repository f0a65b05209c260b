// JSON source positions: a small structural scanner (strings, objects, arrays, scalars) that walks to a key
// path and reports the line. Tolerates anything: on malformed text it returns the best line it has.
#include "labs/json_lines.hpp"

#include <cctype>

namespace mlsys::labs {

int line_of_offset(const std::string& text, size_t offset) {
    int line = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i)
        if (text[i] == '\n') ++line;
    return line;
}

namespace {

class Scanner {
public:
    explicit Scanner(const std::string& t) : t_(t) {}

    void skip_ws() {
        while (i_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[i_]))) ++i_;
    }
    // Reads a JSON string at i_ (which is at '"'); returns its raw content without escapes decoded.
    std::string read_string() {
        std::string out;
        ++i_;
        while (i_ < t_.size() && t_[i_] != '"') {
            if (t_[i_] == '\\' && i_ + 1 < t_.size()) {
                out += t_[i_ + 1];
                i_ += 2;
                continue;
            }
            out += t_[i_++];
        }
        ++i_;
        return out;
    }
    // Skips one value of any kind.
    void skip_value() {
        skip_ws();
        if (i_ >= t_.size()) return;
        const char c = t_[i_];
        if (c == '"') {
            read_string();
        } else if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++i_;
            for (;;) {
                skip_ws();
                if (i_ >= t_.size()) return;
                if (t_[i_] == close) {
                    ++i_;
                    return;
                }
                if (t_[i_] == ',' || t_[i_] == ':') {
                    ++i_;
                    continue;
                }
                skip_value();
            }
        } else {
            while (i_ < t_.size() && t_[i_] != ',' && t_[i_] != '}' && t_[i_] != ']' &&
                   !std::isspace(static_cast<unsigned char>(t_[i_])))
                ++i_;
        }
    }
    // At an object ('{'): moves to the value of `key` and returns true, with key_pos_ at the key.
    bool enter_key(const std::string& key) {
        skip_ws();
        if (i_ >= t_.size() || t_[i_] != '{') return false;
        ++i_;
        for (;;) {
            skip_ws();
            if (i_ >= t_.size() || t_[i_] == '}') return false;
            if (t_[i_] == ',') {
                ++i_;
                continue;
            }
            if (t_[i_] != '"') return false;
            const size_t at = i_;
            const std::string k = read_string();
            skip_ws();
            if (i_ < t_.size() && t_[i_] == ':') ++i_;
            if (k == key) {
                key_pos_ = at;
                skip_ws();
                return true;
            }
            skip_value();
        }
    }
    // At an array ('['): moves to element `index`.
    bool enter_index(size_t index) {
        skip_ws();
        if (i_ >= t_.size() || t_[i_] != '[') return false;
        ++i_;
        size_t n = 0;
        for (;;) {
            skip_ws();
            if (i_ >= t_.size() || t_[i_] == ']') return false;
            if (n == index) {
                key_pos_ = i_;
                return true;
            }
            skip_value();
            skip_ws();
            if (i_ < t_.size() && t_[i_] == ',') ++i_;
            ++n;
        }
    }
    size_t key_pos() const { return key_pos_; }

private:
    const std::string& t_;
    size_t i_ = 0;
    size_t key_pos_ = 0;
};

}  // namespace

int line_of_path(const std::string& text, const std::vector<PathPart>& path) {
    Scanner s(text);
    size_t best = 0;
    for (const auto& part : path) {
        const bool ok = std::holds_alternative<std::string>(part) ? s.enter_key(std::get<std::string>(part))
                                                                   : s.enter_index(std::get<size_t>(part));
        if (!ok) break;
        best = s.key_pos();
    }
    if (best == 0) {
        // The path's root: the line of the first non-blank character.
        while (best < text.size() && std::isspace(static_cast<unsigned char>(text[best]))) ++best;
    }
    return line_of_offset(text, best);
}

std::string path_to_string(const std::vector<PathPart>& path) {
    std::string out;
    for (const auto& part : path) {
        if (std::holds_alternative<size_t>(part)) {
            out += "[" + std::to_string(std::get<size_t>(part)) + "]";
        } else {
            if (!out.empty()) out += ".";
            out += std::get<std::string>(part);
        }
    }
    return out;
}

}  // namespace mlsys::labs
