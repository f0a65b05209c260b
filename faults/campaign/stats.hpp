// Statistics of fault-injection campaigns: confidence intervals for rates (Wilson score), for means of
// trial outcomes (normal approximation), and the number of injections that statistical fault injection
// needs for a chosen error margin and confidence (Leveugle et al., DATE 2009, eq. 1). Pure arithmetic.
#pragma once

#include <cstdint>
#include <span>

namespace mlsys::faults {

struct Interval {
    double lo = 0;
    double hi = 0;
};

// Two-sided standard-normal quantile for a confidence level in (0, 1): 0.95 -> 1.959964.
double z_for_confidence(double confidence);

// Wilson score interval for k successes in n trials (n > 0): centre (k + z²/2)/(n + z²), half-width
// z/(n + z²) * sqrt(k(n-k)/n + z²/4). Better behaved than p ± z·sqrt(p(1-p)/n) near 0 and 1, where fault
// rates live. n == 0 gives [0, 1].
Interval wilson_interval(int64_t k, int64_t n, double confidence = 0.95);

// Mean of per-trial values and its interval mean ± z·s/sqrt(n) (s the sample standard deviation).
struct MeanCi {
    double mean = 0;
    double stddev = 0;
    Interval ci;
    int64_t n = 0;
};
MeanCi mean_ci(std::span<const double> values, double confidence = 0.95);

// Leveugle et al. 2009: n = N / (1 + e²(N - 1) / (t² p(1 - p))) injections estimate a failure proportion
// over a population of N fault sites within margin e at the confidence whose quantile is t; p = 0.5 is
// the worst case. Rounded up; never more than N.
int64_t leveugle_sample_size(double population, double margin, double confidence = 0.95, double p = 0.5);

}  // namespace mlsys::faults
