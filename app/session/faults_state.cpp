// Faults workspace state and the campaign job (see faults_state.hpp).
#include "app/session/faults_state.hpp"
#include "app/session/session.hpp"

#include "faults/campaign/campaign_run.hpp"
#include "models/core/files.hpp"
#include "models/data/dataset.hpp"
#include "models/train/trainer.hpp"

#include <algorithm>
#include <map>

#include <sstream>

namespace mlsys::session {

nlohmann::json to_json(const FaultsSettings& s) {
    return {{"dataset", s.dataset},         {"fault", s.fault},
            {"target", s.target},           {"precision", s.precision},
            {"protect", s.protect},         {"ber", s.ber},
            {"points_per_decade", s.points_per_decade}, {"trials", s.trials},
            {"n_faults", s.n_faults},       {"bits", s.bits},
            {"eval_limit", s.eval_limit},   {"seed", s.seed},
            {"confidence", s.confidence},   {"intermittent_p", s.intermittent_p},
            {"burst_length", s.burst_length}, {"dataflow", s.dataflow},
            {"array_rows", s.array_rows},   {"array_cols", s.array_cols},
            {"pe_bit", s.pe_bit},           {"protect_layers", s.protect_layers},
            {"vulnerability", s.vulnerability}, {"vulnerability_trials", s.vulnerability_trials}};
}

core::Status apply_json(FaultsSettings& s, const nlohmann::json& j) {
    if (!j.is_object()) return core::fail("faults settings must be a JSON object");
    nlohmann::json cur = to_json(s);
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!cur.contains(it.key())) return core::fail("faults." + it.key() + ": unknown setting");
        if (cur[it.key()].is_string() != it.value().is_string() || cur[it.key()].is_boolean() != it.value().is_boolean())
            return core::fail("faults." + it.key() + ": expected a " + std::string(cur[it.key()].type_name()));
        cur[it.key()] = it.value();
    }
    try {
        FaultsSettings n;
        n.dataset = cur["dataset"];
        n.fault = cur["fault"];
        n.target = cur["target"];
        n.precision = cur["precision"];
        n.protect = cur["protect"];
        n.ber = cur["ber"];
        n.points_per_decade = cur["points_per_decade"];
        n.trials = cur["trials"];
        n.n_faults = cur["n_faults"];
        n.bits = cur["bits"];
        n.eval_limit = cur["eval_limit"];
        n.seed = cur["seed"];
        n.confidence = cur["confidence"];
        n.intermittent_p = cur["intermittent_p"];
        n.burst_length = cur["burst_length"];
        n.dataflow = cur["dataflow"];
        n.array_rows = cur["array_rows"];
        n.array_cols = cur["array_cols"];
        n.pe_bit = cur["pe_bit"];
        n.protect_layers = cur["protect_layers"];
        n.vulnerability = cur["vulnerability"];
        n.vulnerability_trials = cur["vulnerability_trials"];
        s = n;
    } catch (const nlohmann::json::exception& e) {
        return core::fail(std::string("faults settings: ") + e.what());
    }
    return core::Status::success();
}

