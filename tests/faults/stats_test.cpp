// Campaign statistics against hand-computed values.
#include "faults/campaign/stats.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace mlsys::faults;

TEST_SUITE_BEGIN("faults.stats");

TEST_CASE("normal quantiles") {
    CHECK(z_for_confidence(0.95) == doctest::Approx(1.959964).epsilon(1e-6));
    CHECK(z_for_confidence(0.99) == doctest::Approx(2.575829).epsilon(1e-6));
    CHECK(z_for_confidence(0.90) == doctest::Approx(1.644854).epsilon(1e-6));
}

TEST_CASE("Wilson interval by hand") {
    // k = 5, n = 100, z = 1.959964: centre (5 + 1.920729)/103.841459 = 0.066647; half-width
    // 1.959964/103.841459 * sqrt(5*95/100 + 0.960365) = 0.018874 * 2.389637 = 0.045103.
    const Interval i = wilson_interval(5, 100);
    CHECK(i.lo == doctest::Approx(0.021544).epsilon(1e-4));
    CHECK(i.hi == doctest::Approx(0.111750).epsilon(1e-4));
    // Zero successes still give a non-zero upper bound: z²/(n + z²) = 3.841459/103.841459 = 0.036993.
    const Interval z = wilson_interval(0, 100);
    CHECK(z.lo == 0.0);
    CHECK(z.hi == doctest::Approx(0.036993).epsilon(1e-4));
    CHECK(wilson_interval(0, 0).hi == 1.0);
}

TEST_CASE("mean and its interval") {
    const std::vector<double> v = {0.8, 0.9, 1.0};
    const MeanCi m = mean_ci(v);
    CHECK(m.mean == doctest::Approx(0.9));
    CHECK(m.stddev == doctest::Approx(0.1));
    // half-width 1.959964 * 0.1 / sqrt 3 = 0.113159
    CHECK(m.ci.hi - m.mean == doctest::Approx(0.113159).epsilon(1e-4));
}

TEST_CASE("Leveugle sample size by hand") {
    // N = 3.2e6 bits, e = 1%, 95%, p = 0.5: n = 3.2e6 / (1 + 1e-4 * 3199999 / (3.841459 * 0.25))
    //   = 3.2e6 / (1 + 333.2072) = 9574.91 -> 9575.
    CHECK(leveugle_sample_size(3.2e6, 0.01) == 9575);
    // A tiny population needs (almost) all of it: N = 100, e = 5%: 100 / (1 + 0.0025*99/0.960365) = 79.51.
    CHECK(leveugle_sample_size(100, 0.05) == 80);
    // Infinite-population limit: t² p(1-p) / e² = 3.841459*0.25/1e-4 = 9603.6 -> 9604 for huge N.
    CHECK(leveugle_sample_size(1e15, 0.01) == 9604);
}

TEST_SUITE_END();

#include "faults/flips/word_faults.hpp"

TEST_CASE("site sampling hits each bit with the bit-error rate") {
    // 10000 words x 32 bits at 1e-3: 320 hits expected per draw; over 200 draws the mean is within
    // 4 standard errors (sqrt(320/200) = 1.26) of 320.
    mlsys::core::Rng rng(5);
    double sum = 0;
    for (int i = 0; i < 200; ++i) sum += double(mlsys::faults::sample_sites(rng, 10000, 32, {}, 1e-3, 0).size());
    CHECK(sum / 200 == doctest::Approx(320).epsilon(5.0 / 320));
    // Restricted to bits 23-30: every site is an exponent bit, at 8/32 of the rate.
    const std::vector<int> exp_bits = {23, 24, 25, 26, 27, 28, 29, 30};
    double n = 0;
    for (int i = 0; i < 200; ++i)
        for (const auto& s : mlsys::faults::sample_sites(rng, 10000, 32, exp_bits, 1e-3, 0)) {
            CHECK(s.bit >= 23);
            CHECK(s.bit <= 30);
            n += 1;
        }
    CHECK(n / 200 == doctest::Approx(80).epsilon(2.6 / 80));
}
