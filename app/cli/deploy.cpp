// `mlsyslab deploy`: the decision table (every variant on every device), the best split over a link, and
// optionally a real loopback offload measured beside the estimator's prediction. Writes a Run.
#include "app/cli/command.hpp"
#include "app/session/deploy_report.hpp"
#include "app/session/model_source.hpp"

#include "models/core/files.hpp"
#include "models/io/run_log.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <memory>
#include <sstream>

namespace mlsys::cli {
namespace {

struct DeployOptions {
    std::string model_file;
    std::string model;
    std::string variants = "fp32";
    std::string devices = "all";
    std::string link = "wifi";
    std::string split_device = "rpi4";
    std::string dataset;
    int measure = 0;
    std::string cascade_small;
    std::string cascade_thresholds = "0.5,0.7,0.8,0.9,0.95,0.99";
    int accuracy_limit = 0;
    double per_hour = 3600;
};

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

std::string si(double v, const char* unit) {
    char buf[48];
    const char* prefixes[] = {"n", "u", "m", "", "k", "M", "G"};
    int i = 3;
    double x = v;
    while (x != 0 && std::abs(x) < 1 && i > 0) {
        x *= 1000;
        --i;
    }
    while (std::abs(x) >= 1000 && i < 6) {
        x /= 1000;
        ++i;
    }
    std::snprintf(buf, sizeof buf, "%.3g %s%s", x, prefixes[i], unit);
    return buf;
}

int run_deploy(const DeployOptions& o, const CommandContext& ctx) {
    if (o.model_file.empty() == o.model.empty()) return usage_error("deploy", "give exactly one of --model-file or --model");
    std::optional<models::Model> model;
    std::string dataset = o.dataset;
    if (!o.model_file.empty()) {
        auto loaded = session::load_model_file(o.model_file);
        if (!loaded) return usage_error("deploy", loaded.error());
        if (dataset.empty()) dataset = loaded->metadata.value("dataset", std::string());
        model.emplace(std::move(loaded->model));
    } else {
        auto spec = session::resolve_model_spec(o.model);
        if (!spec) return usage_error("deploy", spec.error());
        auto m = models::Model::build(*spec, 1);
        if (!m) return usage_error("deploy", m.error());
        model.emplace(std::move(*m));
    }
    if (o.measure < 0 || o.measure > 10000) return usage_error("deploy", "--measure must be between 0 and 10000 requests");
    if (!(o.per_hour > 0)) return usage_error("deploy", "--per-hour must be positive");
    auto lib = sim::load_profile_library();
    if (!lib) return usage_error("deploy", lib.error());
    for (const auto& w : lib->warnings) std::fprintf(stderr, "mlsyslab deploy: warning: %s\n", w.c_str());
    session::DeployRequest req;
    req.variants = split_list(o.variants);
    req.devices = split_list(o.devices);
    req.link = o.link == "all" ? "wifi" : o.link;  // "all": every link is measured; the table uses Wi-Fi
    req.split_device = o.split_device;
    req.dataset = o.model_file.empty() ? "" : dataset;  // an untrained preset has no accuracy to measure
    req.accuracy_limit = o.accuracy_limit;
    req.options.inferences_per_hour = o.per_hour;
    auto rep = session::make_deploy_report(*model, req, *lib);
    if (!rep) return usage_error("deploy", rep.error());

    std::vector<session::OffloadMeasurement> measured;
    if (o.measure > 0) {
        if (dataset.empty()) return usage_error("deploy", "--measure needs real inputs: give --dataset");
        models::DatasetOptions dopt;
        dopt.val_fraction = 0;
        dopt.test_limit = std::max(o.measure, 16);
        auto data = models::load_dataset(dataset, dopt);
        if (!data) return usage_error("deploy", data.error());
        std::vector<const sim::LinkProfile*> links;
        if (o.link == "all")
            for (const auto& l : lib->links) links.push_back(&l);
        else
            links.push_back(lib->link(o.link));
        auto m = session::measure_offload(*model, data->test, links, o.measure);
        if (!m) return run_failed("deploy", m.error());
        measured = std::move(*m);
    }

    std::optional<session::CascadeReport> cascade;
    if (!o.cascade_small.empty()) {
        if (dataset.empty()) return usage_error("deploy", "--cascade-small needs real test data: give --dataset");
        auto small = session::load_model_file(o.cascade_small);
        if (!small) return usage_error("deploy", small.error());
        std::vector<double> thresholds;
        for (const auto& t : split_list(o.cascade_thresholds)) {
            char* end = nullptr;
            const double v = std::strtod(t.c_str(), &end);
            if (end == t.c_str() || *end != '\0' || !(v >= 0 && v <= 1))
                return usage_error("deploy", "--cascade-thresholds: \"" + t + "\" is not a number from 0 to 1");
            thresholds.push_back(v);
        }
        if (thresholds.empty()) return usage_error("deploy", "--cascade-thresholds: give at least one threshold");
        const sim::LinkProfile* link = lib->link(req.link);
        models::DatasetOptions dopt;
        dopt.val_fraction = 0;
        dopt.test_limit = o.accuracy_limit;
        auto data = models::load_dataset(dataset, dopt);
        if (!data) return usage_error("deploy", data.error());
        auto c = session::measure_cascade(small->model, *model, data->test, *lib->device(o.split_device),
                                          *lib->device(req.split_server), *link, thresholds);
        if (!c) return usage_error("deploy", c.error());
        cascade = std::move(*c);
    }

    nlohmann::json j = session::to_json(*rep);
    j["model"] = model->spec().name;
    if (cascade) j["cascade"] = session::to_json(*cascade);
    nlohmann::json mj = nlohmann::json::array();
    for (const auto& m : measured)
        mj.push_back({{"link", m.link_id}, {"n_requests", m.n_requests}, {"base_round_trip_s", m.base_round_trip_s},
                      {"predicted_s", m.predicted_s}, {"measured_median_s", m.measured_median_s},
                      {"measured_p90_s", m.measured_p90_s}, {"error_fraction", m.error_fraction()}});
    j["offload_measurements"] = mj;

    nlohmann::json config{{"model_file", o.model_file}, {"model", o.model}, {"variants", req.variants},
                          {"devices", req.devices}, {"link", o.link}, {"split_device", o.split_device},
                          {"dataset", dataset}, {"measure", o.measure}, {"inferences_per_hour", o.per_hour}};
    const std::string root = ctx.runs_dir.empty() ? core::default_runs_dir().string() : ctx.runs_dir;
    auto run = models::RunWriter::create(root, "deploy", model->spec().name + "-" + o.link, config);
    std::string run_dir;
    if (run) {
        (void)run->write_artifact("deploy.json", j.dump(2));
        int n_fit = 0;
        for (const auto& e : rep->estimates) n_fit += e.fits;
        (void)run->finish(models::RunStatus::Finished,
                          {{"fits", n_fit}, {"estimates", static_cast<int>(rep->estimates.size())},
                           {"best_split", rep->splits[rep->best_split].after_layer}});
        run_dir = run->dir().string();
    } else {
        std::fprintf(stderr, "mlsyslab deploy: warning: the Run was not written: %s\n", run.error().c_str());
    }
    j["run_dir"] = run_dir;
    if (ctx.json) {
        print_json(j);
        return kExitOk;
    }
    std::printf("%-14s %-6s %-4s %11s %11s %10s %10s %10s %11s %9s %s\n", "device", "var.", "fits", "RAM need", "RAM has",
                "latency", "energy", "battery", "$/M inf.", "accuracy", "note");
    for (const auto& e : rep->estimates) {
        char acc[16] = "not meas.";
        if (!std::isnan(e.accuracy)) std::snprintf(acc, sizeof acc, "%.2f%%", 100 * e.accuracy);
        char battery[24] = "mains";
        if (e.battery_life_h >= 48) std::snprintf(battery, sizeof battery, "%.1f days", e.battery_life_h / 24);
        else if (e.battery_life_h >= 0) std::snprintf(battery, sizeof battery, "%.1f h", e.battery_life_h);
        std::printf("%-14s %-6s %-4s %11s %11s %10s %10s %10s %11.4g %9s %s\n", e.device_id.c_str(), e.variant.c_str(),
                    e.fits ? "yes" : "NO", si(static_cast<double>(e.ram_needed_bytes), "B").c_str(),
                    si(static_cast<double>(e.ram_available_bytes), "B").c_str(), si(e.latency_s, "s").c_str(),
                    si(e.energy_j, "J").c_str(), battery, e.cost_per_million_usd, acc,
                    e.fits ? "" : e.fit_reason.c_str());
    }
    std::printf("\nsplit computing: %s -> %s over %s (layers before the split run on the device)\n", o.split_device.c_str(),
                req.split_server.c_str(), req.link.c_str());
    std::printf("%-18s %11s %11s %11s %11s %11s %12s\n", "split after", "device", "transfer", "server", "total", "bytes sent",
                "device energy");
    for (size_t i = 0; i < rep->splits.size(); ++i) {
        const auto& p = rep->splits[i];
        if (!p.possible) continue;
        std::printf("%-18s %11s %11s %11s %11s %11lld %12s%s\n", p.after_layer.c_str(), si(p.device_s, "s").c_str(),
                    si(p.transfer_s, "s").c_str(), si(p.server_s, "s").c_str(), si(p.total_s, "s").c_str(),
                    static_cast<long long>(p.bytes_sent), si(p.device_energy_j, "J").c_str(),
                    i == rep->best_split ? "  <- best" : (p.raw_input_sent ? "  (raw input leaves the device)" : ""));
    }
    if (!measured.empty()) {
        std::printf("\nloopback offload (median of %d requests; prediction = unshaped loopback + link model)\n", o.measure);
        std::printf("%-12s %12s %12s %12s %8s\n", "link", "predicted", "measured", "p90", "error");
        for (const auto& m : measured)
            std::printf("%-12s %12s %12s %12s %+7.1f%%\n", m.link_id.c_str(), si(m.predicted_s, "s").c_str(),
                        si(m.measured_median_s, "s").c_str(), si(m.measured_p90_s, "s").c_str(), 100 * m.error_fraction());
    }
    if (cascade) {
        std::printf("\ncascade: %s on %s answers when confident, else forwards to %s on %s over %s (%d test samples)\n",
                    cascade->small_model.c_str(), cascade->device.c_str(), cascade->large_model.c_str(), cascade->server.c_str(),
                    cascade->link.c_str(), cascade->n_samples);
        std::printf("  alone: small %.2f%% in %s, large %.2f%% in %s (offload)\n", 100 * cascade->small_accuracy,
                    si(cascade->small_latency_s, "s").c_str(), 100 * cascade->large_accuracy, si(cascade->offload_latency_s, "s").c_str());
        std::printf("  %-10s %12s %10s %14s\n", "threshold", "forwarded", "accuracy", "mean latency");
        for (const auto& p : cascade->points)
            std::printf("  %-10.3g %11.1f%% %9.2f%% %14s\n", p.threshold, 100 * p.forward_rate, 100 * p.accuracy,
                        si(p.mean_latency_s, "s").c_str());
    }
    for (const auto& n : rep->notes) std::printf("note: %s\n", n.c_str());
    std::printf("assumptions (%s): \n", rep->estimates.front().device_id.c_str());
    for (const auto& a : rep->estimates.front().assumptions) std::printf("  - %s\n", a.c_str());
    if (!run_dir.empty()) std::printf("run: %s\n", run_dir.c_str());
    return kExitOk;
}

void setup_deploy(CLI::App& app, CommandContext& ctx) {
    auto o = std::make_shared<DeployOptions>();
    CLI::App* sub = app.add_subcommand("deploy", "Estimate a model on cloud, edge, mobile and tiny devices; split computing; offload");
    sub->add_option("--model-file", o->model_file, "A saved model (.mlsys); its measured accuracy is included");
    sub->add_option("--model", o->model, "Or a preset/description (untrained: no accuracy)");
    sub->add_option("--variants", o->variants, "Comma-separated: fp32, fp16, int8 (integer-only), prunedNN (e.g. pruned50)")->capture_default_str();
    sub->add_option("--devices", o->devices, "all, or comma-separated device ids")->capture_default_str();
    sub->add_option("--link", o->link, "Link for the split analysis: none, datacenter, ethernet, wifi, lte, 5g, ble (or all with --measure)")
        ->capture_default_str();
    sub->add_option("--split-device", o->split_device, "The device side of the split analysis")->capture_default_str();
    sub->add_option("--dataset", o->dataset, "Dataset for accuracy and offload inputs (default: the model's)");
    sub->add_option("--accuracy-limit", o->accuracy_limit, "Evaluate at most this many test samples (0 = all)");
    sub->add_option("--measure", o->measure, "Send this many real inputs per link to an in-process server over loopback");
    sub->add_option("--cascade-small", o->cascade_small,
                    "A small saved model for the cascade: it answers on the split device when confident and forwards "
                    "the rest to this model on the cloud");
    sub->add_option("--cascade-thresholds", o->cascade_thresholds, "Confidence thresholds for the cascade (comma-separated)")
        ->capture_default_str();
    sub->add_option("--per-hour", o->per_hour, "Inferences per hour (battery life, amortised cost)")->capture_default_str();
    add_common_flags(*sub, ctx);
    sub->callback([o, &ctx] { ctx.exit_code = run_deploy(*o, ctx); });
}

}  // namespace

MLSYS_CLI_COMMAND("deploy", setup_deploy);

}  // namespace mlsys::cli
