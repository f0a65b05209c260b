// `mlsyslab memsim`: a model's layers through a memory hierarchy (replay of the exact trace, or the analytic
// model), the per-layer table, the roofline and training memory; writes a Run (layers.csv, memsim.json).
// With --trace FILE it replays an external Dinero (or lackey) trace instead and prints hits, misses and
// evictions per level. --write-trace FILE exports the generated trace in Dinero format.
#include "app/cli/command.hpp"
#include "app/session/memory_state.hpp"

#include "models/core/files.hpp"
#include "models/io/run_log.hpp"
#include "sim/memory/trace_io.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

namespace mlsys::cli {
namespace {

struct MemsimCliOptions {
    session::MemorySettings s;
    std::string tile;
    std::string trace;
    std::string trace_format = "auto";
    std::string write_trace;
    bool no_3c = false;
    bool cold = false;
    bool data_only = false;
    bool hierarchy_given = false;
};

std::string si(double v, const char* unit) {
    char buf[48];
    const char* prefixes[] = {"p", "n", "u", "m", "", "k", "M", "G", "T"};
    int i = 4;
    double x = v;
    while (x != 0 && std::abs(x) < 1 && i > 0) {
        x *= 1000;
        --i;
    }
    while (std::abs(x) >= 1000 && i < 8) {
        x /= 1000;
        ++i;
    }
    std::snprintf(buf, sizeof buf, "%.3g %s%s", x, prefixes[i], unit);
    return buf;
}

nlohmann::json replay_json(const sim::ReplayStats& s, const sim::TraceReadStats& r, const std::string& file,
                           const sim::HierarchyConfig& c) {
    nlohmann::json j = sim::to_json(s);
    j["trace"] = file;
    j["hierarchy"] = c.name;
    j["trace_reads"] = r.reads;
    j["trace_writes"] = r.writes;
    j["trace_instruction_fetches"] = r.instruction_fetches;
    j["trace_skipped"] = r.skipped;
    return j;
}

int replay_file(const MemsimCliOptions& o, const sim::HierarchyConfig& c, const CommandContext& ctx) {
    std::string fmt = o.trace_format;
    if (fmt == "auto") {
        std::ifstream probe(o.trace);
        std::string first;
        while (std::getline(probe, first) && (first.empty() || first[0] == '#' || first.rfind("==", 0) == 0)) {
        }
        fmt = (!first.empty() && (first[0] == ' ' || first[0] == 'I')) ? "lackey" : "din";
    }
    if (fmt != "din" && fmt != "lackey") return usage_error("memsim", "--trace-format must be auto, din or lackey");
    sim::Hierarchy h(c, !o.no_3c);
    struct Sink final : sim::TraceSink {
        sim::Hierarchy& h;
        explicit Sink(sim::Hierarchy& hh) : h(hh) {}
        void access(uint64_t a, int size, bool w) override { h.access(a, size, w); }
    } sink(h);
    sim::TraceReadOptions ro;
    ro.include_instruction_fetches = !o.data_only;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = fmt == "din" ? sim::read_dinero_trace(o.trace, sink, ro) : sim::read_lackey_trace(o.trace, sink, ro);
    if (!r) return usage_error("memsim", r.error());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto& s = h.stats();
    if (ctx.json) {
        auto j = replay_json(s, *r, o.trace, c);
        j["seconds"] = secs;
        print_json(j);
        return kExitOk;
    }
    std::printf("trace %s (%s): %lld reads, %lld writes, %lld fetches%s\n", o.trace.c_str(), fmt.c_str(),
                static_cast<long long>(r->reads), static_cast<long long>(r->writes), static_cast<long long>(r->instruction_fetches),
                o.data_only ? " (skipped)" : "");
    std::printf("hierarchy %s\n\n", c.name.c_str());
    std::printf("%-10s %12s %12s %12s %8s %11s %11s %11s %11s %11s\n", "level", "accesses", "hits", "misses", "hit %",
                "compulsory", "capacity", "conflict", "evictions", "writebacks");
    for (const auto& l : s.levels)
        std::printf("%-10s %12lld %12lld %12lld %7.2f%% %11lld %11lld %11lld %11lld %11lld\n", l.name.c_str(),
                    static_cast<long long>(l.reads + l.writes), static_cast<long long>(l.hits), static_cast<long long>(l.misses),
                    100 * l.hit_rate(), static_cast<long long>(l.compulsory), static_cast<long long>(l.capacity),
                    static_cast<long long>(l.conflict), static_cast<long long>(l.evictions),
                    static_cast<long long>(l.dirty_evictions));
    std::printf("%-10s %12lld reads (%s), %lld writes (%s)\n", c.main.name.c_str(), static_cast<long long>(s.main.reads),
                si(double(s.main.bytes_read), "B").c_str(), static_cast<long long>(s.main.writes),
                si(double(s.main.bytes_written), "B").c_str());
    std::printf("energy %s, %s cycles (%s stall)\n", si(s.memory_energy_pj() * 1e-12, "J").c_str(), si(s.cycles(), "").c_str(),
                si(s.stall_cycles, "").c_str());
    return kExitOk;
}

int run_memsim(MemsimCliOptions o, const CommandContext& ctx) {
    if (!o.tile.empty()) {
        int m = 0, n = 0, k = 0;
        char extra = 0;
        if (std::sscanf(o.tile.c_str(), "%d,%d,%d%c", &m, &n, &k, &extra) != 3 || m < 0 || n < 0 || k < 0)
            return usage_error("memsim", "--tile must be M,N,K (non-negative integers, 0 = untiled), got \"" + o.tile + "\"");
        o.s.tile_m = m;
        o.s.tile_n = n;
        o.s.tile_k = k;
    }
    if (o.no_3c) o.s.classify_misses = false;
    if (o.cold) o.s.warm = false;
    auto h = session::resolve_hierarchy(o.s);
    if (!h) return usage_error("memsim", h.error());
    if (!o.trace.empty()) {
        if (!h->levels.empty() && h->levels.front().is_scratchpad)
            return usage_error("memsim", "--trace: levels[0] (" + h->levels.front().name +
                                             ") is a scratchpad, and an external trace has no DMA transfers to stage its data; "
                                             "replay it through caches (--onchip cache)");
        return replay_file(o, *h, ctx);
    }

    auto w = session::resolve_workload(o.s);
    if (!w) return usage_error("memsim", w.error());
    if (auto opts = session::resolve_memsim_options(o.s); !opts) return usage_error("memsim", opts.error());
    if (!o.write_trace.empty()) {
        auto opts = session::resolve_memsim_options(o.s);
        std::ofstream f(o.write_trace);
        if (!f) return usage_error("memsim", o.write_trace + ": cannot write the trace file");
        sim::DineroWriter dw(f);
        f << "# mlsyslab memsim trace of " << w->name << " (Dinero din: label hexaddress size)\n";
        for (size_t i = 0; i < w->layers.size(); ++i) sim::generate_layer_trace(*w, i, opts->trace, sim::AddressMap{}, dw);
        if (!f) return run_failed("memsim", o.write_trace + ": write failed");
        if (!ctx.json) std::printf("wrote %lld accesses to %s\n", static_cast<long long>(dw.written()), o.write_trace.c_str());
    }
    ProgressBar bar("memsim", static_cast<int64_t>(w->layers.size()), !ctx.json);
    core::JobControl control;
    auto study = session::run_memory_study(o.s, &control);
    bar.finish();
    if (!study) return usage_error("memsim", study.error());
    const auto& r = study->result;
    nlohmann::json j = session::to_json(*study);

    const std::string root = ctx.runs_dir.empty() ? core::default_runs_dir().string() : ctx.runs_dir;
    auto run = models::RunWriter::create(root, "memsim", w->name + "-" + h->name, session::to_json(o.s));
    std::string run_dir;
    if (run) {
        (void)run->write_artifact("layers.csv", session::layers_csv(*study));
        (void)run->write_artifact("memsim.json", j.dump(2));
        (void)run->finish(models::RunStatus::Finished,
                          {{"movement_share", r.movement_share()},
                           {"main_bytes", r.total.main.bytes_read + r.total.main.bytes_written},
                           {"l1_hit_rate", r.total.levels.empty() ? 0.0 : r.total.levels[0].hit_rate()},
                           {"energy_pj", r.compute_energy_pj + r.total.memory_energy_pj()}});
        run_dir = run->dir().string();
    } else {
        std::fprintf(stderr, "mlsyslab memsim: warning: the Run was not written: %s\n", run.error().c_str());
    }
    j["run_dir"] = run_dir;
    if (ctx.json) {
        print_json(j);
        return kExitOk;
    }
    const auto& t = r.options.trace;
    std::printf("%s on %s: %s mode, batch %d, %s, loop order %s, tiles %d,%d,%d%s\n", w->name.c_str(), h->name.c_str(),
                sim::to_string(r.options.mode), t.batch, sim::to_string(t.precision), t.loop_order.c_str(), t.tile_m, t.tile_n,
                t.tile_k, t.im2col ? ", im2col" : "");
    // Per layer: a cache level's hit rate; a scratchpad's bytes DMA'd in and out (every access hits it).
    bool any_spm = false;
    std::printf("\n%-20s %10s %12s", "layer", "MACs", "accesses");
    for (const auto& l : h->levels) {
        if (l.is_scratchpad) {
            any_spm = true;
            const int cw = std::max(9, int(l.name.size()) + 4);
            std::printf(" %*s %*s", cw, (l.name + " in").c_str(), cw, (l.name + " out").c_str());
        } else {
            std::printf(" %8s", (l.name + " hit").c_str());
        }
    }
    std::printf(" %10s %10s %10s", "DRAM B", "compute", "movement");
    if (any_spm) std::printf(" %9s %10s", "stall", "tiles");
    std::printf(" %9s %7s\n", "FLOP/B", "bound");
    for (const auto& l : r.layers) {
        std::printf("%-20s %10lld %12lld", l.name.c_str(), static_cast<long long>(l.macs), static_cast<long long>(l.accesses));
        for (const auto& s : l.stats.levels) {
            if (s.scratchpad) {
                const int cw = std::max(9, int(s.name.size()) + 4);
                std::printf(" %*s %*s", cw, si(double(s.bytes_from_below), "B").c_str(), cw, si(double(s.bytes_to_below), "B").c_str());
            }
            else
                std::printf(" %7.2f%%", 100 * s.hit_rate());
        }
        std::printf(" %10s %10s %10s", si(double(l.stats.main.bytes_read + l.stats.main.bytes_written), "B").c_str(),
                    si(l.compute_energy_pj * 1e-12, "J").c_str(), si(l.movement_energy_pj() * 1e-12, "J").c_str());
        if (any_spm) {
            const std::string tiles = l.tile_m + l.tile_n + l.tile_k > 0
                                          ? std::to_string(l.tile_m) + "," + std::to_string(l.tile_n) + "," + std::to_string(l.tile_k)
                                          : "";
            std::printf(" %9s %10s", si(l.stats.stall_cycles, "").c_str(), tiles.c_str());
        }
        std::printf(" %9.3g %7s\n", l.roofline.intensity,
                    l.macs == 0 && l.roofline.flops == 0 ? "" : (l.roofline.memory_bound ? "memory" : "compute"));
    }
    for (const auto& s : r.total.levels)
        if (s.scratchpad)
            std::printf("\n%s (scratchpad, %s): %lld accesses, all hits; DMA %s in, %s out in %lld transfers; %s stall cycles%s\n",
                        s.name.c_str(), si(double(h->levels.front().size_bytes), "B").c_str(),
                        static_cast<long long>(s.reads + s.writes), si(double(s.bytes_from_below), "B").c_str(),
                        si(double(s.bytes_to_below), "B").c_str(), static_cast<long long>(s.dma_transfers),
                        si(r.total.stall_cycles, "").c_str(), t.double_buffer ? " (double-buffered)" : "");
    std::printf("\nenergy: compute %s, data movement %s (%.1f%% of the total)", si(r.compute_energy_pj * 1e-12, "J").c_str(),
                si(r.total.memory_energy_pj() * 1e-12, "J").c_str(), 100 * r.movement_share());
    std::printf("  by level:");
    for (const auto& l : r.total.levels) std::printf(" %s %s", l.name.c_str(), si(l.energy_pj * 1e-12, "J").c_str());
    std::printf(" %s %s\n", h->main.name.c_str(), si(r.total.main.energy_pj * 1e-12, "J").c_str());
    std::printf("time: %s cycles = %s at %s (compute %s cycles)\n", si(r.cycles, "").c_str(), si(r.cycles / h->clock_hz, "s").c_str(),
                si(h->clock_hz, "Hz").c_str(), si(r.compute_cycles, "").c_str());
    std::printf("roofline: peak %s, bandwidth %s, ridge %.3g FLOP/B\n", si(r.roofline.peak_flops_per_s, "FLOP/s").c_str(),
                si(r.roofline.bandwidth_bytes_per_s, "B/s").c_str(), r.roofline.ridge_intensity());
    const auto& tm = study->training;
    std::printf("training memory (%s, %s, batch %d%s): weights %s, master %s, gradients %s, optimizer %s, activations %s "
                "(%lld values) = %s\n",
                sim::to_string(session::resolve_training_options(o.s).precision), o.s.optimizer.c_str(), o.s.batch,
                o.s.checkpointing ? ", checkpointing" : "", si(tm.weights_bytes, "B").c_str(), si(tm.master_weights_bytes, "B").c_str(),
                si(tm.gradient_bytes, "B").c_str(), si(tm.optimizer_bytes, "B").c_str(), si(tm.activation_bytes, "B").c_str(),
                static_cast<long long>(tm.activation_values), si(tm.total_bytes(), "B").c_str());
    std::printf("simulated in %.2f s\n", study->seconds);
    if (!run_dir.empty()) std::printf("run: %s\n", run_dir.c_str());
    return kExitOk;
}

void setup_memsim(CLI::App& app, CommandContext& ctx) {
    auto o = std::make_shared<MemsimCliOptions>();
    CLI::App* sub = app.add_subcommand("memsim", "Replay a model's memory traffic through a cache hierarchy (or an external trace)");
    sub->add_option("--workload,--model", o->s.workload, "A preset (mlp, cnn, dscnn, tiny) or a model-description JSON")
        ->capture_default_str();
    sub->add_option("--model-file", o->s.model_file, "Or a saved model (.mlsys)");
    sub->add_option_function<std::string>(
           "--hierarchy",
           [o](const std::string& v) {
               o->s.hierarchy = v;
               o->hierarchy_given = true;
           },
           "A preset (" + [] {
               std::string names;
               for (const auto& n : sim::hierarchy_preset_names()) names += (names.empty() ? "" : ", ") + n;
               return names;
           }() + ") or a hierarchy JSON (default rpi4)");
    sub->add_option("--level", o->s.levels, "SIZE,ASSOC,LINE[,POLICY] (repeatable, innermost first), like cachegrind's --D1");
    sub->add_option_function<int64_t>(
           "--scratchpad",
           [o](const int64_t& v) {
               o->s.onchip = "scratchpad";
               o->s.scratchpad_bytes = v;
           },
           "Make the innermost level a software-managed scratchpad of SIZE bytes (0: its own size); tiles are staged by DMA")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--onchip", o->s.onchip, "The innermost level as the preset has it, or forced to cache or scratchpad")
        ->check(CLI::IsMember({"preset", "cache", "scratchpad"}))
        ->capture_default_str();
    sub->add_flag("--double-buffer", o->s.double_buffer, "Scratchpad: two buffers per operand, transfers overlap the previous tile");
    sub->add_option("--mode", o->s.mode, "replay (trace) or analytic")->capture_default_str();
    sub->add_option("--batch", o->s.batch, "Batch size")->capture_default_str();
    sub->add_option("--precision", o->s.precision, "fp32, fp16 or int8")->capture_default_str();
    sub->add_option("--loop-order", o->s.loop_order, "GEMM loop order, outer to inner (mnk, mkn, nmk, nkm, kmn, knm)")
        ->capture_default_str();
    sub->add_option("--tile", o->tile, "GEMM tiles M,N,K (0 = untiled)");
    sub->add_flag("--im2col", o->s.im2col, "Convolutions build the im2col matrix first");
    sub->add_flag("--cold", o->cold, "Start every layer with empty caches");
    sub->add_flag("--no-3c", o->no_3c, "Skip the compulsory/capacity/conflict split (about 2x faster)");
    sub->add_option("--optimizer", o->s.optimizer, "Training memory: sgd, momentum or adam")->capture_default_str();
    sub->add_flag("--checkpointing", o->s.checkpointing, "Training memory with activation checkpointing");
    sub->add_option("--trace", o->trace, "Replay this Dinero (.din) or lackey trace instead of a model");
    sub->add_option("--trace-format", o->trace_format, "auto, din or lackey")->capture_default_str();
    sub->add_flag("--data-only", o->data_only, "With --trace: skip instruction fetches");
    sub->add_option("--write-trace", o->write_trace, "Also write the model's generated trace here (Dinero format)");
    add_common_flags(*sub, ctx);
    sub->callback([o, &ctx] { ctx.exit_code = run_memsim(*o, ctx); });
}

MLSYS_CLI_COMMAND("memsim", setup_memsim);

}  // namespace
}  // namespace mlsys::cli
