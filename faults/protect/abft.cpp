// ABFT checksums for C = A·W + bias (see abft.hpp). Sums in double so rounding stays far below tolerance.
#include "faults/protect/abft.hpp"

#include <cmath>

namespace mlsys::faults {

AbftReport abft_check(const float* a, const float* w, const float* bias, float* c, int64_t m, int64_t k, int64_t n,
                      bool correct, double rel_tol) {
    AbftReport rep;
    std::vector<double> wsum(size_t(k), 0.0), wabs(size_t(k), 0.0);
    for (int64_t i = 0; i < k; ++i)
        for (int64_t j = 0; j < n; ++j) {
            wsum[size_t(i)] += w[i * n + j];
            wabs[size_t(i)] += std::fabs(w[i * n + j]);
        }
    double bsum = 0, babs = 0;
    if (bias)
        for (int64_t j = 0; j < n; ++j) {
            bsum += bias[j];
            babs += std::fabs(bias[j]);
        }
    std::vector<double> row_expect(static_cast<size_t>(m));
    std::vector<double> asum(size_t(k), 0.0), aabs(size_t(k), 0.0);
    for (int64_t r = 0; r < m; ++r) {
        double e = bsum, mag = babs, got = 0;
        const float* ar = a + r * k;
        for (int64_t i = 0; i < k; ++i) {
            e += double(ar[i]) * wsum[size_t(i)];
            mag += std::fabs(double(ar[i])) * wabs[size_t(i)];
            asum[size_t(i)] += ar[i];
            aabs[size_t(i)] += std::fabs(ar[i]);
        }
        for (int64_t j = 0; j < n; ++j) got += c[r * n + j];
        row_expect[size_t(r)] = e;
        if (!(std::fabs(got - e) <= rel_tol * (mag + 1))) rep.bad_rows.push_back(r);
    }
    for (int64_t j = 0; j < n; ++j) {
        double e = bias ? double(m) * bias[j] : 0.0, mag = bias ? double(m) * std::fabs(bias[j]) : 0.0, got = 0;
        for (int64_t i = 0; i < k; ++i) {
            e += asum[size_t(i)] * w[i * n + j];
            mag += aabs[size_t(i)] * std::fabs(w[i * n + j]);
        }
        for (int64_t r = 0; r < m; ++r) got += c[r * n + j];
        if (!(std::fabs(got - e) <= rel_tol * (mag + 1))) rep.bad_cols.push_back(j);
    }
    if (correct && rep.bad_rows.size() == 1 && rep.bad_cols.size() == 1) {
        rep.row = rep.bad_rows[0];
        rep.col = rep.bad_cols[0];
        double others = 0;
        for (int64_t j = 0; j < n; ++j)
            if (j != rep.col) others += c[rep.row * n + j];
        c[rep.row * n + rep.col] = static_cast<float>(row_expect[size_t(rep.row)] - others);
        rep.corrected = true;
    }
    return rep;
}

int64_t abft_extra_macs(int64_t m, int64_t k, int64_t n) { return 2 * k * n + 2 * m * k + m * n; }

}  // namespace mlsys::faults
