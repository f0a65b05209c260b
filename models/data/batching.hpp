// Mini-batches: a seeded per-epoch sampler over sample indices and gather_batch(), which copies the
// chosen samples into a caller-owned tensor. No threads, no prefetching: the training loop drives it.
#pragma once

#include "models/data/dataset.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace mlsys::models {

// Yields the indices 0..n-1 in batches. With shuffle, epoch e's order is a permutation drawn from
// (seed, e) alone, so epoch 3 is the same whether or not epochs 0-2 ran (resuming reproduces it), and
// every epoch differs. Without shuffle the order is 0..n-1. drop_last omits a final short batch.
class BatchSampler {
public:
    BatchSampler(int n, int batch_size, bool shuffle, uint64_t seed, bool drop_last = false);

    // Prepares epoch `epoch` (0-based).
    void start_epoch(int epoch);
    int epoch() const { return epoch_; }

    int n() const { return n_; }
    int batch_size() const { return batch_size_; }
    // Batches in an epoch (n / batch_size, rounded up unless drop_last).
    int n_batches() const;
    // The indices of batch b of the current epoch (a view into order(); valid until start_epoch()).
    std::span<const int> batch(int b) const;
    // The whole epoch order.
    const std::vector<int>& order() const { return order_; }

private:
    int n_;
    int batch_size_;
    bool shuffle_;
    uint64_t seed_;
    bool drop_last_;
    int epoch_ = 0;
    std::vector<int> order_;
};

// Copies the samples at `indices` into x (resized to {indices.size(), sample_shape...}) and their labels
// into y: one memcpy per sample. Reuses x's and y's storage when it is large enough. Indices are checked.
void gather_batch(const Dataset& data, std::span<const int> indices, Tensor& x, std::vector<int>& y);

}  // namespace mlsys::models
