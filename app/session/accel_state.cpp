// Accelerator workspace state: settings <-> JSON, evaluation in three dataflows, the sweep job.
#include "app/session/accel_state.hpp"

#include "app/session/accel_source.hpp"
#include "models/model/model_spec.hpp"
#include "sim/accel/builtin_topologies.hpp"

#include <nlohmann/json.hpp>

#include <atomic>

namespace mlsys::session {

namespace acc = sim::accel;

nlohmann::json to_json(const AccelSettings& s) {
    return {{"topology", s.topology},
            {"compare_topology", s.compare_topology},
            {"fallback_preset", s.fallback_preset},
            {"config_file", s.config_file},
            {"array_rows", s.array_rows},
            {"array_cols", s.array_cols},
            {"dataflow", s.dataflow},
            {"sram_kib", s.sram_kib},
            {"user_bandwidth", s.user_bandwidth},
            {"bandwidth_words_per_cycle", s.bandwidth_words_per_cycle},
            {"batch", s.batch},
            {"include_vector_layers", s.include_vector_layers},
            {"sweep_sram_kib", s.sweep_sram_kib}};
}

core::Status apply_json(AccelSettings& out, const nlohmann::json& j) {
    if (!j.is_object()) return core::fail("accel settings must be a JSON object");
    AccelSettings s = out;
    for (const auto& [key, v] : j.items()) {
        auto bad = [&](const std::string& what) { return core::fail(key + ": " + what + ", got " + v.dump()); };
        if (key == "topology" || key == "compare_topology" || key == "fallback_preset" || key == "config_file" ||
            key == "dataflow") {
            if (!v.is_string()) return bad("must be a string");
            const std::string str = v.get<std::string>();
            if (key == "topology") s.topology = str;
            else if (key == "compare_topology") s.compare_topology = str;
            else if (key == "fallback_preset") s.fallback_preset = str;
            else if (key == "config_file") s.config_file = str;
            else {
                auto df = acc::parse_dataflow(str);
                if (!df) return bad("must be os, ws or is");
                s.dataflow = acc::to_string(*df);
            }
        } else if (key == "array_rows" || key == "array_cols") {
            if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 4096) return bad("must be an integer in 1..4096");
            (key == "array_rows" ? s.array_rows : s.array_cols) = v.get<int>();
        } else if (key == "sram_kib") {
            if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > (1 << 22)) return bad("must be a size in KiB, 1..4194304");
            s.sram_kib = v.get<int64_t>();
        } else if (key == "user_bandwidth" || key == "include_vector_layers") {
            if (!v.is_boolean()) return bad("must be true or false");
            (key == "user_bandwidth" ? s.user_bandwidth : s.include_vector_layers) = v.get<bool>();
        } else if (key == "bandwidth_words_per_cycle") {
            if (!v.is_number() || !(v.get<double>() > 0)) return bad("must be a positive number");
            s.bandwidth_words_per_cycle = v.get<double>();
        } else if (key == "batch") {
            if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 65536) return bad("must be an integer in 1..65536");
            s.batch = v.get<int>();
        } else if (key == "sweep_sram_kib") {
            if (!v.is_array() || v.empty()) return bad("must be a non-empty list of sizes in KiB");
            std::vector<int64_t> sizes;
            for (const auto& e : v) {
                if (!e.is_number_integer() || e.get<int64_t>() < 1) return bad("must be a list of positive integers");
                sizes.push_back(e.get<int64_t>());
            }
            s.sweep_sram_kib = sizes;
        } else {
            return core::fail(key + ": unknown accel setting (expected one of: topology, compare_topology, "
                                    "fallback_preset, config_file, array_rows, array_cols, dataflow, sram_kib, "
                                    "user_bandwidth, bandwidth_words_per_cycle, batch, include_vector_layers, "
                                    "sweep_sram_kib)");
        }
    }
    out = s;
    return core::Status::success();
}

core::Result<acc::AccelConfig> accel_config(const AccelSettings& s) {
    AccelConfigOverrides o;
    o.config_file = s.config_file;
    auto base = resolve_accel_config(o);
    if (!base) return core::fail(base.error());
    acc::AccelConfig c = base->config;
    c.array_rows = s.array_rows;
    c.array_cols = s.array_cols;
    auto df = acc::parse_dataflow(s.dataflow);
    if (!df) return core::fail("dataflow: " + df.error());
    c.dataflow = *df;
    c.ifmap_sram_kib = c.filter_sram_kib = c.ofmap_sram_kib = s.sram_kib;
    c.bandwidth_mode = s.user_bandwidth ? acc::BandwidthMode::User : acc::BandwidthMode::Calc;
    c.dram_words_per_cycle = s.bandwidth_words_per_cycle;
    if (auto st = acc::validate(c); !st) return core::fail(st.error());
    return c;
}

