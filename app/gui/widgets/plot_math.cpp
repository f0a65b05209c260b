// Tick, range and transform arithmetic for the charts (see plot_math.hpp). No ImGui here.
#include "app/gui/widgets/plot_math.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace mlsys::gui {
namespace {

// 10^e computed so that the result is the double nearest the exact decimal (multiplication of exact
// integers up to 1e22, or one correctly rounded division).
double pow10_exact(int e) {
    double p = 1.0;
    for (int i = 0; i < std::abs(e); ++i) p *= 10.0;
    return e >= 0 ? p : 1.0 / p;
}

// A nice step as mantissa (1, 2, 5) x 10^exponent, so multiples can be formed without drift.
struct Step {
    int mantissa = 1;
    int exponent = 0;
    double value() const { return exponent >= 0 ? mantissa * pow10_exact(exponent) : mantissa / pow10_exact(-exponent); }
    // i x step, rounded once: (i*m) x 10^e or (i*m) / 10^-e.
    double times(long long i) const {
        const double im = static_cast<double>(i) * mantissa;
        return exponent >= 0 ? im * pow10_exact(exponent) : im / pow10_exact(-exponent);
    }
};

Step nice_step_parts(double span, int max_intervals) {
    if (!(span > 0) || !std::isfinite(span) || max_intervals < 1) return {};
    const double raw = span / max_intervals;
    int e = static_cast<int>(std::floor(std::log10(raw)));
    const double base = pow10_exact(e);
    const double f = raw / base;  // in [1, 10)
    constexpr double kEps = 1e-9;
    if (f <= 1 + kEps) return {1, e};
    if (f <= 2 + kEps) return {2, e};
    if (f <= 5 + kEps) return {5, e};
    return {1, e + 1};
}

int decimals_for(double step) {
    if (!(step > 0)) return 0;
    const double d = std::round(-std::log10(step) * 1e6) / 1e6;
    return std::max(0, static_cast<int>(std::ceil(d)));
}

std::string printf_fixed(double v, int decimals, const char* suffix) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v, suffix);
    std::string s = buf;
    if (s.rfind("-", 0) == 0) {  // "-0", "-0.00" -> "0", "0.00"
        bool all_zero = true;
        for (char c : s.substr(1)) {
            if (c != '0' && c != '.' && !std::isalpha(static_cast<unsigned char>(c))) all_zero = false;
        }
        if (all_zero) s = s.substr(1);
    }
    return s;
}

}  // namespace

double nice_step(double span, int max_intervals) { return nice_step_parts(span, max_intervals).value(); }

std::vector<double> linear_ticks(double lo, double hi, int max_intervals) {
    std::vector<double> ticks;
    if (!std::isfinite(lo) || !std::isfinite(hi) || hi < lo) return ticks;
    if (hi == lo) {
        ticks.push_back(lo);
        return ticks;
    }
    const Step step = nice_step_parts(hi - lo, max_intervals);
    const double s = step.value();
    const double tol = s * 1e-6;  // bounds often come from float data (0.2f = 0.200000003)
    const long long first = static_cast<long long>(std::ceil((lo - tol) / s));
    for (long long i = first;; ++i) {
        const double t = step.times(i);
        if (t > hi + tol) break;
        ticks.push_back(t == 0.0 ? 0.0 : t);  // never -0
        if (ticks.size() > 1000) break;        // cannot happen with a nice step; guards NaN loops
    }
    return ticks;
}

std::vector<double> log_ticks(double lo, double hi, int max_ticks) {
    std::vector<double> ticks;
    if (!(lo > 0) || !(hi >= lo) || !std::isfinite(hi)) return ticks;
    const int e_lo = static_cast<int>(std::ceil(std::log10(lo) - 1e-6));  // 1e-6: float data (0.01f)
    const int e_hi = static_cast<int>(std::floor(std::log10(hi) + 1e-6));
    if (e_hi < e_lo) return ticks;
    const int n = e_hi - e_lo + 1;
    const int stride = std::max(1, (n + std::max(1, max_ticks) - 1) / std::max(1, max_ticks));
    for (int e = e_lo; e <= e_hi; e += stride) ticks.push_back(pow10_exact(e));
    return ticks;
}

