// `mlsyslab accel`: a topology (built-in, SCALE-Sim CSV, or the current model) on a systolic array — the
// SCALE-Sim-style reports, a per-layer table and a Run — and `mlsyslab accel sweep`, the design-space sweep
// with its Pareto front.
#include "app/cli/command.hpp"
#include "app/session/accel_source.hpp"

#include "models/core/files.hpp"
#include "models/io/run_log.hpp"
#include "models/model/model_spec.hpp"
#include "sim/accel/builtin_topologies.hpp"
#include "sim/accel/compute_styles.hpp"
#include "sim/accel/reports.hpp"
#include "sim/accel/scalesim_files.hpp"
#include "sim/accel/sweep.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

namespace mlsys::cli {
namespace {

namespace acc = sim::accel;

struct AccelOptions {
    std::string topology;
    std::string model_file;
    std::string model;
    session::AccelConfigOverrides hw;
    std::string dataflows;  // "os", "all", "os,ws"
    int batch = 1;
    std::string out;
    bool no_vector = false;
    bool list = false;
    bool styles = false;
};

struct SweepOptions {
    std::string topology;
    std::string model_file;
    std::string model;
    session::AccelConfigOverrides hw;
    std::string arrays;     // "" = 8..256 squared and non-square
    std::string dataflows = "all";
    std::string sram = "64,256,1024";
    int batch = 1;
    std::string out;
};

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

core::Result<std::vector<acc::Dataflow>> parse_dataflows(const std::string& text) {
    if (text == "all") return std::vector<acc::Dataflow>{acc::Dataflow::OutputStationary, acc::Dataflow::WeightStationary,
                                                         acc::Dataflow::InputStationary};
    std::vector<acc::Dataflow> out;
    for (const auto& item : split_list(text)) {
        auto df = acc::parse_dataflow(item);
        if (!df) return core::fail("--dataflow: " + df.error());
        out.push_back(*df);
    }
    if (out.empty()) return core::fail("--dataflow: no dataflow in '" + text + "' (os, ws, is or all)");
    return out;
}

std::string root_of(const CommandContext& ctx) {
    return ctx.runs_dir.empty() ? core::default_runs_dir().string() : ctx.runs_dir;
}

int print_list(const CommandContext& ctx) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& t : acc::builtin_topologies()) list.push_back({{"name", t.name}, {"file", t.file}, {"description", t.description}});
    for (const auto& p : models::preset_names())
        list.push_back({{"name", p}, {"file", ""}, {"description", "the app's " + p + " model preset"}});
    if (ctx.json) {
        print_json({{"topologies", list}});
        return kExitOk;
    }
    for (const auto& t : list)
        std::printf("%-15s %s\n", t["name"].get<std::string>().c_str(), t["description"].get<std::string>().c_str());
    std::printf("(or a SCALE-Sim topology CSV, or 'current' with --model-file/--model)\n");
    return kExitOk;
}

void print_network(const acc::NetworkResult& net) {
    const acc::AccelConfig& c = net.config;
    std::printf("\n%s on %dx%d, %s, SRAM %lld/%lld/%lld KiB, bandwidth %s\n", net.workload_name.c_str(), c.array_rows,
                c.array_cols, acc::long_name(c.dataflow), static_cast<long long>(c.ifmap_sram_kib),
                static_cast<long long>(c.filter_sram_kib), static_cast<long long>(c.ofmap_sram_kib),
                c.bandwidth_mode == acc::BandwidthMode::Calc
                    ? "CALC"
                    : (std::to_string(c.dram_words_per_cycle) + " words/cycle").c_str());
    std::printf("%-16s %8s %6s %6s %5s %7s %12s %10s %8s %8s %8s %12s\n", "layer", "M", "N", "K", "inst", "folds",
                "cycles", "stalls", "util%", "map%", "comp%", "DRAM words");
    for (const auto& l : net.layers) {
        if (l.work.on_array) {
            std::printf("%-16s %8lld %6lld %6lld %5lld %7lld %12lld %10lld %8.2f %8.2f %8.2f %12lld\n",
                        l.work.name.substr(0, 16).c_str(), static_cast<long long>(l.work.gemm.m),
                        static_cast<long long>(l.work.gemm.n), static_cast<long long>(l.work.gemm.k),
                        static_cast<long long>(l.work.instances), static_cast<long long>(l.plan.n_folds()),
                        static_cast<long long>(l.latency_cycles), static_cast<long long>(l.stall_cycles * l.work.instances),
                        l.overall_util_pct, l.mapping_eff_pct, l.compute_util_pct,
                        static_cast<long long>(l.dram.traffic.total() * l.work.instances));
        } else if (l.latency_cycles > 0) {
            std::printf("%-16s %8s %6s %6s %5s %7s %12lld %10s %8s %8s %8s %12s\n", l.work.name.substr(0, 16).c_str(),
                        "vector", "", "", "", "", static_cast<long long>(l.latency_cycles), "", "", "", "", "");
        }
    }
    std::printf("total: %lld cycles (%.4g ms at %.0f MHz; SCALE-Sim total %lld), %lld stall cycles, %.3g GMACs, "
                "overall util %.2f%%, DRAM %lld words, energy %.4g mJ\n",
                static_cast<long long>(net.latency_cycles), net.latency_s() * 1e3, c.clock_hz / 1e6,
                static_cast<long long>(net.scalesim_total_cycles), static_cast<long long>(net.stall_cycles),
                double(net.macs) / 1e9, net.overall_util_pct(), static_cast<long long>(net.dram_words),
                net.energy.total_pj() * 1e-9);
}

