// Lab actions that inspect a model without training it: "inspect_model" reports parameters, MACs and
// activation memory per layer and in total, from the model spec's Workload (the same numbers the
// simulators use). Pure reads; the session's current model is not changed.
#include "app/session/lab_host.hpp"
#include "app/session/session.hpp"

#include "models/model/model.hpp"
#include "models/model/model_spec.hpp"

namespace mlsys::session {
namespace {

using core::fail;
using nlohmann::json;

// Which spec params name: {"preset": "mlp"}, {"spec": {...model spec JSON...}} or {"current": true} (the
// session's model); {"input_shape": [..], "n_classes": N} adapt it to a dataset's shape first.
core::Result<models::ModelSpec> spec_from(const Session& s, const json& params) {
    int n = params.contains("preset") + params.contains("spec") + params.value("current", false);
    if (n != 1) return fail("params: give exactly one of \"preset\", \"spec\" or \"current\": true");
    models::ModelSpec spec;
    if (params.contains("preset")) {
        if (!params["preset"].is_string()) return fail("params.preset: must be a preset name, got " + params["preset"].dump());
        auto p = models::preset_spec(params["preset"].get<std::string>());
        if (!p) return fail("params.preset: " + p.error());
        spec = *p;
    } else if (params.contains("spec")) {
        auto p = models::parse_model_spec(params["spec"]);
        if (!p) return fail("params.spec." + p.error());
        spec = *p;
    } else {
        if (!s.model()) return fail("there is no current model yet: train one first");
        spec = s.model()->spec();
    }
    if (params.contains("input_shape") || params.contains("n_classes")) {
        models::Shape shape = spec.input_shape;
        int classes = spec.n_classes;
        if (params.contains("input_shape")) {
            if (!params["input_shape"].is_array()) return fail("params.input_shape: must be a list of positive integers");
            shape.clear();
            for (const auto& d : params["input_shape"]) {
                if (!d.is_number_integer() || d.get<int>() <= 0) return fail("params.input_shape: must be a list of positive integers");
                shape.push_back(d.get<int>());
            }
        }
        if (params.contains("n_classes")) {
            if (!params["n_classes"].is_number_integer() || params["n_classes"].get<int>() < 2)
                return fail("params.n_classes: must be a whole number >= 2, got " + params["n_classes"].dump());
            classes = params["n_classes"].get<int>();
        }
        if (auto st = models::adapt_to_dataset(spec, shape, classes); !st) return fail(st.error());
    }
    return spec;
}

core::Result<json> inspect_model(Session& s, const json& params, const labs::ActionContext&) {
    auto spec = spec_from(s, params);
    if (!spec) return fail(spec.error());
    const int batch = params.value("batch", 1);
    if (batch < 1) return fail("params.batch: must be >= 1");
    auto wl = models::make_workload(*spec);
    if (!wl) return fail(wl.error());
    json layers = json::array();
    json by_type = json::object();
    int64_t weights = 0, biases = 0;
    for (const auto& l : wl->layers) {
        weights += l.n_weights;
        biases += l.n_biases;
        json j{{"name", l.name}, {"type", l.type}, {"params", l.n_params()}, {"weights", l.n_weights}, {"macs", l.macs},
               {"output_elems", l.output_elems()}, {"output_shape", json::array({l.out_h, l.out_w, l.out_c})}};
        // How many times each weight is used per sample: 1 for a dense layer, out_h x out_w for a convolution.
        if (l.n_weights > 0) j["weight_reuse"] = static_cast<double>(l.macs) / static_cast<double>(l.n_weights);
        layers.push_back(j);
        json& t = by_type[l.type];
        if (t.is_null()) t = json{{"params", 0}, {"macs", 0}, {"count", 0}};
        t["params"] = t["params"].get<int64_t>() + l.n_params();
        t["macs"] = t["macs"].get<int64_t>() + l.macs;
        t["count"] = t["count"].get<int>() + 1;
    }
    const int64_t params_total = wl->total_params();
    // FP32 throughout: 4 bytes a value. Training keeps every layer's output for the backward pass;
    // inference holds only the largest input + output pair (BOOK.md: Tables 3.5, 3.6).
    return json{{"kind", "inspect_model"},
                {"name", spec->name},
                {"params", params_total},
                {"weights", weights},
                {"biases", biases},
                {"macs", wl->total_macs()},
                {"weight_bytes", params_total * 4},
                {"batch", batch},
                {"activation_elems", wl->total_activation_elems()},
                {"peak_activation_elems", wl->peak_activation_elems()},
                {"activation_bytes_train", wl->total_activation_elems() * batch * 4},
                {"activation_bytes_infer", wl->peak_activation_elems() * batch * 4},
                {"n_layers", static_cast<int>(wl->layers.size())},
                {"layers", layers},
                {"by_type", by_type}};
}

}  // namespace
}  // namespace mlsys::session

MLSYS_LAB_ACTION("inspect_model",
                 "parameters, MACs and activation memory of a model (params: preset | spec | current, input_shape, n_classes, batch)",
                 mlsys::session::inspect_model);
