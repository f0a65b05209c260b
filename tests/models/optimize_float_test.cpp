// Reduced float formats against known bit patterns: round to nearest even, subnormals, overflow to inf
// (fp16, bf16, E5M2) or saturation (E4M3), NaN; every code round-trips; a model evaluated in each.
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/optimize/float_formats.hpp"
#include "models/optimize/precision_eval.hpp"

#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>

using namespace mlsys::models;
using namespace mlsys::models::optimize;

TEST_SUITE_BEGIN("models.optimize");

TEST_CASE("fp16 bit patterns") {
    const auto e = [](float x) { return encode_float(x, FloatFormat::Fp16); };
    CHECK(e(1.0f) == 0x3C00);
    CHECK(e(-2.0f) == 0xC000);
    CHECK(e(65504.0f) == 0x7BFF);                  // largest finite
    CHECK(e(65519.0f) == 0x7BFF);                  // below the halfway point
    CHECK(e(65520.0f) == 0x7C00);                  // the tie rounds to even = 2^16 = inf
    CHECK(e(1e6f) == 0x7C00);
    CHECK(e(-INFINITY) == 0xFC00);
    CHECK(e(std::ldexp(1.0f, -24)) == 0x0001);     // smallest subnormal
    CHECK(e(std::ldexp(1.0f, -25)) == 0x0000);     // half of it: tie to even (zero)
    CHECK(e(std::ldexp(3.0f, -26)) == 0x0001);     // 0.75 of it rounds up
    CHECK(e(std::ldexp(1.0f, -14)) == 0x0400);     // smallest normal
    CHECK(e(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);       // tie, even mantissa kept
    CHECK(e(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3C02);   // tie, rounds up to the even mantissa
    CHECK(e(NAN) == 0x7E00);
    CHECK(e(-0.0f) == 0x8000);
    CHECK(decode_float(0x3555, FloatFormat::Fp16) == doctest::Approx(0.333251953125));
}

TEST_CASE("bf16 bit patterns") {
    const auto e = [](float x) { return encode_float(x, FloatFormat::Bf16); };
    CHECK(e(1.0f) == 0x3F80);
    CHECK(e(3.14159265f) == 0x4049);
    CHECK(e(1.0f + std::ldexp(1.0f, -8)) == 0x3F80);       // tie to even
    CHECK(e(1.0f + 3 * std::ldexp(1.0f, -8)) == 0x3F82);
    CHECK(e(FLT_MAX) == 0x7F80);                           // rounds past the largest bf16 to inf
    CHECK(e(std::ldexp(1.0f, -133)) == 0x0001);            // smallest bf16 subnormal
    CHECK(e(NAN) == 0x7FC0);
    CHECK(format_max_finite(FloatFormat::Bf16) == doctest::Approx(3.3895313892515355e38));
}

TEST_CASE("fp8 E4M3 saturates and E5M2 overflows to inf") {
    const auto e4 = [](float x) { return encode_float(x, FloatFormat::Fp8E4M3); };
    const auto e5 = [](float x) { return encode_float(x, FloatFormat::Fp8E5M2); };
    CHECK(e4(1.0f) == 0x38);
    CHECK(e4(448.0f) == 0x7E);
    CHECK(e4(480.0f) == 0x7E);    // would round to 512: saturates to 448
    CHECK(e4(1e9f) == 0x7E);
    CHECK(e4(-448.0f) == 0xFE);
    CHECK(e4(INFINITY) == 0x7E);  // no inf in E4M3
    CHECK(e4(NAN) == 0x7F);
    CHECK(e4(0.0625f) == 0x18);
    CHECK(e4(std::ldexp(1.0f, -9)) == 0x01);   // smallest subnormal
    CHECK(e4(std::ldexp(1.0f, -10)) == 0x00);  // tie to even
    CHECK(e4(std::ldexp(3.0f, -10)) == 0x02);  // 1.5 x smallest: tie, up to even 2
    CHECK(format_max_finite(FloatFormat::Fp8E4M3) == 448.0);
    CHECK(e5(1.0f) == 0x3C);
    CHECK(e5(57344.0f) == 0x7B);
    CHECK(e5(61440.0f) == 0x7C);  // tie between 57344 and 65536 rounds to even: inf
    CHECK(e5(60000.0f) == 0x7B);
    CHECK(e5(INFINITY) == 0x7C);
    CHECK(e5(NAN) == 0x7E);
    CHECK(e5(std::ldexp(1.0f, -16)) == 0x01);
    CHECK(std::isnan(decode_float(0x7F, FloatFormat::Fp8E4M3)));
    CHECK(decode_float(0x7E, FloatFormat::Fp8E4M3) == 448.0f);
    CHECK(std::isinf(decode_float(0x7C, FloatFormat::Fp8E5M2)));
}

TEST_CASE("every non-NaN code of the small formats round-trips") {
    for (auto f : {FloatFormat::Fp8E4M3, FloatFormat::Fp8E5M2}) {
        for (uint32_t b = 0; b < 256; ++b) {
            const float v = decode_float(b, f);
            if (std::isnan(v)) continue;
            CHECK(encode_float(v, f) == b);
        }
    }
    int bad = 0;
    for (auto f : {FloatFormat::Fp16, FloatFormat::Bf16})
        for (uint32_t b = 0; b < 65536; ++b) {
            const float v = decode_float(b, f);
            if (!std::isnan(v) && encode_float(v, f) != b) ++bad;
        }
    CHECK(bad == 0);
}

TEST_CASE("format names parse and unknown ones are refused") {
    CHECK(*parse_float_format("fp8-e4m3") == FloatFormat::Fp8E4M3);
    CHECK(*parse_float_format("bf16") == FloatFormat::Bf16);
    auto bad = parse_float_format("fp4");
    REQUIRE(!bad.ok());
    CHECK(bad.error().find("fp16, bf16, fp8-e4m3") != std::string::npos);
    CHECK(format_bits(FloatFormat::Fp16) == 16);
    CHECK(format_bits(FloatFormat::Fp8E5M2) == 8);
}

TEST_CASE("a model evaluated in fp16 agrees with fp32 and fp8 changes weights") {
    auto spec = *preset_spec("tiny");
    auto model = Model::build(spec, 5);
    REQUIRE(model.ok());
    Dataset d;
    d.name = "synthetic";
    d.sample_shape = {6};
    d.n_classes = 3;
    d.class_names = {"a", "b", "c"};
    d.x = Tensor({300, 6});
    mlsys::core::Rng rng(3);
    for (auto& v : d.x.data) v = float(rng.uniform(-1, 1));
    for (int i = 0; i < 300; ++i) d.y.push_back(i % 3);
    const auto fp32 = evaluate(*model, d);
    auto fp16 = evaluate_in_format(*model, d, FloatFormat::Fp16);
    REQUIRE(fp16.ok());
    int same = 0;
    for (size_t i = 0; i < fp32.predictions.size(); ++i) same += fp32.predictions[i] == fp16->predictions[i];
    CHECK(same >= 297);  // fp16 keeps ~3 significant digits: at most a few near-ties flip
    auto copy = model->clone();
    REQUIRE(copy.ok());
    round_weights(*copy, FloatFormat::Fp8E4M3);
    const float w = copy->params()[0].value->data[0];
    CHECK(encode_float(w, FloatFormat::Fp8E4M3) < 256);
    CHECK(round_to_format(w, FloatFormat::Fp8E4M3) == w);  // already on the fp8 grid
}

TEST_SUITE_END();
