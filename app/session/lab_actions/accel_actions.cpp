// Lab actions of the accelerator simulator: "accel_map" maps a network or one GEMM onto a systolic array in
// all three dataflows; "accel_area_budget" sweeps array shapes and picks the fastest design under an area
// budget. Pure computations on sim::accel; the session's current model is read ("current") but not changed.
#include "app/session/accel_state.hpp"
#include "app/session/lab_host.hpp"
#include "app/session/session.hpp"

#include "models/model/model.hpp"
#include "models/model/model_spec.hpp"
#include "sim/accel/sweep.hpp"

namespace mlsys::session {
namespace {

using core::fail;
using nlohmann::json;
namespace acc = sim::accel;

constexpr acc::Dataflow kDfs[3] = {acc::Dataflow::OutputStationary, acc::Dataflow::WeightStationary,
                                   acc::Dataflow::InputStationary};

// params.gemm {m, n, k} (one GEMM layer) or params.topology (a built-in, a preset, a CSV, or "current").
core::Result<models::Workload> workload_from(const Session& s, const json& params) {
    if (params.contains("gemm") == params.contains("topology"))
        return fail("params: give exactly one of \"gemm\": {\"m\", \"n\", \"k\"} or \"topology\"");
    if (params.contains("gemm")) {
        const json& g = params["gemm"];
        models::WorkloadLayer l;
        l.name = "gemm";
        l.type = "gemm";
        l.op = models::OpKind::Gemm;
        for (const char* key : {"m", "n", "k"}) {
            if (!g.is_object() || !g.contains(key) || !g[key].is_number_integer() || g[key].get<int64_t>() < 1)
                return fail(std::string("params.gemm.") + key + ": must be a positive integer");
        }
        l.gemm_m = g["m"].get<int64_t>();
        l.gemm_n = g["n"].get<int64_t>();
        l.gemm_k = g["k"].get<int64_t>();
        l.n_gemms = 1;
        l.macs = l.gemm_m * l.gemm_n * l.gemm_k;
        l.in_c = int(l.gemm_k);
        l.in_h = int(l.gemm_m);
        l.out_c = int(l.gemm_n);
        l.out_h = int(l.gemm_m);
        l.n_weights = l.gemm_k * l.gemm_n;
        models::Workload w;
        w.name = "gemm";
        w.layers.push_back(l);
        return w;
    }
    if (!params["topology"].is_string()) return fail("params.topology: must be a string");
    std::unique_ptr<models::Workload> current;
    if (s.model()) {
        auto w = models::make_workload(s.model()->spec());
        if (w) current = std::make_unique<models::Workload>(std::move(*w));
    }
    auto w = accel_workload(params["topology"].get<std::string>(), current.get(), params.value("fallback_preset", "cnn"));
    if (!w) return fail("params.topology: " + w.error());
    return std::move(*w);
}

// The config: params.array "RxC" (default 32x32), params.sram_kib (256), params.bandwidth (CALC when absent).
core::Result<acc::AccelConfig> config_from(const json& params) {
    AccelSettings st;
    json j = json::object();
    if (params.contains("array")) {
        if (!params["array"].is_string()) return fail("params.array: must be \"ROWSxCOLS\"");
        auto a = acc::parse_array_shape(params["array"].get<std::string>());
        if (!a) return fail("params.array: " + a.error());
        j["array_rows"] = a->first;
        j["array_cols"] = a->second;
    }
    if (params.contains("sram_kib")) j["sram_kib"] = params["sram_kib"];
    if (params.contains("bandwidth")) {
        j["user_bandwidth"] = true;
        j["bandwidth_words_per_cycle"] = params["bandwidth"];
    }
    if (auto s = apply_json(st, j); !s) return fail("params." + s.error());
    return accel_config(st);
}

int batch_from(const json& params) { return params.value("batch", 1); }

json network_json(const acc::NetworkResult& n) {
    json layers = json::array();
    for (const auto& l : n.layers) {
        if (!l.work.on_array) continue;
        layers.push_back({{"name", l.work.name},
                          {"m", l.work.gemm.m},
                          {"n", l.work.gemm.n},
                          {"k", l.work.gemm.k},
                          {"folds", l.plan.n_folds() * l.work.instances},
                          {"cycles", l.latency_cycles},
                          {"util_pct", l.overall_util_pct},
                          {"mapping_eff_pct", l.mapping_eff_pct},
                          {"compute_util_pct", l.compute_util_pct}});
    }
    return {{"cycles", n.latency_cycles},
            {"scalesim_total_cycles", n.scalesim_total_cycles},
            {"stall_cycles", n.stall_cycles},
            {"util_pct", n.overall_util_pct()},
            {"macs", n.macs},
            {"dram_words", n.dram_words},
            {"energy_uj", n.energy.total_pj() * 1e-6},
            {"layers", layers}};
}

core::Result<json> accel_map(Session& s, const json& params, const labs::ActionContext&) {
    auto w = workload_from(s, params);
    if (!w) return fail(w.error());
    auto c = config_from(params);
    if (!c) return fail(c.error());
    const int batch = batch_from(params);
    if (batch < 1 || batch > 65536) return fail("params.batch: must be between 1 and 65536");
    acc::SimOptions opt;
    opt.batch = batch;
    opt.include_vector_layers = params.value("include_vector_layers", true);
    json out{{"workload", w->name}, {"rows", c->array_rows}, {"cols", c->array_cols}, {"pes", c->n_pes()}, {"batch", batch}};
    int best = 0;
    int64_t best_cycles = -1;
    json cycles = json::array(), util = json::array();
    for (int d = 0; d < 3; ++d) {
        acc::AccelConfig cd = *c;
        cd.dataflow = kDfs[d];
        auto net = acc::simulate_workload(*w, cd, opt);
        if (!net) return fail(net.error());
        out[acc::to_string(kDfs[d])] = network_json(*net);
        cycles.push_back(net->latency_cycles);
        util.push_back(net->overall_util_pct());
        if (best_cycles < 0 || net->latency_cycles < best_cycles) {
            best_cycles = net->latency_cycles;
            best = d;
        }
    }
    out["best_dataflow"] = best;  // 0 os, 1 ws, 2 is
    out["best_dataflow_name"] = acc::to_string(kDfs[best]);
    out["best_cycles"] = best_cycles;
    out["best_util_pct"] = util[size_t(best)];
    out["curves"] = {{"cycles_os_ws_is", cycles}, {"util_pct_os_ws_is", util}};
    return out;
}

// Fastest design (array shape x dataflow) whose area proxy fits params.area_budget_mm2.
core::Result<json> accel_area_budget(Session& s, const json& params, const labs::ActionContext&) {
    auto w = workload_from(s, params);
    if (!w) return fail(w.error());
    if (!params.contains("area_budget_mm2") || !params["area_budget_mm2"].is_number() ||
        !(params["area_budget_mm2"].get<double>() > 0))
        return fail("params.area_budget_mm2: must be a positive number of mm²");
    const double budget = params["area_budget_mm2"].get<double>();
    auto base = config_from(params);
    if (!base) return fail(base.error());
    acc::SweepSpec spec = acc::default_sweep_spec();
    spec.sram_kib = {base->ifmap_sram_kib};
    if (params.contains("arrays")) {
        if (!params["arrays"].is_string()) return fail("params.arrays: must be \"8x8,16x32,...\"");
        auto a = acc::parse_array_list(params["arrays"].get<std::string>());
        if (!a) return fail("params.arrays: " + a.error());
        spec.arrays = *a;
    }
    acc::SimOptions opt;
    opt.batch = batch_from(params);
    auto r = acc::run_sweep(*w, *base, spec, opt);
    if (!r) return fail(r.error());
    const acc::SweepPoint* best = nullptr;
    const acc::SweepPoint* biggest_square = nullptr;
    int fitting = 0;
    for (const auto& p : r->points) {
        if (p.area_mm2 > budget) continue;
        ++fitting;
        if (!best || p.latency_cycles < best->latency_cycles) best = &p;
        if (p.rows == p.cols && (!biggest_square || p.rows > biggest_square->rows ||
                                 (p.rows == biggest_square->rows && p.latency_cycles < biggest_square->latency_cycles)))
            biggest_square = &p;
    }
    if (!best) return fail("no design fits " + std::to_string(budget) + " mm² (the smallest needs more)");
    json out{{"workload", w->name}, {"area_budget_mm2", budget}, {"designs", r->points.size()}, {"fitting", fitting}};
    out["best"] = acc::to_json(*best);
    out["best_rows"] = best->rows;
    out["best_cols"] = best->cols;
    out["best_is_square"] = best->rows == best->cols;
    out["best_dataflow_name"] = acc::to_string(best->dataflow);
    out["best_cycles"] = best->latency_cycles;
    if (biggest_square) {
        out["square"] = acc::to_json(*biggest_square);
        out["square_cycles"] = biggest_square->latency_cycles;
        out["speedup_over_square"] = double(biggest_square->latency_cycles) / double(best->latency_cycles);
    }
    return out;
}

}  // namespace

MLSYS_LAB_ACTION("accel_map",
                 "map a network (params.topology: built-in, preset, CSV or current) or one GEMM (params.gemm {m, n, k}) "
                 "onto a systolic array (params.array \"32x32\", batch, sram_kib, bandwidth) in os, ws and is",
                 accel_map);
MLSYS_LAB_ACTION("accel_area_budget",
                 "sweep array shapes 8..256 (and dataflows) for a network and pick the fastest design whose area proxy "
                 "fits params.area_budget_mm2",
                 accel_area_budget);

}  // namespace mlsys::session
