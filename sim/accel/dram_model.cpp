// Fold-by-fold DRAM model with double buffering: while fold f computes, each channel prefetches fold
// f+1's new tiles and writes back fold f-1's outputs; the array waits when a channel needs longer than a
// fold. Tile sizes per dataflow follow the operand mapping in systolic_model.hpp.
#include "sim/accel/dram_model.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::sim::accel {
namespace {

struct FoldWords {
    int64_t ifmap = 0;
    int64_t filter = 0;
    int64_t psum_read = 0;
    int64_t ofmap_write = 0;
};

struct Residency {
    bool ifmap_whole = false;   // the whole ifmap operand fits in its buffer: read once
    bool filter_whole = false;
    bool filter_tile = false;   // os: a column fold's filter tile stays for the inner loop
    bool psum_on_chip = false;  // ws/is: a column fold's partial sums stay in the ofmap buffer
};

Residency residency(const FoldPlan& p, const AccelConfig& c, int64_t ifmap_unique) {
    const GemmDims& g = p.gemm;
    Residency r;
    r.ifmap_whole = ifmap_unique <= c.ifmap_sram_words();
    r.filter_whole = g.k * g.n <= c.filter_sram_words();
    r.filter_tile = g.k * int64_t(p.array_cols) <= c.filter_sram_words() / 2;
    const int64_t psum_tile = p.dataflow == Dataflow::WeightStationary ? g.m * int64_t(p.array_cols)
                                                                        : int64_t(p.array_cols) * g.n;
    r.psum_on_chip = psum_tile <= c.ofmap_sram_words() / 2;
    return r;
}

FoldWords fold_words(const FoldPlan& p, const Residency& r, int64_t fc, int64_t fr) {
    const GemmDims& g = p.gemm;
    const int64_t ur = p.rows_used(fr), uc = p.cols_used(fc);
    const bool last_fr = fr == p.row_folds - 1;
    FoldWords w;
    switch (p.dataflow) {
    case Dataflow::OutputStationary:
        w.ifmap = (r.ifmap_whole && fc > 0) ? 0 : ur * g.k;
        w.filter = ((r.filter_whole || r.filter_tile) && fr > 0) ? 0 : g.k * uc;
        w.ofmap_write = ur * uc;
        break;
    case Dataflow::WeightStationary:
        w.filter = ur * uc;
        w.ifmap = (r.ifmap_whole && fc > 0) ? 0 : g.m * ur;
        if (r.psum_on_chip) {
            w.ofmap_write = last_fr ? g.m * uc : 0;
        } else {
            w.ofmap_write = g.m * uc;
            w.psum_read = fr > 0 ? g.m * uc : 0;
        }
        break;
    case Dataflow::InputStationary:
        w.ifmap = ur * uc;
        w.filter = (r.filter_whole && fc > 0) ? 0 : ur * g.n;
        if (r.psum_on_chip) {
            w.ofmap_write = last_fr ? uc * g.n : 0;
        } else {
            w.ofmap_write = uc * g.n;
            w.psum_read = fr > 0 ? uc * g.n : 0;
        }
        break;
    }
    return w;
}

}  // namespace

DramResult simulate_dram(const FoldPlan& p, const AccelConfig& c, int64_t ifmap_unique_words) {
    DramResult out;
    const int64_t matrix_words = p.gemm.m * p.gemm.k;
    const int64_t unique = ifmap_unique_words > 0 ? std::min(ifmap_unique_words, matrix_words) : matrix_words;
    // DRAM holds the raw input; a tile of the ifmap matrix costs its share of the distinct words.
    const double ifmap_share = double(unique) / double(matrix_words);
    const Residency res = residency(p, c, unique);
    const bool user = c.bandwidth_mode == BandwidthMode::User;
    const double bw = c.dram_words_per_cycle;
    auto cycles_for = [&](int64_t words) -> int64_t {
        if (!user || words <= 0) return 0;
        return int64_t(std::ceil(double(words) / bw));
    };
    const int64_t L = p.cycles_per_fold;
    const int64_t F = p.n_folds();
    auto words_of = [&](int64_t f) {
        FoldWords w = fold_words(p, res, f / p.row_folds, f % p.row_folds);
        if (unique < matrix_words) w.ifmap = int64_t(std::ceil(double(w.ifmap) * ifmap_share));
        return w;
    };

    FoldWords cur = words_of(0);
    FoldWords prev;  // fold f-1
    int64_t stalls = 0;
    int64_t ifmap_last = -1, filter_last = -1;
    int64_t ofmap_first = -1;
    const int64_t pre_ifmap = cycles_for(cur.ifmap), pre_filter = cycles_for(cur.filter);
    out.prefetch_cycles = std::max(pre_ifmap, pre_filter);
    out.ifmap_window.first_cycle = cur.ifmap > 0 ? -std::max<int64_t>(pre_ifmap, 1) : 0;
    out.filter_window.first_cycle = cur.filter > 0 ? -std::max<int64_t>(pre_filter, 1) : 0;
    for (int64_t f = 0; f < F; ++f) {
        out.traffic.ifmap_reads += cur.ifmap;
        out.traffic.filter_reads += cur.filter;
        out.traffic.ofmap_reads += cur.psum_read;
        out.traffic.ofmap_writes += cur.ofmap_write;
        const int64_t start = f * L + stalls;  // this fold's first cycle
        if (f > 0 && prev.ofmap_write > 0 && ofmap_first < 0) ofmap_first = start;
        if (f + 1 < F) {
            // During fold f: prefetch fold f+1, write back fold f-1.
            const FoldWords next = words_of(f + 1);
            const int64_t t_ifmap = cycles_for(next.ifmap);
            const int64_t t_filter = cycles_for(next.filter);
            const int64_t t_ofmap = cycles_for(next.psum_read + prev.ofmap_write);
            const int64_t need = std::max({t_ifmap, t_filter, t_ofmap});
            const int64_t stall = std::max<int64_t>(0, need - L);
            if (next.ifmap > 0) ifmap_last = start + L + stall - 1;
            if (next.filter > 0) filter_last = start + L + stall - 1;
            const double Ld = double(L);
            out.peak_ifmap_words_per_cycle = std::max(out.peak_ifmap_words_per_cycle, double(next.ifmap) / Ld);
            out.peak_filter_words_per_cycle = std::max(out.peak_filter_words_per_cycle, double(next.filter) / Ld);
            out.peak_ofmap_words_per_cycle =
                std::max(out.peak_ofmap_words_per_cycle, double(next.psum_read + prev.ofmap_write) / Ld);
            stalls += stall;
            prev = cur;
            cur = next;
        }
    }
    // After the last fold: the previous fold's write-back (if it overran) and the last fold's outputs.
    const int64_t end = F * L - 1 + stalls;
    const int64_t tail = cycles_for(cur.ofmap_write) + (F > 1 ? std::max<int64_t>(0, cycles_for(prev.ofmap_write) - L) : 0);
    out.drain_cycles = tail;
    out.peak_ofmap_words_per_cycle = std::max(out.peak_ofmap_words_per_cycle, double(cur.ofmap_write) / double(L));
    out.stall_cycles = user ? stalls : 0;
    out.ifmap_window.last_cycle = ifmap_last >= 0 ? ifmap_last : -1;
    out.filter_window.last_cycle = filter_last >= 0 ? filter_last : -1;
    out.ofmap_window.first_cycle = ofmap_first >= 0 ? ofmap_first : end + 1;
    out.ofmap_window.last_cycle = end + std::max<int64_t>(tail, 1);
    return out;
}

}  // namespace mlsys::sim::accel