nlohmann::json totals_json(const acc::NetworkResult& net) {
    return {{"dataflow", acc::to_string(net.config.dataflow)},
            {"latency_cycles", net.latency_cycles},
            {"scalesim_total_cycles", net.scalesim_total_cycles},
            {"stall_cycles", net.stall_cycles},
            {"latency_s", net.latency_s()},
            {"overall_util_pct", net.overall_util_pct()},
            {"macs", net.macs},
            {"dram_words", net.dram_words},
            {"energy_pj", net.energy.total_pj()}};
}

int run_accel(const AccelOptions& o, const CommandContext& ctx) {
    if (o.list) return print_list(ctx);
    if (o.topology.empty()) return usage_error("accel", "give --topology FILE.csv|NAME|current (--list shows the built-ins)");
    if (o.batch < 1 || o.batch > 65536) return usage_error("accel", "--batch must be between 1 and 65536");
    auto wl = session::resolve_accel_workload(o.topology, o.model_file, o.model);
    if (!wl) return usage_error("accel", wl.error());
    for (const auto& w : wl->warnings) std::fprintf(stderr, "mlsyslab accel: warning: %s\n", w.c_str());
    auto hw = session::resolve_accel_config(o.hw);
    if (!hw) return usage_error("accel", hw.error());
    for (const auto& w : hw->warnings) std::fprintf(stderr, "mlsyslab accel: warning: %s\n", w.c_str());
    std::vector<acc::Dataflow> dataflows{hw->config.dataflow};
    if (!o.dataflows.empty()) {
        auto d = parse_dataflows(o.dataflows);
        if (!d) return usage_error("accel", d.error());
        dataflows = *d;
    }
    acc::SimOptions sim_opt;
    sim_opt.batch = o.batch;
    sim_opt.include_vector_layers = !o.no_vector;

    std::vector<acc::NetworkResult> results;
    for (acc::Dataflow df : dataflows) {
        acc::AccelConfig c = hw->config;
        c.dataflow = df;
        auto net = acc::simulate_workload(wl->workload, c, sim_opt);
        if (!net) return usage_error("accel", net.error());
        results.push_back(std::move(*net));
    }

    nlohmann::json config{{"topology", o.topology},
                          {"source", wl->source},
                          {"config_file", o.hw.config_file},
                          {"accel", acc::to_json(hw->config)},
                          {"dataflows", nlohmann::json::array()},
                          {"batch", o.batch},
                          {"include_vector_layers", !o.no_vector}};
    for (acc::Dataflow df : dataflows) config["dataflows"].push_back(acc::to_string(df));
    auto run = models::RunWriter::create(root_of(ctx), "accel", wl->workload.name + "-" + std::to_string(hw->config.array_rows) +
                                                                   "x" + std::to_string(hw->config.array_cols),
                                         config);
    std::string run_dir;
    if (!run) std::fprintf(stderr, "mlsyslab accel: warning: the Run was not written: %s\n", run.error().c_str());

    // Reports: --out DIR, else the Run's artifacts; one subfolder per dataflow when several are run.
    std::filesystem::path out_dir;
    if (!o.out.empty()) out_dir = o.out;
    else if (run) out_dir = run->dir() / "artifacts";
    nlohmann::json per_df = nlohmann::json::array();
    for (const auto& net : results) {
        nlohmann::json t = totals_json(net);
        if (!out_dir.empty()) {
            const auto dir = results.size() > 1 ? out_dir / acc::to_string(net.config.dataflow) : out_dir;
            if (auto st = acc::write_reports(net, dir); !st) return run_failed("accel", st.error());
            const std::string cfg = acc::write_scalesim_config(net.config);
            if (auto st = core::write_file_atomic(dir / "config.cfg", cfg); !st) return run_failed("accel", st.error());
            if (auto st = core::write_file_atomic(dir / "result.json", acc::to_json(net).dump(1)); !st)
                return run_failed("accel", st.error());
            t["report_dir"] = dir.string();
        }
        per_df.push_back(t);
    }
    if (run) {
        int64_t step = 0;
        for (const auto& net : results)
            (void)run->append_metrics(step++, {{"latency_cycles", double(net.latency_cycles)},
                                               {"overall_util_pct", net.overall_util_pct()},
                                               {"energy_pj", net.energy.total_pj()}});
        const auto& first = results.front();
        (void)run->finish(models::RunStatus::Finished,
                          {{"latency_cycles", first.latency_cycles},
                           {"overall_util_pct", first.overall_util_pct()},
                           {"dataflow", acc::to_string(first.config.dataflow)}});
        run_dir = run->dir().string();
    }

    // "Same model, different hardware": the array beside a SIMD CPU core, a GPU and a microcontroller.
    std::vector<acc::StyleResult> styles;
    if (o.styles) {
        styles.push_back(acc::style_of(results.front()));
        styles.push_back(acc::simulate_cpu(wl->workload, acc::CpuSimdConfig{}, o.batch));
        styles.push_back(acc::simulate_gpu(wl->workload, acc::GpuConfig{}, o.batch));
        styles.push_back(acc::simulate_mcu(wl->workload, acc::McuConfig{}, o.batch));
    }
    if (ctx.json) {
        nlohmann::json j{{"topology", o.topology},
                         {"workload", wl->workload.name},
                         {"config", acc::to_json(hw->config)},
                         {"batch", o.batch},
                         {"results", per_df},
                         {"run_dir", run_dir}};
        if (results.size() == 1) {
            nlohmann::json full = acc::to_json(results.front());
            j["layers"] = full["layers"];
        }
        if (o.styles) {
            j["styles"] = nlohmann::json::array();
            for (const auto& st : styles) j["styles"].push_back(acc::to_json(st));
        }
        print_json(j);
        return kExitOk;
    }
    for (const auto& net : results) print_network(net);
    if (results.size() > 1) {
        std::printf("\n%-4s %14s %10s %10s %14s %12s\n", "df", "cycles", "stalls", "util%", "DRAM words", "energy mJ");
        for (const auto& net : results)
            std::printf("%-4s %14lld %10lld %10.2f %14lld %12.4g\n", acc::to_string(net.config.dataflow),
                        static_cast<long long>(net.latency_cycles), static_cast<long long>(net.stall_cycles),
                        net.overall_util_pct(), static_cast<long long>(net.dram_words), net.energy.total_pj() * 1e-9);
    }
    if (o.styles) {
        std::printf("\nsame model, different hardware (roofline level; constants and sources in sim/accel/compute_styles.hpp)\n");
        std::printf("%-9s %-48s %12s %12s %14s\n", "style", "device", "latency ms", "energy mJ", "peak GMAC/s");
        for (const auto& st : styles)
            std::printf("%-9s %-48s %12.4g %12.4g %14.4g\n", st.style.c_str(), st.device.substr(0, 48).c_str(),
                        st.latency_s * 1e3, st.energy_j * 1e3, st.peak_macs_per_s / 1e9);
    }
    if (!out_dir.empty()) std::printf("reports: %s\n", out_dir.string().c_str());
    if (!run_dir.empty()) std::printf("run: %s\n", run_dir.c_str());
    return kExitOk;
}

