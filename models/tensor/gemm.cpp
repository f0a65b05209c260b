// Register-blocked GEMM kernels behind models/tensor/gemm.hpp. Each kernel computes an R x (NV vectors)
// block of Y: accumulators start at the bias (or at Y), then for every k one (or two) vectors of B's row k
// are loaded and multiplied by X[r, k] broadcast, for each of the R rows. B is read unpacked with a fixed
// stride (hardware prefetchers follow it), so nothing has to be cached across calls when weights change.
// The kernels are compiled with target attributes and chosen at run time, so a build for x86-64-v3 (or
// portable x86-64) still uses AVX-512 where the CPU has it. `#pragma GCC unroll` on the row loops matters:
// without it GCC kept the accumulator array in memory and stored it every iteration (2x slower).
#include "models/tensor/gemm.hpp"

#include <algorithm>
#include <atomic>
#include <utility>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MLSYS_GEMM_X86 1
#include <immintrin.h>
#endif

namespace mlsys::models::gemm {

#ifdef MLSYS_GEMM_X86
namespace {

// ---- AVX-512: 16 floats a vector, panels of 32 columns (2 vectors) or 16, up to 12 rows at once ----

// FULL: every vector of the panel is whole (no masks). One k loop per instantiation and unrolled row
// loops: with two loops sharing the accumulators, or rolled ones, GCC kept them in memory.
template <int R, int NV, bool FULL>
[[gnu::target("avx512f,fma")]] void block512(int64_t k, const float* x, int64_t xr, int64_t xp,
                                             const float* b, int64_t ldb, const float* bias, bool accumulate,
                                             float* y, int64_t ldy, __mmask16 last) {
    const __mmask16 first = NV == 2 || FULL ? __mmask16(0xFFFF) : last;  // mask of a row's first vector
    __m512 acc[R][NV];
    const __m512 b0 = bias ? _mm512_maskz_loadu_ps(first, bias) : _mm512_setzero_ps();
    const __m512 b1 = NV == 2 && bias ? _mm512_maskz_loadu_ps(last, bias + 16) : _mm512_setzero_ps();
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
        if (accumulate) {
            acc[r][0] = _mm512_maskz_loadu_ps(first, y + r * ldy);
            if constexpr (NV == 2) acc[r][1] = _mm512_maskz_loadu_ps(last, y + r * ldy + 16);
        } else {
            acc[r][0] = b0;
            if constexpr (NV == 2) acc[r][1] = b1;
        }
    }
    for (int64_t p = 0; p < k; ++p) {
        const float* bp = b + p * ldb;
        const __m512 w0 = NV == 2 || FULL ? _mm512_loadu_ps(bp) : _mm512_maskz_loadu_ps(last, bp);
        __m512 w1 = w0;
        if constexpr (NV == 2) w1 = FULL ? _mm512_loadu_ps(bp + 16) : _mm512_maskz_loadu_ps(last, bp + 16);
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            const __m512 a = _mm512_set1_ps(x[r * xr + p * xp]);
            acc[r][0] = _mm512_fmadd_ps(a, w0, acc[r][0]);
            if constexpr (NV == 2) acc[r][1] = _mm512_fmadd_ps(a, w1, acc[r][1]);
        }
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
        float* yr = y + r * ldy;
        if constexpr (NV == 2) {
            _mm512_storeu_ps(yr, acc[r][0]);
            _mm512_mask_storeu_ps(yr + 16, last, acc[r][1]);
        } else {
            _mm512_mask_storeu_ps(yr, last, acc[r][0]);
        }
    }
}

// Calls block512<rows, NV, FULL> for the one Rs + 1 equal to `rows` (1 <= rows < RMAX).
template <int NV, bool FULL, int... Rs>
[[gnu::target("avx512f,fma")]] void tail512(std::integer_sequence<int, Rs...>, int64_t rows, int64_t k,
                                            const float* x, int64_t xr, int64_t xp, const float* b,
                                            int64_t ldb, const float* bias, bool accumulate, float* y,
                                            int64_t ldy, __mmask16 last) {
    ((rows == Rs + 1 ? block512<Rs + 1, NV, FULL>(k, x, xr, xp, b, ldb, bias, accumulate, y, ldy, last)
                     : void()),
     ...);
}

template <int NV, int RMAX, bool FULL>
[[gnu::target("avx512f,fma")]] void panel512(int64_t m, int64_t k, const float* x, int64_t xr, int64_t xp,
                                             const float* b, int64_t ldb, const float* bias, bool accumulate,
                                             float* y, int64_t ldy, __mmask16 last) {
    int64_t i = 0;
    for (; i + RMAX <= m; i += RMAX)
        block512<RMAX, NV, FULL>(k, x + i * xr, xr, xp, b, ldb, bias, accumulate, y + i * ldy, ldy, last);
    // The rows left over: one block of exactly that many rows.
    tail512<NV, FULL>(std::make_integer_sequence<int, RMAX - 1>{}, m - i, k, x + i * xr, xr, xp, b, ldb, bias,
                      accumulate, y + i * ldy, ldy, last);
}

