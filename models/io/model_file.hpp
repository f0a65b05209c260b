// The model file (.mlsys): a versioned binary with a JSON header (the ModelSpec, the tensor manifest and
// metadata), float32 tensors, and a CRC-32 over everything. A truncated or corrupted file is refused with a
// message that says what is wrong. Format: docs/MODELS.md.
#pragma once

#include "models/core/result.hpp"
#include "models/model/model.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace mlsys::models {

inline constexpr char kModelFileMagic[8] = {'M', 'L', 'S', 'Y', 'S', 'M', 'D', 'L'};
inline constexpr uint32_t kModelFileVersion = 1;

struct LoadedModel {
    Model model;
    nlohmann::json metadata;  // free-form: dataset, accuracy, training config, created
};

// The file's bytes for a model (parameters and batchnorm state) and its metadata.
std::string serialize_model(Model& model, const nlohmann::json& metadata = nlohmann::json::object());
// Parses bytes written by serialize_model; `what` names the source in errors (usually the path).
core::Result<LoadedModel> parse_model(const std::string& bytes, const std::string& what);

// Writes atomically (temporary file + rename).
core::Status save_model(const std::filesystem::path& path, Model& model,
                        const nlohmann::json& metadata = nlohmann::json::object());
core::Result<LoadedModel> load_model(const std::filesystem::path& path);

}  // namespace mlsys::models
