// The cycle-level systolic array: every cycle, operands move one PE right or down and partial sums
// accumulate, fold after fold, under the same schedule (and cycle count) as the analytic model. Used by the
// tests to prove the model (result == A x B, cycles == analytic) and by the GUI to animate a layer through
// per-cycle snapshots. Single-threaded and deterministic; no I/O.
#pragma once

#include "sim/accel/accel_config.hpp"
#include "sim/accel/systolic_model.hpp"

#include <cstdint>
#include <vector>

namespace mlsys::sim::accel {

// What a PE did in the last cycle.
enum class PeActivity : uint8_t {
    Idle = 0,
    Loading = 1,  // shifting the stationary operand into place (ws/is preload)
    Mac = 2,      // one multiply-accumulate on real operands
};

enum class StepPhase : uint8_t {
    Preload,  // ws/is: the first R cycles of a fold
    Stream,   // operands flow; MACs happen
    Done,
};

// A copy of what the GUI draws for one cycle. Plain data, safe to publish through core::Latest.
struct StepperSnapshot {
    int rows = 0;
    int cols = 0;
    Dataflow dataflow = Dataflow::OutputStationary;
    int64_t cycle = 0;         // cycles stepped so far
    int64_t total_cycles = 0;  // cycles the whole GEMM takes (folds x cycles per fold)
    int64_t fold = 0;          // the fold the last cycle belonged to
    int64_t n_folds = 0;
    int64_t cycle_in_fold = 0;
    StepPhase phase = StepPhase::Stream;
    std::vector<PeActivity> activity;  // rows x cols, row-major: the last cycle
    std::vector<int64_t> mac_counts;   // rows x cols: MACs each PE has done so far (the heatmap)
    int64_t macs_done = 0;
    int64_t outputs_written = 0;       // result words completed so far
};

class SystolicStepper {
public:
    // a: M x K, b: K x N, both row-major; empty vectors run the schedule without arithmetic (activity
    // only, for animating large layers). Requires a valid array and GEMM (checked).
    SystolicStepper(int rows, int cols, Dataflow df, const GemmDims& g, std::vector<double> a = {},
                    std::vector<double> b = {});

    const FoldPlan& plan() const { return plan_; }
    bool done() const { return cycle_ >= plan_.total_rows(); }
    int64_t cycle() const { return cycle_; }
    // SCALE-Sim's stall-free Total Cycles (the index of the last cycle) once done: cycle() - 1.
    int64_t last_cycle_index() const { return cycle_ - 1; }

    // Advances one cycle (no-op when done).
    void step();
    // Advances n cycles or to the end.
    void run(int64_t n = INT64_MAX);

    // out = A x B (M x N row-major); complete when done().
    const std::vector<double>& result() const { return out_; }
    int64_t macs_done() const { return macs_; }
    StepperSnapshot snapshot() const;

private:
    void start_fold(int64_t f);
    void step_os(int64_t t);
    void step_stationary(int64_t t);  // ws and is
    double a_at(int64_t m, int64_t k) const { return has_data_ ? a_[size_t(m * plan_.gemm.k + k)] : 0.0; }
    double b_at(int64_t k, int64_t n) const { return has_data_ ? b_[size_t(k * plan_.gemm.n + n)] : 0.0; }
    size_t idx(int i, int j) const { return size_t(i) * size_t(cols_) + size_t(j); }

    int rows_, cols_;
    FoldPlan plan_;
    std::vector<double> a_, b_, out_;
    bool has_data_ = false;
    int64_t cycle_ = 0;
    int64_t fold_ = -1;
    int64_t fr_ = 0, fc_ = 0;
    int ur_ = 0, uc_ = 0;
    // Per-PE registers (rows x cols): the horizontally moving operand, the vertically moving operand or
    // partial sum, the stationary operand, and the output-stationary accumulator.
    std::vector<double> h_val_, v_val_, stat_, acc_;
    std::vector<uint8_t> h_ok_, v_ok_, stat_ok_;
    std::vector<int64_t> h_tag_, v_tag_;  // which stream index (k for os, t for ws/is) a register holds
    std::vector<PeActivity> activity_;
    std::vector<int64_t> mac_counts_;
    int64_t macs_ = 0;
    int64_t outputs_ = 0;
};

}  // namespace mlsys::sim::accel