[[gnu::target("avx512f,fma")]] void matmul512(int64_t m, int64_t n, int64_t k, const float* x, int64_t xr,
                                              int64_t xp, const float* b, int64_t ldb, const float* bias,
                                              bool accumulate, float* y, int64_t ldy) {
    for (int64_t j = 0; j < n; j += 32) {
        const int64_t cols = std::min<int64_t>(32, n - j);
        const int64_t rem = cols > 16 ? cols - 16 : cols;
        const __mmask16 last = rem == 16 ? __mmask16(0xFFFF) : __mmask16((1u << rem) - 1);
        const float* bj = bias ? bias + j : nullptr;
        if (cols == 32)
            panel512<2, 8, true>(m, k, x, xr, xp, b + j, ldb, bj, accumulate, y + j, ldy, last);
        else if (cols > 16)
            panel512<2, 8, false>(m, k, x, xr, xp, b + j, ldb, bj, accumulate, y + j, ldy, last);
        else if (cols == 16)
            panel512<1, 12, true>(m, k, x, xr, xp, b + j, ldb, bj, accumulate, y + j, ldy, last);
        else
            panel512<1, 12, false>(m, k, x, xr, xp, b + j, ldb, bj, accumulate, y + j, ldy, last);
    }
}

// ---- AVX2 + FMA: 8 floats a vector, panels of 16 columns (2 vectors) or 8, up to 6 or 12 rows ----

[[gnu::target("avx2,fma")]] inline __m256i mask256(int64_t valid) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(valid)), lanes);
}

// FULL: every vector of the panel is whole (no masked loads or stores). One k loop per instantiation:
// with two loops sharing the accumulators GCC kept them in memory.
template <int R, int NV, bool FULL>
[[gnu::target("avx2,fma")]] void block256(int64_t k, const float* x, int64_t xr, int64_t xp, const float* b,
                                          int64_t ldb, const float* bias, bool accumulate, float* y,
                                          int64_t ldy, __m256i lm) {
    __m256 acc[R][NV];
    __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
    if (bias) {
        b0 = NV == 2 || FULL ? _mm256_loadu_ps(bias) : _mm256_maskload_ps(bias, lm);
        if constexpr (NV == 2) b1 = FULL ? _mm256_loadu_ps(bias + 8) : _mm256_maskload_ps(bias + 8, lm);
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
        if (accumulate) {
            const float* yr = y + r * ldy;
            acc[r][0] = NV == 2 || FULL ? _mm256_loadu_ps(yr) : _mm256_maskload_ps(yr, lm);
            if constexpr (NV == 2)
                acc[r][1] = FULL ? _mm256_loadu_ps(yr + 8) : _mm256_maskload_ps(yr + 8, lm);
        } else {
            acc[r][0] = b0;
            if constexpr (NV == 2) acc[r][1] = b1;
        }
    }
    for (int64_t p = 0; p < k; ++p) {
        const float* bp = b + p * ldb;
        const __m256 w0 = NV == 2 || FULL ? _mm256_loadu_ps(bp) : _mm256_maskload_ps(bp, lm);
        __m256 w1 = w0;
        if constexpr (NV == 2) w1 = FULL ? _mm256_loadu_ps(bp + 8) : _mm256_maskload_ps(bp + 8, lm);
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            const __m256 a = _mm256_broadcast_ss(x + r * xr + p * xp);
            acc[r][0] = _mm256_fmadd_ps(a, w0, acc[r][0]);
            if constexpr (NV == 2) acc[r][1] = _mm256_fmadd_ps(a, w1, acc[r][1]);
        }
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
        float* yr = y + r * ldy;
        if constexpr (NV == 2) {
            _mm256_storeu_ps(yr, acc[r][0]);
            if constexpr (FULL)
                _mm256_storeu_ps(yr + 8, acc[r][1]);
            else
                _mm256_maskstore_ps(yr + 8, lm, acc[r][1]);
        } else {
            if constexpr (FULL)
                _mm256_storeu_ps(yr, acc[r][0]);
            else
                _mm256_maskstore_ps(yr, lm, acc[r][0]);
        }
    }
}

template <int NV, bool FULL, int... Rs>
[[gnu::target("avx2,fma")]] void
tail256(std::integer_sequence<int, Rs...>, int64_t rows, int64_t k, const float* x, int64_t xr, int64_t xp,
        const float* b, int64_t ldb, const float* bias, bool accumulate, float* y, int64_t ldy, __m256i lm) {
    ((rows == Rs + 1 ? block256<Rs + 1, NV, FULL>(k, x, xr, xp, b, ldb, bias, accumulate, y, ldy, lm)
                     : void()),
     ...);
}

