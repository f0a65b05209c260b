// Splits a serial byte stream into lines ('\n', '\r\n' or a lone '\r'). A line longer than the limit is
// cut off and reported once as overlong; bytes up to the next terminator are dropped. Single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::hardware {

class LineSplitter {
public:
    explicit LineSplitter(size_t max_line_bytes = 512) : max_(max_line_bytes) {}

    struct Line {
        std::string text;
        bool overlong = false;  // the line exceeded the limit; `text` holds its first max bytes
    };

    // Appends bytes; complete lines go to `out` (appended).
    void feed(const uint8_t* data, size_t n, std::vector<Line>& out);
    // A partial line still waiting for its terminator.
    const std::string& pending() const { return buffer_; }
    void clear() {
        buffer_.clear();
        dropping_ = false;
        last_cr_ = false;
    }

private:
    size_t max_;
    std::string buffer_;
    bool dropping_ = false;  // inside an overlong line
    bool last_cr_ = false;   // previous byte was '\r' (so a following '\n' ends nothing)
};

}  // namespace mlsys::hardware
