// Finite-difference gradient checks for every layer's input gradient and every parameter gradient, and
// oracle tests of the fast layers against the naive loops in reference_ops.
#include "models/layers/layer.hpp"
#include "models/layers/loss.hpp"
#include "models/layers/reference_ops.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlsys::models;
using mlsys::core::Rng;

TEST_SUITE_BEGIN("models.layers");

namespace {

std::unique_ptr<Layer> built(const LayerSpec& s, const Shape& in, uint64_t seed = 3) {
    auto l = make_layer(s);
    REQUIRE(l.ok());
    REQUIRE((*l)->build(in).ok());
    Rng rng(seed);
    (*l)->init_params(rng);
    for (auto& p : (*l)->params())  // non-zero biases and perturbed gammas exercise every term
        for (auto& v : p.value->data) v += static_cast<float>(rng.uniform(-0.3, 0.3));
    return std::move(*l);
}

Tensor random_tensor(const Shape& shape, Rng& rng, double lo = -1, double hi = 1) {
    Tensor t(shape);
    for (auto& v : t.data) v = static_cast<float>(rng.uniform(lo, hi));
    return t;
}

// L = sum(y * r) evaluated in double.
double loss(Layer& l, const Tensor& x, const Tensor& r, bool training) {
    Tensor y;
    l.set_seed(77);  // dropout draws the same mask every time
    l.forward(x, y, training);
    double s = 0;
    for (int64_t i = 0; i < y.size(); ++i) s += double(y[i]) * r[i];
    return s;
}

// Compares analytic and central-difference gradients at up to 40 entries of x and of each parameter.
// eps 1e-2 in float keeps rounding noise (~1e-7 / eps) far below the tolerance; the smooth layers'
// truncation error is O(eps^2). Tolerance: |a - n| <= 2e-3 + 2e-2 |n|.
void check_gradients(Layer& layer, Tensor x, bool training = true) {
    Rng rng(11);
    Tensor y;
    layer.set_seed(77);
    layer.forward(x, y, training);
    Tensor r = random_tensor(y.shape, rng);
    Tensor dx;
    layer.backward(x, y, r, &dx);
    std::vector<Tensor> grads;
    for (auto& p : layer.params()) grads.push_back(*p.grad);
    const float eps = 1e-2f;
    auto numeric = [&](float& v) {
        const float saved = v;
        v = saved + eps;
        const double up = loss(layer, x, r, training);
        v = saved - eps;
        const double down = loss(layer, x, r, training);
        v = saved;
        return (up - down) / (2 * eps);
    };
    auto sample = [&](int64_t n) {
        std::vector<int64_t> idx(static_cast<size_t>(n));
        std::iota(idx.begin(), idx.end(), 0);
        Rng pick(5);
        pick.shuffle(idx);
        idx.resize(std::min<size_t>(idx.size(), 40));
        return idx;
    };
    for (int64_t i : sample(x.size())) {
        const double n = numeric(x[i]);
        CAPTURE(layer.name());
        CAPTURE(i);
        CHECK(std::abs(dx[i] - n) <= 2e-3 + 2e-2 * std::abs(n));
    }
    auto params = layer.params();
    for (size_t p = 0; p < params.size(); ++p)
        for (int64_t i : sample(params[p].value->size())) {
            const double n = numeric((*params[p].value)[i]);
            CAPTURE(params[p].name);
            CAPTURE(i);
            CHECK(std::abs(grads[p][i] - n) <= 2e-3 + 2e-2 * std::abs(n));
        }
}

// Values well away from ReLU's kink and with distinct maxima, so finite differences do not cross either.
Tensor kink_free(const Shape& shape, Rng& rng) {
    Tensor t(shape);
    std::vector<int> perm(static_cast<size_t>(t.size()));
    std::iota(perm.begin(), perm.end(), 0);
    rng.shuffle(perm);
    for (int64_t i = 0; i < t.size(); ++i) {
        const float v = 0.1f + 0.05f * static_cast<float>(perm[static_cast<size_t>(i)]);
        t[i] = (i % 3 == 0) ? -v : v;
    }
    return t;
}

LayerSpec spec(LayerKind k) {
    LayerSpec s;
    s.kind = k;
    s.name = to_string(k);
    return s;
}

}  // namespace

TEST_CASE("gradient check: dense") {
    Rng rng(1);
    LayerSpec s = spec(LayerKind::Dense);
    s.units = 5;
    auto l = built(s, {7});
    check_gradients(*l, random_tensor({3, 7}, rng));
}

TEST_CASE("gradient check: conv2d with stride and padding") {
    Rng rng(2);
    for (int stride : {1, 2})
        for (int pad : {0, 1}) {
            LayerSpec s = spec(LayerKind::Conv2D);
            s.filters = 3;
            s.kernel_h = 3;
            s.kernel_w = 2;
            s.stride = stride;
            s.padding = pad;
            auto l = built(s, {5, 6, 2});
            check_gradients(*l, random_tensor({2, 5, 6, 2}, rng));
        }
    LayerSpec pw = spec(LayerKind::Conv2D);  // the 1x1 path without im2col
    pw.filters = 4;
    pw.kernel_h = pw.kernel_w = 1;
    auto l = built(pw, {3, 3, 3});
    check_gradients(*l, random_tensor({2, 3, 3, 3}, rng));
}

