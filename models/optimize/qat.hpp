// Quantization-aware training (Jacob et al., CVPR 2018): the forward pass sees per-channel fake-quantized
// weights and fake-quantized activations at every int8 point; the backward pass treats the rounding as
// identity (the straight-through estimator) and updates the float master weights. Convert the result with
// quantize_model. Batchnorm is fake-quantized before folding (a simplification; documented in OPTIMIZE.md).
#pragma once

#include "models/core/job.hpp"
#include "models/core/result.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/optimize/int8_model.hpp"
#include "models/optimize/pruning.hpp"
#include "models/train/trainer.hpp"

namespace mlsys::models::optimize {

// Fine-tunes `model` in place for train_config.epochs with fake quantization at config.weight_bits /
// config.act_bits. Returns the mean loss of the last epoch.
core::Result<double> qat_train(Model& model, const Dataset& train, const QuantConfig& config,
                               const TrainConfig& train_config, const TrainProgress& progress = {},
                               core::JobControl* control = nullptr);

}  // namespace mlsys::models::optimize
