// Row-major single-precision GEMM kernels for the layers' forward products (Y = X·B + bias), with runtime
// dispatch to the widest vector unit the CPU has. The build targets x86-64-v3 (AVX2) by default, where
// Eigen's GEMM runs at ~47 GMAC/s on the project's EPYC; these kernels keep B unpacked (it stays in L2),
// hold a register block of Y in accumulators and reach ~55 GMAC/s with AVX2 and ~100 GMAC/s with AVX-512
// (selected at run time, so the binary still runs on CPUs without it). Eigen built for AVX-512 is slower
// than with AVX2 here (PLATFORM.md), which is why the engine does not simply raise -march.
#pragma once

#include <cstdint>

namespace mlsys::models::gemm {

// Which kernel set runs. Auto picks the best the CPU supports; the others exist for tests and benchmarks.
enum class Isa { Auto, Avx512, Avx2, None };

// Y[m x n] = X[m x k] · B[k x n] (+ bias[n] on every row when bias is not null), or Y += X · B when
// `accumulate` (bias ignored). Row-major with leading dimensions (elements between rows); Y must not
// overlap X or B. Returns false, touching nothing, when no vector kernel is available; the caller then
// uses Eigen. The summation order is fixed (k ascending per output), so results are deterministic for a
// given CPU and kernel set.
bool matmul(int64_t m, int64_t n, int64_t k, const float* x, int64_t ldx, const float* b, int64_t ldb,
            const float* bias, float* y, int64_t ldy, bool accumulate = false);

// Y[m x n] = Xᵀ · B (or Y += Xᵀ · B) where X is stored k x m (leading dimension ldx) and B is k x n: the
// weight gradient of a layer, colsᵀ·dY, without transposing either operand.
bool matmul_tn(int64_t m, int64_t n, int64_t k, const float* x, int64_t ldx, const float* b, int64_t ldb,
               float* y, int64_t ldy, bool accumulate = false);

// The kernel set matmul_bias uses now (never Auto).
Isa active_isa();
// Restricts the kernel set (tests compare every set with the naive loop); Auto restores the default.
// A request the CPU cannot run falls back to the next smaller set.
void set_isa(Isa isa);
const char* isa_name(Isa isa);

}  // namespace mlsys::models::gemm