int run_sweep_cmd(const SweepOptions& o, const CommandContext& ctx) {
    if (o.topology.empty()) return usage_error("accel sweep", "give --topology FILE.csv|NAME|current");
    if (o.batch < 1 || o.batch > 65536) return usage_error("accel sweep", "--batch must be between 1 and 65536");
    auto wl = session::resolve_accel_workload(o.topology, o.model_file, o.model);
    if (!wl) return usage_error("accel sweep", wl.error());
    for (const auto& w : wl->warnings) std::fprintf(stderr, "mlsyslab accel sweep: warning: %s\n", w.c_str());
    auto hw = session::resolve_accel_config(o.hw);
    if (!hw) return usage_error("accel sweep", hw.error());
    acc::SweepSpec spec = acc::default_sweep_spec();
    if (!o.arrays.empty()) {
        auto a = acc::parse_array_list(o.arrays);
        if (!a) return usage_error("accel sweep", "--arrays: " + a.error());
        spec.arrays = *a;
    }
    auto d = parse_dataflows(o.dataflows);
    if (!d) return usage_error("accel sweep", d.error());
    spec.dataflows = *d;
    spec.sram_kib.clear();
    for (const auto& s : split_list(o.sram)) {
        char* end = nullptr;
        const long long v = std::strtoll(s.c_str(), &end, 10);
        if (end == s.c_str() || *end != '\0' || v < 1 || v > (1 << 22))
            return usage_error("accel sweep", "--sram: '" + s + "' is not a size in KiB between 1 and 4194304");
        spec.sram_kib.push_back(v);
    }
    if (spec.sram_kib.empty()) return usage_error("accel sweep", "--sram: no sizes given");
    for (const auto& [r, c] : spec.arrays) {
        acc::AccelConfig t = hw->config;
        t.array_rows = r;
        t.array_cols = c;
        if (auto st = acc::validate(t); !st) return usage_error("accel sweep", "--arrays: " + st.error());
    }

    acc::SimOptions sim_opt;
    sim_opt.batch = o.batch;
    const int64_t total = int64_t(spec.arrays.size() * spec.dataflows.size() * spec.sram_kib.size());
    ProgressBar bar("sweep", total, !ctx.json);
    acc::SweepCallbacks cb;
    cb.on_progress = [&](int64_t done, int64_t) { bar.update(done); };
    const auto t0 = std::chrono::steady_clock::now();
    auto res = acc::run_sweep(wl->workload, hw->config, spec, sim_opt, cb);
    if (!res) return usage_error("accel sweep", res.error());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bar.finish();

    nlohmann::json config{{"topology", o.topology},
                          {"source", wl->source},
                          {"base", acc::to_json(hw->config)},
                          {"points", total},
                          {"batch", o.batch}};
    auto run = models::RunWriter::create(root_of(ctx), "accel_sweep", wl->workload.name, config);
    std::string run_dir;
    const std::string csv = acc::sweep_csv(*res);
    if (!o.out.empty()) {
        if (auto st = core::write_file_atomic(std::filesystem::path(o.out) / "SWEEP.csv", csv); !st)
            return run_failed("accel sweep", st.error());
    }
    int n_front = 0;
    for (const auto& p : res->points) n_front += p.pareto_latency_area;
    if (run) {
        (void)run->write_artifact("SWEEP.csv", csv);
        (void)run->finish(models::RunStatus::Finished,
                          {{"points", res->points.size()}, {"pareto_latency_area", n_front}, {"seconds", seconds}});
        run_dir = run->dir().string();
    } else {
        std::fprintf(stderr, "mlsyslab accel sweep: warning: the Run was not written: %s\n", run.error().c_str());
    }
    if (ctx.json) {
        nlohmann::json pts = nlohmann::json::array();
        for (const auto& p : res->points) pts.push_back(acc::to_json(p));
        print_json({{"topology", o.topology},
                    {"workload", wl->workload.name},
                    {"points", pts},
                    {"seconds", seconds},
                    {"run_dir", run_dir}});
        return kExitOk;
    }
    std::printf("%s: %zu design points in %.2f s; latency-area Pareto front (%d points):\n", wl->workload.name.c_str(),
                res->points.size(), seconds, n_front);
    std::printf("%-9s %-3s %9s %14s %8s %12s %10s\n", "array", "df", "SRAM KiB", "cycles", "util%", "energy mJ", "area mm2");
    std::vector<const acc::SweepPoint*> front;
    for (const auto& p : res->points)
        if (p.pareto_latency_area) front.push_back(&p);
    std::sort(front.begin(), front.end(), [](auto* a, auto* b) { return a->area_mm2 < b->area_mm2; });
    for (const auto* p : front) {
        const std::string shape = std::to_string(p->rows) + "x" + std::to_string(p->cols);
        std::printf("%-9s %-3s %9lld %14lld %8.2f %12.4g %10.4g\n", shape.c_str(), acc::to_string(p->dataflow),
                    static_cast<long long>(p->sram_kib), static_cast<long long>(p->latency_cycles), p->util_pct,
                    p->energy_pj * 1e-9, p->area_mm2);
    }
    if (!o.out.empty()) std::printf("sweep: %s\n", (std::filesystem::path(o.out) / "SWEEP.csv").string().c_str());
    if (!run_dir.empty()) std::printf("run: %s\n", run_dir.c_str());
    return kExitOk;
}