TEST_CASE("gradient check: conv2d over a batch processed in several cache-sized chunks") {
    // 24x24x16 with a 3x3 kernel: each image's im2col matrix is 331 KB, more than the layer's 256 KB
    // chunk, so the three images run as three GEMMs whose weight gradients are summed.
    Rng rng(21);
    LayerSpec s = spec(LayerKind::Conv2D);
    s.filters = 4;
    s.kernel_h = s.kernel_w = 3;
    s.padding = 1;
    auto l = built(s, {24, 24, 16});
    Tensor x = random_tensor({3, 24, 24, 16}, rng), y;
    l->forward(x, y, false);
    auto p = l->params();
    Tensor ref = reference::conv2d(x, *p[0].value, *p[1].value, 1, 1);
    REQUIRE(ref.shape == y.shape);
    for (int64_t i = 0; i < y.size(); ++i) CHECK(y[i] == doctest::Approx(ref[i]).epsilon(1e-4));
    check_gradients(*l, x);
}

TEST_CASE("gradient check: depthwise conv2d") {
    Rng rng(3);
    LayerSpec s = spec(LayerKind::DepthwiseConv2D);
    s.stride = 2;
    s.padding = 1;
    auto l = built(s, {5, 5, 3});
    check_gradients(*l, random_tensor({2, 5, 5, 3}, rng));
}

TEST_CASE("max pooling whose windows tile the input matches the naive loops and keeps the first of tied taps") {
    Rng rng(31);
    for (int k : {2, 3}) {
        LayerSpec mp = spec(LayerKind::MaxPool2D);
        mp.kernel_h = mp.kernel_w = k;
        mp.stride = k;
        auto m = built(mp, {2 * k, 3 * k, 5});
        Tensor x = random_tensor({2, 2 * k, 3 * k, 5}, rng), y;
        // Round to quarters so that many windows hold tied maxima.
        for (auto& v : x.data) v = std::round(v * 4) / 4;
        m->forward(x, y, true);
        Tensor ref = reference::pool2d(x, k, k, k, 0, true);
        REQUIRE(ref.shape == y.shape);
        for (int64_t i = 0; i < y.size(); ++i) CHECK(y[i] == ref[i]);
        // The gradient goes to the first winning tap in (ky, kx) order only.
        Tensor dy(y.shape, 1.0f), dx;
        m->backward(x, y, dy, &dx);
        int64_t routed = 0;
        for (int64_t i = 0; i < dx.size(); ++i) routed += dx[i] == 1.0f;
        CHECK(routed == y.size());
        const int C = 5, W = 3 * k;
        for (int b = 0; b < 2; ++b)
            for (int oy = 0; oy < 2; ++oy)
                for (int ox = 0; ox < 3; ++ox)
                    for (int c = 0; c < C; ++c) {
                        int first = -1;
                        for (int t = 0; t < k * k && first < 0; ++t) {
                            const int64_t at = ((int64_t(b) * 2 * k + oy * k + t / k) * W + ox * k + t % k) * C + c;
                            if (x[at] == y[((int64_t(b) * 2 + oy) * 3 + ox) * C + c]) first = t;
                        }
                        const int64_t win = ((int64_t(b) * 2 * k + oy * k + first / k) * W + ox * k + first % k) * C + c;
                        CHECK(dx[win] == 1.0f);
                    }
    }
}

TEST_CASE("gradient check: max and average pooling") {
    Rng rng(4);
    LayerSpec mp = spec(LayerKind::MaxPool2D);
    mp.kernel_h = mp.kernel_w = 2;
    mp.stride = 2;
    auto m = built(mp, {4, 6, 2});
    check_gradients(*m, kink_free({2, 4, 6, 2}, rng));
    LayerSpec ap = spec(LayerKind::AvgPool2D);
    ap.kernel_h = ap.kernel_w = 3;
    ap.stride = 2;
    ap.padding = 1;
    auto a = built(ap, {5, 5, 2});
    check_gradients(*a, random_tensor({2, 5, 5, 2}, rng));
    auto g = built(spec(LayerKind::GlobalAvgPool), {3, 3, 4});
    check_gradients(*g, random_tensor({2, 3, 3, 4}, rng));
}

TEST_CASE("gradient check: activations - softmax - flatten - dropout") {
    Rng rng(5);
    for (LayerKind k : {LayerKind::ReLU, LayerKind::Sigmoid, LayerKind::Tanh, LayerKind::Softmax, LayerKind::Flatten}) {
        auto l = built(spec(k), {2, 3, 4});
        check_gradients(*l, kink_free({2, 2, 3, 4}, rng));
    }
    LayerSpec d = spec(LayerKind::Dropout);
    d.rate = 0.3f;
    auto l = built(d, {20});
    check_gradients(*l, random_tensor({3, 20}, rng));
}

