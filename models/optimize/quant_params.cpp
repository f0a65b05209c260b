// Quantization parameters, calibration and fixed-point multipliers (quant_params.hpp).
#include "models/optimize/quant_params.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>

namespace mlsys::models::optimize {

int32_t qmin(int bits, bool symmetric) { return symmetric ? -((1 << (bits - 1)) - 1) : -(1 << (bits - 1)); }
int32_t qmax(int bits) { return (1 << (bits - 1)) - 1; }

QuantParams choose_qparams(float lo, float hi, int bits, bool symmetric) {
    lo = std::min(lo, 0.0f);
    hi = std::max(hi, 0.0f);
    QuantParams p;
    if (symmetric) {
        const float m = std::max(-lo, hi);
        p.scale = m > 0 ? m / float(qmax(bits)) : 1.0f;
        p.zero_point = 0;
        return p;
    }
    const int32_t q0 = qmin(bits, false), q1 = qmax(bits);
    if (hi - lo <= 0) return p;
    p.scale = (hi - lo) / float(q1 - q0);
    const long zp = q0 - std::lround(lo / p.scale);
    p.zero_point = static_cast<int32_t>(std::clamp<long>(zp, q0, q1));
    return p;
}

int32_t quantize_value(float x, const QuantParams& p, int32_t lo_q, int32_t hi_q) {
    const double v = std::round(double(x) / double(p.scale)) + p.zero_point;  // round: half away from zero
    if (std::isnan(v)) return p.zero_point;
    return static_cast<int32_t>(std::clamp<double>(v, lo_q, hi_q));
}

float fake_quantize(float x, const QuantParams& p, int bits, bool symmetric) {
    return dequantize_value(quantize_value(x, p, qmin(bits, symmetric), qmax(bits)), p);
}

const char* to_string(CalibMethod m) {
    switch (m) {
        case CalibMethod::MinMax: return "minmax";
        case CalibMethod::Percentile: return "percentile";
        case CalibMethod::Mse: return "mse";
    }
    return "?";
}

core::Result<CalibMethod> parse_calib_method(const std::string& name) {
    for (auto m : {CalibMethod::MinMax, CalibMethod::Percentile, CalibMethod::Mse})
        if (name == to_string(m)) return m;
    return core::fail("unknown calibration method \"" + name + "\" (methods: minmax, percentile, mse)");
}

namespace {

double quant_mse(std::span<const float> values, Range r, int bits, bool symmetric) {
    const QuantParams p = choose_qparams(r.lo, r.hi, bits, symmetric);
    const int32_t q0 = qmin(bits, symmetric), q1 = qmax(bits);
    double sum = 0;
    for (float v : values) {
        const double e = double(v) - double(dequantize_value(quantize_value(v, p, q0, q1), p));
        sum += e * e;
    }
    return values.empty() ? 0.0 : sum / double(values.size());
}

}  // namespace

Range calibrate_range(std::span<const float> values, CalibMethod method, int bits, bool symmetric, double percentile) {
    Range r;
    if (values.empty()) return r;
    const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
    r = {*mn, *mx};
    switch (method) {
        case CalibMethod::MinMax: return r;
        case CalibMethod::Percentile: {
            std::vector<float> v(values.begin(), values.end());
            const double p = std::clamp(percentile, 50.0, 100.0) / 100.0;
            const auto at = [&](double frac) {
                const size_t k = std::min(v.size() - 1, static_cast<size_t>(std::llround(frac * double(v.size() - 1))));
                std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
                return v[k];
            };
            r.hi = at(p);
            r.lo = at(1.0 - p);
            return r;
        }
        case CalibMethod::Mse: {
            // Search clipping fractions 0.05, 0.10, ..., 1.00 of the min-max range on (a subsample of)
            // the values: the classic range/precision trade-off (Banner et al., 2019; Nagel et al., 2021).
            std::vector<float> sample;
            const size_t stride = std::max<size_t>(1, values.size() / 20000);
            for (size_t i = 0; i < values.size(); i += stride) sample.push_back(values[i]);
            Range best = r;
            double best_err = quant_mse(sample, r, bits, symmetric);
            for (int k = 1; k < 20; ++k) {
                const float a = float(k) / 20.0f;
                const Range c{r.lo * a, r.hi * a};
                const double e = quant_mse(sample, c, bits, symmetric);
                if (e < best_err) {
                    best_err = e;
                    best = c;
                }
            }
            return best;
        }
    }
    return r;
}

core::Result<FixedPointMultiplier> quantize_multiplier(double real_multiplier) {
    if (!(real_multiplier > 0) || real_multiplier >= double(1 << 30))
        return core::fail("requantization multiplier " + std::to_string(real_multiplier) + " is out of range (0, 2^30)");
    int exp = 0;
    const double frac = std::frexp(real_multiplier, &exp);  // real = frac * 2^exp, frac in [0.5, 1)
    int64_t m = std::llround(frac * double(int64_t(1) << 31));
    if (m == (int64_t(1) << 31)) {
        m /= 2;
        ++exp;
    }
    FixedPointMultiplier f;
    f.multiplier = static_cast<int32_t>(m);
    f.shift = 31 - exp;
    if (f.shift < 1 || f.shift > 62)
        return core::fail("requantization multiplier " + std::to_string(real_multiplier) + " needs a shift of " +
                          std::to_string(f.shift) + " (allowed 1..62)");
    return f;
}

int32_t apply_multiplier(int32_t acc, const FixedPointMultiplier& m) {
    const int64_t prod = int64_t(acc) * int64_t(m.multiplier);
    const int64_t r = (prod + (int64_t(1) << (m.shift - 1))) >> m.shift;
    return static_cast<int32_t>(std::clamp<int64_t>(r, INT32_MIN, INT32_MAX));
}

}  // namespace mlsys::models::optimize
