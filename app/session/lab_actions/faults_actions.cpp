// Lab actions of fault injection: "faults_campaign" runs a campaign on the current model with the Faults
// settings (params override them) and returns faults_summary(); "faults_compare" runs one campaign per
// variant (e.g. fp32 vs int8, os vs ws, each protection) and can pick the best variant under an overhead
// budget; the "faults" state section shows and sets the Faults workspace's settings and last result.
#include "app/session/faults_state.hpp"
#include "app/session/lab_host.hpp"
#include "app/session/session.hpp"

#include "faults/flips/injector.hpp"
#include "faults/hw/pe_map.hpp"

namespace mlsys::session {
namespace {

using core::fail;
using nlohmann::json;

core::Result<FaultsSnapshot> campaign(Session& s, const FaultsSettings& settings, const std::string& what) {
    if (!s.model()) return fail(what + ": there is no current model (train or load one first)");
    FaultsRequest req;
    req.settings = settings;
    const auto& meta = s.model_metadata();
    if (meta.contains("dataset") && meta["dataset"].is_string()) req.settings.dataset = meta["dataset"];
    req.runs_dir = s.runs_dir();
    req.model_label = s.model_label();
    return run_faults(*s.model(), req);
}

// Share of the first dense/conv layer's outputs (one image) that a faulty PE computes under the settings.
double pe_output_fraction(const Session& s, const FaultsSettings& st) {
    auto t = faults::parse_fault_target(st.target);
    auto df = sim::accel::parse_dataflow(st.dataflow);
    if (!s.model() || !t || t->kind != faults::TargetKind::Pe || !df) return 0;
    for (const auto& l : s.model()->workload().layers) {
        if (!models::is_matrix_op(l.op)) continue;
        const sim::accel::GemmDims g{int64_t(l.out_h) * l.out_w, l.out_c, l.gemm_k};
        int64_t hit = 0;
        for (int64_t m = 0; m < g.m; ++m)
            for (int64_t n = 0; n < g.n; ++n)
                if (faults::pe_touches_output(*df, st.array_rows, st.array_cols, t->pe_row, t->pe_col, g, m, n)) ++hit;
        return double(hit) / double(g.m * g.n);
    }
    return 0;
}

core::Result<json> campaign_action(Session& s, const json& params, const labs::ActionContext&) {
    FaultsWorkspaceState& ws = faults_workspace(s);
    FaultsSettings st = ws.settings;
    if (auto r = apply_json(st, params.is_null() ? json::object() : params); !r) return fail("params." + r.error());
    auto snap = campaign(s, st, "faults_campaign");
    if (!snap) return fail(snap.error());
    ws.last = std::make_shared<const FaultsSnapshot>(*snap);
    json j = faults_summary(*snap);
    j["pe_output_pct"] = 100 * pe_output_fraction(s, st);
    return j;
}

// params: {"base": {settings}, "variants": [{settings}, ...], "budget": {"memory_pct": x, "latency_pct": y}}
core::Result<json> compare_action(Session& s, const json& params, const labs::ActionContext&) {
    if (!params.is_object() || !params.contains("variants") || !params["variants"].is_array() ||
        params["variants"].empty())
        return fail("params.variants: give a non-empty list of settings objects");
    FaultsSettings base = faults_workspace(s).settings;
    if (params.contains("base"))
        if (auto r = apply_json(base, params["base"]); !r) return fail("params.base." + r.error());
    json out = {{"variants", json::array()}};
    int best = -1;
    double best_acc = -1;
    for (size_t i = 0; i < params["variants"].size(); ++i) {
        FaultsSettings st = base;
        if (auto r = apply_json(st, params["variants"][i]); !r)
            return fail("params.variants[" + std::to_string(i) + "]." + r.error());
        auto snap = campaign(s, st, "faults_compare");
        if (!snap) return fail("params.variants[" + std::to_string(i) + "]: " + snap.error());
        json v = faults_summary(*snap);
        v.erase("points");
        v.erase("costs");
        v["settings"] = params["variants"][i];
        v["pe_output_pct"] = 100 * pe_output_fraction(s, st);
        for (const auto& c : snap->costs)
            if (st.protect == faults::to_string(c.protection)) {
                v["memory_pct"] = 100 * c.memory_overhead;
                v["compute_pct"] = 100 * c.compute_overhead;
                v["latency_pct"] = 100 * c.latency_overhead;
            }
        if (params.contains("budget")) {
            const json& b = params["budget"];
            const bool fits = v.value("memory_pct", 0.0) <= b.value("memory_pct", 1e300) &&
                              v.value("latency_pct", 0.0) <= b.value("latency_pct", 1e300) &&
                              v.value("compute_pct", 0.0) <= b.value("compute_pct", 1e300);
            v["within_budget"] = fits;
            if (fits && v["accuracy"].get<double>() > best_acc + 1e-12) {
                best_acc = v["accuracy"].get<double>();
                best = int(i);
            }
        }
        if (i == 0) out["clean_accuracy"] = v["clean_accuracy"];
        out["variants"].push_back(v);
    }
    if (params.contains("budget")) out["best_within_budget"] = best;
    return out;
}

json faults_state_get(const Session& s) {
    const FaultsWorkspaceState& ws = faults_workspace(s);
    json j = to_json(ws.settings);
    if (ws.last) j["last"] = faults_summary(*ws.last);
    return j;
}

core::Status faults_state_set(Session& s, const json& settings) { return apply_json(faults_workspace(s).settings, settings); }

}  // namespace
}  // namespace mlsys::session

MLSYS_LAB_ACTION("faults_campaign",
                 "inject faults into the current model (params: any Faults setting) and measure accuracy, SDC and vulnerability",
                 mlsys::session::campaign_action);
MLSYS_LAB_ACTION("faults_compare",
                 "run one fault campaign per variant (params: base, variants, budget) and pick the best within an overhead budget",
                 mlsys::session::compare_action);
MLSYS_LAB_STATE("faults", mlsys::session::faults_state_get, mlsys::session::faults_state_set);