TEST_CASE("gradient check: batchnorm in training mode for dense and NHWC inputs") {
    Rng rng(6);
    auto flat = built(spec(LayerKind::BatchNorm), {5});
    check_gradients(*flat, random_tensor({6, 5}, rng, -2, 3));
    auto img = built(spec(LayerKind::BatchNorm), {3, 3, 2});
    check_gradients(*img, random_tensor({2, 3, 3, 2}, rng, -2, 3));
}

TEST_CASE("gradient check: softmax cross-entropy and the distillation loss") {
    Rng rng(7);
    Tensor logits = random_tensor({4, 5}, rng, -2, 2), d;
    const std::vector<int> labels{0, 3, 4, 1};
    softmax_cross_entropy(logits, labels, &d);
    Tensor target = random_tensor({4, 5}, rng, 0.1, 1.0);
    for (int i = 0; i < 4; ++i) {
        float s = 0;
        for (int j = 0; j < 5; ++j) s += target[i * 5 + j];
        for (int j = 0; j < 5; ++j) target[i * 5 + j] /= s;
    }
    Tensor ds;
    soft_cross_entropy(logits, target, 3.0f, &ds);
    for (int64_t i = 0; i < logits.size(); ++i) {
        const float saved = logits[i];
        logits[i] = saved + 1e-2f;
        const double up = softmax_cross_entropy(logits, labels, nullptr), sup = soft_cross_entropy(logits, target, 3, nullptr);
        logits[i] = saved - 1e-2f;
        const double dn = softmax_cross_entropy(logits, labels, nullptr), sdn = soft_cross_entropy(logits, target, 3, nullptr);
        logits[i] = saved;
        CHECK(d[i] == doctest::Approx((up - dn) / 2e-2).epsilon(2e-2));
        CHECK(ds[i] == doctest::Approx((sup - sdn) / 2e-2).epsilon(2e-2));
    }
}

TEST_CASE("oracle: conv2d - depthwise - dense and pools match the naive loops") {
    Rng rng(8);
    int cases = 0;
    for (int k : {1, 3, 5})
        for (int stride : {1, 2, 3})
            for (int pad : {0, 1, 2})
                for (int c : {1, 3}) {
                    if (k == 1 && pad > 0) continue;  // a 1x1 kernel over padding only sees zeros
                    const int h = 7, w = 6;
                    LayerSpec s = spec(LayerKind::Conv2D);
                    s.filters = 4;
                    s.kernel_h = s.kernel_w = k;
                    s.stride = stride;
                    s.padding = pad;
                    auto conv = built(s, {h, w, c});
                    Tensor x = random_tensor({2, h, w, c}, rng), y;
                    conv->forward(x, y, false);
                    auto p = conv->params();
                    Tensor ref = reference::conv2d(x, *p[0].value, *p[1].value, stride, pad);
                    REQUIRE(ref.shape == y.shape);
                    for (int64_t i = 0; i < y.size(); ++i) CHECK(y[i] == doctest::Approx(ref[i]).epsilon(1e-4));
                    LayerSpec d = spec(LayerKind::DepthwiseConv2D);
                    d.kernel_h = d.kernel_w = k;
                    d.stride = stride;
                    d.padding = pad;
                    auto dw = built(d, {h, w, c});
                    dw->forward(x, y, false);
                    auto dp = dw->params();
                    ref = reference::depthwise_conv2d(x, *dp[0].value, *dp[1].value, stride, pad);
                    REQUIRE(ref.shape == y.shape);
                    for (int64_t i = 0; i < y.size(); ++i) CHECK(y[i] == doctest::Approx(ref[i]).epsilon(1e-4));
                    if (2 * pad < k) {
                        for (bool is_max : {true, false}) {
                            LayerSpec ps = spec(is_max ? LayerKind::MaxPool2D : LayerKind::AvgPool2D);
                            ps.kernel_h = ps.kernel_w = k;
                            ps.stride = stride;
                            ps.padding = pad;
                            auto pool = built(ps, {h, w, c});
                            pool->forward(x, y, false);
                            ref = reference::pool2d(x, k, k, stride, pad, is_max);
                            REQUIRE(ref.shape == y.shape);
                            for (int64_t i = 0; i < y.size(); ++i) CHECK(y[i] == doctest::Approx(ref[i]).epsilon(1e-5));
                        }
                    }
                    ++cases;
                }
    CHECK(cases == 42);  // 3 kernels x 3 strides x 3 paddings x 2 channel counts, less the 12 padded 1x1 cases
    LayerSpec s = spec(LayerKind::Dense);
    s.units = 33;
    auto dense = built(s, {65});
    Tensor x = random_tensor({9, 65}, rng), y;
    dense->forward(x, y, false);
    auto p = dense->params();
    Tensor ref = reference::dense(x, *p[0].value, *p[1].value);
    for (int64_t i = 0; i < y.size(); ++i) CHECK(y[i] == doctest::Approx(ref[i]).epsilon(1e-4));
}

TEST_SUITE_END();
