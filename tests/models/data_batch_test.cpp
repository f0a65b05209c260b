// BatchSampler (coverage, per-epoch reshuffle, reproducibility, drop_last), gather_batch (copies the
// right samples), subset/split helpers and per-channel normalization with hand-computed statistics.
#include "models/data/batching.hpp"
#include "models/data/dataset.hpp"
#include "models/data/normalization.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <numeric>

using namespace mlsys::models;

TEST_SUITE_BEGIN("models.data");

namespace {
// n samples of shape {2, 3}: sample i holds i*100 + k at element k; label i % 3.
Dataset numbered(int n) {
    Dataset d;
    d.name = "numbered";
    d.sample_shape = {2, 3};
    d.n_classes = 3;
    d.class_names = {"a", "b", "c"};
    d.x.resize(batched(n, d.sample_shape));
    for (int i = 0; i < n; ++i) {
        for (int k = 0; k < 6; ++k) d.x[i * 6 + k] = static_cast<float>(i * 100 + k);
        d.y.push_back(i % 3);
    }
    return d;
}

std::vector<int> epoch_order(BatchSampler& s) {
    std::vector<int> all;
    for (int b = 0; b < s.n_batches(); ++b) {
        auto batch = s.batch(b);
        all.insert(all.end(), batch.begin(), batch.end());
    }
    return all;
}
}  // namespace

TEST_CASE("BatchSampler covers every index exactly once per epoch and reshuffles per epoch") {
    BatchSampler s(103, 10, true, 42);
    CHECK(s.n_batches() == 11);
    CHECK(s.batch(10).size() == 3);
    std::vector<std::vector<int>> orders;
    for (int e = 0; e < 4; ++e) {
        s.start_epoch(e);
        std::vector<int> order = epoch_order(s);
        REQUIRE(order.size() == 103);
        std::vector<int> sorted = order;
        std::sort(sorted.begin(), sorted.end());
        std::vector<int> expected(103);
        std::iota(expected.begin(), expected.end(), 0);
        CHECK(sorted == expected);
        orders.push_back(order);
    }
    for (int a = 0; a < 4; ++a)
        for (int b = a + 1; b < 4; ++b) CHECK(orders[static_cast<size_t>(a)] != orders[static_cast<size_t>(b)]);

    // Same seed: same orders, whatever epochs ran before (epoch 2 straight away reproduces it).
    BatchSampler t(103, 10, true, 42);
    t.start_epoch(2);
    CHECK(epoch_order(t) == orders[2]);
    t.start_epoch(0);
    CHECK(epoch_order(t) == orders[0]);
    BatchSampler other(103, 10, true, 43);
    CHECK(epoch_order(other) != orders[0]);
}

TEST_CASE("BatchSampler without shuffle is in order and drop_last omits the short batch") {
    BatchSampler s(7, 3, false, 1);
    CHECK(s.n_batches() == 3);
    CHECK(epoch_order(s) == std::vector<int>{0, 1, 2, 3, 4, 5, 6});
    s.start_epoch(5);
    CHECK(epoch_order(s) == std::vector<int>{0, 1, 2, 3, 4, 5, 6});
    BatchSampler d(7, 3, true, 1, true);
    CHECK(d.n_batches() == 2);
    CHECK(epoch_order(d).size() == 6);
    BatchSampler empty(0, 4, true, 1);
    CHECK(empty.n_batches() == 0);
}

TEST_CASE("gather_batch copies the chosen samples and labels into reused buffers") {
    const Dataset d = numbered(20);
    Tensor x;
    std::vector<int> y;
    const std::vector<int> idx = {17, 3, 3, 0};
    gather_batch(d, idx, x, y);
    CHECK(x.shape == Shape{4, 2, 3});
    CHECK(y == std::vector<int>{2, 0, 0, 0});
    for (int i = 0; i < 4; ++i)
        for (int k = 0; k < 6; ++k) CHECK(x[i * 6 + k] == static_cast<float>(idx[static_cast<size_t>(i)] * 100 + k));
    const float* storage = x.ptr();
    const std::vector<int> two = {5, 19};
    gather_batch(d, two, x, y);
    CHECK(x.shape == Shape{2, 2, 3});
    CHECK(x.ptr() == storage);  // shrinking keeps the allocation
    CHECK(x[6] == 1900.0f);
    CHECK(y == std::vector<int>{2, 1});
}

