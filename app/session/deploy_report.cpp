// Deploy report: variants x devices, splits, and the loopback offload measurement.
#include "app/session/deploy_report.hpp"

#include "models/optimize/int8_model.hpp"
#include "models/optimize/pruning.hpp"

#include "hardware/net/offload_client.hpp"
#include "hardware/net/offload_server.hpp"
#include "models/train/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace mlsys::session {

using core::fail;
using nlohmann::json;

float round_to_fp16(float x) {
    if (!std::isfinite(x)) return x;
    const float ax = std::fabs(x);
    if (ax >= 65520.0f) return std::copysign(INFINITY, x);  // beyond the largest half (65504) after rounding
    // Spacing of fp16 values around x: 2^(e - 10) for normals (e = floor(log2 |x|), e >= -14), 2^-24 below.
    int e = 0;
    (void)std::frexp(ax, &e);  // ax = m * 2^e, m in [0.5, 1)
    const int exp2 = std::max(e - 1, -14);
    const float ulp = std::ldexp(1.0f, exp2 - 10);
    return std::copysign(std::nearbyint(ax / ulp) * ulp, x);  // nearbyint: ties to even in the default mode
}

core::Result<models::Model> with_weights_at(const models::Model& model, sim::Precision precision) {
    auto copy = model.clone();
    if (!copy) return fail(copy.error());
    if (precision == sim::Precision::Fp32) return copy;
    for (const models::Param& p : copy->params()) {
        // Model::params() names are "<layer>.weight".
        const bool is_weight = p.name.size() >= 7 && p.name.compare(p.name.size() - 7, 7, ".weight") == 0;
        if (!is_weight || !p.value) continue;
        auto& data = p.value->data;
        if (precision == sim::Precision::Fp16) {
            for (float& v : data) v = round_to_fp16(v);
        } else {
            float max_abs = 0;
            for (float v : data) max_abs = std::max(max_abs, std::fabs(v));
            if (max_abs == 0) continue;
            const float scale = max_abs / 127.0f;
            for (float& v : data) v = std::clamp(std::nearbyint(v / scale), -127.0f, 127.0f) * scale;
        }
    }
    return copy;
}

core::Result<DeployReport> make_deploy_report(models::Model& model, const DeployRequest& req,
                                              const sim::ProfileLibrary& lib) {
    DeployReport rep;
    const auto* link = lib.link(req.link);
    if (!link) return fail("unknown link \"" + req.link + "\"");
    rep.link_id = link->id;
    std::vector<const sim::DeviceProfile*> devices;
    if (req.devices.empty() || (req.devices.size() == 1 && req.devices[0] == "all")) {
        for (const auto& d : lib.devices) devices.push_back(&d);
    } else {
        for (const auto& id : req.devices) {
            const auto* d = lib.device(id);
            if (!d) return fail("unknown device \"" + id + "\"");
            devices.push_back(d);
        }
    }
    std::optional<models::DatasetSplits> loaded;
    const models::Dataset* test = req.test_set;
    if (!test && !req.dataset.empty()) {
        models::DatasetOptions dopt;
        dopt.val_fraction = 0;
        dopt.test_limit = req.accuracy_limit;
        auto data = models::load_dataset(req.dataset, dopt);
        if (!data) return fail(data.error());
        loaded.emplace(std::move(*data));
        test = &loaded->test;
    }
    if (test && test->sample_shape != model.spec().input_shape)
        return fail("dataset \"" + test->name + "\" does not match the model's input " + models::shape_str(model.spec().input_shape));
    if (!test) rep.notes.push_back("accuracy not measured: no test set (an untrained preset has no accuracy to measure)");
    for (const auto& name : req.variants) {
        // "prunedNN": NN% of the weights magnitude-pruned (one-shot, global), stored as dense fp32.
        double prune = 0;
        std::string base = name;
        if (name.rfind("pruned", 0) == 0 && name.size() > 6 && name.size() <= 8 &&
            name.find_first_not_of("0123456789", 6) == std::string::npos) {
            prune = std::stoi(name.substr(6)) / 100.0;
            base = "fp32";
            if (prune <= 0 || prune >= 1) return fail("variant \"" + name + "\": the pruned share must be 1..99%");
        }
        auto prec = sim::parse_precision(base);
        if (!prec) return fail("unknown variant \"" + name + "\" (variants: fp32, fp16, int8, prunedNN e.g. pruned50)");
        sim::ModelVariant v;
        v.name = name;
        v.workload = model.workload();
        v.precision = *prec;
        if (test && prune > 0) {
            auto pruned = model.clone();
            if (!pruned) return fail(pruned.error());
            (void)models::optimize::magnitude_prune(*pruned, prune, true);
            v.accuracy = models::evaluate(*pruned, *test).accuracy;
            rep.notes.push_back(name + ": accuracy measured on " + std::to_string(test->size()) + " test samples after one-shot "
                                "global magnitude pruning without fine-tuning (mlsyslab optimize --prune fine-tunes); stored dense");
        } else if (test && *prec == sim::Precision::Int8) {
            // The real integer-only path of models/optimize: per-channel int8 weights, int8 activations
            // calibrated (min-max) on the first 500 test samples, int32 accumulators, fixed-point rescale.
            models::optimize::QuantConfig qc;
            qc.per_channel = true;
            auto q = models::optimize::quantize_model(model, *test, qc);
            if (!q) return fail(name + ": " + q.error());
            v.accuracy = models::optimize::evaluate_int8(*q, *test).accuracy;
            rep.notes.push_back(name + ": accuracy measured on " + std::to_string(test->size()) + " test samples by the "
                                "integer-only int8 model (per-channel weights; activations calibrated on " +
                                std::to_string(std::min(qc.n_calib, test->size())) + " test samples)");
        } else if (test) {
            auto rounded = with_weights_at(model, *prec);
            if (!rounded) return fail(rounded.error());
            v.accuracy = models::evaluate(*rounded, *test).accuracy;
            if (*prec != sim::Precision::Fp32)
                rep.notes.push_back(name + ": accuracy measured on " + std::to_string(test->size()) + " test samples with "
                                    "the weights stored at " + name + " (activations in float)");
        }
        v.input_bytes = static_cast<int64_t>(models::shape_size(model.spec().input_shape)) * 4;  // sent as float32
        rep.variants.push_back(v);
        for (const auto* d : devices) rep.estimates.push_back(sim::estimate_on_device(v, *d, req.options, link));
    }
    const auto* sd = lib.device(req.split_device);
    const auto* ss = lib.device(req.split_server);
    if (!sd) return fail("unknown device \"" + req.split_device + "\" for the split analysis");
    if (!ss) return fail("unknown server \"" + req.split_server + "\" for the split analysis");
    rep.splits = sim::evaluate_splits(rep.variants.front(), *sd, *ss, *link);
    rep.best_split = sim::best_split(rep.splits);
    return rep;
}

