// Deploy workspace state: settings as JSON, the evaluation of every variant x device x link, the derived
// views (radar scores, log ranks, Pareto front) and the evaluation and offload jobs.
#include "app/session/deploy_state.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace mlsys::session {

using core::fail;
using nlohmann::json;

// ---- settings ------------------------------------------------------------------------------------

const std::vector<std::string>& deploy_variant_names() {
    // pruned50: half the weights magnitude-pruned (models/optimize), still stored dense in fp32.
    static const std::vector<std::string> names{"fp32", "fp16", "int8", "pruned50"};
    return names;
}

json to_json(const DeploySettings& s) {
    return json{{"variant", s.variant},
                {"link", s.link},
                {"split_device", s.split_device},
                {"split_server", s.split_server},
                {"inferences_per_hour", s.inferences_per_hour},
                {"accuracy_samples", s.accuracy_samples},
                {"offload_requests", s.offload_requests},
                {"fallback_preset", s.fallback_preset}};
}

core::Status apply_json(DeploySettings& out, const json& j) {
    if (!j.is_object()) return fail("deploy settings: expected an object");
    DeploySettings s = out;
    auto str = [&](const char* key, std::string& field) -> core::Status {
        if (!j.contains(key)) return core::Status::success();
        if (!j[key].is_string() || j[key].get<std::string>().empty()) return fail(std::string(key) + ": must be a non-empty string");
        field = j[key].get<std::string>();
        return core::Status::success();
    };
    auto integer = [&](const char* key, int& field, int lo, int hi) -> core::Status {
        if (!j.contains(key)) return core::Status::success();
        if (!j[key].is_number_integer() || j[key].get<int64_t>() < lo || j[key].get<int64_t>() > hi)
            return fail(std::string(key) + ": must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                        ", got " + j[key].dump());
        field = j[key].get<int>();
        return core::Status::success();
    };
    for (core::Status st : {str("variant", s.variant), str("link", s.link), str("split_device", s.split_device),
                            str("split_server", s.split_server), str("fallback_preset", s.fallback_preset),
                            integer("accuracy_samples", s.accuracy_samples, 0, 1000000),
                            integer("offload_requests", s.offload_requests, 1, 1000)})
        if (!st) return st;
    if (j.contains("inferences_per_hour")) {
        const json& v = j["inferences_per_hour"];
        if (!v.is_number() || !(v.get<double>() > 0) || v.get<double>() > 3.6e9)
            return fail("inferences_per_hour: must be a positive number up to 3.6e9, got " + v.dump());
        s.inferences_per_hour = v.get<double>();
    }
    const auto& names = deploy_variant_names();
    if (std::find(names.begin(), names.end(), s.variant) == names.end())
        return fail("variant: must be fp32, fp16, int8 or pruned50, got \"" + s.variant + "\"");
    out = s;
    return core::Status::success();
}

// ---- evaluation ----------------------------------------------------------------------------------

const sim::DeviceEstimate* DeployEvaluation::estimate(const std::string& variant, const std::string& device) const {
    for (const auto& e : report.estimates)
        if (e.variant == variant && e.device_id == device) return &e;
    return nullptr;
}

const std::vector<sim::SplitPoint>* DeployEvaluation::split_points(const std::string& variant, const std::string& link) const {
    auto it = splits.find(variant + "/" + link);
    return it == splits.end() ? nullptr : &it->second;
}

core::Result<DeployEvaluation> evaluate_deployment(const models::Model& model, const std::string& model_label, bool trained,
                                                   const models::Dataset* test, const DeploySettings& settings,
                                                   const sim::ProfileLibrary& library, core::JobControl* control) {
    DeployEvaluation ev;
    ev.model_name = model.spec().name;
    ev.model_label = model_label;
    ev.trained = trained;
    ev.n_params = model.n_params();
    ev.settings = settings;
    if (test) {
        ev.dataset = test->name;
        ev.accuracy_samples = test->size();
    }
    auto copy = model.clone();  // make_deploy_report runs forward passes: never on the caller's model
    if (!copy) return fail(copy.error());
    DeployRequest req;
    req.variants = deploy_variant_names();
    req.link = settings.link;
    req.split_device = settings.split_device;
    req.split_server = settings.split_server;
    req.test_set = test;
    req.options.inferences_per_hour = settings.inferences_per_hour;
    if (control) control->set_status(test ? "Measuring each variant's accuracy on " + std::to_string(test->size()) + " test samples"
                                          : "Estimating");
    auto rep = make_deploy_report(*copy, req, library);
    if (!rep) return fail(rep.error());
    ev.report = std::move(*rep);
    if (control && !control->checkpoint()) return fail("cancelled");
    for (const auto& d : library.devices) {
        ev.device_ids.push_back(d.id);
        ev.device_names.push_back(d.name);
    }
    const auto* device = library.device(settings.split_device);
    const auto* server = library.device(settings.split_server);
    for (const auto& l : library.links) {
        if (!l.available()) continue;
        ev.link_ids.push_back(l.id);
        for (const auto& v : ev.report.variants) ev.splits[v.name + "/" + l.id] = sim::evaluate_splits(v, *device, *server, l);
    }
    if (control) control->set_progress(1.0);
    return ev;
}

// ---- derived views -------------------------------------------------------------------------------

const char* radar_axis_name(int axis) {
    switch (axis) {
    case kRadarLatency: return "latency";
    case kRadarEnergy: return "energy";
    case kRadarAccuracy: return "accuracy";
    case kRadarHeadroom: return "memory headroom";
    case kRadarCost: return "cost";
    case kRadarPrivacy: return "privacy";
    default: return "?";
    }
}

namespace {
// log-scale score: the lowest value 1, the highest 0.1.
double log_score(double v, double lo, double hi) {
    if (!(v > 0) || !(lo > 0) || hi <= lo) return 1.0;
    const double t = (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo));
    return 1.0 - 0.9 * std::clamp(t, 0.0, 1.0);
}
}  // namespace

