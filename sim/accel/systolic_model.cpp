// Analytic fold model. Every formula here is SCALE-Sim v2's demand-matrix construction
// (scalesim/compute/systolic_compute_{os,ws,is}.py) reduced to closed form; docs/ACCEL.md derives each one.
#include "sim/accel/systolic_model.hpp"

#include "models/core/check.hpp"

#include <algorithm>

namespace mlsys::sim::accel {

OperandMapping map_operands(Dataflow df, const GemmDims& g) {
    switch (df) {
    case Dataflow::OutputStationary: return {g.m, g.n, g.k};
    case Dataflow::WeightStationary: return {g.k, g.n, g.m};
    case Dataflow::InputStationary: return {g.k, g.m, g.n};
    }
    return {};
}

FoldPlan plan_folds(int array_rows, int array_cols, Dataflow df, const GemmDims& g) {
    MLSYS_CHECK(array_rows >= 1 && array_cols >= 1);
    MLSYS_CHECK(g.m >= 1 && g.n >= 1 && g.k >= 1);
    FoldPlan p;
    p.array_rows = array_rows;
    p.array_cols = array_cols;
    p.dataflow = df;
    p.gemm = g;
    p.map = map_operands(df, g);
    const int64_t R = array_rows, C = array_cols, T = p.map.t;
    p.row_folds = (p.map.sr + R - 1) / R;
    p.col_folds = (p.map.sc + C - 1) / C;
    p.rows_last = int(p.map.sr - (p.row_folds - 1) * R);
    p.cols_last = int(p.map.sc - (p.col_folds - 1) * C);
    if (df == Dataflow::OutputStationary) {
        // ifmap: T rows + (C-1) drain rows, skewed over R columns -> T + C - 1 + R - 1.
        p.cycles_per_fold = T + R + C - 2;
        p.util_cycles_per_fold = T + R + C - 2;
    } else {
        // ws/is: R preload rows + T rows + (C-1) drain rows, skewed over R -> 2R + C + T - 2. The
        // utilization denominator is the stationary operand's demand length plus C - 1.
        p.cycles_per_fold = 2 * R + C + T - 2;
        p.util_cycles_per_fold = 2 * R + 2 * C + T - 3;
    }
    return p;
}

FoldInfo FoldPlan::fold(int64_t index) const {
    FoldInfo f;
    f.index = index;
    f.col_fold = index / row_folds;
    f.row_fold = index % row_folds;
    f.start_cycle = index * cycles_per_fold;
    f.cycles = cycles_per_fold;
    f.rows_used = rows_used(f.row_fold);
    f.cols_used = cols_used(f.col_fold);
    f.macs = int64_t(f.rows_used) * f.cols_used * map.t;
    const int64_t pes = int64_t(array_rows) * array_cols;
    f.mapping_efficiency = double(int64_t(f.rows_used) * f.cols_used) / double(pes);
    f.compute_utilization = double(f.macs) / double(pes * util_cycles_per_fold);
    return f;
}

FoldAverages fold_averages(const FoldPlan& p) {
    // SCALE-Sim appends per-fold values in the order fc-major, fr-minor and averages with sum()/len().
    const int64_t pes = int64_t(p.array_rows) * p.array_cols;
    const double pes_d = double(pes);
    const double util_den_full = double(pes * p.util_cycles_per_fold);
    double me = 0, cu = 0;
    for (int64_t fc = 0; fc < p.col_folds; ++fc) {
        const int64_t cols = p.cols_used(fc);
        for (int64_t fr = 0; fr < p.row_folds; ++fr) {
            const int64_t used = int64_t(p.rows_used(fr)) * cols;
            me += double(used) / pes_d;
            cu += double(used * p.map.t) / util_den_full;
        }
    }
    const double n = double(p.n_folds());
    return {me / n, cu / n};
}

SramCounts scalesim_sram_counts(const FoldPlan& p) {
    const GemmDims& g = p.gemm;
    SramCounts s;
    switch (p.dataflow) {
    case Dataflow::OutputStationary:
        s.ifmap_reads = p.col_folds * g.m * g.k;
        s.filter_reads = p.row_folds * g.k * g.n;
        s.ofmap_writes = g.m * g.n + p.n_folds() * (p.array_rows + p.array_cols);
        break;
    case Dataflow::WeightStationary:
        s.ifmap_reads = p.col_folds * g.m * g.k;
        s.filter_reads = g.k * g.n;
        s.ofmap_writes = p.row_folds * g.m * g.n;
        break;
    case Dataflow::InputStationary:
        s.ifmap_reads = g.k * g.m;
        s.filter_reads = p.col_folds * g.k * g.n;
        s.ofmap_writes = p.row_folds * g.m * g.n;
        break;
    }
    return s;
}

SramTraffic sram_traffic(const FoldPlan& p) {
    const SramCounts s = scalesim_sram_counts(p);
    SramTraffic t;
    t.ifmap_reads = s.ifmap_reads;
    t.filter_reads = s.filter_reads;
    const int64_t outputs = p.gemm.m * p.gemm.n;
    if (p.dataflow == Dataflow::OutputStationary) {
        t.ofmap_writes = outputs;
    } else {
        t.ofmap_writes = p.row_folds * outputs;
        t.ofmap_reads = (p.row_folds - 1) * outputs;
    }
    return t;
}

DemandWindows demand_windows(const FoldPlan& p) {
    const int64_t R = p.array_rows, T = p.map.t;
    const int64_t last_fold_start = (p.n_folds() - 1) * p.cycles_per_fold;
    const int64_t u_r0 = p.rows_used(0);
    DemandWindows w;
    switch (p.dataflow) {
    case Dataflow::OutputStationary:
        w.ifmap = {0, last_fold_start + (p.rows_last - 1) + (T - 1)};
        w.filter = {0, last_fold_start + (p.cols_last - 1) + (T - 1)};
        w.ofmap = {T - 1 + R - u_r0, last_fold_start + (T - 1) + (R - 1) + (p.cols_last - 1)};
        break;
    case Dataflow::WeightStationary:
        w.ifmap = {R, last_fold_start + R + (T - 1) + (p.rows_last - 1)};
        w.filter = {R - u_r0, last_fold_start + R - 1};
        w.ofmap = {2 * R - 1, last_fold_start + 2 * R - 1 + (T - 1) + (p.cols_last - 1)};
        break;
    case Dataflow::InputStationary:
        w.ifmap = {R - u_r0, last_fold_start + R - 1};
        w.filter = {R, last_fold_start + R + (T - 1) + (p.rows_last - 1)};
        w.ofmap = {2 * R - 1, last_fold_start + 2 * R - 1 + (T - 1) + (p.cols_last - 1)};
        break;
    }
    return w;
}

namespace {
// Entries on anti-diagonal q of an a x b block skewed one row per column: the ramp-plateau-ramp shape of
// a systolic wavefront.
int64_t trapezoid(int64_t q, int64_t a, int64_t b) {
    if (q < 0 || q > a + b - 2) return 0;
    return std::min(q, b - 1) - std::max<int64_t>(0, q - a + 1) + 1;
}
}  // namespace

int64_t ofmap_writes_in_row(const FoldPlan& p, int rows_used, int cols_used, int64_t row_in_fold) {
    const int64_t R = p.array_rows, T = p.map.t;
    if (p.dataflow == Dataflow::OutputStationary) {
        // (T-1) null rows, then the R x C result block flipped (used rows at the bottom), skewed over C.
        return trapezoid(row_in_fold - (T - 1) - (R - rows_used), rows_used, cols_used);
    }
    // (2R-1) null rows, then T rows of cols_used outputs, skewed over C.
    return trapezoid(row_in_fold - (2 * R - 1), T, cols_used);
}

std::vector<FoldInfo> fold_timeline(const FoldPlan& p, int64_t max_folds) {
    std::vector<FoldInfo> out;
    const int64_t n = std::min(p.n_folds(), max_folds);
    out.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i) out.push_back(p.fold(i));
    return out;
}

}  // namespace mlsys::sim::accel