TEST_CASE("subset and split_stratified keep samples intact and classes proportional") {
    const Dataset d = numbered(30);  // 10 of each class
    const std::vector<int> idx = {4, 2};
    const Dataset s = subset(d, idx);
    CHECK(s.y == std::vector<int>{1, 2});
    CHECK(s.x[0] == 400.0f);
    CHECK(s.x[6] == 200.0f);
    CHECK(s.class_names == d.class_names);

    SplitPair parts = split_stratified(d, 0.3, 5);
    CHECK(parts.first.size() == 21);
    CHECK(parts.second.size() == 9);
    CHECK(class_counts(parts.second) == std::vector<int>{3, 3, 3});
    // Every sample lands in exactly one part, unchanged, in the original order.
    std::vector<int> seen;
    for (const Dataset* p : {&parts.first, &parts.second}) {
        int last = -1;
        for (int i = 0; i < p->size(); ++i) {
            const int id = static_cast<int>(p->x[i * 6]) / 100;
            CHECK(id > last);
            last = id;
            CHECK(p->y[static_cast<size_t>(i)] == id % 3);
            CHECK(p->x[i * 6 + 5] == static_cast<float>(id * 100 + 5));
            seen.push_back(id);
        }
    }
    std::sort(seen.begin(), seen.end());
    std::vector<int> all(30);
    std::iota(all.begin(), all.end(), 0);
    CHECK(seen == all);
    CHECK(split_stratified(d, 0.3, 5).second.y == parts.second.y);
    CHECK(split_stratified(d, 0.3, 6).second.x.data != parts.second.x.data);
}

TEST_CASE("normalization: per-channel mean and std from train applied to another split") {
    // Channel 0 holds 1, 3 (mean 2, std 1); channel 1 holds 10, 10 (constant: std treated as 1).
    Dataset train;
    train.name = "t";
    train.sample_shape = {2};
    train.n_classes = 2;
    train.class_names = {"a", "b"};
    train.x = Tensor({2, 2});
    train.x.data = {1.0f, 10.0f, 3.0f, 10.0f};
    train.y = {0, 1};
    const Normalization norm = compute_normalization(train);
    CHECK(norm.mean == std::vector<float>{2.0f, 10.0f});
    CHECK(norm.stddev == std::vector<float>{1.0f, 1.0f});

    Tensor other({3, 2});
    other.data = {2.0f, 12.0f, 4.0f, 8.0f, 0.0f, 10.0f};
    REQUIRE(apply_normalization(norm, other).ok());
    CHECK(other.data == FloatBuffer{0.0f, 2.0f, 2.0f, -2.0f, -2.0f, 0.0f});

    Tensor wrong({3, 5});
    auto st = apply_normalization(norm, wrong);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error() == "normalization has 2 channels but the data's last dimension is 5 (shape 3x5)");

    // NHWC images: statistics per channel over every pixel of every sample.
    Dataset img = numbered(4);  // shape {2, 3}: 3 channels; channel k holds i*100 + k and i*100 + 3 + k
    const Normalization n3 = compute_normalization(img);
    REQUIRE(n3.channels() == 3);
    CHECK(n3.mean[0] == doctest::Approx(151.5));  // mean of {0,3,100,103,200,203,300,303}
    CHECK(n3.stddev[0] == doctest::Approx(111.81347));

    auto parsed = parse_normalization(normalization_to_json(norm));
    REQUIRE(parsed.ok());
    CHECK(parsed->mean == norm.mean);
    CHECK(parsed->stddev == norm.stddev);
    auto bad = parse_normalization(nlohmann::json{{"mean", {0.5}}, {"stddev", {0.0}}});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == "normalization.stddev[0]: must be positive and finite");
}

TEST_SUITE_END();
