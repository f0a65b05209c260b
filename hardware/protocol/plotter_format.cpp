// Arduino Serial Plotter and Edge Impulse data-forwarder lines.
#include "hardware/protocol/plotter_format.hpp"

#include <charconv>
#include <cmath>

namespace mlsys::hardware {

core::Result<PlotterSample> parse_plotter_line(std::string_view line, size_t max_values) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    PlotterSample s;
    size_t i = 0;
    auto is_sep = [](char c) { return c == ' ' || c == '\t' || c == ','; };
    while (i < line.size()) {
        while (i < line.size() && is_sep(line[i])) ++i;
        if (i >= line.size()) break;
        const size_t start = i;
        while (i < line.size() && !is_sep(line[i])) ++i;
        std::string_view tok = line.substr(start, i - start);
        std::string label;
        const size_t colon = tok.rfind(':');
        if (colon != std::string_view::npos) {
            label = std::string(tok.substr(0, colon));
            tok = tok.substr(colon + 1);
        }
        if (tok.empty()) return core::fail("column " + std::to_string(start + 1) + ": label without a value");
        double v = 0;
        const char* b = tok.data();
        if (*b == '+') ++b;
        const auto [ptr, ec] = std::from_chars(b, tok.data() + tok.size(), v);
        if (ec != std::errc() || ptr != tok.data() + tok.size() || !std::isfinite(v))
            return core::fail("column " + std::to_string(start + 1) + ": '" + std::string(tok.substr(0, 24)) +
                              "' is not a number");
        if (s.values.size() >= max_values)
            return core::fail("more than " + std::to_string(max_values) + " values");
        s.labels.push_back(std::move(label));
        s.values.push_back(v);
    }
    if (s.values.empty()) return core::fail("no values");
    return s;
}

}  // namespace mlsys::hardware
