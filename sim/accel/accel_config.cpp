// AccelConfig helpers: enum names, validation, array-shape parsing, JSON.
#include "sim/accel/accel_config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace mlsys::sim::accel {

const char* to_string(Dataflow df) {
    switch (df) {
    case Dataflow::OutputStationary: return "os";
    case Dataflow::WeightStationary: return "ws";
    case Dataflow::InputStationary: return "is";
    }
    return "?";
}

const char* long_name(Dataflow df) {
    switch (df) {
    case Dataflow::OutputStationary: return "output stationary";
    case Dataflow::WeightStationary: return "weight stationary";
    case Dataflow::InputStationary: return "input stationary";
    }
    return "?";
}

core::Result<Dataflow> parse_dataflow(const std::string& text) {
    std::string t;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) t += char(std::tolower(static_cast<unsigned char>(c)));
    if (t == "os" || t == "outputstationary" || t == "output_stationary") return Dataflow::OutputStationary;
    if (t == "ws" || t == "weightstationary" || t == "weight_stationary") return Dataflow::WeightStationary;
    if (t == "is" || t == "inputstationary" || t == "input_stationary") return Dataflow::InputStationary;
    return core::fail("dataflow must be os, ws or is, got '" + text + "'");
}

const char* to_string(BandwidthMode mode) { return mode == BandwidthMode::Calc ? "CALC" : "USER"; }

core::Status validate(const AccelConfig& c) {
    auto bad = [](const std::string& key, const std::string& value, const std::string& rule) {
        return core::fail(key + " must be " + rule + ", got " + value);
    };
    if (c.array_rows < 1 || c.array_rows > 4096) return bad("ArrayHeight", std::to_string(c.array_rows), "1..4096");
    if (c.array_cols < 1 || c.array_cols > 4096) return bad("ArrayWidth", std::to_string(c.array_cols), "1..4096");
    if (c.ifmap_sram_kib < 1) return bad("IfmapSramSzkB", std::to_string(c.ifmap_sram_kib), "at least 1");
    if (c.filter_sram_kib < 1) return bad("FilterSramSzkB", std::to_string(c.filter_sram_kib), "at least 1");
    if (c.ofmap_sram_kib < 1) return bad("OfmapSramSzkB", std::to_string(c.ofmap_sram_kib), "at least 1");
    if (c.word_bytes != 1 && c.word_bytes != 2 && c.word_bytes != 4)
        return bad("word size", std::to_string(c.word_bytes), "1, 2 or 4 bytes");
    if (c.bandwidth_mode == BandwidthMode::User && !(c.dram_words_per_cycle > 0))
        return bad("Bandwidth", std::to_string(c.dram_words_per_cycle), "a positive number of words per cycle");
    if (!(c.clock_hz > 0)) return bad("clock", std::to_string(c.clock_hz), "positive");
    if (c.memory_banks != 1) return bad("MemoryBanks", std::to_string(c.memory_banks), "1 (multi-bank maps are not modelled)");
    return {};
}

core::Result<std::pair<int, int>> parse_array_shape(const std::string& text) {
    const auto x = text.find_first_of("xX");
    const std::string msg = "array shape must look like 128x128 (rows x columns, 1..4096), got '" + text + "'";
    if (x == std::string::npos) return core::fail(msg);
    int rows = 0, cols = 0;
    const char* b = text.data();
    auto r1 = std::from_chars(b, b + x, rows);
    auto r2 = std::from_chars(b + x + 1, b + text.size(), cols);
    if (r1.ec != std::errc() || r1.ptr != b + x || r2.ec != std::errc() || r2.ptr != b + text.size()) return core::fail(msg);
    if (rows < 1 || cols < 1 || rows > 4096 || cols > 4096) return core::fail(msg);
    return std::pair<int, int>{rows, cols};
}

nlohmann::json to_json(const AccelConfig& c) {
    return {{"run_name", c.run_name},
            {"array_rows", c.array_rows},
            {"array_cols", c.array_cols},
            {"dataflow", to_string(c.dataflow)},
            {"ifmap_sram_kib", c.ifmap_sram_kib},
            {"filter_sram_kib", c.filter_sram_kib},
            {"ofmap_sram_kib", c.ofmap_sram_kib},
            {"bandwidth_mode", to_string(c.bandwidth_mode)},
            {"dram_words_per_cycle", c.dram_words_per_cycle},
            {"word_bytes", c.word_bytes},
            {"clock_hz", c.clock_hz}};
}

}  // namespace mlsys::sim::accel
