// Quantization known answers: affine parameters of hand-made ranges, round trips within half a step,
// per-channel against per-tensor on hand-set weights, fixed-point multipliers, and the integer-only path
// equal bit for bit to its exact reference on cnn, dscnn and a tanh network.
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/optimize/int8_model.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace mlsys::models;
using namespace mlsys::models::optimize;

TEST_SUITE_BEGIN("models.optimize");

TEST_CASE("asymmetric int8 parameters of the range -1 to 2") {
    const QuantParams p = choose_qparams(-1.0f, 2.0f, 8, false);
    CHECK(p.scale == doctest::Approx(3.0 / 255.0).epsilon(1e-7));
    CHECK(p.zero_point == -43);  // -128 - round(-1 / (3/255)) = -128 + 85
    CHECK(quantize_value(-1.0f, p, -128, 127) == -128);
    CHECK(quantize_value(2.0f, p, -128, 127) == 127);
    CHECK(quantize_value(0.0f, p, -128, 127) == -43);   // zero is exact
    CHECK(quantize_value(0.31f, p, -128, 127) == -17);  // 26.35 -> 26
    CHECK(quantize_value(5.0f, p, -128, 127) == 127);   // clamped
    CHECK(dequantize_value(-43, p) == 0.0f);
}

TEST_CASE("symmetric int8 parameters use the restricted range") {
    const QuantParams p = choose_qparams(-0.5f, 1.27f, 8, true);
    CHECK(p.zero_point == 0);
    CHECK(p.scale == doctest::Approx(0.01).epsilon(1e-6));
    CHECK(qmin(8, true) == -127);
    CHECK(qmin(8, false) == -128);
    CHECK(qmax(4) == 7);
    CHECK(quantize_value(0.123f, p, -127, 127) == 12);
    CHECK(quantize_value(-0.5f, p, -127, 127) == -50);
    CHECK(quantize_value(-2.0f, p, -127, 127) == -127);
    const QuantParams p4 = choose_qparams(-0.7f, 0.35f, 4, true);
    CHECK(p4.scale == doctest::Approx(0.1).epsilon(1e-6));
    CHECK(quantize_value(0.26f, p4, -7, 7) == 3);
}

TEST_CASE("quantize then dequantize stays within half a step") {
    for (bool sym : {false, true}) {
        for (int bits : {8, 4}) {
            const QuantParams p = choose_qparams(-0.8f, 3.1f, bits, sym);
            for (int i = 0; i <= 1000; ++i) {
                const float x = -0.8f + 3.9f * float(i) / 1000.0f;
                if (sym && x < -p.scale * float(qmax(bits))) continue;  // outside the symmetric grid
                const float back = fake_quantize(x, p, bits, sym);
                CHECK(std::fabs(back - x) <= p.scale / 2 * 1.0001f);
            }
        }
    }
}

TEST_CASE("percentile calibration clips an outlier that min-max keeps") {
    std::vector<float> v;
    for (int i = 0; i < 10000; ++i) v.push_back(float(i % 100) / 100.0f);  // 0 .. 0.99
    v.push_back(50.0f);                                                     // one outlier
    const Range mm = calibrate_range(v, CalibMethod::MinMax, 8, false);
    CHECK(mm.hi == 50.0f);
    const Range pc = calibrate_range(v, CalibMethod::Percentile, 8, false, 99.9);
    CHECK(pc.hi == doctest::Approx(0.99));
    CHECK(pc.lo == 0.0f);
}

TEST_CASE("mse calibration clips a long tail at 4 bits and lowers the error") {
    std::vector<float> v;  // the quantiles of an exponential distribution (mean 1, max ln 20000 = 9.9)
    for (int i = 0; i < 10000; ++i) v.push_back(float(-std::log(1.0 - (i + 0.5) / 10000.0)));
    const Range mm = calibrate_range(v, CalibMethod::MinMax, 4, false);
    const Range ms = calibrate_range(v, CalibMethod::Mse, 4, false);
    CHECK(ms.hi < mm.hi);
    const auto err = [&](Range r) {
        const QuantParams p = choose_qparams(r.lo, r.hi, 4, false);
        double e = 0;
        for (float x : v) e += (fake_quantize(x, p, 4, false) - x) * (fake_quantize(x, p, 4, false) - x);
        return e / double(v.size());
    };
    CHECK(err(ms) < err(mm));
}

TEST_CASE("fixed-point multipliers and their rounding") {
    auto half = quantize_multiplier(0.5);
    REQUIRE(half.ok());
    CHECK(half->multiplier == (1 << 30));
    CHECK(half->shift == 31);
    CHECK(apply_multiplier(3, *half) == 2);    // 1.5 rounds half up
    CHECK(apply_multiplier(-3, *half) == -1);  // -1.5 rounds half up
    CHECK(apply_multiplier(1000, *half) == 500);
    auto tenth = quantize_multiplier(0.1);
    REQUIRE(tenth.ok());
    CHECK(tenth->multiplier == 1717986918);  // round(0.8 * 2^31)
    CHECK(tenth->shift == 34);               // 0.1 = 0.8 * 2^-3
    CHECK(apply_multiplier(12345, *tenth) == 1234);  // m / 2^34 is a hair under 0.1: 1234.4999...
    CHECK(!quantize_multiplier(0.0).ok());
    CHECK(!quantize_multiplier(-1.0).ok());
}

