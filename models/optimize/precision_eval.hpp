// A model evaluated under a reduced float precision: weights, batchnorm state, inputs and every layer's
// output rounded to fp16/bf16/fp8 (the arithmetic inside a layer stays fp32, as on hardware that
// accumulates in fp32). Fake quantization for floats; the model passed in is not changed.
#pragma once

#include "models/core/result.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/optimize/float_formats.hpp"
#include "models/train/evaluate.hpp"

namespace mlsys::models::optimize {

// Rounds every parameter and state tensor of `model` to the format, in place.
void round_weights(Model& model, FloatFormat f);

// Accuracy and loss of `model` when it runs in format f (a copy is rounded; `model` is unchanged).
core::Result<EvalResult> evaluate_in_format(const Model& model, const Dataset& data, FloatFormat f, int limit = 0);

}  // namespace mlsys::models::optimize
