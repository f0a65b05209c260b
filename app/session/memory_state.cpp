// Memory workspace state: settings, resolution, the study and its job.
#include "app/session/memory_state.hpp"

#include "app/session/model_source.hpp"
#include "app/session/session.hpp"

#include <chrono>
#include <sstream>

namespace mlsys::session {

using core::fail;
using nlohmann::json;

json to_json(const MemorySettings& s) {
    return {{"workload", s.workload},   {"model_file", s.model_file}, {"hierarchy", s.hierarchy}, {"levels", s.levels},
            {"onchip", s.onchip},       {"scratchpad_bytes", s.scratchpad_bytes},                {"double_buffer", s.double_buffer},
            {"mode", s.mode},           {"batch", s.batch},           {"precision", s.precision}, {"loop_order", s.loop_order},
            {"tile_m", s.tile_m},       {"tile_n", s.tile_n},         {"tile_k", s.tile_k},       {"im2col", s.im2col},
            {"warm", s.warm},           {"classify_misses", s.classify_misses},                  {"optimizer", s.optimizer},
            {"checkpointing", s.checkpointing}};
}

core::Status apply_json(MemorySettings& out, const json& j) {
    if (!j.is_object()) return fail("memory settings must be a JSON object");
    MemorySettings s = out;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        const json& v = *it;
        const auto str = [&](std::string& f) -> core::Status {
            if (!v.is_string()) return fail(k + ": must be a string");
            f = v.get<std::string>();
            return core::Status::success();
        };
        const auto integer = [&](int& f, int lo, int hi) -> core::Status {
            if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
                return fail(k + ": must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + v.dump());
            f = v.get<int>();
            return core::Status::success();
        };
        const auto boolean = [&](bool& f) -> core::Status {
            if (!v.is_boolean()) return fail(k + ": must be true or false");
            f = v.get<bool>();
            return core::Status::success();
        };
        core::Status st = core::Status::success();
        if (k == "workload") st = str(s.workload);
        else if (k == "model_file") st = str(s.model_file);
        else if (k == "hierarchy") st = str(s.hierarchy);
        else if (k == "onchip") {
            st = str(s.onchip);
            if (st && s.onchip != "preset" && s.onchip != "cache" && s.onchip != "scratchpad")
                st = fail("onchip: must be preset, cache or scratchpad, got \"" + s.onchip + "\"");
        } else if (k == "scratchpad_bytes") {
            if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > (int64_t(1) << 40))
                st = fail("scratchpad_bytes: must be a non-negative integer (0 = the level's own size), got " + v.dump());
            else s.scratchpad_bytes = v.get<int64_t>();
        } else if (k == "double_buffer") st = boolean(s.double_buffer);
        else if (k == "mode") {
            st = str(s.mode);
            if (st && !sim::parse_memsim_mode(s.mode)) st = fail("mode: must be replay or analytic, got \"" + s.mode + "\"");
        } else if (k == "precision") {
            st = str(s.precision);
            if (st && !sim::parse_precision(s.precision)) st = fail("precision: must be fp32, fp16 or int8, got \"" + s.precision + "\"");
        } else if (k == "loop_order") {
            st = str(s.loop_order);
            sim::TraceOptions t;
            t.loop_order = s.loop_order;
            if (st) st = sim::validate_trace_options(t);
        } else if (k == "optimizer") {
            st = str(s.optimizer);
            if (st && !sim::parse_optimizer_state(s.optimizer)) st = fail("optimizer: must be sgd, momentum or adam");
        } else if (k == "batch") st = integer(s.batch, 1, 4096);
        else if (k == "tile_m") st = integer(s.tile_m, 0, 1 << 20);
        else if (k == "tile_n") st = integer(s.tile_n, 0, 1 << 20);
        else if (k == "tile_k") st = integer(s.tile_k, 0, 1 << 20);
        else if (k == "im2col") st = boolean(s.im2col);
        else if (k == "warm") st = boolean(s.warm);
        else if (k == "classify_misses") st = boolean(s.classify_misses);
        else if (k == "checkpointing") st = boolean(s.checkpointing);
        else if (k == "levels") {
            if (!v.is_array()) st = fail("levels: must be an array of \"SIZE,ASSOC,LINE[,POLICY]\" strings");
            else {
                std::vector<std::string> lv;
                for (const auto& e : v) {
                    if (!e.is_string()) return fail("levels: must be an array of strings");
                    auto l = sim::parse_level_spec(e.get<std::string>(), "L1");
                    if (!l) return fail("levels: " + l.error());
                    lv.push_back(e.get<std::string>());
                }
                s.levels = lv;
            }
        } else st = fail(k + ": unknown memory setting");
        if (!st) return st;
    }
    out = s;
    return core::Status::success();
}

