// The arithmetic under every chart: nice tick steps (1/2/5 x 10^k), log-decade ticks, data <-> pixel
// transforms and tick labels. Pure functions without ImGui, unit-tested exactly; draws nothing.
#pragma once

#include <string>
#include <vector>

namespace mlsys::gui {

// The "nice" step (1, 2 or 5 x 10^k) nearest above span / max_intervals, so that at most about
// max_intervals intervals cover the span. Returns 1 for a zero or invalid span.
double nice_step(double span, int max_intervals);

// Multiples of nice_step(hi - lo, max_intervals) inside [lo, hi] (both ends included within a tiny
// tolerance), ascending. [0, 0.87] with 5 intervals gives 0, 0.2, 0.4, 0.6, 0.8.
std::vector<double> linear_ticks(double lo, double hi, int max_intervals = 5);

// Powers of ten inside [lo, hi] (lo > 0), ascending; when there are more than max_ticks decades, every
// k-th decade so that at most max_ticks remain. [3e-7, 2e-2] gives 1e-6, 1e-5, 1e-4, 1e-3, 1e-2.
// Empty when lo <= 0 or hi < lo.
std::vector<double> log_ticks(double lo, double hi, int max_ticks = 10);

// The 2..9 x 10^k values strictly between decades inside [lo, hi], for unlabelled minor grid lines.
std::vector<double> log_minor_ticks(double lo, double hi);

// A range for auto-fitting data in [lo, hi]: linear axes widen to the enclosing tick multiples (an
// empty span becomes +-1 around the value, or +-|v|/2); log axes widen to whole decades.
struct Range {
    double lo = 0;
    double hi = 1;
};
Range nice_range(double lo, double hi, bool log_scale, int max_intervals = 5);

// Maps a data interval onto a pixel interval (px_lo may be greater than px_hi: y grows downward on
// screen). Log axes map log10(v); values <= 0 on a log axis map to NaN.
struct AxisMap {
    double lo = 0;
    double hi = 1;
    bool log_scale = false;
    float px_lo = 0;
    float px_hi = 1;

    float to_px(double v) const;
    double from_px(float px) const;
};

// Tick label for a linear axis with the given step: as many decimals as the step needs ("0.2", "15",
// "0.05"); values of magnitude >= 1e4, 1e6, 1e9 use k, M, G ("20k", "1.5M"); -0 prints as "0".
std::string format_tick(double value, double step);

// Tick label for a decade: "10⁻⁶", "10⁰", "10³" (UTF-8 superscripts) or, with plain = true, "1e-6".
// Decades 10^-2..10^3 print as plain numbers ("0.01", "1", "1000") since they read faster.
std::string format_log_tick(double value, bool plain = false);

// A value with 3 significant digits and an SI suffix for read-outs: 0.000123 -> "0.000123", 999 -> "999",
// 5600 -> "5.6k", 12345 -> "12.3k", 2.5e9 -> "2.5G".
std::string format_si(double value);

// The p-th percentile (0..100) of a sample, interpolating linearly between the closest ranks (NumPy's
// default), e.g. the median of {1, 2, 3, 4} is 2.5; 0 for an empty sample.
double percentile(std::vector<double> values, double p);

}  // namespace mlsys::gui
