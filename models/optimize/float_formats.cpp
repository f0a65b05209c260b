// Reduced float formats: one parametrised encoder (exponent bits, mantissa bits, bias, inf or saturate)
// that rounds in double, where every input float and every candidate value is exact, so the only rounding
// is the intended round-to-nearest-even.
#include "models/optimize/float_formats.hpp"

#include <bit>
#include <cmath>
#include <cstring>

namespace mlsys::models::optimize {
namespace {

struct Layout {
    int exp_bits;
    int man_bits;
    int bias;
    bool has_inf;       // IEEE-like: the all-ones exponent is inf/NaN. Otherwise (E4M3) only S.1111.111 is NaN.
};

Layout layout_of(FloatFormat f) {
    switch (f) {
        case FloatFormat::Fp32: return {8, 23, 127, true};
        case FloatFormat::Fp16: return {5, 10, 15, true};
        case FloatFormat::Bf16: return {8, 7, 127, true};
        case FloatFormat::Fp8E4M3: return {4, 3, 7, false};
        case FloatFormat::Fp8E5M2: return {5, 2, 15, true};
    }
    return {8, 23, 127, true};
}

int max_exponent(const Layout& l) {
    const int top = (1 << l.exp_bits) - 1;
    return (l.has_inf ? top - 1 : top) - l.bias;
}

double max_finite(const Layout& l) {
    // IEEE-like: all mantissa bits set. E4M3: the top exponent's all-ones mantissa is NaN, so one less.
    const double top_mantissa = l.has_inf ? (1 << l.man_bits) - 1 : (1 << l.man_bits) - 2;
    return (1.0 + top_mantissa / double(1 << l.man_bits)) * std::ldexp(1.0, max_exponent(l));
}

uint32_t nan_bits(const Layout& l) {
    const uint32_t exp_all = (1u << l.exp_bits) - 1;
    if (!l.has_inf) return (exp_all << l.man_bits) | ((1u << l.man_bits) - 1);  // 0x7F for E4M3
    return (exp_all << l.man_bits) | (1u << (l.man_bits - 1));                 // quiet NaN
}

uint32_t encode(double x, const Layout& l) {
    const uint32_t sign_bit = 1u << (l.exp_bits + l.man_bits);
    if (std::isnan(x)) return nan_bits(l);
    const uint32_t sign = std::signbit(x) ? sign_bit : 0;
    double a = std::fabs(x);
    const uint32_t exp_all = (1u << l.exp_bits) - 1;
    const uint32_t inf_bits = l.has_inf ? exp_all << l.man_bits : 0;
    const double maxv = max_finite(l);
    if (std::isinf(a)) return sign | (l.has_inf ? inf_bits : encode(maxv, l));
    if (a == 0) return sign;
    const int emin = 1 - l.bias;
    int e = std::ilogb(a);
    if (e < emin) e = emin;  // subnormal range: fixed quantum
    const double quantum = std::ldexp(1.0, e - l.man_bits);
    double r = std::nearbyint(a / quantum) * quantum;  // default rounding mode: to nearest, ties to even
    if (r > maxv) {
        if (!l.has_inf) r = maxv;  // E4M3 saturates (OCP "satfinite" conversion)
        else return sign | inf_bits;
    }
    if (r == 0) return sign;
    int re = std::ilogb(r);
    if (re < emin) {  // subnormal: exponent field 0, mantissa = r / 2^(emin - man_bits)
        return sign | static_cast<uint32_t>(std::ldexp(r, l.man_bits - emin));
    }
    const uint32_t exp_field = static_cast<uint32_t>(re + l.bias);
    const uint32_t mantissa = static_cast<uint32_t>(std::ldexp(r, l.man_bits - re)) - (1u << l.man_bits);
    return sign | (exp_field << l.man_bits) | mantissa;
}

double decode(uint32_t bits, const Layout& l) {
    const uint32_t man_mask = (1u << l.man_bits) - 1;
    const uint32_t exp_all = (1u << l.exp_bits) - 1;
    const bool neg = (bits >> (l.exp_bits + l.man_bits)) & 1u;
    const uint32_t exp_field = (bits >> l.man_bits) & exp_all;
    const uint32_t man = bits & man_mask;
    double v;
    if (exp_field == exp_all && l.has_inf) {
        v = man == 0 ? INFINITY : NAN;
    } else if (exp_field == exp_all && !l.has_inf && man == man_mask) {
        v = NAN;
    } else if (exp_field == 0) {
        v = std::ldexp(double(man), 1 - l.bias - l.man_bits);
    } else {
        v = std::ldexp(double(man | (1u << l.man_bits)), int(exp_field) - l.bias - l.man_bits);
    }
    return neg ? -v : v;
}

}  // namespace

const char* to_string(FloatFormat f) {
    switch (f) {
        case FloatFormat::Fp32: return "fp32";
        case FloatFormat::Fp16: return "fp16";
        case FloatFormat::Bf16: return "bf16";
        case FloatFormat::Fp8E4M3: return "fp8-e4m3";
        case FloatFormat::Fp8E5M2: return "fp8-e5m2";
    }
    return "?";
}

core::Result<FloatFormat> parse_float_format(const std::string& name) {
    for (auto f : {FloatFormat::Fp32, FloatFormat::Fp16, FloatFormat::Bf16, FloatFormat::Fp8E4M3, FloatFormat::Fp8E5M2})
        if (name == to_string(f)) return f;
    return core::fail("unknown float format \"" + name + "\" (formats: fp32, fp16, bf16, fp8-e4m3, fp8-e5m2)");
}

int format_bits(FloatFormat f) {
    const Layout l = layout_of(f);
    return 1 + l.exp_bits + l.man_bits;
}

uint32_t encode_float(float x, FloatFormat f) {
    if (f == FloatFormat::Fp32) return std::bit_cast<uint32_t>(x);
    return encode(double(x), layout_of(f));
}

float decode_float(uint32_t bits, FloatFormat f) {
    if (f == FloatFormat::Fp32) return std::bit_cast<float>(bits);
    return static_cast<float>(decode(bits, layout_of(f)));
}

float round_to_format(float x, FloatFormat f) {
    if (f == FloatFormat::Fp32) return x;
    return decode_float(encode_float(x, f), f);
}

double format_max_finite(FloatFormat f) { return max_finite(layout_of(f)); }

}  // namespace mlsys::models::optimize
