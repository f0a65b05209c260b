// Lines from sketches that do not run our firmware: the Arduino IDE Serial Plotter format ("label:value"
// pairs or bare values separated by spaces, tabs or commas) and Edge Impulse's data forwarder format
// (comma- or tab-separated numbers). Both are accepted with no handshake.
#pragma once

#include "models/core/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mlsys::hardware {

struct PlotterSample {
    std::vector<std::string> labels;  // one per value; empty string for a bare value
    std::vector<double> values;
};

// Parses one line; an error (with the column) when any token is not a number or label:number, or when the
// line holds more than `max_values` values. Text lines such as "Starting..." are errors, not samples.
[[nodiscard]] core::Result<PlotterSample> parse_plotter_line(std::string_view line, size_t max_values = 16);

}  // namespace mlsys::hardware