namespace {

// A 3-input, 2-output dense layer with hand-set weights and the inputs to calibrate it.
struct HandModel {
    Model model;
    Dataset calib;
};

HandModel hand_dense() {
    ModelSpec spec;
    spec.name = "hand";
    spec.input_shape = {3};
    spec.n_classes = 2;
    LayerSpec d;
    d.kind = LayerKind::Dense;
    d.name = "dense_1";
    d.units = 2;
    spec.layers = {d};
    auto m = Model::build(spec, 1);
    REQUIRE(m.ok());
    Tensor& w = *m->params()[0].value;  // [in][out]
    const float ws[3][2] = {{0.6f, 0.01f}, {-1.0f, 0.03f}, {0.25f, -0.04f}};
    for (int i = 0; i < 3; ++i)
        for (int o = 0; o < 2; ++o) w[i * 2 + o] = ws[i][o];
    Tensor& b = *m->params()[1].value;
    b[0] = 0.11f;
    b[1] = -0.2f;
    Dataset data;
    data.name = "hand";
    data.sample_shape = {3};
    data.n_classes = 2;
    data.class_names = {"a", "b"};
    data.x = Tensor({4, 3});
    const float xs[12] = {0, 0, 0, 1, 0.5f, 0.25f, 0.2f, 1, 0, 0.75f, 0.1f, 0.9f};
    for (int i = 0; i < 12; ++i) data.x[i] = xs[i];
    data.y = {0, 1, 0, 1};
    return {std::move(*m), std::move(data)};
}

}  // namespace

TEST_CASE("per-channel weights keep a small channel that per-tensor crushes") {
    auto h = hand_dense();
    QuantConfig pc;
    auto qc = quantize_model(h.model, h.calib, pc);
    REQUIRE_MESSAGE(qc.ok(), qc.error());
    const QLayer& l = qc->layers.at(0);
    REQUIRE(l.weight_scale.size() == 2);
    CHECK(l.weight_scale[0] == doctest::Approx(1.0 / 127).epsilon(1e-6));
    CHECK(l.weight_scale[1] == doctest::Approx(0.04 / 127).epsilon(1e-6));
    // Weights stored [out][in].
    CHECK(std::vector<int8_t>(l.weights.begin(), l.weights.end()) == std::vector<int8_t>{76, -127, 32, 32, 95, -127});
    // Input range [0, 1] asymmetric: scale 1/255, zero point -128; bias = round(b / (s_in * s_w)).
    CHECK(qc->input_q.zero_point == -128);
    CHECK(l.bias[0] == 3562);  // 0.11 * 255 * 127 = 3562.35
    pc.per_channel = false;
    auto qt = quantize_model(h.model, h.calib, pc);
    REQUIRE(qt.ok());
    const QLayer& t = qt->layers.at(0);
    REQUIRE(t.weight_scale.size() == 1);
    CHECK(std::vector<int8_t>(t.weights.begin(), t.weights.end()) == std::vector<int8_t>{76, -127, 32, 1, 4, -5});
}

namespace {

void check_bit_exact(const std::string& preset, const QuantConfig& cfg, int n) {
    auto spec = *preset_spec(preset);
    Dataset data;
    data.name = "synthetic";
    data.sample_shape = spec.input_shape;
    data.n_classes = spec.n_classes;
    for (int c = 0; c < spec.n_classes; ++c) data.class_names.push_back("c" + std::to_string(c));
    data.x = Tensor(batched(n, spec.input_shape));
    mlsys::core::Rng rng(7);
    for (int64_t i = 0; i < data.x.size(); ++i) data.x[i] = float(rng.uniform());
    for (int i = 0; i < n; ++i) data.y.push_back(i % spec.n_classes);
    auto model = Model::build(spec, 3);
    REQUIRE(model.ok());
    auto q = quantize_model(*model, data, cfg);
    REQUIRE_MESSAGE(q.ok(), q.error());
    const int64_t in_n = shape_size(spec.input_shape);
    std::vector<int8_t> inputs(size_t(n * in_n)), fast(size_t(n * spec.n_classes)), scratch;
    for (int i = 0; i < n; ++i) quantize_input(*q, data.sample(i), inputs.data() + i * in_n);
    for (int i = 0; i < n; ++i) int8_infer(*q, inputs.data() + i * in_n, fast.data() + i * spec.n_classes, scratch);
    const auto ref = int8_reference_infer(*q, inputs, n);
    CHECK(ref == fast);
    // The logits are not all the same value (the comparison means something).
    CHECK(*std::max_element(fast.begin(), fast.end()) != *std::min_element(fast.begin(), fast.end()));
}

}  // namespace

TEST_CASE("the integer-only path equals its exact reference bit for bit on cnn") {
    QuantConfig cfg;
    check_bit_exact("cnn", cfg, 12);
    cfg.per_channel = false;
    cfg.weight_symmetric = false;  // asymmetric weights exercise the weight zero point
    check_bit_exact("cnn", cfg, 6);
    cfg.weight_bits = 4;
    cfg.calib = CalibMethod::Percentile;
    check_bit_exact("cnn", cfg, 6);
}

TEST_CASE("the integer-only path equals its exact reference on dscnn and tanh networks") {
    QuantConfig cfg;
    cfg.calib = CalibMethod::Mse;
    check_bit_exact("dscnn", cfg, 4);   // batchnorm folded, depthwise, global average pool
    check_bit_exact("playground", cfg, 50);  // tanh lookup tables
    check_bit_exact("tiny", cfg, 50);
}

TEST_SUITE_END();