std::vector<double> log_rank(const std::vector<double>& values, const std::vector<bool>& include) {
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (size_t i = 0; i < values.size(); ++i) {
        if (!include[i] || !(values[i] > 0)) continue;
        lo = std::min(lo, values[i]);
        hi = std::max(hi, values[i]);
    }
    std::vector<double> out(values.size(), std::numeric_limits<double>::quiet_NaN());
    for (size_t i = 0; i < values.size(); ++i) {
        if (!include[i] || !(values[i] > 0)) continue;
        out[i] = hi > lo ? (std::log(values[i]) - std::log(lo)) / (std::log(hi) - std::log(lo)) : 0.0;
    }
    return out;
}

std::vector<RadarScores> radar_scores(const std::vector<const sim::DeviceEstimate*>& estimates) {
    const size_t n = estimates.size();
    std::vector<double> latency(n), energy(n), cost(n);
    std::vector<bool> fits(n);
    for (size_t i = 0; i < n; ++i) {
        latency[i] = estimates[i]->latency_s;
        energy[i] = estimates[i]->energy_j;
        cost[i] = estimates[i]->cost_per_million_usd;
        fits[i] = estimates[i]->fits;
    }
    auto bounds = [&](const std::vector<double>& v) {
        double lo = std::numeric_limits<double>::infinity(), hi = 0;
        for (size_t i = 0; i < n; ++i)
            if (fits[i] && v[i] > 0) {
                lo = std::min(lo, v[i]);
                hi = std::max(hi, v[i]);
            }
        return std::pair<double, double>(lo, hi);
    };
    const auto [llo, lhi] = bounds(latency);
    const auto [elo, ehi] = bounds(energy);
    const auto [clo, chi] = bounds(cost);
    std::vector<RadarScores> out(n);
    for (size_t i = 0; i < n; ++i) {
        const sim::DeviceEstimate& e = *estimates[i];
        RadarScores& s = out[i];
        s.fill(0.0);
        s[kRadarPrivacy] = e.raw_input_leaves_device ? 0.0 : 1.0;
        if (!e.fits) continue;
        s[kRadarLatency] = log_score(latency[i], llo, lhi);
        s[kRadarEnergy] = log_score(energy[i], elo, ehi);
        s[kRadarCost] = log_score(cost[i], clo, chi);
        s[kRadarAccuracy] = std::isnan(e.accuracy) ? 0.0 : std::clamp(e.accuracy, 0.0, 1.0);
        double headroom = 1.0;
        if (e.ram_available_bytes > 0)
            headroom = std::min(headroom, 1.0 - static_cast<double>(e.ram_needed_bytes) / static_cast<double>(e.ram_available_bytes));
        if (e.storage_available_bytes > 0)
            headroom = std::min(headroom, 1.0 - static_cast<double>(e.storage_needed_bytes) / static_cast<double>(e.storage_available_bytes));
        s[kRadarHeadroom] = std::clamp(headroom, 0.0, 1.0);
    }
    return out;
}

