// Algorithm-based fault tolerance for matrix multiplies (Huang & Abraham, IEEE Trans. Computers 1984):
// C = A·W + bias is checked against a column checksum (1ᵀA)·W + M·bias and a row checksum A·(W·1) + Σbias.
// One corrupted output shows as exactly one bad row and one bad column; it is located there and corrected
// from the row checksum. More bad rows or columns are detected but not corrected. Pure arithmetic.
#pragma once

#include <cstdint>
#include <vector>

namespace mlsys::faults {

struct AbftReport {
    std::vector<int64_t> bad_rows;  // rows whose sum disagrees with the row checksum
    std::vector<int64_t> bad_cols;  // columns whose sum disagrees with the column checksum
    bool corrected = false;         // one bad row and one bad column: C[row, col] was put right
    int64_t row = -1, col = -1;     // the located element when corrected
    bool clean() const { return bad_rows.empty() && bad_cols.empty(); }
};

// Checks C (M x N, row-major) against A (M x K) and W (K x N); bias has N entries or is null. A row or
// column fails when |sum - checksum| > rel_tol × (Σ|terms| + 1) or the sum is not finite. With `correct`,
// a single located error is overwritten in C.
AbftReport abft_check(const float* a, const float* w, const float* bias, float* c, int64_t m, int64_t k, int64_t n,
                      bool correct = true, double rel_tol = 1e-4);

// Extra multiply-accumulates the checksums cost beyond the GEMM's M·K·N: K·N (W·1) + M·K (row checks) +
// M·K (1ᵀA) + K·N (column checks), plus M·N additions of C's sums, counted as MACs.
int64_t abft_extra_macs(int64_t m, int64_t k, int64_t n);

}  // namespace mlsys::faults
