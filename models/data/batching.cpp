// BatchSampler and gather_batch: index bookkeeping and per-sample memcpy.
#include "models/data/batching.hpp"

#include "models/core/check.hpp"
#include "models/core/rng.hpp"

#include <algorithm>
#include <cstring>

namespace mlsys::models {

BatchSampler::BatchSampler(int n, int batch_size, bool shuffle, uint64_t seed, bool drop_last)
    : n_(n), batch_size_(batch_size), shuffle_(shuffle), seed_(seed), drop_last_(drop_last) {
    MLSYS_CHECK_MSG(n >= 0, "BatchSampler: n must be >= 0");
    MLSYS_CHECK_MSG(batch_size > 0, "BatchSampler: batch_size must be > 0");
    start_epoch(0);
}

void BatchSampler::start_epoch(int epoch) {
    MLSYS_CHECK(epoch >= 0);
    epoch_ = epoch;
    order_.resize(static_cast<size_t>(n_));
    for (int i = 0; i < n_; ++i) order_[static_cast<size_t>(i)] = i;
    if (shuffle_) {
        core::Rng rng = core::Rng(seed_).derive(static_cast<uint64_t>(epoch));
        rng.shuffle(order_);
    }
}

int BatchSampler::n_batches() const {
    return drop_last_ ? n_ / batch_size_ : (n_ + batch_size_ - 1) / batch_size_;
}

std::span<const int> BatchSampler::batch(int b) const {
    MLSYS_CHECK(b >= 0 && b < n_batches());
    const size_t begin = static_cast<size_t>(b) * static_cast<size_t>(batch_size_);
    const size_t end = std::min(begin + static_cast<size_t>(batch_size_), order_.size());
    return std::span<const int>(order_.data() + begin, end - begin);
}

void gather_batch(const Dataset& data, std::span<const int> indices, Tensor& x, std::vector<int>& y) {
    const int b = static_cast<int>(indices.size());
    x.resize(batched(b, data.sample_shape));
    y.resize(indices.size());
    const int64_t per = data.sample_size();
    const size_t bytes = static_cast<size_t>(per) * sizeof(float);
    const int n = data.size();
    for (int i = 0; i < b; ++i) {
        const int src = indices[static_cast<size_t>(i)];
        MLSYS_CHECK_MSG(src >= 0 && src < n, "gather_batch: sample index out of range");
        std::memcpy(x.ptr() + i * per, data.x.ptr() + src * per, bytes);
        y[static_cast<size_t>(i)] = data.y[static_cast<size_t>(src)];
    }
}

}  // namespace mlsys::models
