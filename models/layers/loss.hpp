// Losses: softmax cross-entropy fused with its gradient, cross-entropy of probabilities, and the
// temperature-softened cross-entropy used by knowledge distillation.
#pragma once

#include "models/tensor/tensor.hpp"

#include <vector>

namespace mlsys::models {

// Mean over the batch of -log softmax(logits)[label] (stable log-sum-exp). When dlogits is not null it
// receives (softmax - onehot) / N. logits: {N, classes}; labels in [0, classes).
float softmax_cross_entropy(const Tensor& logits, const std::vector<int>& labels, Tensor* dlogits);

// Mean over the batch of -log(max(p[label], 1e-7)) for probabilities (BOOK.md S 3.5: an epsilon inside the log).
float cross_entropy_from_probs(const Tensor& probs, const std::vector<int>& labels);

// Distillation loss (Hinton et al., 2015): mean over the batch of -sum_j t_j log softmax(logits / T)_j,
// for target probabilities t (already softened by the teacher at the same T), scaled by T^2 so gradients
// keep their size as T changes. dlogits (if not null) = T * (softmax(logits / T) - t) / N.
float soft_cross_entropy(const Tensor& logits, const Tensor& target_probs, float temperature, Tensor* dlogits);

}  // namespace mlsys::models