void add_source_options(CLI::App* sub, std::string& topology, std::string& model_file, std::string& model,
                        session::AccelConfigOverrides& hw) {
    sub->add_option("--topology", topology,
                    "A built-in topology (resnet50, vgg16, mobilenet_v2, bert_base_128, ...), a SCALE-Sim CSV, a model "
                    "preset, or 'current'");
    sub->add_option("--model-file", model_file, "With --topology current: a saved model (.mlsys)");
    sub->add_option("--model", model, "With --topology current: a preset or model-description JSON");
    sub->add_option("--config", hw.config_file, "A SCALE-Sim .cfg (default: 128x128 os, 1 MiB SRAMs, CALC bandwidth)");
    sub->add_option("--array", hw.array, "Array shape ROWSxCOLS, overriding the config (e.g. 128x128)");
    sub->add_option("--bandwidth", hw.bandwidth, "DRAM words per cycle per buffer: USER mode with stalls (default: the config's)");
    sub->add_option("--word-bytes", hw.word_bytes, "Bytes per operand word: 1 (int8, SCALE-Sim), 2 or 4");
}

void setup_accel(CLI::App& app, CommandContext& ctx) {
    auto o = std::make_shared<AccelOptions>();
    auto s = std::make_shared<SweepOptions>();
    CLI::App* sub = app.add_subcommand("accel", "Map a network onto a systolic array (SCALE-Sim v2 compatible reports)");
    add_source_options(sub, o->topology, o->model_file, o->model, o->hw);
    sub->add_option("--dataflow", o->dataflows, "os, ws, is, a comma list, or all (default: the config's)");
    sub->add_option("--batch", o->batch, "Samples per inference (multiplies M)")->capture_default_str();
    sub->add_option("--out", o->out, "Write COMPUTE_REPORT.csv and the other reports here (default: the Run's artifacts)");
    sub->add_flag("--no-vector", o->no_vector, "Leave out pooling/activation layers (SCALE-Sim's accounting)");
    sub->add_flag("--list", o->list, "List the built-in topologies");
    sub->add_flag("--styles", o->styles, "Also estimate the network on a SIMD CPU core, a GPU and a microcontroller");
    add_common_flags(*sub, ctx);

    CLI::App* sw = sub->add_subcommand("sweep", "Design-space sweep: array shapes, dataflows, SRAM sizes -> Pareto front");
    add_source_options(sw, s->topology, s->model_file, s->model, s->hw);
    sw->add_option("--arrays", s->arrays, "Comma list of ROWSxCOLS (default: rows and cols each in 8..256, 36 shapes)");
    sw->add_option("--dataflow", s->dataflows, "os, ws, is, a comma list, or all")->capture_default_str();
    sw->add_option("--sram", s->sram, "Comma list of SRAM sizes in KiB (each buffer)")->capture_default_str();
    sw->add_option("--batch", s->batch, "Samples per inference (multiplies M)")->capture_default_str();
    sw->add_option("--out", s->out, "Also write SWEEP.csv here");
    add_common_flags(*sw, ctx);
    sw->callback([s, &ctx] { ctx.exit_code = run_sweep_cmd(*s, ctx); });
    sub->callback([o, sw, &ctx] {
        if (sw->parsed()) return;
        ctx.exit_code = run_accel(*o, ctx);
    });
}

}  // namespace

MLSYS_CLI_COMMAND("accel", setup_accel);

}  // namespace mlsys::cli