core::Result<models::Workload> accel_workload(const std::string& topology, const models::Workload* current,
                                              const std::string& fallback_preset, std::string* label) {
    if (topology == "current") {
        if (current) {
            if (label) *label = current->name + " (current model)";
            return *current;
        }
        auto w = resolve_accel_workload(fallback_preset);
        if (!w) return core::fail(w.error());
        if (label) *label = w->workload.name + " (preset; no current model yet)";
        return std::move(w->workload);
    }
    auto w = resolve_accel_workload(topology);
    if (!w) return core::fail(w.error());
    if (label) {
        *label = w->workload.name;
        for (const auto& b : acc::builtin_topologies())
            if (b.name == topology) *label = b.description;
    }
    return std::move(w->workload);
}

namespace {

core::Result<AccelNetworkEval> evaluate_network(const std::string& topology, const AccelSettings& s,
                                                const acc::AccelConfig& config, const models::Workload* current) {
    AccelNetworkEval e;
    e.topology = topology;
    auto w = accel_workload(topology, current, s.fallback_preset, &e.label);
    if (!w) return core::fail(w.error());
    e.workload = std::move(*w);
    acc::SimOptions opt;
    opt.batch = s.batch;
    opt.include_vector_layers = s.include_vector_layers;
    for (acc::Dataflow df : {acc::Dataflow::OutputStationary, acc::Dataflow::WeightStationary, acc::Dataflow::InputStationary}) {
        acc::AccelConfig c = config;
        c.dataflow = df;
        auto net = acc::simulate_workload(e.workload, c, opt);
        if (!net) return core::fail(net.error());
        e.by_dataflow[size_t(df)] = std::move(*net);
    }
    return e;
}

}  // namespace

core::Result<AccelEvaluation> evaluate_accel(const AccelSettings& settings, const models::Workload* current) {
    AccelEvaluation ev;
    ev.settings = settings;
    auto c = accel_config(settings);
    if (!c) return core::fail(c.error());
    ev.config = *c;
    auto main = evaluate_network(settings.topology, settings, *c, current);
    if (!main) return core::fail(main.error());
    ev.main = std::move(*main);
    if (!settings.compare_topology.empty()) {
        auto cmp = evaluate_network(settings.compare_topology, settings, *c, current);
        if (!cmp) return core::fail("compare: " + cmp.error());
        ev.compare = std::move(*cmp);
        ev.has_compare = true;
    }
    return ev;
}

// ---- the sweep job ------------------------------------------------------------------------------------

std::unique_ptr<AccelSweepJob> AccelSweepJob::start(models::Workload workload, acc::AccelConfig base, acc::SweepSpec spec,
                                                    acc::SimOptions options) {
    std::unique_ptr<AccelSweepJob> j(new AccelSweepJob());
    j->workload_name_ = workload.name;
    j->total_ = int64_t(spec.arrays.size() * spec.dataflows.size() * spec.sram_kib.size());
    j->out_ = std::make_shared<core::Latest<acc::SweepResult>>();
    auto out = j->out_;
    j->job_ = std::make_unique<core::Job>(
        "Accelerator sweep of " + workload.name,
        [workload = std::move(workload), base, spec = std::move(spec), options, out](core::JobControl& control) -> core::Status {
            std::atomic<bool> cancel{false};
            acc::SweepCallbacks cb;
            cb.cancel = &cancel;
            cb.on_progress = [&](int64_t done, int64_t total) {
                control.set_progress(double(done) / double(std::max<int64_t>(total, 1)));
                if (control.is_cancelled()) cancel = true;
            };
            auto r = acc::run_sweep(workload, base, spec, options, cb);
            if (!r) return core::fail(r.error());
            out->publish(std::move(*r));
            return core::Status::success();
        });
    return j;
}

AccelSweepJob::~AccelSweepJob() = default;

std::shared_ptr<const acc::SweepResult> AccelSweepJob::result() const { return out_ ? out_->get() : nullptr; }

}  // namespace mlsys::session
