// Layer forward passes against values computed by hand (the arithmetic is written out beside each).
#include "models/layers/layer.hpp"
#include "models/layers/loss.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace mlsys::models;

TEST_SUITE_BEGIN("models.layers");

namespace {
std::unique_ptr<Layer> built(LayerSpec s, const Shape& in) {
    auto l = make_layer(s);
    REQUIRE(l.ok());
    REQUIRE((*l)->build(in).ok());
    return std::move(*l);
}
Tensor seq(Shape shape, float start = 1.0f, float step = 1.0f) {
    Tensor t(std::move(shape));
    for (int64_t i = 0; i < t.size(); ++i) t[i] = start + step * static_cast<float>(i);
    return t;
}
void set(Layer& l, const std::string& name, std::initializer_list<float> v) {
    for (auto& p : l.params())
        if (p.name == name) {
            REQUIRE(static_cast<size_t>(p.value->size()) == v.size());
            p.value->data.assign(v.begin(), v.end());
            return;
        }
    FAIL("no parameter " << name);
}
}  // namespace

TEST_CASE("conv2d 2x2 kernel on a 3x3 image - stride 1 and stride 2 with padding 1") {
    LayerSpec s;
    s.kind = LayerKind::Conv2D;
    s.filters = 1;
    s.kernel_h = s.kernel_w = 2;
    auto conv = built(s, {3, 3, 1});
    CHECK(conv->output_shape() == Shape{2, 2, 1});
    // Image 1..9 row-major; kernel [[1, 2], [3, 4]]; bias 0.5.
    set(*conv, "weight", {1, 2, 3, 4});
    set(*conv, "bias", {0.5f});
    Tensor x = seq({1, 3, 3, 1}), y;
    conv->forward(x, y, false);
    // (0,0): 1*1 + 2*2 + 4*3 + 5*4 = 37; (0,1): 2 + 6 + 15 + 24 = 47; (1,0): 4 + 10 + 21 + 32 = 67; (1,1): 77.
    CHECK(y.data == FloatBuffer{37.5f, 47.5f, 67.5f, 77.5f});

    s.stride = 2;
    s.padding = 1;
    auto strided = built(s, {3, 3, 1});
    CHECK(strided->output_shape() == Shape{2, 2, 1});  // floor((3 + 2 - 2) / 2) + 1
    set(*strided, "weight", {1, 2, 3, 4});
    set(*strided, "bias", {0.5f});
    strided->forward(x, y, false);
    // Windows start at -1 and 1: (0,0) sees only x(0,0)=1 under tap 4; (0,1) sees x(0,1)=2, x(0,2)=3 under
    // taps 3, 4 = 18; (1,0) sees x(1,0)=4, x(2,0)=7 under taps 2, 4 = 36; (1,1): 5*1 + 6*2 + 8*3 + 9*4 = 77.
    CHECK(y.data == FloatBuffer{4.5f, 18.5f, 36.5f, 77.5f});
    CHECK(strided->macs_per_sample() == 2 * 2 * 4);
}

TEST_CASE("conv2d sums over input channels and writes one output channel per filter") {
    LayerSpec s;
    s.kind = LayerKind::Conv2D;
    s.filters = 2;
    s.kernel_h = s.kernel_w = 1;
    s.use_bias = false;
    auto conv = built(s, {1, 2, 2});
    // weight [1, 1, 2 in, 2 out]: out0 = in0 + in1, out1 = 2 in0 - in1.
    set(*conv, "weight", {1, 2, 1, -1});
    Tensor x({1, 1, 2, 2});
    x.data = {3, 5, 7, 11};
    Tensor y;
    conv->forward(x, y, false);
    CHECK(y.data == FloatBuffer{8, 1, 18, 3});
}

