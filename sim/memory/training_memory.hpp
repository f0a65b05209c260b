// Training memory: the bytes a training step holds — weights, gradients, optimizer state, activations kept
// for the backward pass — by precision (fp32; fp16/bf16 mixed precision with fp32 master weights; int8
// inference) and optimizer (SGD, momentum, Adam), and what activation checkpointing saves.
#pragma once

#include "models/core/result.hpp"
#include "models/workload/workload.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace mlsys::sim {

enum class TrainPrecision { Fp32, Mixed, Int8Inference };
const char* to_string(TrainPrecision p);
core::Result<TrainPrecision> parse_train_precision(const std::string& s);  // fp32, mixed (fp16, bf16), int8

enum class OptimizerState { Sgd, Momentum, Adam };
const char* to_string(OptimizerState o);
core::Result<OptimizerState> parse_optimizer_state(const std::string& s);  // sgd, momentum, adam

struct TrainingMemoryOptions {
    int batch = 32;
    TrainPrecision precision = TrainPrecision::Fp32;
    OptimizerState optimizer = OptimizerState::Adam;
    bool checkpointing = false;  // keep every ceil(sqrt(n))-th activation and recompute the rest
};

struct LayerActivation {
    std::string name;
    int64_t values = 0;  // for the batch
};

struct TrainingMemory {
    int64_t params = 0;
    int64_t activation_values = 0;        // kept for the backward pass, for the batch (no checkpointing)
    std::vector<LayerActivation> layers;  // the layers whose outputs are kept
    double weights_bytes = 0;             // the copy the arithmetic uses (fp16 in mixed precision)
    double master_weights_bytes = 0;      // fp32 master copy (mixed precision only)
    double gradient_bytes = 0;
    double optimizer_bytes = 0;
    double activation_bytes = 0;          // with checkpointing when on
    double activation_bytes_without_checkpointing = 0;
    int64_t checkpoint_segments = 0;
    int64_t recompute_macs = 0;           // the extra forward pass checkpointing costs, for the batch
    double total_bytes() const { return weights_bytes + master_weights_bytes + gradient_bytes + optimizer_bytes + activation_bytes; }
};

// Activation values follow the textbook's count (BOOK.md §3.5: batch 32 of a 784-128-256-128-10 MLP keeps
// 4,096 + 8,192 + 4,096 + 320 = 16,704): one output per layer, an activation function fused with the layer
// before it, flatten a view. Inference (int8) keeps only the largest input + output pair.
TrainingMemory training_memory(const models::Workload& w, const TrainingMemoryOptions& o);
nlohmann::json to_json(const TrainingMemory& m);

}  // namespace mlsys::sim
