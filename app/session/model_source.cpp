// Resolves --model / --model-file arguments.
#include "app/session/model_source.hpp"

#include <filesystem>

namespace mlsys::session {

core::Result<models::ModelSpec> resolve_model_spec(const std::string& model) {
    for (const auto& name : models::preset_names())
        if (model == name) return models::preset_spec(name);
    std::error_code ec;
    if (std::filesystem::is_regular_file(model, ec)) return models::load_model_spec(model);
    std::string names;
    for (const auto& n : models::preset_names()) names += (names.empty() ? "" : ", ") + n;
    return core::fail("unknown model \"" + model + "\": not a preset (" + names + ") and no such file");
}

core::Result<models::LoadedModel> load_model_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return core::fail(path + ": no such file");
    auto loaded = models::load_model(path);
    if (!loaded && path.size() > 5 && path.substr(path.size() - 5) == ".json")
        return core::fail(loaded.error() + " (a .json model description is used with --model, not --model-file)");
    return loaded;
}

}  // namespace mlsys::session
