// Byte stream to lines with a length limit.
#include "hardware/protocol/line_splitter.hpp"

namespace mlsys::hardware {

void LineSplitter::feed(const uint8_t* data, size_t n, std::vector<Line>& out) {
    for (size_t i = 0; i < n; ++i) {
        const char c = static_cast<char>(data[i]);
        if (c == '\n' || c == '\r') {
            if (c == '\n' && last_cr_) {
                last_cr_ = false;
                continue;
            }
            last_cr_ = c == '\r';
            if (dropping_) {
                dropping_ = false;
                buffer_.clear();
                continue;
            }
            out.push_back({std::move(buffer_), false});
            buffer_.clear();
            continue;
        }
        last_cr_ = false;
        if (dropping_) continue;
        if (buffer_.size() >= max_) {
            out.push_back({std::move(buffer_), true});
            buffer_.clear();
            dropping_ = true;
            continue;
        }
        buffer_.push_back(c);
    }
}

}  // namespace mlsys::hardware
