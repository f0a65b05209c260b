// Spectral features and K-means against known answers: a sine of amplitude A at a bin frequency puts A^2/2
// in that bin (rectangular window) or across its three neighbours (Hann); RMS of known signals; Parseval;
// the textbook's feature counts; K-means on hand-made clusters with known centroids, radii and scores.
#include "models/features/kmeans.hpp"
#include "models/features/spectral.hpp"

#include "models/core/rng.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

using namespace mlsys;
using namespace mlsys::models::features;

TEST_SUITE_BEGIN("models.features");

namespace {
std::vector<double> sine(int n, double amplitude, double cycles_per_sample, double phase = 0.3) {
    std::vector<double> x(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) x[static_cast<size_t>(i)] = amplitude * std::sin(2 * std::numbers::pi * cycles_per_sample * i + phase);
    return x;
}
}  // namespace

TEST_CASE("RMS of known signals") {
    CHECK(rms(std::vector<double>{3, -3, 3, -3}) == doctest::Approx(3.0));
    CHECK(rms(std::vector<double>{1, 2, 3, 4}) == doctest::Approx(std::sqrt(7.5)));  // (1+4+9+16)/4
    // A sine over whole periods: A / sqrt(2).
    CHECK(rms(sine(64, 2.0, 4.0 / 64)) == doctest::Approx(2.0 / std::sqrt(2.0)).epsilon(1e-12));
    CHECK(rms(std::vector<double>{}) == 0.0);
    CHECK(skewness(std::vector<double>{1, 1, 1}) == 0.0);
    CHECK(kurtosis(std::vector<double>{-1, 1, -1, 1}) == doctest::Approx(1.0));  // m4 / m2^2 = 1 / 1
    CHECK(skewness(std::vector<double>{0, 0, 0, 4}) == doctest::Approx(1.1547005).epsilon(1e-6));  // m2 = 3, m3 = 6: 6 / 3^1.5
}

TEST_CASE("a bin-centred sine puts A squared over 2 in its bin") {
    const int n = 16;
    for (int k : {1, 3, 7}) {
        CAPTURE(k);
        const auto x = sine(n, 1.5, static_cast<double>(k) / n);
        const auto p = frame_power(x, false);
        REQUIRE(p.size() == 9);
        for (int j = 0; j <= n / 2; ++j) {
            CAPTURE(j);
            CHECK(p[static_cast<size_t>(j)] == doctest::Approx(j == k ? 1.5 * 1.5 / 2 : 0.0).epsilon(1e-9));
        }
        // Hann: the peak stays at k with A^2/3; away from DC and Nyquist (whose bins also collect the mirrored
        // negative frequency) the three bins k-1..k+1 hold A^2/2 (A^2/3 + 2 x A^2/12).
        const auto h = frame_power(x, true);
        CHECK(h[static_cast<size_t>(k)] == doctest::Approx(1.5 * 1.5 / 3).epsilon(1e-9));
        if (k >= 2 && k <= n / 2 - 2) {
            CHECK(h[static_cast<size_t>(k - 1)] == doctest::Approx(1.5 * 1.5 / 12).epsilon(1e-9));
            CHECK(h[static_cast<size_t>(k - 1)] + h[static_cast<size_t>(k)] + h[static_cast<size_t>(k + 1)] ==
                  doctest::Approx(1.5 * 1.5 / 2).epsilon(1e-9));
        }
    }
    // The Nyquist bin: +A, -A, ... has mean square A^2, all of it in P[n/2].
    std::vector<double> alt(16);
    for (size_t i = 0; i < alt.size(); ++i) alt[i] = i % 2 ? -0.5 : 0.5;
    CHECK(frame_power(alt, false)[8] == doctest::Approx(0.25));
}

TEST_CASE("Parseval holds for the rectangular window") {
    core::Rng rng(4);
    std::vector<double> x(32);
    for (auto& v : x) v = rng.normal();
    const auto p = frame_power(x, false);
    double sum = 0, ms = 0;
    for (double v : p) sum += v;
    for (double v : x) ms += v * v / 32;
    CHECK(sum == doctest::Approx(ms).epsilon(1e-12));
}

TEST_CASE("Welch averages frames of the FFT length with half overlap") {
    // 100 samples of a 12.5 Hz sine at 50 Hz with FFT 16: bin 4 (4 x 50 / 16 = 12.5 Hz), 11 frames.
    const auto x = sine(100, 0.2, 12.5 / 50);
    const auto p = welch_power(x, 16, false);
    REQUIRE(p.size() == 9);
    CHECK(p[4] == doctest::Approx(0.02).epsilon(1e-9));  // A^2/2 = 0.04/2
    CHECK(bin_hz(4, 16, 50) == doctest::Approx(12.5));
    // A signal shorter than the FFT length is zero-padded into one frame.
    CHECK(welch_power(std::vector<double>{1, -1}, 8, false).size() == 5);
}

