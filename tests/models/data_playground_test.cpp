// Playground 2-D sets: determinism per seed, balance, the geometry of each shape at noise 0 (spiral
// points exactly on their arms, circle radii in their bands, xor signs, blob centres), and load_dataset's
// naming, options and error messages.
#include "models/data/dataset.hpp"
#include "models/data/playground.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

using namespace mlsys::models;

TEST_SUITE_BEGIN("models.data");

namespace {
constexpr PlaygroundKind kAll[] = {PlaygroundKind::Circles, PlaygroundKind::Xor, PlaygroundKind::Blobs,
                                   PlaygroundKind::Spiral};

// Default options with one change applied.
template <class F>
DatasetOptions options_with(F change) {
    DatasetOptions o;
    change(o);
    return o;
}

bool same(const Dataset& a, const Dataset& b) { return a.x.data == b.x.data && a.y == b.y; }

// Distance between two angles on the circle, in [0, pi].
double angle_gap(double a, double b) {
    const double two_pi = 2.0 * std::numbers::pi;
    double d = std::fmod(std::abs(a - b), two_pi);
    return std::min(d, two_pi - d);
}
}  // namespace

TEST_CASE("playground: the same seed gives the same set bit for bit and another seed another set") {
    for (PlaygroundKind kind : kAll) {
        CAPTURE(playground_name(kind));
        const int k = kind == PlaygroundKind::Blobs ? 3 : 2;
        const Dataset a = make_playground(kind, 301, 0.1, 7, k);
        const Dataset b = make_playground(kind, 301, 0.1, 7, k);
        const Dataset c = make_playground(kind, 301, 0.1, 8, k);
        CHECK(same(a, b));
        CHECK_FALSE(same(a, c));
        CHECK(validate_dataset(a).ok());
        CHECK(a.sample_shape == Shape{2});
        CHECK(a.x.shape == Shape{301, 2});
        CHECK(a.name == playground_name(kind));
        // 301 = 150 + 151 (or 101 x 2 + 99 for three classes): balanced to within one sample.
        const std::vector<int> counts = class_counts(a);
        const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
        CHECK(*hi - *lo <= 1);
        CHECK(counts[0] == 301 / k + 1);
        // Shuffled: the first 20 samples are not all one class.
        int first_class = 0;
        for (int i = 0; i < 20; ++i) first_class += a.y[static_cast<size_t>(i)] == a.y[0];
        CHECK(first_class < 20);
    }
    CHECK(class_counts(make_playground(PlaygroundKind::Spiral, 900, 0.0, 1, 3)) == std::vector<int>{300, 300, 300});
}

TEST_CASE("playground: noise 0 spiral points lie exactly on their arms") {
    for (int arms : {2, 3}) {
        const Dataset d = make_playground(PlaygroundKind::Spiral, 600, 0.0, 11, arms);
        int off_arm = 0;
        for (int i = 0; i < d.size(); ++i) {
            const double x = d.x[2 * i], y = d.x[2 * i + 1];
            const double r = std::hypot(x, y);
            const double u = (r - 0.1) / 0.9;  // the position along the arm
            CHECK(r >= 0.1 - 1e-6);
            const double expected = 2.0 * std::numbers::pi * (1.75 * u + static_cast<double>(d.y[static_cast<size_t>(i)]) / arms);
            const double actual = std::atan2(x, y);  // points are (r sin t, r cos t)
            // float coordinates: ~1e-7 relative error, magnified by 1/r in the angle.
            off_arm += angle_gap(expected, actual) > 1e-5 / r;
            CHECK(r < 1.0);
        }
        CHECK(off_arm == 0);
    }
}

TEST_CASE("playground: circles and xor and blobs have the documented geometry at noise 0") {
    const Dataset circles = make_playground(PlaygroundKind::Circles, 1000, 0.0, 3, 2);
    int outside_band = 0;
    for (int i = 0; i < circles.size(); ++i) {
        const double r = std::hypot(circles.x[2 * i], circles.x[2 * i + 1]);
        outside_band += circles.y[static_cast<size_t>(i)] == 0 ? !(r <= 0.5 + 1e-6) : !(r >= 0.7 - 1e-6 && r <= 1.0 + 1e-6);
    }
    CHECK(outside_band == 0);

    const Dataset xr = make_playground(PlaygroundKind::Xor, 1000, 0.0, 3, 2);
    int wrong = 0;
    for (int i = 0; i < xr.size(); ++i) {
        const float x = xr.x[2 * i], y = xr.x[2 * i + 1];
        const bool same_sign = (x > 0) == (y > 0);
        wrong += same_sign != (xr.y[static_cast<size_t>(i)] == 0);
        wrong += std::abs(x) < 0.06f - 1e-6f || std::abs(y) < 0.06f - 1e-6f || std::abs(x) > 1.0f || std::abs(y) > 1.0f;
    }
    CHECK(wrong == 0);

    // Blob c is centred at 0.6 (cos, sin)(pi/4 + 2 pi c / 3) with standard deviation 0.14: with 2000 points
    // per blob the sample mean is within 4 standard errors (4 x 0.14 / sqrt(2000) = 0.0125).
    const Dataset blobs = make_playground(PlaygroundKind::Blobs, 6000, 0.0, 5, 3);
    for (int c = 0; c < 3; ++c) {
        double sx = 0, sy = 0, sxx = 0;
        int n = 0;
        for (int i = 0; i < blobs.size(); ++i)
            if (blobs.y[static_cast<size_t>(i)] == c) {
                sx += blobs.x[2 * i];
                sy += blobs.x[2 * i + 1];
                sxx += blobs.x[2 * i] * blobs.x[2 * i];
                ++n;
            }
        const double a = std::numbers::pi / 4 + 2 * std::numbers::pi * c / 3;
        CHECK(std::abs(sx / n - 0.6 * std::cos(a)) < 0.0125);
        CHECK(std::abs(sy / n - 0.6 * std::sin(a)) < 0.0125);
        CHECK(std::sqrt(sxx / n - (sx / n) * (sx / n)) == doctest::Approx(0.14).epsilon(0.06));
    }
}