std::vector<size_t> pareto_front(const std::vector<double>& latency, const std::vector<double>& accuracy) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < latency.size(); ++i)
        if (std::isfinite(latency[i]) && std::isfinite(accuracy[i])) idx.push_back(i);
    // Fastest first (ties: most accurate first); keep each point more accurate than every faster one kept.
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
        return latency[a] != latency[b] ? latency[a] < latency[b] : accuracy[a] > accuracy[b];
    });
    std::vector<size_t> front;
    double best = -std::numeric_limits<double>::infinity();
    for (size_t i : idx) {
        if (accuracy[i] > best) {
            front.push_back(i);
            best = accuracy[i];
        }
    }
    return front;
}

std::string model_dataset(const json& metadata) {
    if (!metadata.is_object()) return "";
    return metadata.value("dataset", std::string());
}

// ---- jobs ----------------------------------------------------------------------------------------

core::Result<std::unique_ptr<DeployEvaluationJob>> DeployEvaluationJob::start(const models::Model& model, std::string model_label,
                                                                              bool trained, std::string dataset,
                                                                              DeploySettings settings) {
    auto copy = model.clone();
    if (!copy) return fail(copy.error());
    auto shared = std::make_shared<models::Model>(std::move(*copy));
    std::unique_ptr<DeployEvaluationJob> job(new DeployEvaluationJob());
    job->result_ = std::make_shared<core::Latest<DeployEvaluation>>();
    auto result = job->result_;
    job->job_ = std::make_unique<core::Job>(
        "Deploy evaluation", [shared, result, label = std::move(model_label), trained, dataset = std::move(dataset),
                              settings](core::JobControl& control) -> core::Status {
            control.set_status("Loading the device and link profiles");
            auto lib = sim::load_profile_library();
            if (!lib) return fail(lib.error());
            std::optional<models::DatasetSplits> data;
            if (!dataset.empty()) {
                control.set_status("Loading the " + dataset + " test set");
                models::DatasetOptions dopt;
                dopt.val_fraction = 0;
                dopt.test_limit = settings.accuracy_samples;
                auto loaded = models::load_dataset(dataset, dopt);
                if (!loaded) return fail(loaded.error());
                data.emplace(std::move(*loaded));
            }
            if (!control.checkpoint()) return core::Status::success();
            auto ev = evaluate_deployment(*shared, label, trained, data ? &data->test : nullptr, settings, *lib, &control);
            if (!ev) return control.is_cancelled() ? core::Status::success() : fail(ev.error());
            for (const auto& w : lib->warnings) ev->report.notes.push_back("profile file skipped: " + w);
            result->publish(std::move(*ev));
            return core::Status::success();
        });
    return job;
}

core::Result<std::unique_ptr<OffloadMeasureJob>> OffloadMeasureJob::start(const models::Model& model, std::string dataset,
                                                                          int n_requests, std::vector<sim::LinkProfile> links) {
    if (dataset.empty()) return fail("the live offload sends real test inputs: the model names no dataset");
    if (n_requests < 1) return fail("the live offload needs at least one request per link");
    auto copy = model.clone();
    if (!copy) return fail(copy.error());
    auto shared = std::make_shared<models::Model>(std::move(*copy));
    std::unique_ptr<OffloadMeasureJob> job(new OffloadMeasureJob());
    job->result_ = std::make_shared<core::Latest<OffloadRun>>();
    auto result = job->result_;
    job->job_ = std::make_unique<core::Job>(
        "Live offload", [shared, result, dataset = std::move(dataset), n_requests,
                         links = std::move(links)](core::JobControl& control) -> core::Status {
            control.set_status("Loading " + dataset + " test inputs");
            models::DatasetOptions dopt;
            dopt.val_fraction = 0;
            dopt.test_limit = std::max(n_requests, 16);
            auto data = models::load_dataset(dataset, dopt);
            if (!data) return fail(data.error());
            OffloadRun run;
            run.dataset = dataset;
            run.n_requests = n_requests;
            run.model_name = shared->spec().name;
            // One link at a time, so the chart fills in as the measurement goes.
            for (size_t i = 0; i < links.size(); ++i) {
                if (!control.checkpoint()) break;
                control.set_status("Measuring " + links[i].name + " (" + std::to_string(n_requests) + " requests over loopback)");
                auto m = measure_offload(*shared, data->test, {&links[i]}, n_requests, &control);
                if (!m) return fail(m.error());
                for (auto& r : *m) run.links.push_back(r);
                control.set_progress(static_cast<double>(i + 1) / static_cast<double>(links.size()));
                result->publish(run);
            }
            return core::Status::success();
        });
    return job;
}

}  // namespace mlsys::session
