// Protection overheads (see protection_cost.hpp). Cycle counts come from sim/accel's fold plans, so TMR's
// threefold compute and ABFT's extra checksum row and column are priced on the same array as the layer.
#include "faults/protect/protection_cost.hpp"

#include "faults/protect/abft.hpp"
#include "sim/accel/systolic_model.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace mlsys::faults {
namespace {
int64_t gemm_cycles(const FaultSpec& s, int64_t m, int64_t n, int64_t k) {
    if (m < 1 || n < 1 || k < 1) return 0;
    return sim::accel::plan_folds(s.array_rows, s.array_cols, s.dataflow, {m, n, k}).total_rows();
}
bool covered(const FaultSpec& s, size_t layer) {
    return s.protected_layers.empty() ||
           std::find(s.protected_layers.begin(), s.protected_layers.end(), int(layer)) != s.protected_layers.end();
}
}  // namespace

nlohmann::json to_json(const ProtectionCost& c) {
    return {{"protection", to_string(c.protection)}, {"extra_memory_bytes", c.extra_memory_bytes},
            {"memory_overhead", c.memory_overhead},  {"extra_macs", c.extra_macs},
            {"compute_overhead", c.compute_overhead}, {"base_cycles", c.base_cycles},
            {"extra_cycles", c.extra_cycles},        {"latency_overhead", c.latency_overhead},
            {"what", c.what}};
}

ProtectionCost protection_cost(const models::Workload& w, const FaultSpec& spec, Protection p) {
    ProtectionCost c;
    c.protection = p;
    const int word_bytes = spec.precision == Precision::Fp32 ? 4 : 1;
    const int wbits = 8 * word_bytes;
    int64_t weight_bytes = 0, macs = 0;
    for (size_t l = 0; l < w.layers.size(); ++l) {
        const auto& L = w.layers[l];
        weight_bytes += L.n_params() * word_bytes;
        macs += L.macs;
        if (models::is_matrix_op(L.op)) c.base_cycles += gemm_cycles(spec, L.gemm_m, L.gemm_n, L.gemm_k) * L.n_gemms;
    }
    switch (p) {
    case Protection::None: c.what = "no protection"; break;
    case Protection::Parity:
        c.extra_memory_bytes = (weight_bytes * 8 / wbits + 7) / 8;  // one bit per word
        c.what = "one parity bit per weight word: detects odd numbers of flips, zeroes the word";
        break;
    case Protection::Ecc:
        c.extra_memory_bytes = weight_bytes / 8;  // 8 check bits per 64 data bits
        c.what = "SEC-DED (72,64) on weight memory: corrects 1 flip, detects 2 per 64-bit word";
        break;
    case Protection::Range:
        for (const auto& L : w.layers) {
            c.extra_macs += 2 * L.output_elems();  // a compare against each bound (vector unit, not the array)
            c.extra_memory_bytes += 8;             // the profiled min and max
        }
        c.what = "clamps every layer's outputs to the range profiled on clean data (Ranger)";
        break;
    case Protection::Tmr:
        for (size_t l = 0; l < w.layers.size(); ++l) {
            const auto& L = w.layers[l];
            if (!covered(spec, l)) continue;
            c.extra_memory_bytes += 2 * L.n_params() * word_bytes;
            c.extra_macs += 2 * L.macs;
            if (models::is_matrix_op(L.op))
                c.extra_cycles += 2 * gemm_cycles(spec, L.gemm_m, L.gemm_n, L.gemm_k) * L.n_gemms;
        }
        c.what = "three copies of each covered layer (weights and compute), bitwise 2-of-3 vote";
        break;
    case Protection::Abft:
        for (size_t l = 0; l < w.layers.size(); ++l) {
            const auto& L = w.layers[l];
            if (!covered(spec, l) || (L.op != models::OpKind::Dense && L.op != models::OpKind::Conv2D)) continue;
            c.extra_memory_bytes += (L.gemm_k + L.gemm_n) * 4;  // checksum vectors W·1 and 1ᵀA
            c.extra_macs += abft_extra_macs(L.gemm_m, L.gemm_k, L.gemm_n);
            // The checksum row and column ride along as one more GEMM row and column on the array.
            c.extra_cycles += gemm_cycles(spec, L.gemm_m + 1, L.gemm_n + 1, L.gemm_k) -
                              gemm_cycles(spec, L.gemm_m, L.gemm_n, L.gemm_k);
        }
        c.what = "row and column checksums on each dense/conv GEMM (Huang & Abraham 1984): corrects 1, detects more";
        break;
    }
    c.memory_overhead = weight_bytes ? double(c.extra_memory_bytes) / double(weight_bytes) : 0.0;
    c.compute_overhead = macs ? double(c.extra_macs) / double(macs) : 0.0;
    c.latency_overhead = c.base_cycles ? double(c.extra_cycles) / double(c.base_cycles) : 0.0;
    return c;
}

std::vector<ProtectionCost> protection_costs(const models::Workload& w, const FaultSpec& spec) {
    std::vector<ProtectionCost> out;
    for (Protection p : {Protection::None, Protection::Parity, Protection::Ecc, Protection::Range, Protection::Tmr,
                         Protection::Abft})
        out.push_back(protection_cost(w, spec, p));
    return out;
}

}  // namespace mlsys::faults
