// Spectral features of sensor windows, as the textbook's motion lab computes them with Edge Impulse's
// "Spectral Analysis" block: per axis, the mean is removed, then the RMS (and optionally skewness and
// kurtosis) and the spectral power in the FFT bins of a Welch average (frames of fft_length samples,
// 50% overlap, Hann or rectangular window, optional log10). The FFT is Eigen's (unsupported/Eigen/FFT,
// part of libeigen3-dev, already a dependency). Pure functions; no I/O.
#pragma once

#include "models/core/result.hpp"

#include <span>
#include <string>
#include <vector>

namespace mlsys::models::features {

struct SpectralConfig {
    int fft_length = 16;         // even, 4..1024; gives fft_length / 2 power bins per axis (DC dropped)
    bool hann = true;            // Hann window on each frame (else rectangular)
    bool log_power = true;       // log10(power + 1e-10) instead of the power
    bool skew_kurtosis = false;  // two more time-domain features per axis
};
// The error names the field ("fft_length: must be even and 4..1024, got 15").
[[nodiscard]] core::Status validate(const SpectralConfig& c);

// Features per axis: RMS, [skewness, kurtosis], then fft_length / 2 power bins.
int features_per_axis(const SpectralConfig& c);
// "<axis>_rms", "<axis>_skew", "<axis>_kurt", "<axis>_p<k>" (bin k, k = 1..fft_length/2), axis by axis.
std::vector<std::string> feature_names(const std::vector<std::string>& axes, const SpectralConfig& c);
// Centre frequency of power bin k (1-based as in feature_names) at the sampling rate.
inline double bin_hz(int k, int fft_length, double rate_hz) { return k * rate_hz / fft_length; }

// Root mean square of x (no mean removal: pass a zero-mean signal for the "RMS" feature).
double rms(std::span<const double> x);
// Sample skewness and (non-excess) kurtosis of x; 0 and 3 for a constant signal.
double skewness(std::span<const double> x);
double kurtosis(std::span<const double> x);

// One-sided power spectrum of one frame (n = x.size(), even): n/2 + 1 values P[0..n/2], normalised so that
// sum(P) is the window-weighted mean square of x (Parseval). A rectangular-window sine of amplitude A at
// bin k (0 < k < n/2) gives P[k] = A^2 / 2; with a Hann window its power spreads over k-1..k+1 and those
// three bins sum to A^2 / 2.
std::vector<double> frame_power(std::span<const double> x, bool hann);

// Welch's average of frame_power over frames of fft_length with a hop of fft_length / 2 (a signal shorter
// than fft_length is zero-padded into one frame). n/2 + 1 values.
std::vector<double> welch_power(std::span<const double> x, int fft_length, bool hann);

// The features of one window: axes[a] holds that axis's samples (all the same length, at least 2).
// Mean removed per axis first. Errors name the axis whose length differs.
[[nodiscard]] core::Result<std::vector<float>> spectral_features(const std::vector<std::vector<double>>& axes,
                                                                 const SpectralConfig& c);

// Per-feature standardisation (z-score) fitted on training features and applied to every window, so the
// int8 input scale serves all features. A feature with no spread keeps std 1.
struct FeatureScaler {
    std::vector<double> mean;
    std::vector<double> std;
    bool empty() const { return mean.empty(); }
    std::vector<float> apply(const std::vector<float>& x) const;
};
[[nodiscard]] core::Result<FeatureScaler> fit_scaler(const std::vector<std::vector<float>>& rows);

}  // namespace mlsys::models::features
