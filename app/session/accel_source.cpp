// Resolves accelerator topologies and configs for the CLI, the GUI and the labs.
#include "app/session/accel_source.hpp"

#include "app/session/model_source.hpp"
#include "models/core/files.hpp"
#include "models/model/model_spec.hpp"
#include "sim/accel/builtin_topologies.hpp"
#include "sim/accel/scalesim_files.hpp"

namespace mlsys::session {

core::Result<AccelWorkload> resolve_accel_workload(const std::string& topology, const std::string& model_file,
                                                   const std::string& model) {
    AccelWorkload out;
    if (topology.empty()) return core::fail("no topology given (a built-in name such as resnet50, a CSV file, or current)");
    if (topology == "current") {
        models::ModelSpec spec;
        if (!model_file.empty()) {
            auto loaded = load_model_file(model_file);
            if (!loaded) return core::fail(loaded.error());
            spec = loaded->model.spec();
            out.source = "model file " + model_file;
        } else if (!model.empty()) {
            auto s = resolve_model_spec(model);
            if (!s) return core::fail(s.error());
            spec = *s;
            out.source = "model " + model;
        } else {
            return core::fail("topology 'current' needs a model: give --model-file FILE.mlsys or --model NAME");
        }
        auto w = models::make_workload(spec);
        if (!w) return core::fail(w.error());
        out.workload = std::move(*w);
        if (out.workload.name.empty()) out.workload.name = spec.name;
        return out;
    }
    auto t = sim::accel::load_topology(topology);
    if (!t) return core::fail(t.error());
    out.workload = std::move(t->workload);
    out.warnings = std::move(t->warnings);
    out.source = (topology.find('/') != std::string::npos || topology.find('.') != std::string::npos ? "file " : "built-in ") +
                 topology;
    return out;
}

core::Result<ResolvedAccelConfig> resolve_accel_config(const AccelConfigOverrides& o) {
    ResolvedAccelConfig out;
    if (!o.config_file.empty()) {
        auto text = core::read_file(o.config_file);
        if (!text) return core::fail(text.error());
        auto parsed = sim::accel::parse_scalesim_config(*text, o.config_file);
        if (!parsed) return core::fail(parsed.error());
        out.config = parsed->config;
        out.warnings = parsed->warnings;
    }
    if (!o.dataflow.empty()) {
        auto df = sim::accel::parse_dataflow(o.dataflow);
        if (!df) return core::fail("--dataflow: " + df.error());
        out.config.dataflow = *df;
    }
    if (!o.array.empty()) {
        auto a = sim::accel::parse_array_shape(o.array);
        if (!a) return core::fail("--array: " + a.error());
        out.config.array_rows = a->first;
        out.config.array_cols = a->second;
    }
    if (o.bandwidth < 0) return core::fail("--bandwidth must be positive words per cycle, got " + std::to_string(o.bandwidth));
    if (o.bandwidth > 0) {
        out.config.bandwidth_mode = sim::accel::BandwidthMode::User;
        out.config.dram_words_per_cycle = o.bandwidth;
    }
    if (o.word_bytes != 0) out.config.word_bytes = o.word_bytes;
    if (auto st = sim::accel::validate(out.config); !st) return core::fail(st.error());
    return out;
}

}  // namespace mlsys::session
