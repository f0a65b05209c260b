// SCALE-Sim's ofmap write buffer, replayed with counts instead of addresses. Order of operations per
// write (write_buffer.service_writes): store the word, then either stall (a drain is running and the
// buffer is full) or start a drain (no drain running and more than the drain half is occupied). A drain
// empties ceil(drain_size / bw) trace lines, frees that many words at once and ends num_lines - 1 cycles
// later; only the last drained line's empty slots are subtracted, as in SCALE-Sim.
#include "sim/accel/scalesim_write_buffer.hpp"

#include <algorithm>


namespace mlsys::sim::accel {

ScaleSimWriteBuffer::ScaleSimWriteBuffer(int64_t total_words, int64_t drain_words_per_cycle)
    : total_(std::max<int64_t>(total_words, 1)),
      active_((total_ + 1) / 2),  // int(math.ceil(total * 0.5))
      drain_size_(total_ - active_),
      bw_(std::max<int64_t>(drain_words_per_cycle, 1)),
      free_(total_) {}

void ScaleSimWriteBuffer::store(int64_t n) {
    free_ -= n;
    line_fill_ += n;
    lines_ += line_fill_ / bw_;
    line_fill_ %= bw_;
}

void ScaleSimWriteBuffer::drain(int64_t start_cycle) {
    // append_to_trace_mat(force=True): the half-filled line becomes a trace line of its own.
    if (line_fill_ > 0) {
        partial_[lines_] = line_fill_;
        ++lines_;
        line_fill_ = 0;
    }
    const int64_t lines_to_fill = (drain_size_ + bw_ - 1) / bw_;
    const int64_t end = std::min(drain_start_line_ + lines_to_fill, lines_);
    const int64_t n = end - drain_start_line_;
    if (n <= 0) return;  // SCALE-Sim would fail here; unreachable for buffers of >= 2 words
    int64_t words = n * bw_;
    auto it = partial_.find(end - 1);
    if (it != partial_.end()) words -= bw_ - it->second;
    partial_.erase(partial_.begin(), partial_.lower_bound(end));
    drained_ += words;
    free_ += words;
    drain_start_line_ = end;
    drain_end_cycle_ = start_cycle + n - 1;  // write port latency 0
}

void ScaleSimWriteBuffer::process_row(int64_t writes) {
    const int64_t cycle = row_ + stall_cycles_;
    int64_t current = cycle;
    int64_t left = writes;
    while (left > 0) {
        if (current < drain_end_cycle_) {
            if (free_ - left > 0) {
                store(left);
                left = 0;
            } else {
                const int64_t k = std::max<int64_t>(free_, 1);  // the write that leaves the buffer full
                store(k);
                left -= k;
                current = drain_end_cycle_;
            }
        } else {
            const int64_t k = std::max<int64_t>(free_ - active_ + 1, 1);  // the write that crosses the drain mark
            if (left < k) {
                store(left);
                left = 0;
            } else {
                store(k);
                left -= k;
                drain(current);
            }
        }
    }
    // ofmap_stalls = out - cycle - 1 in double_buffered_scratchpad_mem.py; reads never stall in CALC.
    stall_cycles_ += std::max<int64_t>(0, current - cycle - 1);
    last_out_ = current;
    ++row_;
}

void ScaleSimWriteBuffer::feed(int64_t n_rows, int64_t writes) {
    if (n_rows <= 0) return;
    if (writes <= 0) {
        row_ += n_rows;
        last_out_ = row_ - 1 + stall_cycles_;
        return;
    }
    while (n_rows > 0) {
        const int64_t cycle = row_ + stall_cycles_;
        int64_t take = 0;
        if (cycle >= drain_end_cycle_) {
            // Whole rows that keep the buffer at or above the drain mark start no drain.
            take = free_ >= active_ ? (free_ - active_) / writes : 0;
        } else {
            // Rows issued before the running drain ends, as long as the buffer never fills.
            const int64_t until_drain_end = drain_end_cycle_ - cycle;
            take = std::min(until_drain_end, free_ >= 1 ? (free_ - 1) / writes : 0);
        }
        take = std::min(take, n_rows);
        if (take > 0) {
            store(take * writes);
            row_ += take;
            n_rows -= take;
            last_out_ = row_ - 1 + stall_cycles_;
            continue;
        }
        process_row(writes);
        --n_rows;
    }
}

namespace {

// Feeds one fold's ofmap demand rows (zeros, ramp, plateau, ramp, zeros) into the write buffer.
void feed_fold(ScaleSimWriteBuffer& wb, const FoldPlan& p, int rows_used, int cols_used) {
    const int64_t R = p.array_rows, T = p.map.t;
    int64_t base = 0, a = 0, b = cols_used;
    if (p.dataflow == Dataflow::OutputStationary) {
        base = T - 1 + R - rows_used;
        a = rows_used;
    } else {
        base = 2 * R - 1;
        a = T;
    }
    const int64_t lo = std::min(a, b), hi = std::max(a, b);
    wb.feed(base, 0);
    for (int64_t q = 0; q + 1 < lo; ++q) wb.feed(1, q + 1);
    wb.feed(hi - lo + 1, lo);
    for (int64_t q = hi; q <= a + b - 2; ++q) wb.feed(1, a + b - 1 - q);
    wb.feed(p.cycles_per_fold - base - (a + b - 1), 0);
}

}  // namespace

StallReplay replay_ofmap_writes(const FoldPlan& p, int64_t ofmap_words, int64_t drain_bw) {
    StallReplay r;
    const int64_t active = (ofmap_words + 1) / 2;
    const int64_t drain_size = ofmap_words - active;
    const int64_t outputs = p.gemm.m * p.gemm.n;
    const int64_t writes = p.dataflow == Dataflow::OutputStationary ? outputs : p.row_folds * outputs;
    // Fast paths, both stall-free: the buffer never reaches its drain mark; or drains outpace writes (at
    // most C writes a cycle, drains of n >= 1 lines of bw words every n-1 cycles) with room to spare —
    // a stall needs the C words of one row to exceed the active half; we require twice that margin.
    if (writes <= drain_size || (drain_bw >= p.array_cols && 2 * int64_t(p.array_cols) <= active)) {
        r.total_cycles = p.total_rows() - 1;
        return r;
    }
    ScaleSimWriteBuffer wb(ofmap_words, drain_bw);
    const int64_t F = p.n_folds();
    for (int64_t f = 0; f < F; ++f) {
        if (f == F - 1) r.stalls_before_last_fold = wb.stall_cycles();
        feed_fold(wb, p, p.rows_used(f % p.row_folds), p.cols_used(f / p.row_folds));
    }
    r.total_cycles = wb.last_out_cycle();
    r.stall_cycles = wb.stall_cycles();
    return r;
}

}  // namespace mlsys::sim::accel