core::Result<faults::CampaignConfig> campaign_config(const FaultsSettings& s) {
    faults::CampaignConfig c;
    auto kind = faults::parse_fault_kind(s.fault);
    if (!kind) return core::fail("--fault: " + kind.error());
    c.fault.kind = *kind;
    auto target = faults::parse_fault_target(s.target);
    if (!target) return core::fail("--target: " + target.error());
    c.fault.target = *target;
    if (s.precision == "fp32") c.fault.precision = faults::Precision::Fp32;
    else if (s.precision == "int8") c.fault.precision = faults::Precision::Int8;
    else if (s.precision == "pytorchfi") c.fault.precision = faults::Precision::PyTorchFI;
    else return core::fail("--precision \"" + s.precision + "\": expected fp32, int8 or pytorchfi");
    auto prot = faults::parse_protection(s.protect);
    if (!prot) return core::fail("--protect: " + prot.error());
    c.fault.protection = *prot;
    if (s.points_per_decade < 1) return core::fail("--per-decade must be >= 1");
    auto bers = faults::parse_ber_range(s.ber, s.points_per_decade);
    if (!bers) return core::fail(bers.error());
    c.bers = *bers;
    c.fault.ber = c.bers.front();
    if (!s.bits.empty()) {
        auto bits = faults::parse_bits(s.bits);
        if (!bits) return core::fail(bits.error());
        c.fault.bits = *bits;
    }
    if (s.trials < 1) return core::fail("--trials must be >= 1");
    if (s.eval_limit < 0) return core::fail("--eval must be >= 0");
    if (!(s.confidence > 0 && s.confidence < 1)) return core::fail("--confidence must be in (0, 1)");
    c.trials = s.trials;
    c.fault.n_faults = s.n_faults;
    c.eval_limit = s.eval_limit;
    c.seed = s.seed;
    c.confidence = s.confidence;
    c.fault.intermittent_p = s.intermittent_p;
    c.fault.burst_length = s.burst_length;
    auto df = sim::accel::parse_dataflow(s.dataflow);
    if (!df) return core::fail("--dataflow: " + df.error());
    c.fault.dataflow = *df;
    c.fault.array_rows = s.array_rows;
    c.fault.array_cols = s.array_cols;
    c.fault.pe_bit = s.pe_bit;
    if (!s.protect_layers.empty()) {
        std::stringstream ss(s.protect_layers);
        std::string part;
        while (std::getline(ss, part, ',')) {
            char* end = nullptr;
            const long v = std::strtol(part.c_str(), &end, 10);
            if (part.empty() || *end != '\0' || v < 0) return core::fail("--protect-layers \"" + s.protect_layers + "\": expected indices like 0,3");
            c.fault.protected_layers.push_back(int(v));
        }
    }
    if (auto st = faults::validate(c.fault); !st) return core::fail(st.error());
    return c;
}

core::Result<FaultsSnapshot> run_faults(const models::Model& model, const FaultsRequest& req,
                                        core::JobControl* control,
                                        const std::function<void(const FaultsSnapshot&)>& on_snapshot) {
    auto cfg = campaign_config(req.settings);
    if (!cfg) return core::fail(cfg.error());
    models::DatasetOptions dopt;
    dopt.seed = req.settings.seed;
    dopt.val_fraction = 0;
    dopt.train_limit = 1;
    auto data = models::load_dataset(req.settings.dataset, dopt);
    if (!data) return core::fail(data.error());
    const models::Dataset& test = data->test;
    if (test.sample_shape != model.spec().input_shape || test.n_classes != model.spec().n_classes)
        return core::fail("model \"" + model.spec().name + "\" takes " + models::shape_str(model.spec().input_shape) +
                          " inputs and " + std::to_string(model.spec().n_classes) + " classes; dataset \"" +
                          req.settings.dataset + "\" has " + models::shape_str(test.sample_shape) + " and " +
                          std::to_string(test.n_classes));
    auto clone = model.clone();
    if (!clone) return core::fail(clone.error());
    models::Model& m = *clone;
    FaultsSnapshot snap;
    snap.class_names = test.class_names;
    for (const auto& l : m.workload().layers) snap.layer_names.push_back(l.name);
    snap.costs = faults::protection_costs(m.workload(), cfg->fault);
    snap.phase = "sweep";
    std::optional<models::RunWriter> run;
    if (req.write_run) {
        const std::string root = req.runs_dir.empty() ? core::default_runs_dir().string() : req.runs_dir;
        auto created = faults::start_campaign_run(root, m.spec().name + " " + req.settings.target, *cfg,
                                                  {{"name", m.spec().name}, {"label", req.model_label},
                                                   {"settings", to_json(req.settings)}});
        if (!created) return core::fail(created.error());
        run.emplace(std::move(*created));
        snap.run_dir = run->dir().string();
    }
    const double sweep_share = req.settings.vulnerability ? 0.5 : 1.0;
    snap.sample_shape = test.sample_shape;
    snap.model_name = m.spec().name;
    auto keep_pixels = [&](const faults::CampaignResult& r) {
        const int64_t n = test.sample_size();
        snap.flipped_pixels.resize(r.flipped.size() * size_t(n));
        for (size_t i = 0; i < r.flipped.size(); ++i)
            std::copy(test.sample(r.flipped[i].index), test.sample(r.flipped[i].index) + n,
                      snap.flipped_pixels.begin() + int64_t(i) * n);
    };
    auto result = faults::run_campaign(m, test, *cfg, control, [&](const faults::CampaignResult& r, double f) {
        snap.campaign = r;
        keep_pixels(r);
        snap.progress = f * sweep_share;
        if (control) control->set_progress(snap.progress);
        if (on_snapshot) on_snapshot(snap);
    });
    if (!result) {
        if (run) (void)run->finish(models::RunStatus::Failed, {}, result.error());
        return core::fail(result.error());
    }
    snap.campaign = *result;
    keep_pixels(*result);
    if (req.settings.vulnerability && !result->cancelled &&
        (cfg->fault.target.kind == faults::TargetKind::Weights || cfg->fault.target.kind == faults::TargetKind::Activations)) {
        snap.phase = "vulnerability";
        faults::VulnerabilityConfig vc;
        vc.fault = cfg->fault;
        vc.fault.target.layer_name.clear();
        vc.bits = cfg->fault.bits;
        vc.fault.bits.clear();
        vc.trials_per_cell = req.settings.vulnerability_trials;
        vc.seed = req.settings.seed;
        vc.eval_limit = std::min(req.settings.eval_limit > 0 ? req.settings.eval_limit : 500, 500);
        vc.confidence = req.settings.confidence;
        if (cfg->fault.target.kind == faults::TargetKind::Activations) {
            vc.fault.target.kind = faults::TargetKind::Activations;
        }
        auto v = faults::run_vulnerability(m, test, vc, control, [&](const faults::VulnerabilityResult& r, double f) {
            snap.vulnerability = r;
            snap.progress = sweep_share + f * (1 - sweep_share);
            if (control) control->set_progress(snap.progress);
            if (on_snapshot) on_snapshot(snap);
        });
        if (v) snap.vulnerability = *v;
        if (run && v) (void)run->write_artifact("vulnerability.json", faults::to_json(*v).dump(2));
    }
    snap.phase = "done";
    snap.progress = 1;
    if (run) {
        if (auto st = faults::finish_campaign_run(*run, snap.campaign, snap.costs); !st) return core::fail(st.error());
    }
    if (on_snapshot) on_snapshot(snap);
    return snap;
}

