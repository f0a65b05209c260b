// ModelSpec: a network described as data (the JSON model-description format, docs/MODELS.md), the built-in
// presets, and the Workload a spec implies. The CLI, the GUI and the labs all build models through this.
#pragma once

#include "models/core/result.hpp"
#include "models/layers/layer_spec.hpp"
#include "models/tensor/tensor.hpp"
#include "models/workload/workload.hpp"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace mlsys::models {

struct ModelSpec {
    std::string name;
    Shape input_shape;  // per sample, NHWC for images ({28, 28, 1}) or {features}
    int n_classes = 0;
    std::vector<LayerSpec> layers;
};

// Parses {"format": "mlsys-model-spec", "version": 1, "name": ..., "input_shape": [...], "n_classes": N,
// "layers": [...]}; errors name the key path ("layers[3].kernel: must be a positive integer").
core::Result<ModelSpec> parse_model_spec(const nlohmann::json& j);
core::Result<ModelSpec> load_model_spec(const std::filesystem::path& path);
nlohmann::json to_json(const ModelSpec& spec);

// Built-in presets: "mlp" (784-128-10), "cnn" (LeNet-style), "dscnn" (depthwise-separable, keyword-spotting
// style), "tiny" (6-16-3, small enough for an 8-bit microcontroller). Inputs match their usual datasets.
std::vector<std::string> preset_names();
core::Result<ModelSpec> preset_spec(const std::string& name);

// The Workload (shapes, GEMM lowering, params, MACs per layer) that a spec implies; the error names the
// first layer whose shape does not fit.
core::Result<Workload> make_workload(const ModelSpec& spec);

}  // namespace mlsys::models
