// The real Fashion-MNIST files from Debian's dataset-fashion-mnist: counts, balance and pixel statistics
// against numbers computed independently with Python's gzip module (see the comments), and the splits
// load_dataset() makes from them.
#include "models/data/dataset.hpp"
#include "models/data/fashion_mnist.hpp"
#include "models/data/normalization.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace mlsys::models;

TEST_SUITE_BEGIN("models.data");

namespace {
double mean_of(const Tensor& x) {
    double sum = 0.0;
    for (float v : x.data) sum += v;
    return sum / static_cast<double>(x.size());
}
double sum_of_sample(const Dataset& d, int i) {
    double s = 0.0;
    for (int64_t k = 0; k < d.sample_size(); ++k) s += d.sample(i)[k];
    return s;
}
}  // namespace

// Reference values: /usr/bin/python3, gzip.open(...).read() of each file (decompressed MD5s match
// PLATFORM.md): train mean pixel 0.2860405969887955, test 0.28684928071228494; first train labels
// 9 0 0 3 0 2 7 2 5 5, first test labels 9 2 1 1 6 1 4 6 5 7; byte sums of image 0: train 76247,
// test 33456; image 0 pixel (14, 14): train 217, test 110.
TEST_CASE("Fashion-MNIST: 60000 + 10000 balanced samples with mean pixel 0.2860") {
    auto train = load_fashion_mnist(FashionSplit::Train);
    REQUIRE_MESSAGE(train.ok(), train.error());
    auto test = load_fashion_mnist(FashionSplit::Test);
    REQUIRE_MESSAGE(test.ok(), test.error());
    CHECK(validate_dataset(*train).ok());
    CHECK(validate_dataset(*test).ok());

    CHECK(train->size() == 60000);
    CHECK(test->size() == 10000);
    CHECK(train->x.shape == Shape{60000, 28, 28, 1});
    CHECK(class_counts(*train) == std::vector<int>(10, 6000));
    CHECK(class_counts(*test) == std::vector<int>(10, 1000));

    CHECK(std::abs(mean_of(train->x) - 0.2860) < 1e-3);
    CHECK(std::abs(mean_of(train->x) - 0.2860405969887955) < 1e-6);
    CHECK(std::abs(mean_of(test->x) - 0.28684928071228494) < 1e-6);

    CHECK(std::vector<int>(train->y.begin(), train->y.begin() + 10) == std::vector<int>{9, 0, 0, 3, 0, 2, 7, 2, 5, 5});
    CHECK(std::vector<int>(test->y.begin(), test->y.begin() + 10) == std::vector<int>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7});
    CHECK(sum_of_sample(*train, 0) == doctest::Approx(76247.0 / 255.0).epsilon(1e-6));
    CHECK(sum_of_sample(*test, 0) == doctest::Approx(33456.0 / 255.0).epsilon(1e-6));
    CHECK(train->x[14 * 28 + 14] == 217.0f / 255.0f);
    CHECK(test->x[14 * 28 + 14] == 110.0f / 255.0f);
    float lo = 1.0f, hi = 0.0f;
    for (float v : train->x.data) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    CHECK(lo == 0.0f);
    CHECK(hi == 1.0f);
}

TEST_CASE("Fashion-MNIST through load_dataset: stratified validation split and limits and normalization") {
    DatasetOptions options;
    options.val_fraction = 0.1;
    options.seed = 3;
    auto splits = load_dataset("fashion-mnist", options);
    REQUIRE_MESSAGE(splits.ok(), splits.error());
    CHECK(splits->train.size() == 54000);
    CHECK(splits->val.size() == 6000);
    CHECK(splits->test.size() == 10000);
    CHECK(class_counts(splits->val) == std::vector<int>(10, 600));
    CHECK(class_counts(splits->train) == std::vector<int>(10, 5400));
    CHECK(splits->val.class_names == fashion_mnist_class_names());

    // The split moves samples, it does not alter them: train and val pixel sums add up to the whole set's
    // (to 1e-6: x = byte / 255 in float carries ~3e-8 relative rounding per pixel).
    const double whole = 0.2860405969887955 * 60000.0 * 784.0;
    const double parts = mean_of(splits->train.x) * 54000.0 * 784.0 + mean_of(splits->val.x) * 6000.0 * 784.0;
    CHECK(parts == doctest::Approx(whole).epsilon(1e-6));

    Normalization norm = compute_normalization(splits->train);
    REQUIRE(norm.channels() == 1);
    CHECK(norm.mean[0] == doctest::Approx(0.2860).epsilon(0.01));
    CHECK(norm.stddev[0] == doctest::Approx(0.353).epsilon(0.01));  // published Fashion-MNIST std ~0.353
    REQUIRE(apply_normalization(norm, splits->train.x).ok());
    CHECK(std::abs(mean_of(splits->train.x)) < 1e-4);

    options.train_limit = 500;
    options.test_limit = 100;
    options.val_fraction = 0.2;
    auto small = load_dataset("fashion-mnist", options);
    REQUIRE(small.ok());
    CHECK(small->train.size() + small->val.size() == 500);
    CHECK(small->test.size() == 100);
    CHECK(std::vector<int>(small->test.y.begin(), small->test.y.begin() + 4) == std::vector<int>{9, 2, 1, 1});
}

TEST_SUITE_END();