std::vector<double> log_minor_ticks(double lo, double hi) {
    std::vector<double> ticks;
    if (!(lo > 0) || !(hi >= lo) || !std::isfinite(hi)) return ticks;
    const int e_lo = static_cast<int>(std::floor(std::log10(lo)));
    const int e_hi = static_cast<int>(std::floor(std::log10(hi)));
    if (e_hi - e_lo > 12) return ticks;  // too dense to be useful
    for (int e = e_lo; e <= e_hi; ++e) {
        for (int m = 2; m <= 9; ++m) {
            const double v = e >= 0 ? m * pow10_exact(e) : m / pow10_exact(-e);
            if (v >= lo && v <= hi) ticks.push_back(v);
        }
    }
    return ticks;
}

Range nice_range(double lo, double hi, bool log_scale, int max_intervals) {
    if (!std::isfinite(lo) || !std::isfinite(hi)) return {0, 1};
    if (hi < lo) std::swap(lo, hi);
    if (log_scale) {
        if (hi <= 0) return {1, 10};
        if (lo <= 0) lo = hi * 1e-3;
        double r_lo = pow10_exact(static_cast<int>(std::floor(std::log10(lo) + 1e-6)));
        double r_hi = pow10_exact(static_cast<int>(std::ceil(std::log10(hi) - 1e-6)));
        if (r_hi <= r_lo) r_hi = r_lo * 10;
        return {r_lo, r_hi};
    }
    if (hi == lo) {
        const double half = lo == 0 ? 1.0 : std::abs(lo) / 2;
        lo -= half;
        hi += half;
    }
    const Step step = nice_step_parts(hi - lo, max_intervals);
    const double s = step.value();
    const double tol = s * 1e-6;
    const auto i_lo = static_cast<long long>(std::floor((lo + tol) / s));
    const auto i_hi = static_cast<long long>(std::ceil((hi - tol) / s));
    return {step.times(i_lo), step.times(i_hi)};
}

float AxisMap::to_px(double v) const {
    double a = lo, b = hi, x = v;
    if (log_scale) {
        if (!(v > 0) || !(lo > 0) || !(hi > 0)) return std::numeric_limits<float>::quiet_NaN();
        a = std::log10(lo);
        b = std::log10(hi);
        x = std::log10(v);
    }
    const double t = b == a ? 0.5 : (x - a) / (b - a);
    return static_cast<float>(px_lo + t * (static_cast<double>(px_hi) - px_lo));
}

double AxisMap::from_px(float px) const {
    const double t = px_hi == px_lo ? 0.5 : (static_cast<double>(px) - px_lo) / (static_cast<double>(px_hi) - px_lo);
    if (log_scale) {
        if (!(lo > 0) || !(hi > 0)) return std::numeric_limits<double>::quiet_NaN();
        const double a = std::log10(lo), b = std::log10(hi);
        return std::pow(10.0, a + t * (b - a));
    }
    return lo + t * (hi - lo);
}

std::string format_tick(double value, double step) {
    if (!std::isfinite(value)) return "nan";
    const double a = std::abs(step);
    const double v = std::abs(value);
    if (v >= 1e9) return printf_fixed(value / 1e9, decimals_for(a / 1e9), "G");
    if (v >= 1e6) return printf_fixed(value / 1e6, decimals_for(a / 1e6), "M");
    if (v >= 1e4) return printf_fixed(value / 1e3, decimals_for(a / 1e3), "k");
    return printf_fixed(value, decimals_for(a), "");
}

std::string format_log_tick(double value, bool plain) {
    if (!(value > 0) || !std::isfinite(value)) return "nan";
    const double l = std::log10(value);
    const int e = static_cast<int>(std::lround(l));
    if (std::abs(l - e) > 1e-6) return format_si(value);
    if (e >= -2 && e <= 3) return printf_fixed(value, std::max(0, -e), "");
    if (plain) return "1e" + std::to_string(e);
    static const char* const kSup[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    std::string s = "10";
    if (e < 0) s += "⁻";
    for (char c : std::to_string(std::abs(e))) s += kSup[c - '0'];
    return s;
}

std::string format_si(double value) {
    if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
    const double a = std::abs(value);
    char buf[48];
    struct Suffix {
        double scale;
        const char* name;
    };
    static constexpr Suffix kSuffixes[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (const Suffix& s : kSuffixes) {
        // 999.6 and up round to "1e+03" at three digits: give them the next suffix instead.
        if (a >= s.scale * 0.9995) {
            std::snprintf(buf, sizeof buf, "%.3g%s", value / s.scale, s.name);
            return buf;
        }
    }
    std::snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const double pos = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
    const auto i = static_cast<std::size_t>(std::floor(pos));
    const double frac = pos - static_cast<double>(i);
    if (i + 1 >= values.size()) return values.back();
    return values[i] + frac * (values[i + 1] - values[i]);
}

}  // namespace mlsys::gui