template <int NV, int RMAX, bool FULL>
[[gnu::target("avx2,fma")]] void panel256(int64_t m, int64_t k, const float* x, int64_t xr, int64_t xp,
                                          const float* b, int64_t ldb, const float* bias, bool accumulate,
                                          float* y, int64_t ldy, __m256i lm) {
    int64_t i = 0;
    for (; i + RMAX <= m; i += RMAX)
        block256<RMAX, NV, FULL>(k, x + i * xr, xr, xp, b, ldb, bias, accumulate, y + i * ldy, ldy, lm);
    tail256<NV, FULL>(std::make_integer_sequence<int, RMAX - 1>{}, m - i, k, x + i * xr, xr, xp, b, ldb, bias,
                      accumulate, y + i * ldy, ldy, lm);
}

[[gnu::target("avx2,fma")]] void matmul256(int64_t m, int64_t n, int64_t k, const float* x, int64_t xr,
                                           int64_t xp, const float* b, int64_t ldb, const float* bias,
                                           bool accumulate, float* y, int64_t ldy) {
    for (int64_t j = 0; j < n; j += 16) {
        const int64_t cols = std::min<int64_t>(16, n - j);
        const int64_t last_valid = cols > 8 ? cols - 8 : cols;
        const __m256i lm = mask256(last_valid);
        const float* bj = bias ? bias + j : nullptr;
        if (cols == 16)
            panel256<2, 6, true>(m, k, x, xr, xp, b + j, ldb, bj, accumulate, y + j, ldy, lm);
        else if (cols > 8)
            panel256<2, 6, false>(m, k, x, xr, xp, b + j, ldb, bj, accumulate, y + j, ldy, lm);
        else if (cols == 8)
            panel256<1, 12, true>(m, k, x, xr, xp, b + j, ldb, bj, accumulate, y + j, ldy, lm);
        else
            panel256<1, 12, false>(m, k, x, xr, xp, b + j, ldb, bj, accumulate, y + j, ldy, lm);
    }
}

Isa detect() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma")) return Isa::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
    return Isa::None;
}

}  // namespace
#else
namespace {
Isa detect() { return Isa::None; }
}  // namespace
#endif

namespace {
const Isa kBest = detect();
std::atomic<Isa> g_isa{kBest};
}  // namespace

Isa active_isa() { return g_isa.load(std::memory_order_relaxed); }

void set_isa(Isa isa) {
    if (isa == Isa::Auto || isa == Isa::Avx512) isa = kBest;
    if (isa == Isa::Avx2 && kBest == Isa::None) isa = Isa::None;
    g_isa.store(isa, std::memory_order_relaxed);
}

const char* isa_name(Isa isa) {
    switch (isa) {
    case Isa::Auto: return "auto";
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    case Isa::None: return "none";
    }
    return "?";
}

namespace {
// Y = X·B with X[r, p] at x[r * xr + p * xp] (X itself: xr = ldx, xp = 1; Xᵀ of a k x m matrix: xr = 1,
// xp = ldx).
bool dispatch(int64_t m, int64_t n, int64_t k, const float* x, int64_t xr, int64_t xp, const float* b,
              int64_t ldb, const float* bias, float* y, int64_t ldy, bool accumulate) {
    if (m <= 0 || n <= 0) return true;
#ifdef MLSYS_GEMM_X86
    switch (active_isa()) {
    case Isa::Avx512: matmul512(m, n, k, x, xr, xp, b, ldb, bias, accumulate, y, ldy); return true;
    case Isa::Avx2: matmul256(m, n, k, x, xr, xp, b, ldb, bias, accumulate, y, ldy); return true;
    default: break;
    }
#else
    (void)k, (void)x, (void)xr, (void)xp, (void)b, (void)ldb, (void)bias, (void)y, (void)ldy,
        (void)accumulate;
#endif
    return false;
}
}  // namespace

bool matmul(int64_t m, int64_t n, int64_t k, const float* x, int64_t ldx, const float* b, int64_t ldb,
            const float* bias, float* y, int64_t ldy, bool accumulate) {
    return dispatch(m, n, k, x, ldx, 1, b, ldb, bias, y, ldy, accumulate);
}

bool matmul_tn(int64_t m, int64_t n, int64_t k, const float* x, int64_t ldx, const float* b, int64_t ldb,
               float* y, int64_t ldy, bool accumulate) {
    return dispatch(m, n, k, x, 1, ldx, b, ldb, nullptr, y, ldy, accumulate);
}

}  // namespace mlsys::models::gemm
