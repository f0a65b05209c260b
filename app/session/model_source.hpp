// Where a model comes from: a preset name, a model-description JSON file, or a saved .mlsys model file.
// Shared by the CLI, the GUI and the labs so "--model cnn" means the same thing everywhere.
#pragma once

#include "models/core/result.hpp"
#include "models/io/model_file.hpp"
#include "models/model/model_spec.hpp"

#include <string>

namespace mlsys::session {

// A preset name ("mlp", "cnn", ...) or the path of a model-description JSON file.
core::Result<models::ModelSpec> resolve_model_spec(const std::string& model);

// A saved model file (.mlsys). Same as models::load_model, with a hint when given a description file.
core::Result<models::LoadedModel> load_model_file(const std::string& path);

}  // namespace mlsys::session
