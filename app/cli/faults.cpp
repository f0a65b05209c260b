// `mlsyslab faults`: a fault-injection campaign on a saved model over a dataset's test split — accuracy,
// silent data corruption and detected errors per bit-error rate with confidence intervals, the protection
// price list, optionally the layer x bit vulnerability map — printed as tables (or --json) and written as a Run.
#include "app/cli/command.hpp"
#include "app/session/faults_state.hpp"
#include "app/session/model_source.hpp"

#include <cstdio>
#include <memory>

namespace mlsys::cli {
namespace {

struct FaultsOptions {
    std::string model_file;
    session::FaultsSettings s;
    std::string array = "8x8";
};

void print_tables(const session::FaultsSnapshot& snap, const session::FaultsSettings& s) {
    const auto& r = snap.campaign;
    std::printf("clean accuracy %.2f%% on %d test images; fault %s on %s (%s), protection %s, %d trials a point\n\n",
                100 * r.clean_accuracy, r.n_images, s.fault.c_str(), s.target.c_str(), s.precision.c_str(),
                s.protect.c_str(), s.trials);
    std::printf("%-9s %-22s %7s %-24s %8s %9s %s\n", "BER", "accuracy [95% CI]", "drop", "SDC rate [95% CI]",
                "detected", "faults", "protection");
    for (const auto& p : r.points) {
        const double sdc = p.images.n_images ? double(p.images.n_sdc) / double(p.images.n_images) : 0;
        const double det = p.images.n_images ? double(p.images.n_detected) / double(p.images.n_images) : 0;
        char acc[64], sdcs[64];
        std::snprintf(acc, sizeof acc, "%.2f%% [%.2f, %.2f]", 100 * p.accuracy.mean, 100 * p.accuracy.ci.lo,
                      100 * p.accuracy.ci.hi);
        std::snprintf(sdcs, sizeof sdcs, "%.3f%% [%.3f, %.3f]", 100 * sdc, 100 * p.sdc_ci.lo, 100 * p.sdc_ci.hi);
        std::string prot;
        const auto& c = p.counters;
        if (c.ecc_corrected || c.ecc_detected)
            prot += "ecc " + std::to_string(c.ecc_corrected) + " corrected " + std::to_string(c.ecc_detected) + " detected ";
        if (c.parity_detected) prot += "parity " + std::to_string(c.parity_detected) + " detected ";
        if (c.tmr_masked) prot += "tmr " + std::to_string(c.tmr_masked) + " outvoted ";
        if (c.abft_corrected || c.abft_detected)
            prot += "abft " + std::to_string(c.abft_corrected) + " corrected " + std::to_string(c.abft_detected) + " detected ";
        if (c.range_clamped) prot += "range " + std::to_string(c.range_clamped) + " clamped";
        std::printf("%-9.2g %-22s %6.2f%% %-24s %7.3f%% %9.1f %s\n", p.ber, acc, 100 * p.accuracy_drop, sdcs, 100 * det,
                    p.mean_faults, prot.c_str());
    }
    std::printf("\nprotection costs (batch-1 inference, %dx%d %s array)\n", s.array_rows, s.array_cols, s.dataflow.c_str());
    std::printf("%-7s %12s %9s %9s %10s  %s\n", "", "memory", "memory%", "compute%", "latency%", "what");
    for (const auto& c : snap.costs)
        std::printf("%-7s %10lld B %8.1f%% %8.1f%% %9.1f%%  %s\n", faults::to_string(c.protection),
                    static_cast<long long>(c.extra_memory_bytes), 100 * c.memory_overhead, 100 * c.compute_overhead,
                    100 * c.latency_overhead, c.what.c_str());
    const auto& v = snap.vulnerability;
    if (!v.cells.empty()) {
        std::printf("\nvulnerability: share of single-fault trials that changed a prediction (%lld trials a cell; "
                    "Leveugle: %lld for a 5%% margin)\n%-14s", static_cast<long long>(v.cells.front().trials),
                    static_cast<long long>(v.leveugle_trials), "layer \\ bit");
        for (int b : v.bits) std::printf(" %4d", b);
        std::printf("\n");
        for (size_t li = 0; li < v.layers.size(); ++li) {
            std::printf("%-14s", v.layer_names[li].c_str());
            for (size_t bi = 0; bi < v.bits.size(); ++bi) {
                const auto idx = li * v.bits.size() + bi;
                if (idx < v.cells.size())
                    std::printf(" %4.0f", 100.0 * double(v.cells[idx].critical) / double(std::max<int64_t>(1, v.cells[idx].trials)));
            }
            std::printf("\n");
        }
    }
    if (!snap.run_dir.empty()) std::printf("\nrun: %s\n", snap.run_dir.c_str());
}

int run_faults_cmd(FaultsOptions& o, const CommandContext& ctx) {
    if (o.model_file.empty())
        return usage_error("faults", "--model-file is required (save one with: mlsyslab train --model cnn --save cnn.mlsys)");
    const auto x = o.array.find('x');
    try {
        if (x == std::string::npos) throw std::invalid_argument("x");
        o.s.array_rows = std::stoi(o.array.substr(0, x));
        o.s.array_cols = std::stoi(o.array.substr(x + 1));
    } catch (const std::exception&) {
        return usage_error("faults", "--array \"" + o.array + "\": expected ROWSxCOLS, e.g. 8x8");
    }
    if (auto cfg = session::campaign_config(o.s); !cfg) return usage_error("faults", cfg.error());
    auto loaded = session::load_model_file(o.model_file);
    if (!loaded) return usage_error("faults", loaded.error());
    session::FaultsRequest req;
    req.settings = o.s;
    req.runs_dir = ctx.runs_dir;
    req.model_label = o.model_file;
    auto cfg = session::campaign_config(o.s);
    const int64_t total = int64_t(cfg->bers.size()) * o.s.trials;
    ProgressBar bar("faults", 100, !ctx.json);
    core::JobControl control;
    auto snap = session::run_faults(loaded->model, req, &control, [&](const session::FaultsSnapshot& s) {
        char suffix[96] = "";
        if (!s.campaign.points.empty())
            std::snprintf(suffix, sizeof suffix, "BER %.1e accuracy %.1f%%", s.campaign.points.back().ber,
                          100 * s.campaign.points.back().accuracy.mean);
        bar.update(static_cast<int64_t>(100 * s.progress), suffix);
    });
    (void)total;
    if (!snap) return run_failed("faults", snap.error());
    bar.finish();
    if (ctx.json) {
        nlohmann::json j = faults::to_json(snap->campaign);
        j["settings"] = session::to_json(o.s);
        j["model_file"] = o.model_file;
        nlohmann::json costs = nlohmann::json::array();
        for (const auto& c : snap->costs) costs.push_back(faults::to_json(c));
        j["protection_costs"] = costs;
        if (!snap->vulnerability.cells.empty()) j["vulnerability"] = faults::to_json(snap->vulnerability);
        j["run_dir"] = snap->run_dir;
        print_json(j);
        return kExitOk;
    }
    print_tables(*snap, o.s);
    return kExitOk;
}

void setup_faults(CLI::App& app, CommandContext& ctx) {
    auto o = std::make_shared<FaultsOptions>();
    CLI::App* sub = app.add_subcommand("faults", "Inject hardware faults into a saved model and measure the damage");
    auto& s = o->s;
    sub->add_option("--model-file", o->model_file, "A saved model file (.mlsys)");
    sub->add_option("--dataset", s.dataset, "Test data: fashion-mnist, circles, xor, blobs or spiral")->capture_default_str();
    sub->add_option("--target", s.target,
                    "weights[:LAYER], activations:LAYER, buffer:ifmap|filter|ofmap[:LAYER], pe:R,C")
        ->capture_default_str();
    sub->add_option("--fault", s.fault, "bitflip, stuck0, stuck1 or intermittent")->capture_default_str();
    sub->add_option("--precision", s.precision, "fp32, int8 (quantised model) or pytorchfi (PyTorchFI's int8 flip)")
        ->capture_default_str();
    sub->add_option("--ber", s.ber, "Bit-error rate, or LO:HI for a log-spaced sweep")->capture_default_str();
    sub->add_option("--per-decade", s.points_per_decade, "Sweep points per decade of BER")->capture_default_str();
    sub->add_option("--n-faults", s.n_faults, "Exactly this many faults per trial instead of a rate");
    sub->add_option("--bits", s.bits, "Bit positions that may be hit, e.g. 30, 23-30, 0-22 (default: all)");
    sub->add_option("--trials", s.trials, "Trials per BER point")->capture_default_str();
    sub->add_option("--eval", s.eval_limit, "Test images evaluated per trial (0 = all)")->capture_default_str();
    sub->add_option("--protect", s.protect, "none, parity, ecc, range, tmr or abft")->capture_default_str();
    sub->add_option("--protect-layers", s.protect_layers, "TMR/ABFT: layer indices to cover, e.g. 0,3 (default: all)");
    sub->add_option("--seed", s.seed, "Seed of every fault site")->capture_default_str();
    sub->add_option("--confidence", s.confidence, "Confidence level of the intervals")->capture_default_str();
    sub->add_option("--intermittent-p", s.intermittent_p, "Intermittent: chance a fault is active per inference")
        ->capture_default_str();
    sub->add_option("--burst", s.burst_length, "Intermittent: inferences a burst lasts")->capture_default_str();
    sub->add_option("--dataflow", s.dataflow, "PE faults: os, ws or is")->capture_default_str();
    sub->add_option("--array", o->array, "PE faults: array size ROWSxCOLS")->capture_default_str();
    sub->add_option("--pe-bit", s.pe_bit, "PE faults: the output bit the PE corrupts")->capture_default_str();
    sub->add_flag("--vulnerability", s.vulnerability, "Also map single-fault vulnerability per layer x bit");
    sub->add_option("--vulnerability-trials", s.vulnerability_trials, "Trials per layer x bit cell")->capture_default_str();
    add_common_flags(*sub, ctx);
    sub->callback([o, &ctx] { ctx.exit_code = run_faults_cmd(*o, ctx); });
}

}  // namespace

MLSYS_CLI_COMMAND("faults", setup_faults);

}  // namespace mlsys::cli
