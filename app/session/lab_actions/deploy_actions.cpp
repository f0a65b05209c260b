// Lab action of deployment: "deploy_estimate" places a model (a preset, or the session's current model with its
// accuracy measured on its test set) on every device profile and analyses the splits over a link — the
// numbers of the Deploy workspace and `mlsyslab deploy`, flattened so lab checks can name them. Device ids
// with '-' appear with '_' (devices.xiao_esp32s3.int8.fits).
#include "app/session/deploy_report.hpp"
#include "app/session/lab_host.hpp"
#include "app/session/session.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlsys::session {
namespace {

using core::fail;
using nlohmann::json;

std::string key_of(std::string id) {
    std::replace(id.begin(), id.end(), '-', '_');
    return id;
}

core::Result<json> deploy_estimate(Session& s, const json& params, const labs::ActionContext&) {
    DeployRequest req;
    req.variants = {"fp32"};
    std::string preset;
    bool current = false;
    int test_limit = 1000;
    try {
        for (auto it = params.begin(); it != params.end(); ++it) {
            const std::string& k = it.key();
            if (k == "preset") preset = it->get<std::string>();
            else if (k == "current") current = it->get<bool>();
            else if (k == "variants") req.variants = it->get<std::vector<std::string>>();
            else if (k == "link") req.link = it->get<std::string>();
            else if (k == "split_device") req.split_device = it->get<std::string>();
            else if (k == "test_limit") test_limit = it->get<int>();
            else if (k == "inferences_per_hour") req.options.inferences_per_hour = it->get<double>();
            else return fail("params." + k + ": unknown key (expected preset, current, variants, link, split_device, "
                             "test_limit, inferences_per_hour)");
        }
    } catch (const json::exception& e) {
        return fail(std::string("params: a value has the wrong type (") + e.what() + ")");
    }
    if (preset.empty() == !current) return fail("params: give exactly one of \"preset\" or \"current\": true");
    if (req.variants.empty()) return fail("params.variants: give at least one variant");
    std::optional<models::Model> built;
    models::Model* model = nullptr;
    if (!preset.empty()) {
        auto spec = models::preset_spec(preset);
        if (!spec) return fail("params.preset: " + spec.error());
        auto m = models::Model::build(*spec, 1);
        if (!m) return fail(m.error());
        built.emplace(std::move(*m));
        model = &*built;
    } else {
        if (!s.model()) return fail("there is no current model yet: train one first");
        auto m = s.model()->clone();  // forward passes never run on the session's model
        if (!m) return fail(m.error());
        built.emplace(std::move(*m));
        model = &*built;
        req.dataset = s.model_metadata().value("dataset", std::string());
        req.accuracy_limit = test_limit;
    }
    auto lib = sim::load_profile_library();
    if (!lib) return fail(lib.error());
    auto rep = make_deploy_report(*model, req, *lib);
    if (!rep) return fail(rep.error());

    json out{{"model", model->spec().name}, {"params", model->n_params()}, {"link", rep->link_id},
             {"split_device", req.split_device}, {"n_devices", lib->devices.size()}};
    json devices = json::object();
    int n_fit = 0;
    std::string fastest, frugal;
    double fastest_s = std::numeric_limits<double>::infinity(), frugal_j = std::numeric_limits<double>::infinity();
    for (const auto& e : rep->estimates) {
        json d{{"fits", e.fits},
               {"shortfall_bytes", e.shortfall_bytes},
               {"weight_bytes", e.weight_bytes},
               {"ram_needed_bytes", e.ram_needed_bytes},
               {"latency_ms", 1e3 * e.latency_s},
               {"energy_mj", 1e3 * e.energy_j},
               {"cost_per_million_usd", e.cost_per_million_usd},
               {"battery_days", e.battery_life_h < 0 ? json(nullptr) : json(e.battery_life_h / 24)},
               {"raw_input_leaves_device", e.raw_input_leaves_device},
               {"accuracy", std::isnan(e.accuracy) ? json(nullptr) : json(e.accuracy)}};
        devices[key_of(e.device_id)][e.variant] = d;
        if (e.variant != req.variants.front() || !e.fits) continue;
        ++n_fit;
        if (e.latency_s < fastest_s) fastest_s = e.latency_s, fastest = e.device_id;
        if (e.energy_j < frugal_j) frugal_j = e.energy_j, frugal = e.device_id;
    }
    out["devices"] = devices;
    out["n_fit"] = n_fit;  // of the first variant
    out["fastest_device"] = fastest;
    out["fastest_ms"] = std::isfinite(fastest_s) ? json(1e3 * fastest_s) : json(nullptr);
    out["lowest_energy_device"] = frugal;
    out["lowest_energy_mj"] = std::isfinite(frugal_j) ? json(1e3 * frugal_j) : json(nullptr);
    const auto& b = rep->splits[rep->best_split];
    out["best_split_index"] = b.split;
    out["best_split_after"] = b.after_layer;
    out["best_split_ms"] = 1e3 * b.total_s;
    out["n_layers"] = rep->splits.size() - 1;
    out["all_local_ms"] = 1e3 * rep->splits.back().total_s;
    out["full_offload_ms"] = rep->splits.front().possible ? json(1e3 * rep->splits.front().total_s) : json(nullptr);
    out["best_split_bytes_sent"] = b.bytes_sent;
    json curves{{"split_total_ms", json::array()}};
    for (const auto& p : rep->splits) curves["split_total_ms"].push_back(p.possible ? 1e3 * p.total_s : 0.0);
    out["curves"] = curves;
    return out;
}

}  // namespace

MLSYS_LAB_ACTION("deploy_estimate", "place a preset or the current model on every device profile; splits over a link",
                 deploy_estimate);

}  // namespace mlsys::session
