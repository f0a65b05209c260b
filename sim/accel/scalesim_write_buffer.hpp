// An exact, fast replica of SCALE-Sim v2's ofmap write buffer (scalesim/memory/write_buffer.py with the
// drain logic of double_buffered_scratchpad_mem.py): the only source of stall cycles in CALC mode. It
// consumes demand rows as counts of valid writes, jumping over runs where nothing can happen.
#pragma once

#include "sim/accel/systolic_model.hpp"

#include <cstdint>
#include <map>

namespace mlsys::sim::accel {

class ScaleSimWriteBuffer {
public:
    // total_words: ofmap SRAM size in words; drain_words_per_cycle: the backing bandwidth (in CALC mode
    // SCALE-Sim sets it to the array width). Active fraction 0.5 as in SCALE-Sim.
    ScaleSimWriteBuffer(int64_t total_words, int64_t drain_words_per_cycle);

    // Feeds n_rows consecutive demand rows, each with `writes` valid ofmap addresses.
    void feed(int64_t n_rows, int64_t writes);

    // Stall cycles so far (SCALE-Sim's stall_cycles).
    int64_t stall_cycles() const { return stall_cycles_; }
    // Demand rows fed so far.
    int64_t rows() const { return row_; }
    // The service cycle of the last row fed: SCALE-Sim's reported total cycles once all rows are fed.
    int64_t last_out_cycle() const { return last_out_; }
    // Words handed to DRAM by drains during the run (before SCALE-Sim's final flush).
    int64_t drained_words() const { return drained_; }
    // True when a row was delayed because the buffer was full while draining.
    bool ever_stalled() const { return stall_cycles_ > 0; }

private:
    void store(int64_t n);
    void drain(int64_t start_cycle);
    void process_row(int64_t writes);

    int64_t total_;
    int64_t active_;
    int64_t drain_size_;
    int64_t bw_;
    int64_t free_;
    int64_t line_fill_ = 0;           // valid entries in the line being filled
    int64_t lines_ = 0;               // lines in the trace so far (full ones and forced partial ones)
    std::map<int64_t, int64_t> partial_;  // line index -> valid entries, for lines forced out half full
    int64_t drain_start_line_ = 0;
    int64_t drain_end_cycle_ = 0;
    int64_t stall_cycles_ = 0;
    int64_t row_ = 0;
    int64_t last_out_ = 0;
    int64_t drained_ = 0;
};

// SCALE-Sim's stall accounting for one GEMM when only the ofmap write buffer can stall (CALC mode, where
// drain_words_per_cycle is the array width; or USER mode with operands that fit their read buffers).
struct StallReplay {
    int64_t total_cycles = 0;  // the service cycle of the last demand row: SCALE-Sim's Total Cycles
    int64_t stall_cycles = 0;
    int64_t stalls_before_last_fold = 0;
};
StallReplay replay_ofmap_writes(const FoldPlan& plan, int64_t ofmap_words, int64_t drain_words_per_cycle);

}  // namespace mlsys::sim::accel
