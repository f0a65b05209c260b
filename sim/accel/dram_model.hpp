// DRAM traffic and bandwidth stalls for one GEMM on the array, with double-buffered SRAMs of the configured
// sizes: which tiles must come from DRAM fold by fold, how long each takes at the configured bandwidth,
// and when the array must wait. Our model, not SCALE-Sim's address-trace replay (docs/ACCEL.md says why
// and how they differ). Pure arithmetic over the fold plan.
#pragma once

#include "sim/accel/accel_config.hpp"
#include "sim/accel/systolic_model.hpp"

#include <cstdint>

namespace mlsys::sim::accel {

// Words moved between DRAM and the three buffers for one GEMM.
struct DramTraffic {
    int64_t ifmap_reads = 0;
    int64_t filter_reads = 0;
    int64_t ofmap_writes = 0;
    int64_t ofmap_reads = 0;  // partial sums spilled to DRAM and read back (ws/is with a small ofmap SRAM)
    int64_t total() const { return ifmap_reads + filter_reads + ofmap_writes + ofmap_reads; }
};

// First and last cycle a DRAM channel is busy (negative cycles: the prefetch before compute starts).
struct DramWindow {
    int64_t first_cycle = 0;
    int64_t last_cycle = 0;
};

struct DramResult {
    DramTraffic traffic;
    // USER mode: cycles the array waits for DRAM between folds (each buffer has its own channel of
    // dram_words_per_cycle; the slowest decides). Zero in CALC mode.
    int64_t stall_cycles = 0;
    // Cycles to fill the first tiles before compute starts, and to write the last output tile after it
    // ends. SCALE-Sim leaves both out of Total Cycles; we report them separately.
    int64_t prefetch_cycles = 0;
    int64_t drain_cycles = 0;
    // Bandwidth a stall-free run needs: the largest per-fold demand of each channel (words per cycle).
    double peak_ifmap_words_per_cycle = 0;
    double peak_filter_words_per_cycle = 0;
    double peak_ofmap_words_per_cycle = 0;
    DramWindow ifmap_window;
    DramWindow filter_window;
    DramWindow ofmap_window;
};

// Simulates DRAM for the plan under config (its SRAM sizes, word size, bandwidth mode and bandwidth).
// Rules (loop order fc outer, fr inner): an operand that fits in its whole buffer is read once; a
// stationary tile reused across the inner loop stays if it fits in half the buffer; partial sums stay on
// chip if a column fold's worth fits in half the ofmap buffer, else they spill and are read back.
// ifmap_unique_words: distinct input words behind the M x K ifmap matrix (a convolution's input tensor;
// im2col's overlapping windows are formed on chip); 0 or >= M*K means every matrix entry is distinct.
DramResult simulate_dram(const FoldPlan& plan, const AccelConfig& config, int64_t ifmap_unique_words = 0);

}  // namespace mlsys::sim::accel
