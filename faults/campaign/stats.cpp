// Campaign statistics (see stats.hpp).
#include "faults/campaign/stats.hpp"

#include "models/core/check.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::faults {

double z_for_confidence(double confidence) {
    MLSYS_CHECK(confidence > 0 && confidence < 1);
    // Solve erf(z / sqrt 2) = confidence by Newton's method from a good start (monotone, converges fast).
    const double target = confidence;
    double z = 2.0;
    for (int i = 0; i < 60; ++i) {
        const double f = std::erf(z / std::sqrt(2.0)) - target;
        const double df = std::sqrt(2.0 / 3.14159265358979323846) * std::exp(-z * z / 2);
        const double step = f / df;
        z -= step;
        if (z <= 0) z = 1e-6;
        if (std::fabs(step) < 1e-14) break;
    }
    return z;
}

Interval wilson_interval(int64_t k, int64_t n, double confidence) {
    if (n <= 0) return {0.0, 1.0};
    const double z = z_for_confidence(confidence);
    const double nn = static_cast<double>(n), kk = static_cast<double>(k);
    const double denom = nn + z * z;
    const double centre = (kk + z * z / 2) / denom;
    const double half = z / denom * std::sqrt(kk * (nn - kk) / nn + z * z / 4);
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

MeanCi mean_ci(std::span<const double> values, double confidence) {
    MeanCi r;
    r.n = static_cast<int64_t>(values.size());
    if (values.empty()) return r;
    double sum = 0;
    for (double v : values) sum += v;
    r.mean = sum / double(r.n);
    double ss = 0;
    for (double v : values) ss += (v - r.mean) * (v - r.mean);
    r.stddev = r.n > 1 ? std::sqrt(ss / double(r.n - 1)) : 0.0;
    const double half = z_for_confidence(confidence) * r.stddev / std::sqrt(double(r.n));
    r.ci = {r.mean - half, r.mean + half};
    return r;
}

int64_t leveugle_sample_size(double population, double margin, double confidence, double p) {
    MLSYS_CHECK(population >= 1 && margin > 0 && p > 0 && p < 1);
    const double t = z_for_confidence(confidence);
    const double n = population / (1 + margin * margin * (population - 1) / (t * t * p * (1 - p)));
    return std::min(static_cast<int64_t>(std::ceil(n - 1e-9)), static_cast<int64_t>(std::ceil(population)));
}

}  // namespace mlsys::faults
