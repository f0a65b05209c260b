// Per-channel normalization statistics and their application.
#include "models/data/normalization.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace mlsys::models {

namespace {
constexpr double kMinStddev = 1e-6;
}

Normalization compute_normalization(const Dataset& train) {
    const int channels = train.sample_shape.empty() ? 1 : train.sample_shape.back();
    Normalization norm;
    norm.mean.assign(static_cast<size_t>(channels), 0.0f);
    norm.stddev.assign(static_cast<size_t>(channels), 1.0f);
    const int64_t total = train.x.size();
    if (channels <= 0 || total == 0) return norm;
    const int64_t per_channel = total / channels;
    // Nested sample/channel loops: no modulo per element.
    const float* x = train.x.ptr();
    const auto C = static_cast<size_t>(channels);
    std::vector<double> sum(C, 0.0), sq(C, 0.0);
    for (int64_t i = 0; i < total; i += channels)
        for (size_t c = 0; c < C; ++c) sum[c] += x[i + static_cast<int64_t>(c)];
    std::vector<double> mean(C);
    for (size_t c = 0; c < C; ++c) mean[c] = sum[c] / static_cast<double>(per_channel);
    for (int64_t i = 0; i < total; i += channels)
        for (size_t c = 0; c < C; ++c) {
            const double d = x[i + static_cast<int64_t>(c)] - mean[c];
            sq[c] += d * d;
        }
    for (int c = 0; c < channels; ++c) {
        const auto k = static_cast<size_t>(c);
        const double sd = std::sqrt(sq[k] / per_channel);
        norm.mean[k] = static_cast<float>(mean[k]);
        norm.stddev[k] = sd < kMinStddev ? 1.0f : static_cast<float>(sd);
    }
    return norm;
}

core::Status apply_normalization(const Normalization& norm, Tensor& x) {
    const int channels = norm.channels();
    if (channels == 0 || norm.stddev.size() != norm.mean.size())
        return core::fail("normalization: mean and stddev must have the same, non-zero length");
    const int last = x.shape.empty() ? 0 : x.shape.back();
    if (last != channels)
        return core::fail("normalization has " + std::to_string(channels) + " channels but the data's last dimension is " +
                          std::to_string(last) + " (shape " + shape_str(x.shape) + ")");
    std::vector<float> inv(static_cast<size_t>(channels));
    for (int c = 0; c < channels; ++c) inv[static_cast<size_t>(c)] = 1.0f / norm.stddev[static_cast<size_t>(c)];
    float* p = x.ptr();
    const int64_t total = x.size();
    if (channels == 1) {
        const float m = norm.mean[0], s = inv[0];
        for (int64_t i = 0; i < total; ++i) p[i] = (p[i] - m) * s;
    } else {
        for (int64_t i = 0; i < total; i += channels)
            for (int c = 0; c < channels; ++c)
                p[i + c] = (p[i + c] - norm.mean[static_cast<size_t>(c)]) * inv[static_cast<size_t>(c)];
    }
    return core::Status::success();
}

nlohmann::json normalization_to_json(const Normalization& norm) {
    return nlohmann::json{{"mean", norm.mean}, {"stddev", norm.stddev}};
}

core::Result<Normalization> parse_normalization(const nlohmann::json& j) {
    if (!j.is_object()) return core::fail("normalization: expected an object with mean and stddev");
    Normalization norm;
    for (const char* key : {"mean", "stddev"}) {
        auto it = j.find(key);
        if (it == j.end() || !it->is_array()) return core::fail(std::string("normalization.") + key + ": missing or not an array");
        std::vector<float>& dst = std::string(key) == "mean" ? norm.mean : norm.stddev;
        for (size_t i = 0; i < it->size(); ++i) {
            const auto& v = (*it)[i];
            if (!v.is_number())
                return core::fail(std::string("normalization.") + key + "[" + std::to_string(i) + "]: not a number");
            dst.push_back(v.get<float>());
        }
    }
    if (norm.mean.empty() || norm.mean.size() != norm.stddev.size())
        return core::fail("normalization: mean has " + std::to_string(norm.mean.size()) + " entries, stddev " +
                          std::to_string(norm.stddev.size()) + " (must be equal and non-zero)");
    for (size_t i = 0; i < norm.stddev.size(); ++i)
        if (!(norm.stddev[i] > 0.0f) || !std::isfinite(norm.stddev[i]))
            return core::fail("normalization.stddev[" + std::to_string(i) + "]: must be positive and finite");
    return norm;
}

}  // namespace mlsys::models