TEST_CASE("dense: y = x W + b with W stored [in, out]") {
    LayerSpec s;
    s.units = 3;
    auto d = built(s, {2});
    set(*d, "weight", {1, 2, 3, 4, 5, 6});
    set(*d, "bias", {0.1f, 0.2f, 0.3f});
    Tensor x({1, 2});
    x.data = {1, 2};
    Tensor y;
    d->forward(x, y, false);
    // [1*1 + 2*4, 1*2 + 2*5, 1*3 + 2*6] + b
    CHECK(y[0] == doctest::Approx(9.1f));
    CHECK(y[1] == doctest::Approx(12.2f));
    CHECK(y[2] == doctest::Approx(15.3f));
    CHECK(d->n_params() == 9);
    CHECK(d->macs_per_sample() == 6);
}

TEST_CASE("max and average pooling 2x2 on a 4x4 image 0..15") {
    LayerSpec s;
    s.kind = LayerKind::MaxPool2D;
    s.kernel_h = s.kernel_w = 2;
    s.stride = 2;
    auto mp = built(s, {4, 4, 1});
    Tensor x = seq({1, 4, 4, 1}, 0.0f), y;
    mp->forward(x, y, true);
    CHECK(y.data == FloatBuffer{5, 7, 13, 15});
    // Backward routes each gradient to its window's maximum.
    Tensor dy({1, 2, 2, 1}, 1.0f), dx;
    mp->backward(x, y, dy, &dx);
    for (int64_t i = 0; i < 16; ++i) CHECK(dx[i] == ((i == 5 || i == 7 || i == 13 || i == 15) ? 1.0f : 0.0f));
    s.kind = LayerKind::AvgPool2D;
    auto ap = built(s, {4, 4, 1});
    ap->forward(x, y, false);
    CHECK(y.data == FloatBuffer{2.5f, 4.5f, 10.5f, 12.5f});
}

TEST_CASE("max pooling defines its winner even when a window is all NaN") {
    LayerSpec s;
    s.kind = LayerKind::MaxPool2D;
    s.kernel_h = s.kernel_w = s.stride = 2;
    auto mp = built(s, {2, 2, 1});
    Tensor x({1, 2, 2, 1}, std::nanf("")), y, dx;
    mp->forward(x, y, true);
    CHECK(std::isnan(y[0]));
    mp->backward(x, y, Tensor({1, 1, 1, 1}, 1.0f), &dx);
    CHECK(dx[0] == 1.0f);
}

TEST_CASE("depthwise conv applies each channel's own kernel") {
    LayerSpec s;
    s.kind = LayerKind::DepthwiseConv2D;
    s.kernel_h = s.kernel_w = 2;
    auto dw = built(s, {3, 3, 2});
    CHECK(dw->output_shape() == Shape{2, 2, 2});
    // weight [2, 2, 2]: channel 0 has [[1, 2], [3, 4]], channel 1 has all ones; biases 0 and 1.
    set(*dw, "weight", {1, 1, 2, 1, 3, 1, 4, 1});
    set(*dw, "bias", {0, 1});
    Tensor x({1, 3, 3, 2});
    for (int p = 0; p < 9; ++p) {
        x[2 * p] = static_cast<float>(p + 1);         // channel 0: 1..9
        x[2 * p + 1] = static_cast<float>(10 * (p + 1));  // channel 1: 10..90
    }
    Tensor y;
    dw->forward(x, y, false);
    // channel 0 as the conv test: 37 47 67 77; channel 1: window sums (10+20+40+50)=120, 160, 240, 280, + 1.
    CHECK(y.data == FloatBuffer{37, 121, 47, 161, 67, 241, 77, 281});
    CHECK(dw->macs_per_sample() == 2 * 2 * 2 * 4);
}

TEST_CASE("global average pooling averages each channel") {
    LayerSpec s;
    s.kind = LayerKind::GlobalAvgPool;
    auto g = built(s, {2, 2, 2});
    Tensor x({1, 2, 2, 2});
    x.data = {1, 10, 2, 20, 3, 30, 4, 40};
    Tensor y;
    g->forward(x, y, false);
    CHECK(y.data == FloatBuffer{2.5f, 25.0f});
}

