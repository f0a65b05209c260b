// Cycle-level array. Schedules (cycle t within a fold of L cycles, PE (i, j), array R x C):
//  os: A[m_i][k] enters row i at t = k + i and moves right; B[k][n_j] enters column j at t = k + j and
//      moves down; PE (i, j) multiplies them at t = k + i + j and emits its sum after k = K-1. Last MAC at
//      (K-1) + (R-1) + (C-1) = L - 1 with L = K + R + C - 2.
//  ws/is: for t < R the stationary tile shifts down one row per cycle (bottom row first). Then the streamed
//      operand for index q enters row i at t = R + q + i and moves right; the partial sum for q enters
//      column j at the top at t = R + q + j, gains one product per row and leaves the bottom (row R-1) at
//      t = R + q + (R-1) + j <= L - 1 with L = 2R + C + T - 2. Partial sums of different row folds add up
//      in the output (the ofmap buffer's accumulation).
#include "sim/accel/systolic_stepper.hpp"

#include "models/core/check.hpp"

#include <algorithm>

namespace mlsys::sim::accel {

SystolicStepper::SystolicStepper(int rows, int cols, Dataflow df, const GemmDims& g, std::vector<double> a,
                                 std::vector<double> b)
    : rows_(rows), cols_(cols), plan_(plan_folds(rows, cols, df, g)), a_(std::move(a)), b_(std::move(b)) {
    has_data_ = !a_.empty() || !b_.empty();
    if (has_data_) {
        MLSYS_CHECK(int64_t(a_.size()) == g.m * g.k);
        MLSYS_CHECK(int64_t(b_.size()) == g.k * g.n);
        out_.assign(size_t(g.m * g.n), 0.0);
    }
    const size_t n = size_t(rows) * size_t(cols);
    h_val_.assign(n, 0);
    v_val_.assign(n, 0);
    stat_.assign(n, 0);
    acc_.assign(n, 0);
    h_ok_.assign(n, 0);
    v_ok_.assign(n, 0);
    stat_ok_.assign(n, 0);
    h_tag_.assign(n, -1);
    v_tag_.assign(n, -1);
    activity_.assign(n, PeActivity::Idle);
    mac_counts_.assign(n, 0);
}

void SystolicStepper::start_fold(int64_t f) {
    fold_ = f;
    fc_ = f / plan_.row_folds;
    fr_ = f % plan_.row_folds;
    ur_ = plan_.rows_used(fr_);
    uc_ = plan_.cols_used(fc_);
    std::fill(h_ok_.begin(), h_ok_.end(), 0);
    std::fill(v_ok_.begin(), v_ok_.end(), 0);
    std::fill(stat_ok_.begin(), stat_ok_.end(), 0);
    std::fill(acc_.begin(), acc_.end(), 0.0);
}

void SystolicStepper::step() {
    if (done()) return;
    const int64_t L = plan_.cycles_per_fold;
    const int64_t f = cycle_ / L;
    if (f != fold_) start_fold(f);
    std::fill(activity_.begin(), activity_.end(), PeActivity::Idle);
    const int64_t t = cycle_ % L;
    if (plan_.dataflow == Dataflow::OutputStationary) step_os(t);
    else step_stationary(t);
    ++cycle_;
}

void SystolicStepper::run(int64_t n) {
    while (n-- > 0 && !done()) step();
}

void SystolicStepper::step_os(int64_t t) {
    const int64_t K = plan_.map.t;
    const int64_t m0 = fr_ * rows_, n0 = fc_ * cols_;
    // Walk bottom-right to top-left so each PE reads its neighbours' registers from the previous cycle.
    for (int i = rows_ - 1; i >= 0; --i) {
        for (int j = cols_ - 1; j >= 0; --j) {
            const size_t p = idx(i, j);
            double a = 0, b = 0;
            bool a_ok = false, b_ok = false;
            int64_t ka = -1, kb = -1;
            if (j == 0) {
                ka = t - i;
                a_ok = i < ur_ && ka >= 0 && ka < K;
                if (a_ok) a = a_at(m0 + i, ka);
            } else {
                const size_t q = idx(i, j - 1);
                a_ok = h_ok_[q];
                a = h_val_[q];
                ka = h_tag_[q];
            }
            if (i == 0) {
                kb = t - j;
                b_ok = j < uc_ && kb >= 0 && kb < K;
                if (b_ok) b = b_at(kb, n0 + j);
            } else {
                const size_t q = idx(i - 1, j);
                b_ok = v_ok_[q];
                b = v_val_[q];
                kb = v_tag_[q];
            }
            if (a_ok && b_ok) {
                MLSYS_CHECK(ka == kb);  // the skew lines operands up
                acc_[p] += a * b;
                activity_[p] = PeActivity::Mac;
                ++mac_counts_[p];
                ++macs_;
                if (ka == K - 1) {  // this PE's output is complete
                    if (has_data_) out_[size_t((m0 + i) * plan_.gemm.n + n0 + j)] = acc_[p];
                    acc_[p] = 0;
                    ++outputs_;
                }
            }
            h_ok_[p] = a_ok;
            h_val_[p] = a;
            h_tag_[p] = ka;
            v_ok_[p] = b_ok;
            v_val_[p] = b;
            v_tag_[p] = kb;
        }
    }
}

void SystolicStepper::step_stationary(int64_t t) {
    const bool ws = plan_.dataflow == Dataflow::WeightStationary;
    const int64_t T = plan_.map.t;
    const int64_t k0 = fr_ * rows_;  // K offset of this row fold
    const int64_t c0 = fc_ * cols_;  // N (ws) or M (is) offset of this column fold
    if (t < rows_) {
        // Preload: tile row (R-1-t) enters the top and everything moves down one row.
        const int64_t tile_row = rows_ - 1 - t;
        for (int i = rows_ - 1; i >= 0; --i) {
            for (int j = cols_ - 1; j >= 0; --j) {
                const size_t p = idx(i, j);
                bool ok;
                double v = 0;
                if (i == 0) {
                    ok = tile_row < ur_ && j < uc_;
                    if (ok) v = ws ? b_at(k0 + tile_row, c0 + j) : a_at(c0 + j, k0 + tile_row);
                } else {
                    ok = v_ok_[idx(i - 1, j)];
                    v = v_val_[idx(i - 1, j)];
                }
                v_ok_[p] = ok;
                v_val_[p] = v;
                if (ok) activity_[p] = PeActivity::Loading;
            }
        }
        if (t == rows_ - 1) {  // the tile is in place: latch it, clear the shift path for partial sums
            stat_ = v_val_;
            stat_ok_ = v_ok_;
            std::fill(v_ok_.begin(), v_ok_.end(), 0);
        }
        return;
    }
    const int64_t s = t - rows_;
    for (int i = rows_ - 1; i >= 0; --i) {
        for (int j = cols_ - 1; j >= 0; --j) {
            const size_t p = idx(i, j);
            double x = 0, psum = 0;
            bool x_ok, ps_ok;
            int64_t qx, qp;
            if (j == 0) {
                qx = s - i;
                x_ok = i < ur_ && qx >= 0 && qx < T;
                if (x_ok) x = ws ? a_at(qx, k0 + i) : b_at(k0 + i, qx);
            } else {
                const size_t q = idx(i, j - 1);
                x_ok = h_ok_[q];
                x = h_val_[q];
                qx = h_tag_[q];
            }
            if (i == 0) {
                qp = s - j;
                ps_ok = j < uc_ && qp >= 0 && qp < T;
            } else {
                const size_t q = idx(i - 1, j);
                ps_ok = v_ok_[q];
                psum = v_val_[q];
                qp = v_tag_[q];
            }
            if (x_ok && ps_ok && stat_ok_[p]) {
                MLSYS_CHECK(qx == qp);
                psum += x * stat_[p];
                activity_[p] = PeActivity::Mac;
                ++mac_counts_[p];
                ++macs_;
            }
            if (i == rows_ - 1 && ps_ok) {  // the partial sum leaves the array into the ofmap buffer
                if (has_data_) {
                    const int64_t m = ws ? qp : c0 + j;
                    const int64_t n = ws ? c0 + j : qp;
                    out_[size_t(m * plan_.gemm.n + n)] += psum;
                }
                ++outputs_;
            }
            h_ok_[p] = x_ok;
            h_val_[p] = x;
            h_tag_[p] = qx;
            v_ok_[p] = ps_ok;
            v_val_[p] = psum;
            v_tag_[p] = qp;
        }
    }
}

StepperSnapshot SystolicStepper::snapshot() const {
    StepperSnapshot s;
    s.rows = rows_;
    s.cols = cols_;
    s.dataflow = plan_.dataflow;
    s.cycle = cycle_;
    s.total_cycles = plan_.total_rows();
    s.n_folds = plan_.n_folds();
    const int64_t last = std::max<int64_t>(cycle_ - 1, 0);
    s.fold = last / plan_.cycles_per_fold;
    s.cycle_in_fold = last % plan_.cycles_per_fold;
    if (done()) s.phase = StepPhase::Done;
    else if (plan_.dataflow != Dataflow::OutputStationary && s.cycle_in_fold < rows_) s.phase = StepPhase::Preload;
    else s.phase = StepPhase::Stream;
    s.activity = activity_;
    s.mac_counts = mac_counts_;
    s.macs_done = macs_;
    s.outputs_written = outputs_;
    return s;
}

}  // namespace mlsys::sim::accel
