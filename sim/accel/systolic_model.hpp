// The analytic systolic-array model: how one GEMM (M x K times K x N) folds onto an R x C array under a
// dataflow, with SCALE-Sim v2's exact conventions (operand mapping, fold order, preload of the stationary
// operand, fill and drain, per-fold utilization). Pure arithmetic: no memory model, no I/O.
#pragma once

#include "sim/accel/accel_config.hpp"

#include <cstdint>
#include <vector>

namespace mlsys::sim::accel {

// out[M x N] = in[M x K] * W[K x N]; for a convolution M = output pixels, N = filters, K = kh*kw*in_c.
struct GemmDims {
    int64_t m = 0;
    int64_t n = 0;
    int64_t k = 0;
    int64_t macs() const { return m * n * k; }
};

// SCALE-Sim's operand mapping: Sr operands spread over the array rows, Sc over the columns, and T is the
// temporal dimension streamed through each fold. os: (M, N, K); ws: (K, N, M); is: (K, M, N).
struct OperandMapping {
    int64_t sr = 0;
    int64_t sc = 0;
    int64_t t = 0;
};
OperandMapping map_operands(Dataflow df, const GemmDims& g);

// One fold (tile) of the GEMM on the array. Folds run column-fold-major: for fc { for fr { ... } }.
struct FoldInfo {
    int64_t index = 0;
    int64_t row_fold = 0;     // fr
    int64_t col_fold = 0;     // fc
    int64_t start_cycle = 0;  // stall-free start, in SCALE-Sim's cycle numbering
    int64_t cycles = 0;       // length of the fold (demand rows)
    int rows_used = 0;        // array rows holding real operands in this fold
    int cols_used = 0;
    int64_t macs = 0;         // rows_used * cols_used * T
    double mapping_efficiency = 0;   // rows_used*cols_used / (R*C)
    double compute_utilization = 0;  // macs / (R*C*util_cycles), SCALE-Sim's per-fold definition
};

// The fold structure of one GEMM on one array and dataflow.
struct FoldPlan {
    int array_rows = 1;
    int array_cols = 1;
    Dataflow dataflow = Dataflow::OutputStationary;
    GemmDims gemm;
    OperandMapping map;
    int64_t row_folds = 0;      // ceil(Sr / R)
    int64_t col_folds = 0;      // ceil(Sc / C)
    int rows_last = 0;          // rows used in the last row fold
    int cols_last = 0;          // columns used in the last column fold
    // Cycles per fold: os T+R+C-2 (skewed fill + drain); ws/is 2R+C+T-2 (R cycles to preload the
    // stationary tile, then the skewed stream and the drain of partial sums).
    int64_t cycles_per_fold = 0;
    // The fold length SCALE-Sim divides by for compute utilization: os T+R+C-2, ws/is 2R+2C+T-3.
    int64_t util_cycles_per_fold = 0;

    int64_t n_folds() const { return row_folds * col_folds; }
    // Demand rows of the whole GEMM; SCALE-Sim's stall-free "Total Cycles" is this minus 1 (the index of
    // the last cycle).
    int64_t total_rows() const { return n_folds() * cycles_per_fold; }
    int rows_used(int64_t row_fold) const { return row_fold == row_folds - 1 ? rows_last : array_rows; }
    int cols_used(int64_t col_fold) const { return col_fold == col_folds - 1 ? cols_last : array_cols; }
    FoldInfo fold(int64_t index) const;
};

// Requires g.m, g.n, g.k >= 1 and a valid array (checked).
FoldPlan plan_folds(int array_rows, int array_cols, Dataflow df, const GemmDims& g);

// The per-fold averages SCALE-Sim reports, summed fold by fold in its order so the doubles match bit for
// bit: mean mapping efficiency and mean compute utilization, as fractions.
struct FoldAverages {
    double mapping_efficiency = 0;
    double compute_utilization = 0;
};
FoldAverages fold_averages(const FoldPlan& plan);

// SCALE-Sim's SRAM access counters (BANDWIDTH/DETAILED reports): words read from the ifmap and filter
// SRAMs into the array edge and words written to the ofmap SRAM. They include SCALE-Sim's quirk of adding
// R + C to the os ofmap count once per fold (docs/ACCEL.md).
struct SramCounts {
    int64_t ifmap_reads = 0;
    int64_t filter_reads = 0;
    int64_t ofmap_writes = 0;
};
SramCounts scalesim_sram_counts(const FoldPlan& plan);

// Physical SRAM traffic for energy: the same reads, ofmap writes without the quirk, and the partial-sum
// read-backs that ws/is need when a K dimension spans several row folds.
struct SramTraffic {
    int64_t ifmap_reads = 0;
    int64_t filter_reads = 0;
    int64_t ofmap_writes = 0;
    int64_t ofmap_reads = 0;  // partial sums read back for accumulation
};
SramTraffic sram_traffic(const FoldPlan& plan);

// Stall-free demand rows at which each operand's SRAM is first and last touched (SCALE-Sim's detailed
// report, before adding the hit latency of 1 for reads).
struct DemandWindow {
    int64_t first_row = 0;
    int64_t last_row = 0;
};
struct DemandWindows {
    DemandWindow ifmap;
    DemandWindow filter;
    DemandWindow ofmap;
};
DemandWindows demand_windows(const FoldPlan& plan);

// A convolution as SCALE-Sim sees it (no padding, output size ceil((H - R + S) / S)). When the last windows
// run past the input their missing pixels are null requests, which can end the ifmap SRAM window early.
struct ConvGeometry {
    int64_t in_h = 1, in_w = 1, in_c = 1;
    int64_t kernel_h = 1, kernel_w = 1;
    int64_t stride_h = 1, stride_w = 1;
    int64_t out_w = 1;
    bool overruns() const { return (in_h - kernel_h) % stride_h != 0 || (in_w - kernel_w) % stride_w != 0; }
};
// The ifmap demand window of plan (whose GEMM is geometry's im2col) with null requests accounted for.
DemandWindow ifmap_window_with_overrun(const FoldPlan& plan, const ConvGeometry& geometry);

// Number of ofmap words written in demand row `row_in_fold` of a fold that uses rows_used x cols_used PEs
// (SCALE-Sim's ofmap demand matrix, row by row). Used by the write-buffer emulation and the stepper.
int64_t ofmap_writes_in_row(const FoldPlan& plan, int rows_used, int cols_used, int64_t row_in_fold);

// The whole fold timeline (for the GUI); at most max_folds entries (the first ones).
std::vector<FoldInfo> fold_timeline(const FoldPlan& plan, int64_t max_folds = 1 << 20);

}  // namespace mlsys::sim::accel