json to_json(const DeployReport& r) {
    json est = json::array();
    for (const auto& e : r.estimates) {
        json assumptions = e.assumptions;
        est.push_back({{"device", e.device_id},
                       {"variant", e.variant},
                       {"fits", e.fits},
                       {"fit_reason", e.fit_reason},
                       {"shortfall_bytes", e.shortfall_bytes},
                       {"weight_bytes", e.weight_bytes},
                       {"activation_bytes", e.activation_bytes},
                       {"ram_needed_bytes", e.ram_needed_bytes},
                       {"ram_available_bytes", e.ram_available_bytes},
                       {"storage_needed_bytes", e.storage_needed_bytes},
                       {"latency_s", e.latency_s},
                       {"transfer_s", e.transfer_s},
                       {"energy_j", e.energy_j},
                       {"throughput_per_s", e.throughput_per_s},
                       {"battery_life_h", e.battery_life_h},
                       {"cost_per_million_usd", e.cost_per_million_usd},
                       {"raw_input_leaves_device", e.raw_input_leaves_device},
                       {"accuracy", std::isnan(e.accuracy) ? json(nullptr) : json(e.accuracy)},
                       {"assumptions", assumptions}});
    }
    json splits = json::array();
    for (const auto& p : r.splits)
        splits.push_back({{"split", p.split},
                          {"after_layer", p.after_layer},
                          {"device_s", p.device_s},
                          {"transfer_s", p.transfer_s},
                          {"server_s", p.server_s},
                          {"total_s", p.total_s},
                          {"device_energy_j", p.device_energy_j},
                          {"bytes_sent", p.bytes_sent},
                          {"raw_input_sent", p.raw_input_sent},
                          {"possible", p.possible}});
    return json{{"estimates", est}, {"link", r.link_id}, {"splits", splits}, {"best_split", r.best_split}, {"notes", r.notes}};
}

