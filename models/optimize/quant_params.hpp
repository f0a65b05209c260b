// Affine quantization parameters (real = scale * (q - zero_point)): choosing them from a range, symmetric
// or asymmetric, per tensor or per output channel; calibrating an activation range from a sample
// (min-max, percentile, MSE-optimal clipping); and the fixed-point multiplier + shift an integer-only
// kernel uses to rescale its int32 accumulator. Pure functions, no model code.
#pragma once

#include "models/core/result.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mlsys::models::optimize {

struct QuantParams {
    float scale = 1.0f;
    int32_t zero_point = 0;
};

// The integer range of a signed `bits`-bit code. Symmetric weights use the restricted range
// [-(2^(b-1) - 1), 2^(b-1) - 1] so that negation never overflows; asymmetric codes use the full range.
int32_t qmin(int bits, bool symmetric);
int32_t qmax(int bits);

// Parameters covering [lo, hi] (widened to include 0 so that zero is exact). Symmetric: zero_point 0,
// scale = max(|lo|, |hi|) / qmax. Asymmetric: scale = (hi - lo) / (qmax - qmin), zero_point =
// qmin - round(lo / scale). A zero-width range gets scale 1 (everything quantizes to the zero point).
QuantParams choose_qparams(float lo, float hi, int bits, bool symmetric);

// q = clamp(round_half_away(x / scale) + zero_point, lo_q, hi_q).
int32_t quantize_value(float x, const QuantParams& p, int32_t lo_q, int32_t hi_q);
inline float dequantize_value(int32_t q, const QuantParams& p) { return p.scale * float(q - p.zero_point); }

// x quantized and dequantized again (fake quantization).
float fake_quantize(float x, const QuantParams& p, int bits, bool symmetric);

enum class CalibMethod {
    MinMax,      // the observed minimum and maximum
    Percentile,  // clip to the p-th and (100-p)-th percentiles (outliers get clipped)
    Mse,         // the clipping range (a fraction of min-max) with the least mean squared quantization error
};
const char* to_string(CalibMethod m);
core::Result<CalibMethod> parse_calib_method(const std::string& name);  // "minmax", "percentile", "mse"

struct Range {
    float lo = 0.0f;
    float hi = 0.0f;
};
// The range to quantize `values` with (values are not modified). percentile is in (50, 100].
Range calibrate_range(std::span<const float> values, CalibMethod method, int bits, bool symmetric,
                      double percentile = 99.99);

// A positive real multiplier M as m * 2^-shift with m in [2^30, 2^31): the integer kernel computes
// (acc * m + 2^(shift-1)) >> shift. Errors when M is not in (0, 2^30) or needs a shift over 62.
struct FixedPointMultiplier {
    int32_t multiplier = 0;
    int32_t shift = 0;  // total right shift, 1..62
};
core::Result<FixedPointMultiplier> quantize_multiplier(double real_multiplier);
// The integer rescale: round-half-up of acc * m / 2^shift in 64-bit arithmetic.
int32_t apply_multiplier(int32_t acc, const FixedPointMultiplier& m);

}  // namespace mlsys::models::optimize