core::Result<std::unique_ptr<FaultsJob>> FaultsJob::start(const models::Model& model, FaultsRequest request) {
    if (auto cfg = campaign_config(request.settings); !cfg) return core::fail(cfg.error());
    auto clone = model.clone();
    if (!clone) return core::fail(clone.error());
    std::unique_ptr<FaultsJob> job(new FaultsJob());
    job->model_ = std::make_unique<models::Model>(std::move(*clone));
    FaultsJob* self = job.get();
    job->job_ = std::make_unique<core::Job>("faults", [self, request](core::JobControl& control) -> core::Status {
        auto r = run_faults(*self->model_, request, &control,
                            [self](const FaultsSnapshot& s) { self->latest_.publish(s); });
        if (!r) return core::fail(r.error());
        self->latest_.publish(*r);
        return core::Status::success();
    });
    return job;
}

FaultsWorkspaceState& faults_workspace(const Session& s) { return s.faults_state(); }

nlohmann::json faults_summary(const FaultsSnapshot& snap) {
    nlohmann::json j = faults::to_json(snap.campaign);
    j.erase("flipped");
    if (!snap.campaign.points.empty()) {
        const auto p = faults::to_json(snap.campaign.points.back());
        j["accuracy"] = p["accuracy"];
        j["accuracy_lo"] = p["accuracy_lo"];
        j["accuracy_hi"] = p["accuracy_hi"];
        j["sdc_rate"] = p["sdc_rate"];
        j["detected_rate"] = p["detected_rate"];
        j["accuracy_drop"] = p["accuracy_drop"];
        j["mean_faults"] = p["mean_faults"];
    }
    nlohmann::json costs = nlohmann::json::object();
    for (const auto& c : snap.costs)
        costs[faults::to_string(c.protection)] = {{"memory_pct", 100 * c.memory_overhead},
                                                  {"compute_pct", 100 * c.compute_overhead},
                                                  {"latency_pct", 100 * c.latency_overhead}};
    j["costs"] = costs;
    const auto& v = snap.vulnerability;
    if (!v.cells.empty()) {
        auto pct = [](int64_t k, int64_t n) { return n ? 100.0 * double(k) / double(n) : 0.0; };
        int64_t fk[3] = {0, 0, 0}, fn[3] = {0, 0, 0};
        nlohmann::json per_bit = nlohmann::json::object(), per_layer = nlohmann::json::array();
        std::map<int, std::pair<int64_t, int64_t>> bits;
        for (const auto& c : v.cells) {
            const int f = c.bit == 31 ? 0 : c.bit >= 23 ? 1 : 2;
            fk[f] += c.critical;
            fn[f] += c.trials;
            bits[c.bit].first += c.critical;
            bits[c.bit].second += c.trials;
        }
        int best_bit = -1;
        double best_bit_pct = -1;
        for (const auto& [b, kn] : bits) {
            per_bit[std::to_string(b)] = pct(kn.first, kn.second);
            if (pct(kn.first, kn.second) > best_bit_pct) {
                best_bit_pct = pct(kn.first, kn.second);
                best_bit = b;
            }
        }
        int best_layer = -1;
        double best_layer_pct = -1;
        for (size_t li = 0; li < v.layers.size(); ++li) {
            int64_t k = 0, n = 0;
            for (const auto& c : v.cells)
                if (c.layer == v.layers[li]) {
                    k += c.critical;
                    n += c.trials;
                }
            per_layer.push_back({{"layer", v.layers[li]}, {"name", v.layer_names[li]}, {"critical_pct", pct(k, n)}});
            if (pct(k, n) > best_layer_pct) {
                best_layer_pct = pct(k, n);
                best_layer = int(li);
            }
        }
        j["sign_critical_pct"] = pct(fk[0], fn[0]);
        j["exponent_critical_pct"] = pct(fk[1], fn[1]);
        j["mantissa_critical_pct"] = pct(fk[2], fn[2]);
        j["critical_pct_by_bit"] = per_bit;
        j["layers"] = per_layer;
        j["most_vulnerable_bit"] = best_bit;
        j["most_vulnerable_layer"] = best_layer;
        j["most_vulnerable_layer_name"] = best_layer >= 0 ? v.layer_names[size_t(best_layer)] : "";
        j["leveugle_trials"] = v.leveugle_trials;
    }
    j["run_dir"] = snap.run_dir;
    return j;
}

