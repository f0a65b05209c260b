// TrainSettings: what the Train workspace shows and edits, as a plain struct the GUI, the CLI and the labs
// read and set the same way (to_json / apply_json with key-named errors).
#pragma once

#include "app/session/train_job.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace mlsys::session {

struct TrainSettings {
    std::string dataset = "fashion-mnist";
    std::string model = "cnn";  // a preset name, or "custom" for custom_spec
    models::ModelSpec custom_spec;  // used when model == "custom" (the layer-list editor)
    int epochs = 3;
    int batch_size = 64;
    double learning_rate = 0.002;
    std::string optimizer = "adam";
    double momentum = 0.9;
    double weight_decay = 0.0;
    std::string schedule = "constant";
    uint64_t seed = 1;
    double val_fraction = 0.1;
    int train_limit = 0;
    int n_samples = 1000;  // playground sets
    double noise = 0.05;   // playground sets
};

nlohmann::json to_json(const TrainSettings& s);
// Sets the keys present in `j` (others keep their values); the error names the key and the value.
core::Status apply_json(TrainSettings& s, const nlohmann::json& j);

// The spec the settings describe (a preset or the custom spec), not yet adapted to the dataset.
core::Result<models::ModelSpec> settings_spec(const TrainSettings& s);
// A TrainRequest for run_training; validates every field.
core::Result<TrainRequest> make_request(const TrainSettings& s, const std::string& runs_dir);

}  // namespace mlsys::session