core::Result<sim::HierarchyConfig> resolve_hierarchy(const MemorySettings& s) {
    sim::HierarchyConfig c;
    if (!s.hierarchy.empty()) {
        auto loaded = sim::load_hierarchy_preset(s.hierarchy);
        if (!loaded) return fail(loaded.error());
        c = *loaded;
    }
    if (!s.levels.empty()) {
        c.levels.clear();
        for (size_t i = 0; i < s.levels.size(); ++i) {
            auto l = sim::parse_level_spec(s.levels[i], "L" + std::to_string(i + 1));
            if (!l) return fail(l.error());
            c.levels.push_back(*l);
        }
        if (s.hierarchy.empty()) c.name = "custom";
        else c.name += " (custom levels)";
    }
    if (s.onchip == "scratchpad" || s.onchip == "cache") {
        const bool spm = s.onchip == "scratchpad";
        if (c.levels.empty())
            return fail("onchip: " + c.name + " has no on-chip level to make a " + s.onchip + " (its levels are empty)");
        sim::LevelConfig& l0 = c.levels.front();
        if (l0.is_scratchpad != spm) {
            l0.is_scratchpad = spm;
            l0.name = spm ? "SPM" : "L1";
            c.name += spm ? " (scratchpad)" : " (cache)";
        }
        if (spm && s.scratchpad_bytes > 0 && s.scratchpad_bytes != l0.size_bytes) {
            l0.size_bytes = s.scratchpad_bytes;
            c.name += " " + std::to_string(s.scratchpad_bytes / 1024) + " KB";
        }
    } else if (s.onchip != "preset") {
        return fail("onchip: must be preset, cache or scratchpad, got \"" + s.onchip + "\"");
    }
    if (auto st = sim::validate_hierarchy(c); !st)
        return fail((s.levels.empty() ? s.hierarchy : "--level") + (s.onchip == "preset" ? "" : " with onchip " + s.onchip) + ": " +
                    st.error());
    return c;
}

core::Result<models::Workload> resolve_workload(const MemorySettings& s) {
    models::ModelSpec spec;
    if (!s.model_file.empty()) {
        auto loaded = load_model_file(s.model_file);
        if (!loaded) return fail(loaded.error());
        spec = loaded->model.spec();
    } else {
        auto r = resolve_model_spec(s.workload);
        if (!r) return fail(r.error());
        spec = *r;
    }
    auto w = models::make_workload(spec);
    if (!w) return fail(w.error());
    if (w->name.empty()) w->name = spec.name;
    return w;
}

core::Result<sim::MemsimOptions> resolve_memsim_options(const MemorySettings& s) {
    sim::MemsimOptions o;
    auto mode = sim::parse_memsim_mode(s.mode);
    if (!mode) return fail(mode.error());
    o.mode = *mode;
    auto p = sim::parse_precision(s.precision);
    if (!p) return fail(p.error());
    o.trace.precision = *p;
    o.trace.batch = s.batch;
    o.trace.loop_order = s.loop_order;
    o.trace.tile_m = s.tile_m;
    o.trace.tile_n = s.tile_n;
    o.trace.tile_k = s.tile_k;
    o.trace.im2col = s.im2col;
    o.trace.double_buffer = s.double_buffer;
    o.warm = s.warm;
    o.classify_misses = s.classify_misses;
    if (auto st = sim::validate_trace_options(o.trace); !st) return fail(st.error());
    return o;
}