TEST_CASE("playground: noise moves points by the stated standard deviation without changing labels") {
    const Dataset clean = make_playground(PlaygroundKind::Spiral, 4000, 0.0, 9, 2);
    const Dataset noisy = make_playground(PlaygroundKind::Spiral, 4000, 0.1, 9, 2);
    CHECK(clean.y == noisy.y);  // same clean points, same order: noise comes from its own stream
    double sq = 0.0;
    for (int64_t i = 0; i < clean.x.size(); ++i) sq += (noisy.x[i] - clean.x[i]) * (noisy.x[i] - clean.x[i]);
    CHECK(std::sqrt(sq / static_cast<double>(clean.x.size())) == doctest::Approx(0.1).epsilon(0.03));
}

TEST_CASE("load_dataset: playground sets by name with an independent test set and a stratified val split") {
    DatasetOptions options;
    options.n_train = 1000;
    options.n_test = 400;
    options.val_fraction = 0.2;
    options.seed = 4;
    auto s = load_dataset("spiral", options);
    REQUIRE_MESSAGE(s.ok(), s.error());
    CHECK(s->train.size() == 800);
    CHECK(s->val.size() == 200);
    CHECK(s->test.size() == 400);
    CHECK(class_counts(s->val) == std::vector<int>{100, 100});
    CHECK(s->test.x.data != make_playground(PlaygroundKind::Spiral, 400, options.noise, options.seed, 2).x.data);
    auto again = load_dataset("spiral", options);
    REQUIRE(again.ok());
    CHECK(same(s->train, again->train));
    CHECK(same(s->val, again->val));
    CHECK(same(s->test, again->test));

    options.n_classes = 3;
    auto blobs = load_dataset("blobs", options);
    REQUIRE(blobs.ok());
    CHECK(blobs->train.n_classes == 3);
    CHECK(blobs->train.class_names == std::vector<std::string>{"blob 0", "blob 1", "blob 2"});

    auto no_val = load_dataset("circles", options_with([](DatasetOptions& o) { o.seed = 2; o.val_fraction = 0.0; }));
    REQUIRE(no_val.ok());
    CHECK(no_val->train.size() == 1000);
    CHECK(no_val->val.size() == 0);
    CHECK(no_val->val.x.shape == Shape{0, 2});
}

TEST_CASE("load_dataset: unknown names and bad options are refused with what is accepted") {
    auto bad = load_dataset("mnist-fashion");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() ==
          "unknown dataset 'mnist-fashion' (known: fashion-mnist, circles, xor, blobs, spiral, or a path to a .csv file)");
    auto xor3 = load_dataset("xor", options_with([](DatasetOptions& o) { o.n_classes = 3; }));
    REQUIRE_FALSE(xor3.ok());
    CHECK(xor3.error() == "xor has exactly 2 classes (n_classes 3)");
    auto neg = load_dataset("circles", options_with([](DatasetOptions& o) { o.noise = -0.5; }));
    REQUIRE_FALSE(neg.ok());
    CHECK(neg.error().find("circles: noise must be a finite standard deviation >= 0") == 0);
    auto frac = load_dataset("circles", options_with([](DatasetOptions& o) { o.val_fraction = 1.0; }));
    REQUIRE_FALSE(frac.ok());
    CHECK(frac.error() == "val_fraction must be in [0, 1) (got 1.000000)");
    auto tiny = load_dataset("spiral", options_with([](DatasetOptions& o) { o.n_test = 1; }));
    REQUIRE_FALSE(tiny.ok());
    CHECK(tiny.error() == "spiral: n must be at least n_classes (2), got 1");
}

TEST_SUITE_END();
