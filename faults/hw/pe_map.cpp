// PE-to-output assignment under each dataflow (see pe_map.hpp).
#include "faults/hw/pe_map.hpp"

namespace mlsys::faults {
namespace {
// Indices i in [0, extent) with i ≡ residue (mod period).
int64_t count_congruent(int64_t extent, int64_t period, int64_t residue) {
    return residue < extent ? (extent - 1 - residue) / period + 1 : 0;
}
}  // namespace

bool pe_touches_output(sim::accel::Dataflow df, int rows, int cols, int r, int c, const sim::accel::GemmDims& g,
                       int64_t m, int64_t n) {
    using sim::accel::Dataflow;
    switch (df) {
    case Dataflow::OutputStationary: return m % rows == r && n % cols == c && g.k > 0;
    case Dataflow::WeightStationary: return n % cols == c && r < g.k;
    case Dataflow::InputStationary: return m % cols == c && r < g.k;
    }
    return false;
}

std::vector<std::pair<int64_t, int64_t>> outputs_of_pe(sim::accel::Dataflow df, int rows, int cols, int r, int c,
                                                      const sim::accel::GemmDims& g) {
    std::vector<std::pair<int64_t, int64_t>> out;
    for (int64_t m = 0; m < g.m; ++m)
        for (int64_t n = 0; n < g.n; ++n)
            if (pe_touches_output(df, rows, cols, r, c, g, m, n)) out.emplace_back(m, n);
    return out;
}

int64_t macs_of_pe(sim::accel::Dataflow df, int rows, int cols, int r, int c, const sim::accel::GemmDims& g) {
    using sim::accel::Dataflow;
    switch (df) {
    case Dataflow::OutputStationary:
        return count_congruent(g.m, rows, r) * count_congruent(g.n, cols, c) * g.k;
    case Dataflow::WeightStationary:
        return count_congruent(g.k, rows, r) * count_congruent(g.n, cols, c) * g.m;
    case Dataflow::InputStationary:
        return count_congruent(g.k, rows, r) * count_congruent(g.m, cols, c) * g.n;
    }
    return 0;
}

}  // namespace mlsys::faults
