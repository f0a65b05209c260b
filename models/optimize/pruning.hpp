// Pruning: magnitude pruning (unstructured; one global threshold or one per layer) that zeroes weights and
// keeps masks so fine-tuning cannot revive them; structured pruning (whole conv filters or dense units,
// ranked by L1 norm) that builds a genuinely smaller model; sparsity and dense vs CSR sizes per layer.
#pragma once

#include "models/core/job.hpp"
#include "models/core/result.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/train/trainer.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mlsys::models::optimize {

// One 0/1 mask per weight tensor of a prunable layer (dense, conv2d, depthwise_conv2d); biases are kept.
struct PruneMask {
    int layer = 0;               // layer index in the model
    std::vector<uint8_t> keep;   // 1 = kept, same size as the layer's weight
};
using PruneMasks = std::vector<PruneMask>;

// Zeroes the `sparsity` fraction (0..1) of weights with the smallest magnitude — over all prunable layers
// together (global) or in each layer separately — and returns the masks. Exactly round(sparsity * n)
// weights are zeroed per pruning population (ties broken by position).
PruneMasks magnitude_prune(Model& model, double sparsity, bool global);
// Zeroes the masked weights again (after an optimizer step during fine-tuning).
void apply_masks(Model& model, const PruneMasks& masks);

// Structured pruning: removes the `fraction` of output channels with the smallest L1 norm from every
// conv2d and dense layer except the classifier (at least one channel stays), and the matching input
// channels of what follows (batchnorm, depthwise, the next conv or dense, through pools and flatten).
// Returns the smaller model with the surviving weights copied; its Workload is smaller.
core::Result<Model> structured_prune(Model& model, double fraction);

struct LayerSparsity {
    std::string name;
    int64_t n_weights = 0;
    int64_t n_zero = 0;
    int64_t rows = 0, cols = 0;   // the weight as a matrix: output channels x fan-in
    double sparsity() const { return n_weights ? double(n_zero) / double(n_weights) : 0.0; }
    int64_t dense_bytes = 0;      // 4 bytes per weight
    int64_t csr_bytes = 0;        // values (4 B) + column indices (2 B, or 4 when cols > 65535) + row pointers (4 B)
};
std::vector<LayerSparsity> sparsity_report(Model& model);
// CSR storage of a rows x cols matrix with nnz non-zeros and `value_bytes` per value.
int64_t csr_bytes(int64_t rows, int64_t cols, int64_t nnz, int value_bytes);

struct PruneConfig {
    double sparsity = 0.5;      // unstructured: fraction of weights zeroed; structured: fraction of channels removed
    bool structured = false;
    bool global = true;         // unstructured: one threshold across layers
    int finetune_epochs = 0;
    int gradual_steps = 1;      // 1 = one-shot; k > 1 = k prune/fine-tune rounds on the cubic schedule of
                                // Zhu & Gupta (2017), sparsity_i = s (1 - (1 - i/k)^3)
};
nlohmann::json to_json(const PruneConfig& c);

// Progress of a pruning or distillation job: (steps done, total steps, latest training loss).
using TrainProgress = std::function<void(int64_t, int64_t, double)>;

// Prunes (and fine-tunes on `train` with `train_config`, masks re-applied after every step) and returns
// the pruned model: a copy of `model` (unstructured) or the smaller model (structured). Cancellable.
core::Result<Model> prune_model(Model& model, const Dataset& train, const PruneConfig& config,
                                TrainConfig train_config, const TrainProgress& progress = {},
                                core::JobControl* control = nullptr);

}  // namespace mlsys::models::optimize
