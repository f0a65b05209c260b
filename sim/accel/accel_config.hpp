// The accelerator being simulated: a systolic array (rows x columns of MAC PEs), its dataflow, the three
// double-buffered SRAMs (ifmap, filter, ofmap) and the DRAM interface. Plain data with SCALE-Sim v2's
// defaults and meanings (docs/ACCEL.md); no parsing here beyond enum names.
#pragma once

#include "models/core/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>

namespace mlsys::sim::accel {

// Which operand stays in the PEs for a whole fold (BOOK.md §11.6.1).
enum class Dataflow {
    OutputStationary,  // "os": partial sums stay; ifmap rows enter from the left, filter columns from the top
    WeightStationary,  // "ws": a filter tile is preloaded; ifmap streams, partial sums flow down the columns
    InputStationary,   // "is": an ifmap tile is preloaded; filter streams, partial sums flow down the columns
};
// "os", "ws", "is".
const char* to_string(Dataflow df);
// Full name for tables: "output stationary", ...
const char* long_name(Dataflow df);
// Accepts os/ws/is (any case) and the long names; the error names the value.
core::Result<Dataflow> parse_dataflow(const std::string& text);

// SCALE-Sim's InterfaceBandwidth: CALC computes the bandwidth a stall-free run needs; USER stalls the array
// when DRAM (dram_words_per_cycle per buffer) cannot keep up.
enum class BandwidthMode { Calc, User };
const char* to_string(BandwidthMode mode);

struct AccelConfig {
    std::string run_name = "mlsys_accel";
    int array_rows = 128;  // ArrayHeight
    int array_cols = 128;  // ArrayWidth
    Dataflow dataflow = Dataflow::OutputStationary;
    // SRAM sizes in KiB (SCALE-Sim multiplies its *SramSzkB values by 1024); each is double-buffered.
    int64_t ifmap_sram_kib = 1024;
    int64_t filter_sram_kib = 1024;
    int64_t ofmap_sram_kib = 1024;
    // Base addresses of the three operands in DRAM (only used to label traces).
    int64_t ifmap_offset = 0;
    int64_t filter_offset = 10000000;
    int64_t ofmap_offset = 20000000;
    BandwidthMode bandwidth_mode = BandwidthMode::Calc;
    // USER mode: words per cycle between DRAM and each buffer (SCALE-Sim's Bandwidth).
    double dram_words_per_cycle = 10;
    int memory_banks = 1;
    // Bytes per operand word; SCALE-Sim v2 fixes 1 (int8). Energy and byte counts scale with it.
    int word_bytes = 1;
    // Array clock, for converting cycles to time (SCALE-Sim reports cycles only). 1 GHz is a round figure
    // between the TPU v1's 700 MHz (Jouppi et al., ISCA 2017) and today's ~1.5 GHz accelerators.
    double clock_hz = 1e9;

    int64_t n_pes() const { return int64_t(array_rows) * array_cols; }
    int64_t ifmap_sram_words() const { return ifmap_sram_kib * 1024 / word_bytes; }
    int64_t filter_sram_words() const { return filter_sram_kib * 1024 / word_bytes; }
    int64_t ofmap_sram_words() const { return ofmap_sram_kib * 1024 / word_bytes; }
};

// Checks ranges (array 1..4096 a side, SRAM >= 1 KiB, bandwidth > 0 in USER mode, word 1/2/4 bytes, clock > 0);
// the error names the field and value.
core::Status validate(const AccelConfig& config);

// "128x128" or "32x8" -> rows, cols; the error names the text.
core::Result<std::pair<int, int>> parse_array_shape(const std::string& text);

nlohmann::json to_json(const AccelConfig& config);

}  // namespace mlsys::sim::accel