TEST_CASE("features of a window: counts and names as the textbook's block") {
    SpectralConfig c;
    c.fft_length = 32;
    c.skew_kurtosis = true;
    CHECK(features_per_axis(c) == 19);  // RMS, skew, kurtosis + 16 spectral powers (the book adds 2 spectral stats: 21)
    c.fft_length = 16;
    c.skew_kurtosis = false;
    CHECK(features_per_axis(c) == 9);
    const auto names = feature_names({"ax", "ay", "az"}, c);
    REQUIRE(names.size() == 27);
    CHECK(names[0] == "ax_rms");
    CHECK(names[1] == "ax_p1");
    CHECK(names[8] == "ax_p8");
    CHECK(names[9] == "ay_rms");

    // The mean (gravity) is removed: an axis at 1 g plus a sine has the sine's RMS.
    c.log_power = false;
    c.hann = false;
    std::vector<std::vector<double>> w(3);
    w[0] = sine(96, 0.4, 2.0 / 16, 0.0);  // bin 2
    w[1].assign(96, 0.0);
    w[2] = sine(96, 0.4, 2.0 / 16, 0.0);
    for (auto& v : w[2]) v += 1.0;
    auto f = spectral_features(w, c);
    REQUIRE(f.ok());
    REQUIRE(f->size() == 27);
    CHECK((*f)[0] == doctest::Approx(0.4 / std::sqrt(2.0)).epsilon(1e-5));
    CHECK((*f)[2] == doctest::Approx(0.08).epsilon(1e-5));  // ax_p2 = 0.16 / 2
    CHECK((*f)[9] == 0.0f);
    CHECK((*f)[18] == doctest::Approx((*f)[0]).epsilon(1e-5));
    CHECK((*f)[20] == doctest::Approx(0.08).epsilon(1e-5));
    c.log_power = true;
    f = spectral_features(w, c);
    REQUIRE(f.ok());
    CHECK((*f)[2] == doctest::Approx(std::log10(0.08)).epsilon(1e-5));
    CHECK((*f)[10] == doctest::Approx(-10.0));  // log10(0 + 1e-10)

    w[1].pop_back();
    auto bad = spectral_features(w, c);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().find("axis 1 has 95 samples") != std::string::npos);
    c.fft_length = 15;
    CHECK(spectral_features(w, c).error().find("fft_length") != std::string::npos);
}

TEST_CASE("feature scaler standardises each column") {
    auto s = fit_scaler({{1, 10}, {3, 10}});
    REQUIRE(s.ok());
    CHECK(s->mean[0] == 2.0);
    CHECK(s->std[0] == 1.0);
    CHECK(s->std[1] == 1.0);  // no spread: kept at 1
    const auto y = s->apply({5, 12});
    CHECK(y[0] == 3.0f);
    CHECK(y[1] == 2.0f);
    CHECK_FALSE(fit_scaler({}).ok());
    CHECK(fit_scaler({{1, 2}, {1}}).error().find("row 1") != std::string::npos);
}

TEST_CASE("k-means finds hand-made clusters and scores distance minus radius") {
    // Four corners of a square around (1,1) and four around (10,10): centroids exact, radius sqrt(2).
    std::vector<std::vector<double>> pts = {{0, 0}, {0, 2}, {2, 0}, {2, 2}, {9, 9}, {9, 11}, {11, 9}, {11, 11}};
    for (uint64_t seed : {1u, 2u, 3u, 7u}) {
        CAPTURE(seed);
        auto m = fit_kmeans(pts, 2, seed);
        REQUIRE(m.ok());
        REQUIRE(m->k() == 2);
        double d = 0;
        const int a = nearest_centroid(*m, {1, 1}, &d);
        CHECK(d == doctest::Approx(0.0));
        const int b = nearest_centroid(*m, {10, 10}, &d);
        CHECK(d == doctest::Approx(0.0));
        CHECK(a != b);
        CHECK(m->radius[static_cast<size_t>(a)] == doctest::Approx(std::sqrt(2.0)));
        CHECK(m->sizes[static_cast<size_t>(a)] == 4);
        CHECK(m->inertia == doctest::Approx(16.0));  // 8 points at distance sqrt(2)
        // (5,5) is 4 sqrt(2) from (1,1): score 4 sqrt(2) - sqrt(2) = 3 sqrt(2).
        CHECK(anomaly_score(*m, {5, 5}) == doctest::Approx(3 * std::sqrt(2.0)));
        // Every training point scores <= 0; a centroid scores -radius.
        for (const auto& p : pts) CHECK(anomaly_score(*m, p) <= 1e-12);
        CHECK(anomaly_score(*m, {1, 1}) == doctest::Approx(-std::sqrt(2.0)));
    }
    // The same seed gives the same model.
    auto m1 = fit_kmeans(pts, 3, 5), m2 = fit_kmeans(pts, 3, 5);
    REQUIRE(m1.ok());
    CHECK(m1->centroids == m2->centroids);
}

TEST_CASE("k-means refuses bad input by name") {
    CHECK(fit_kmeans({}, 1, 1).error().find("no points") != std::string::npos);
    CHECK(fit_kmeans({{1}, {2}}, 3, 1).error().find("k must be 1..2") != std::string::npos);
    CHECK(fit_kmeans({{1, 2}, {2}}, 1, 1).error().find("point 1 has 1 values") != std::string::npos);
    // All points equal: k = 2 still works (zero radius).
    auto m = fit_kmeans({{1, 1}, {1, 1}, {1, 1}}, 2, 1);
    REQUIRE(m.ok());
    CHECK(anomaly_score(*m, {1, 1}) == doctest::Approx(0.0));
}