core::Result<std::unique_ptr<FaultsJob>> FaultsJob::start_trained(const std::string& preset, int train_limit,
                                                                  FaultsRequest request) {
    if (auto cfg = campaign_config(request.settings); !cfg) return core::fail(cfg.error());
    auto spec = models::preset_spec(preset);
    if (!spec) return core::fail(spec.error());
    std::unique_ptr<FaultsJob> job(new FaultsJob());
    FaultsJob* self = job.get();
    job->job_ = std::make_unique<core::Job>("faults", [self, spec = *spec, train_limit,
                                                       request](core::JobControl& control) -> core::Status {
        control.set_status("training " + spec.name);
        models::DatasetOptions o;
        o.train_limit = train_limit;
        o.test_limit = 1;
        o.val_fraction = 0;
        o.seed = request.settings.seed;
        auto data = models::load_dataset(request.settings.dataset, o);
        if (!data) return core::fail(data.error());
        models::ModelSpec s = spec;
        if (auto st = models::adapt_to_dataset(s, data->train.sample_shape, data->train.n_classes); !st) return st;
        auto m = models::Model::build(s, request.settings.seed);
        if (!m) return core::fail(m.error());
        models::TrainConfig tc;
        tc.epochs = s.input_shape.size() == 1 ? 20 : 1;  // the 2-D sets are tiny; give them a few passes
        if (s.input_shape.size() == 1) tc.optimizer.learning_rate = 0.01;
        auto trainer = models::Trainer::create(*m, data->train, tc);
        if (!trainer) return core::fail(trainer.error());
        while (!(*trainer)->done()) {
            if (!control.checkpoint()) return core::Status::success();
            (*trainer)->step();
        }
        control.set_status("campaign");
        auto r = run_faults(*m, request, &control, [self](const FaultsSnapshot& snap) { self->latest_.publish(snap); });
        if (!r) return core::fail(r.error());
        self->latest_.publish(*r);
        return core::Status::success();
    });
    return job;
}

}  // namespace mlsys::session