namespace mlsys::sim::accel {
namespace {

// The largest window index j (im2col column) of output pixel p that reads a real input pixel; window order
// is (row, column, channel) as in SCALE-Sim's operand_matrix.py.
int64_t last_valid_j(const ConvGeometry& g, int64_t p) {
    const int64_t i_row = (p / g.out_w) * g.stride_h, i_col = (p % g.out_w) * g.stride_w;
    const int64_t r = std::min(g.kernel_h - 1, g.in_h - 1 - i_row);
    const int64_t c = std::min(g.kernel_w - 1, g.in_w - 1 - i_col);
    return r * (g.kernel_w * g.in_c) + c * g.in_c + (g.in_c - 1);
}

bool valid(const ConvGeometry& g, int64_t p, int64_t j) {
    const int64_t i_row = (p / g.out_w) * g.stride_h, i_col = (p % g.out_w) * g.stride_w;
    const int64_t c_row = j / (g.kernel_w * g.in_c);
    const int64_t c_col = (j % (g.kernel_w * g.in_c)) / g.in_c;
    return c_row + i_row < g.in_h && c_col + i_col < g.in_w;
}

}  // namespace

DemandWindow ifmap_window_with_overrun(const FoldPlan& p, const ConvGeometry& g) {
    DemandWindow w = demand_windows(p).ifmap;
    const int64_t R = p.array_rows, C = p.array_cols, M = p.gemm.m, L = p.cycles_per_fold;
    for (int64_t f = p.n_folds() - 1; f >= 0; --f) {
        const int64_t fc = f / p.row_folds, fr = f % p.row_folds;
        const int64_t ur = p.rows_used(fr), uc = p.cols_used(fc);
        int64_t best = -1;
        switch (p.dataflow) {
        case Dataflow::OutputStationary:  // rows c + j for the pixels of this row fold
            for (int64_t c = 0; c < ur; ++c) best = std::max(best, c + last_valid_j(g, fr * R + c));
            break;
        case Dataflow::WeightStationary:  // rows R + t + c for every pixel t and window column fr*R + c
            for (int64_t t = M - 1; t >= 0 && t + ur - 1 > best - R; --t)
                for (int64_t c = ur - 1; c >= 0; --c)
                    if (valid(g, t, fr * R + c)) {
                        best = std::max(best, R + t + c);
                        break;
                    }
            break;
        case Dataflow::InputStationary:  // rows R - 1 - jl for window rows jl of this fold, any pixel of it
            for (int64_t jl = 0; jl < ur && best < 0; ++jl)
                for (int64_t c = 0; c < uc; ++c)
                    if (valid(g, fc * C + c, fr * R + jl)) {
                        best = R - 1 - jl;
                        break;
                    }
            break;
        }
        if (best >= 0) {
            w.last_row = f * L + best;
            return w;
        }
    }
    return w;
}

}  // namespace mlsys::sim::accel