sim::TrainingMemoryOptions resolve_training_options(const MemorySettings& s) {
    sim::TrainingMemoryOptions t;
    t.batch = s.batch;
    t.precision = s.precision == "fp16" ? sim::TrainPrecision::Mixed
                  : s.precision == "int8" ? sim::TrainPrecision::Int8Inference
                                          : sim::TrainPrecision::Fp32;
    auto opt = sim::parse_optimizer_state(s.optimizer);
    t.optimizer = opt ? *opt : sim::OptimizerState::Adam;
    t.checkpointing = s.checkpointing;
    return t;
}

core::Result<MemoryStudy> run_memory_study(const MemorySettings& s, core::JobControl* control) {
    MemoryStudy m;
    m.settings = s;
    auto h = resolve_hierarchy(s);
    if (!h) return fail(h.error());
    auto w = resolve_workload(s);
    if (!w) return fail(w.error());
    auto o = resolve_memsim_options(s);
    if (!o) return fail(o.error());
    m.hierarchy = *h;
    m.workload = *w;
    // Refuse a replay that would take minutes; analytic mode is the answer for big models.
    if (o->mode == sim::MemsimMode::Replay) {
        int64_t n = 0;
        const sim::TraceOptions t = sim::trace_options_for(*h, o->trace);  // a scratchpad's chosen tiles
        for (const auto& l : w->layers) n += sim::count_layer_accesses(l, t);
        constexpr int64_t kLimit = 2'000'000'000;
        if (n > kLimit)
            return fail("the trace has " + std::to_string(n) + " accesses (more than 2e9): use --mode analytic for this model");
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto r = sim::simulate_workload(
        *w, *h, *o,
        [control](size_t done, size_t total) {
            if (control) control->set_progress(double(done) / double(std::max<size_t>(1, total)));
        },
        [control] { return control && control->is_cancelled(); });
    if (!r) return fail(r.error());
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    m.result = std::move(*r);
    m.training = sim::training_memory(*w, resolve_training_options(s));
    return m;
}

json to_json(const MemoryStudy& m) {
    json j = sim::to_json(m.result);
    j["settings"] = to_json(m.settings);
    j["hierarchy_config"] = sim::to_json(m.hierarchy);
    j["training_memory"] = sim::to_json(m.training);
    j["seconds"] = m.seconds;
    return j;
}

std::string layers_csv(const MemoryStudy& m) {
    std::ostringstream out;
    out << "layer,type,macs,accesses";
    // A scratchpad level adds its DMA bytes and the layer's tiles; every row ends with its stall cycles.
    for (const auto& l : m.hierarchy.levels) {
        out << "," << l.name << "_hits," << l.name << "_misses," << l.name << "_energy_pj";
        if (l.is_scratchpad) out << "," << l.name << "_dma_in_bytes," << l.name << "_dma_out_bytes,tile_m,tile_n,tile_k";
    }
    out << ",main_bytes_read,main_bytes_written,main_energy_pj,compute_energy_pj,movement_energy_pj,cycles,intensity,memory_bound,"
           "stall_cycles\n";
    for (const auto& l : m.result.layers) {
        out << l.name << "," << l.type << "," << l.macs << "," << l.accesses;
        for (const auto& s : l.stats.levels) {
            out << "," << s.hits << "," << s.misses << "," << s.energy_pj;
            if (s.scratchpad)
                out << "," << s.bytes_from_below << "," << s.bytes_to_below << "," << l.tile_m << "," << l.tile_n << "," << l.tile_k;
        }
        out << "," << l.stats.main.bytes_read << "," << l.stats.main.bytes_written << "," << l.stats.main.energy_pj << ","
            << l.compute_energy_pj << "," << l.movement_energy_pj() << "," << l.cycles() << "," << l.roofline.intensity << ","
            << (l.roofline.memory_bound ? 1 : 0) << "," << l.stats.stall_cycles << "\n";
    }
    return out.str();
}

std::unique_ptr<MemoryStudyJob> MemoryStudyJob::start(MemorySettings settings) {
    std::unique_ptr<MemoryStudyJob> job(new MemoryStudyJob());
    job->result_ = std::make_shared<core::Latest<MemoryStudy>>();
    auto result = job->result_;
    job->job_ = std::make_unique<core::Job>("Memory simulation", [settings, result](core::JobControl& control) -> core::Status {
        control.set_status("Simulating " + settings.workload + " on " + settings.hierarchy);
        auto m = run_memory_study(settings, &control);
        if (!m) return control.is_cancelled() ? core::Status::success() : fail(m.error());
        result->publish(std::move(*m));
        return core::Status::success();
    });
    return job;
}

json study_summary(const MemoryStudy& m) {
    const auto& r = m.result;
    json layers = json::array();
    int64_t l1_misses = 0;
    const bool spm = !m.hierarchy.levels.empty() && m.hierarchy.levels.front().is_scratchpad;
    for (const auto& l : r.layers) {
        const int64_t mb = l.stats.main.bytes_read + l.stats.main.bytes_written;
        const int64_t misses = l.stats.levels.empty() ? 0 : l.stats.levels[0].misses;
        l1_misses += misses;
        layers.push_back({{"name", l.name},
                          {"type", l.type},
                          {"macs", l.macs},
                          {"accesses", l.accesses},
                          {"l1_misses", misses},
                          {"l1_hit_rate", l.stats.levels.empty() ? 0.0 : l.stats.levels[0].hit_rate()},
                          {"main_bytes", mb},
                          {"compute_energy_uj", l.compute_energy_pj * 1e-6},
                          {"movement_energy_uj", l.movement_energy_pj() * 1e-6},
                          {"stall_cycles", l.stats.stall_cycles},
                          {"dma_in_bytes", spm ? l.stats.levels[0].bytes_from_below : 0},
                          {"dma_out_bytes", spm ? l.stats.levels[0].bytes_to_below : 0},
                          {"tiles", {l.tile_m, l.tile_n, l.tile_k}},
                          {"intensity", l.roofline.intensity},
                          {"measured_intensity", l.roofline.measured_intensity},
                          {"attainable_gflops", l.roofline.attainable_flops_per_s * 1e-9},
                          {"memory_bound", l.roofline.memory_bound}});
    }
    const auto& t = m.training;
    return {{"workload", r.workload},
            {"hierarchy", m.hierarchy.name},
            {"mode", sim::to_string(r.options.mode)},
            {"batch", r.options.trace.batch},
            {"precision", sim::to_string(r.options.trace.precision)},
            {"loop_order", r.options.trace.loop_order},
            {"accesses", r.total.accesses},
            {"l1_misses", l1_misses},
            {"l1_hit_rate", r.total.levels.empty() ? 0.0 : r.total.levels[0].hit_rate()},
            {"main_bytes", r.total.main.bytes_read + r.total.main.bytes_written},
            {"onchip", m.hierarchy.levels.empty() ? "none" : spm ? "scratchpad" : "cache"},
            {"dma_in_bytes", spm ? r.total.levels[0].bytes_from_below : 0},
            {"dma_out_bytes", spm ? r.total.levels[0].bytes_to_below : 0},
            {"stall_cycles", r.total.stall_cycles},
            {"compute_energy_uj", r.compute_energy_pj * 1e-6},
            {"movement_energy_uj", r.total.memory_energy_pj() * 1e-6},
            {"movement_share", r.movement_share()},
            {"cycles", r.cycles},
            {"time_ms", r.cycles / m.hierarchy.clock_hz * 1e3},
            {"ridge_intensity", r.roofline.ridge_intensity()},
            {"peak_gflops", r.roofline.peak_flops_per_s * 1e-9},
            {"bandwidth_gb_s", r.roofline.bandwidth_bytes_per_s * 1e-9},
            {"training",
             {{"weights_bytes", t.weights_bytes},
              {"master_weights_bytes", t.master_weights_bytes},
              {"gradient_bytes", t.gradient_bytes},
              {"optimizer_bytes", t.optimizer_bytes},
              {"activation_bytes", t.activation_bytes},
              {"activation_values", t.activation_values},
              {"total_bytes", t.total_bytes()}}},
            {"layers", layers},
            {"seconds", m.seconds}};
}

void MemoryWorkspaceState::restart() {
    if (job) job->cancel();
    error.clear();
    job = MemoryStudyJob::start(settings);
}

bool MemoryWorkspaceState::poll() {
    if (!job || !job->is_done()) return false;
    if (auto r = job->result()) study = r;
    else if (!job->error().empty()) error = job->error();
    job.reset();
    return true;
}

MemoryWorkspaceState& memory_workspace(const Session& s) { return s.memory_state(); }

}  // namespace mlsys::session
