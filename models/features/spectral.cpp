// Spectral features (see spectral.hpp).
#include "models/features/spectral.hpp"

#include <unsupported/Eigen/FFT>

#include <cmath>
#include <complex>
#include <numbers>

namespace mlsys::models::features {

core::Status validate(const SpectralConfig& c) {
    if (c.fft_length < 4 || c.fft_length > 1024 || c.fft_length % 2 != 0)
        return core::fail("fft_length: must be even and 4..1024, got " + std::to_string(c.fft_length));
    return core::Status::success();
}

int features_per_axis(const SpectralConfig& c) { return 1 + (c.skew_kurtosis ? 2 : 0) + c.fft_length / 2; }

std::vector<std::string> feature_names(const std::vector<std::string>& axes, const SpectralConfig& c) {
    std::vector<std::string> names;
    for (const auto& a : axes) {
        names.push_back(a + "_rms");
        if (c.skew_kurtosis) {
            names.push_back(a + "_skew");
            names.push_back(a + "_kurt");
        }
        for (int k = 1; k <= c.fft_length / 2; ++k) names.push_back(a + "_p" + std::to_string(k));
    }
    return names;
}

double rms(std::span<const double> x) {
    if (x.empty()) return 0;
    double s = 0;
    for (double v : x) s += v * v;
    return std::sqrt(s / static_cast<double>(x.size()));
}

namespace {
// Central moments m2, m3, m4.
void moments(std::span<const double> x, double& m2, double& m3, double& m4) {
    m2 = m3 = m4 = 0;
    if (x.empty()) return;
    double mean = 0;
    for (double v : x) mean += v;
    mean /= static_cast<double>(x.size());
    for (double v : x) {
        const double d = v - mean;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
    }
    const auto n = static_cast<double>(x.size());
    m2 /= n;
    m3 /= n;
    m4 /= n;
}
}  // namespace

double skewness(std::span<const double> x) {
    double m2, m3, m4;
    moments(x, m2, m3, m4);
    return m2 <= 1e-300 ? 0.0 : m3 / std::pow(m2, 1.5);
}

double kurtosis(std::span<const double> x) {
    double m2, m3, m4;
    moments(x, m2, m3, m4);
    return m2 <= 1e-300 ? 3.0 : m4 / (m2 * m2);
}

std::vector<double> frame_power(std::span<const double> x, bool hann) {
    const size_t n = x.size();
    std::vector<double> p(n / 2 + 1, 0.0);
    if (n < 2) return p;
    std::vector<double> w(n, 1.0);
    if (hann)  // periodic Hann: its DFT has exactly three non-zero bins, so a bin-centred sine spreads over k-1..k+1
        for (size_t i = 0; i < n; ++i) w[i] = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n));
    double w2 = 0;
    std::vector<double> xw(n);
    for (size_t i = 0; i < n; ++i) {
        xw[i] = x[i] * w[i];
        w2 += w[i] * w[i];
    }
    Eigen::FFT<double> fft;
    std::vector<std::complex<double>> spec;
    fft.fwd(spec, xw);
    const double norm = static_cast<double>(n) * w2;
    for (size_t k = 0; k <= n / 2; ++k) {
        const double c = (k == 0 || k == n / 2) ? 1.0 : 2.0;
        p[k] = c * std::norm(spec[k]) / norm;
    }
    return p;
}

std::vector<double> welch_power(std::span<const double> x, int fft_length, bool hann) {
    const auto n = static_cast<size_t>(fft_length);
    std::vector<double> acc(n / 2 + 1, 0.0);
    if (x.size() < n) {
        std::vector<double> padded(x.begin(), x.end());
        padded.resize(n, 0.0);
        return frame_power(padded, hann);
    }
    const size_t hop = n / 2;
    int frames = 0;
    for (size_t start = 0; start + n <= x.size(); start += hop) {
        const auto p = frame_power(x.subspan(start, n), hann);
        for (size_t k = 0; k < acc.size(); ++k) acc[k] += p[k];
        ++frames;
    }
    for (double& v : acc) v /= frames;
    return acc;
}

core::Result<std::vector<float>> spectral_features(const std::vector<std::vector<double>>& axes, const SpectralConfig& c) {
    if (auto st = validate(c); !st) return core::fail(st.error());
    if (axes.empty()) return core::fail("spectral features: no axes");
    const size_t len = axes[0].size();
    if (len < 2) return core::fail("spectral features: a window needs at least 2 samples, got " + std::to_string(len));
    std::vector<float> out;
    out.reserve(axes.size() * static_cast<size_t>(features_per_axis(c)));
    for (size_t a = 0; a < axes.size(); ++a) {
        if (axes[a].size() != len)
            return core::fail("spectral features: axis " + std::to_string(a) + " has " + std::to_string(axes[a].size()) +
                              " samples, axis 0 has " + std::to_string(len));
        double mean = 0;
        for (double v : axes[a]) mean += v;
        mean /= static_cast<double>(len);
        std::vector<double> x(len);
        for (size_t i = 0; i < len; ++i) x[i] = axes[a][i] - mean;
        out.push_back(static_cast<float>(rms(x)));
        if (c.skew_kurtosis) {
            out.push_back(static_cast<float>(skewness(x)));
            out.push_back(static_cast<float>(kurtosis(x)));
        }
        const auto p = welch_power(x, c.fft_length, c.hann);
        for (size_t k = 1; k < p.size(); ++k)
            out.push_back(static_cast<float>(c.log_power ? std::log10(p[k] + 1e-10) : p[k]));
    }
    return out;
}

std::vector<float> FeatureScaler::apply(const std::vector<float>& x) const {
    std::vector<float> y(x.size());
    for (size_t i = 0; i < x.size(); ++i)
        y[i] = i < mean.size() ? static_cast<float>((x[i] - mean[i]) / std[i]) : x[i];
    return y;
}

core::Result<FeatureScaler> fit_scaler(const std::vector<std::vector<float>>& rows) {
    if (rows.empty()) return core::fail("feature scaler: no rows to fit");
    const size_t d = rows[0].size();
    FeatureScaler s;
    s.mean.assign(d, 0.0);
    s.std.assign(d, 0.0);
    for (size_t r = 0; r < rows.size(); ++r) {
        if (rows[r].size() != d)
            return core::fail("feature scaler: row " + std::to_string(r) + " has " + std::to_string(rows[r].size()) +
                              " features, row 0 has " + std::to_string(d));
        for (size_t i = 0; i < d; ++i) s.mean[i] += rows[r][i];
    }
    for (double& m : s.mean) m /= static_cast<double>(rows.size());
    for (const auto& row : rows)
        for (size_t i = 0; i < d; ++i) s.std[i] += (row[i] - s.mean[i]) * (row[i] - s.mean[i]);
    for (double& v : s.std) {
        v = std::sqrt(v / static_cast<double>(rows.size()));
        if (v < 1e-9) v = 1.0;
    }
    return s;
}

}  // namespace mlsys::models::features
