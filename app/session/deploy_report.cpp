// Deploy report: variants x devices, splits, and the loopback offload measurement.
#include "app/session/deploy_report.hpp"

#include "hardware/net/offload_client.hpp"
#include "hardware/net/offload_server.hpp"
#include "models/train/evaluate.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::session {

using core::fail;
using nlohmann::json;

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
    double fp32_accuracy = std::nan("");
    if (!req.dataset.empty()) {
        models::DatasetOptions dopt;
        dopt.val_fraction = 0;
        dopt.test_limit = req.accuracy_limit;
        auto data = models::load_dataset(req.dataset, dopt);
        if (!data) return fail(data.error());
        if (data->test.sample_shape != model.spec().input_shape)
            return fail("dataset \"" + req.dataset + "\" does not match the model's input " + models::shape_str(model.spec().input_shape));
        fp32_accuracy = models::evaluate(model, data->test).accuracy;
    }
    for (const auto& name : req.variants) {
        auto prec = sim::parse_precision(name);
        if (!prec) return fail("unknown variant \"" + name + "\" (precision variants: fp32, fp16, int8)");
        sim::ModelVariant v;
        v.name = name;
        v.workload = model.workload();
        v.precision = *prec;
        if (*prec == sim::Precision::Fp32) {
            v.accuracy = fp32_accuracy;
        } else {
            rep.notes.push_back(name + ": accuracy not measured here (quantize the model with `mlsyslab optimize` and "
                                       "estimate the resulting model file to see its measured accuracy)");
        }
        v.input_bytes = static_cast<int64_t>(models::shape_size(model.spec().input_shape)) * 4;  // sent as float32
        rep.variants.push_back(v);
        for (const auto* d : devices) rep.estimates.push_back(sim::estimate_on_device(v, *d, req.options));
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