core::Result<CascadeReport> measure_cascade(models::Model& small, models::Model& large, const models::Dataset& test,
                                            const sim::DeviceProfile& device, const sim::DeviceProfile& server,
                                            const sim::LinkProfile& link, const std::vector<double>& thresholds) {
    if (small.spec().input_shape != large.spec().input_shape || small.spec().n_classes != large.spec().n_classes)
        return fail("the cascade's models must take the same input and classes: " + small.spec().name + " takes " +
                    models::shape_str(small.spec().input_shape) + ", " + large.spec().name + " takes " +
                    models::shape_str(large.spec().input_shape));
    if (test.sample_shape != small.spec().input_shape)
        return fail("dataset \"" + test.name + "\" does not match the models' input " + models::shape_str(small.spec().input_shape));
    if (!link.available()) return fail("the cascade forwards inputs over a network: link \"" + link.id + "\" has none");
    CascadeReport r;
    r.small_model = small.spec().name;
    r.large_model = large.spec().name;
    r.device = device.id;
    r.server = server.id;
    r.link = link.id;
    r.n_samples = test.size();
    const models::EvalResult se = models::evaluate(small, test);
    const models::EvalResult le = models::evaluate(large, test);
    r.small_accuracy = se.accuracy;
    r.large_accuracy = le.accuracy;
    sim::ModelVariant sv, lv;
    sv.name = r.small_model;
    sv.workload = small.workload();
    lv.name = r.large_model;
    lv.workload = large.workload();
    r.small_latency_s = sim::estimate_on_device(sv, device).latency_s;
    r.offload_latency_s = sim::estimate_on_device(lv, server, {}, &link).latency_s;
    if (server.category != sim::DeviceCategory::Cloud)  // an edge server is reached over the link too
        r.offload_latency_s += link.transfer_s(static_cast<double>(sim::input_bytes(lv)), static_cast<double>(sim::output_bytes(lv)));
    for (double t : thresholds)
        r.points.push_back(sim::evaluate_cascade(test.y, se.predictions, se.confidence, le.predictions, t, r.small_latency_s,
                                                 r.offload_latency_s));
    return r;
}

json to_json(const CascadeReport& r) {
    json pts = json::array();
    for (const auto& p : r.points)
        pts.push_back({{"threshold", p.threshold}, {"forward_rate", p.forward_rate}, {"accuracy", p.accuracy},
                       {"mean_latency_s", p.mean_latency_s}});
    return json{{"small_model", r.small_model}, {"large_model", r.large_model}, {"device", r.device},
                {"server", r.server}, {"link", r.link}, {"n_samples", r.n_samples},
                {"small_accuracy", r.small_accuracy}, {"large_accuracy", r.large_accuracy},
                {"small_latency_s", r.small_latency_s}, {"offload_latency_s", r.offload_latency_s}, {"points", pts}};
}

core::Result<std::vector<OffloadMeasurement>> measure_offload(const models::Model& model, const models::Dataset& inputs,
                                                              const std::vector<const sim::LinkProfile*>& links,
                                                              int n_requests, core::JobControl* control) {
    if (inputs.size() == 0) return fail("no inputs to send");
    auto served = model.clone();
    if (!served) return fail(served.error());
    auto server_model = std::make_shared<models::Model>(std::move(*served));
    const models::Shape in_shape = model.spec().input_shape;
    hardware::ServerConfig cfg;
    cfg.port = 0;  // any free port on loopback
    auto server = hardware::OffloadServer::start(
        cfg, json{{"model", model.spec().name}}.dump(), static_cast<size_t>(models::shape_size(in_shape)),
        [server_model, in_shape](const std::vector<float>& x) {
            models::Tensor t(models::batched(1, in_shape));
            std::copy(x.begin(), x.end(), t.data.begin());
            const models::Tensor& y = server_model->forward(t, false);
            return std::vector<float>(y.data.begin(), y.data.end());
        });
    if (!server) return fail(server.error());
    auto client = hardware::OffloadClient::connect("127.0.0.1", (*server)->port());
    if (!client) return fail(client.error());
    auto sample = [&](int i) {
        const float* p = inputs.sample(i % inputs.size());
        return std::vector<float>(p, p + inputs.sample_size());
    };
    auto median_of = [](std::vector<double> v, double q) {
        std::sort(v.begin(), v.end());
        return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
    };
    // The unshaped loopback round trip (with the server's compute) is measured once and added to every
    // prediction: the link model describes the link, not this machine's TCP stack.
    std::vector<double> base;
    for (int i = 0; i < std::max(5, n_requests); ++i) {
        auto r = (*client)->infer(sample(i));
        if (!r) return fail(r.error());
        base.push_back(r->round_trip_s);
    }
    const double base_s = median_of(base, 0.5);
    const double request_bytes = static_cast<double>(hardware::kFrameHeaderBytes + inputs.sample_size() * 4);
    const double response_bytes = static_cast<double>(hardware::kFrameHeaderBytes + 8 + model.spec().n_classes * 4);
    std::vector<OffloadMeasurement> out;
    for (const auto* link : links) {
        if (!link->available()) continue;
        if (control && !control->checkpoint()) break;
        OffloadMeasurement m;
        m.link_id = link->id;
        m.n_requests = n_requests;
        m.base_round_trip_s = base_s;
        m.predicted_s = base_s + link->transfer_s(request_bytes, response_bytes);
        const hardware::LinkShape shape{link->rtt_s, link->uplink_bytes_per_s, link->downlink_bytes_per_s, link->loss_rate};
        std::vector<double> times;
        for (int i = 0; i < n_requests; ++i) {
            auto r = (*client)->infer(sample(i), shape);
            if (!r) return fail(r.error());
            times.push_back(r->round_trip_s);
        }
        m.measured_median_s = median_of(times, 0.5);
        m.measured_p90_s = median_of(times, 0.9);
        out.push_back(m);
    }
    return out;
}

}  // namespace mlsys::session