TEST_CASE("batchnorm: batch statistics in training - running statistics in evaluation") {
    LayerSpec s;
    s.kind = LayerKind::BatchNorm;
    s.momentum = 0.9f;
    s.epsilon = 1e-5f;
    auto bn = built(s, {1});
    Tensor x({4, 1});
    x.data = {1, 2, 3, 4};
    Tensor y;
    bn->forward(x, y, true);
    // mean 2.5, biased variance 1.25
    const float inv = 1.0f / std::sqrt(1.25f + 1e-5f);
    for (int i = 0; i < 4; ++i) CHECK(y[i] == doctest::Approx((x[i] - 2.5f) * inv));
    auto st = bn->state();
    REQUIRE(st.size() == 2);
    // running_mean = 0.9 * 0 + 0.1 * 2.5; running_var = 0.9 * 1 + 0.1 * (5 / 3) (unbiased, as PyTorch)
    CHECK((*st[0].value)[0] == doctest::Approx(0.25f));
    CHECK((*st[1].value)[0] == doctest::Approx(0.9f + 0.1f * 5.0f / 3.0f));
    bn->forward(x, y, false);
    CHECK(y[0] == doctest::Approx((1.0f - 0.25f) / std::sqrt(0.9f + 0.5f / 3.0f + 1e-5f)));
}

TEST_CASE("dropout: inverted scaling in training - identity in evaluation - same seed same mask") {
    LayerSpec s;
    s.kind = LayerKind::Dropout;
    s.rate = 0.5f;
    auto a = built(s, {1000});
    auto b = built(s, {1000});
    a->set_seed(9);
    b->set_seed(9);
    Tensor x({1, 1000}, 1.0f), ya, yb;
    a->forward(x, ya, true);
    b->forward(x, yb, true);
    CHECK(ya.data == yb.data);
    int kept = 0;
    for (float v : ya.data) {
        CHECK((v == 0.0f || v == 2.0f));
        kept += v != 0.0f;
    }
    CHECK(kept > 430);
    CHECK(kept < 570);
    a->forward(x, ya, false);
    CHECK(ya.data == x.data);
    s.rate = 0.0f;
    auto none = built(s, {1000});
    none->forward(x, ya, true);
    CHECK(ya.data == x.data);
}

TEST_CASE("softmax rows sum to one and stay finite for huge logits") {
    LayerSpec s;
    s.kind = LayerKind::Softmax;
    auto sm = built(s, {3});
    Tensor x({2, 3});
    x.data = {0.0f, std::log(2.0f), std::log(3.0f), 1000.0f, 1000.0f, -1000.0f};
    Tensor y;
    sm->forward(x, y, false);
    CHECK(y[0] == doctest::Approx(1.0 / 6));
    CHECK(y[1] == doctest::Approx(2.0 / 6));
    CHECK(y[2] == doctest::Approx(3.0 / 6));
    CHECK(y[3] == doctest::Approx(0.5));
    CHECK(y[4] == doctest::Approx(0.5));
    CHECK(y[5] == 0.0f);
}

TEST_CASE("cross-entropy known values (BOOK.md S 3.5)") {
    // Uniform logits over 10 classes: ln 10 = 2.302585.
    Tensor logits({1, 10}, 0.0f), d;
    CHECK(softmax_cross_entropy(logits, {3}, &d) == doctest::Approx(2.302585));
    CHECK(d[3] == doctest::Approx(0.1 - 1.0));
    CHECK(d[0] == doctest::Approx(0.1));
    // -log(0.8) = 0.223 and -log(0.9) = 0.105, averaged over the batch.
    Tensor probs({2, 2});
    probs.data = {0.8f, 0.2f, 0.1f, 0.9f};
    CHECK(cross_entropy_from_probs(probs, {0, 1}) == doctest::Approx((0.22314355 + 0.10536052) / 2));
    // An epsilon inside the log keeps a zero probability finite.
    probs.data = {0.0f, 1.0f, 0.0f, 1.0f};
    CHECK(cross_entropy_from_probs(probs, {0, 1}) == doctest::Approx(-std::log(1e-7) / 2).epsilon(1e-4));
    // Huge logits stay finite.
    logits.data.assign(10, 0.0f);
    logits[0] = 1e4f;
    CHECK(softmax_cross_entropy(logits, {1}, nullptr) == doctest::Approx(1e4));
}

TEST_SUITE_END();
