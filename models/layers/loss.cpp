// Cross-entropy losses with stable log-softmax.
#include "models/layers/loss.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::models {

float softmax_cross_entropy(const Tensor& logits, const std::vector<int>& labels, Tensor* dlogits) {
    const int n = logits.batch();
    const int k = static_cast<int>(logits.sample_size());
    if (dlogits) dlogits->resize(logits.shape);
    double total = 0;
    for (int i = 0; i < n; ++i) {
        const float* z = logits.ptr() + int64_t(i) * k;
        float mx = z[0];
        for (int j = 1; j < k; ++j) mx = std::max(mx, z[j]);
        double sum = 0;
        for (int j = 0; j < k; ++j) sum += std::exp(static_cast<double>(z[j] - mx));
        const double log_sum = std::log(sum);
        const int y = labels[static_cast<size_t>(i)];
        total += log_sum - static_cast<double>(z[y] - mx);
        if (dlogits) {
            float* d = dlogits->ptr() + int64_t(i) * k;
            for (int j = 0; j < k; ++j) {
                const double p = std::exp(static_cast<double>(z[j] - mx) - log_sum);
                d[j] = static_cast<float>((p - (j == y ? 1.0 : 0.0)) / n);
            }
        }
    }
    return static_cast<float>(total / n);
}

float cross_entropy_from_probs(const Tensor& probs, const std::vector<int>& labels) {
    const int n = probs.batch();
    const int64_t k = probs.sample_size();
    double total = 0;
    for (int i = 0; i < n; ++i) {
        const float p = probs[int64_t(i) * k + labels[static_cast<size_t>(i)]];
        total -= std::log(std::max(static_cast<double>(p), 1e-7));
    }
    return static_cast<float>(total / n);
}

float soft_cross_entropy(const Tensor& logits, const Tensor& target_probs, float temperature, Tensor* dlogits) {
    const int n = logits.batch();
    const int k = static_cast<int>(logits.sample_size());
    const double t = temperature;
    if (dlogits) dlogits->resize(logits.shape);
    double total = 0;
    for (int i = 0; i < n; ++i) {
        const float* z = logits.ptr() + int64_t(i) * k;
        const float* target = target_probs.ptr() + int64_t(i) * k;
        double mx = z[0] / t;
        for (int j = 1; j < k; ++j) mx = std::max(mx, z[j] / t);
        double sum = 0;
        for (int j = 0; j < k; ++j) sum += std::exp(z[j] / t - mx);
        const double log_sum = std::log(sum) + mx;
        for (int j = 0; j < k; ++j) {
            const double log_p = z[j] / t - log_sum;
            total -= target[j] * log_p;
            if (dlogits) dlogits->ptr()[int64_t(i) * k + j] = static_cast<float>(t * (std::exp(log_p) - target[j]) / n);
        }
    }
    return static_cast<float>(t * t * total / n);
}

}  // namespace mlsys::models
