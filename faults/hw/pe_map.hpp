// Which outputs of a GEMM a processing element of a systolic array computes, under SCALE-Sim's operand
// mapping (sim/accel/systolic_model.hpp): os maps (M, N) onto (rows, cols) and keeps K in time, so PE (r, c)
// accumulates every output (m, n) with m ≡ r (mod R), n ≡ c (mod C); ws keeps W[k, n] in PE (k mod R,
// n mod C), so a PE adds a partial product to every output of its column n ≡ c when K > r; is keeps
// A[m, k] in PE (k mod R, m mod C), so it contributes to every output of the rows m ≡ c when K > r.
#pragma once

#include "sim/accel/accel_config.hpp"
#include "sim/accel/systolic_model.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace mlsys::faults {

// True when PE (r, c) of a rows x cols array computes or contributes to output (m, n) of GEMM g.
bool pe_touches_output(sim::accel::Dataflow df, int rows, int cols, int r, int c, const sim::accel::GemmDims& g,
                       int64_t m, int64_t n);

// Every output (m, n) PE (r, c) touches, row-major order.
std::vector<std::pair<int64_t, int64_t>> outputs_of_pe(sim::accel::Dataflow df, int rows, int cols, int r, int c,
                                                      const sim::accel::GemmDims& g);

// MACs PE (r, c) performs for the whole GEMM (what the cycle-level stepper counts in mac_counts).
int64_t macs_of_pe(sim::accel::Dataflow df, int rows, int cols, int r, int c, const sim::accel::GemmDims& g);

}  // namespace mlsys::faults
