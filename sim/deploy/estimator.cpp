// Estimator arithmetic: memory fit, per-layer roofline latency, energy, battery, cost, splits, cascade.
#include "sim/deploy/estimator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::sim {

namespace {
std::string human_bytes(double b) {
    char buf[32];
    if (b >= 1e9) std::snprintf(buf, sizeof buf, "%.2f GB", b / 1e9);
    else if (b >= 1e6) std::snprintf(buf, sizeof buf, "%.2f MB", b / 1e6);
    else if (b >= 1e3) std::snprintf(buf, sizeof buf, "%.1f KB", b / 1e3);
    else std::snprintf(buf, sizeof buf, "%.0f B", b);
    return buf;
}
constexpr double kHoursPerYear = 8766.0;
}  // namespace

int64_t weight_bytes(const models::Workload& w, Precision p) {
    int64_t total = 0;
    // int8 inference keeps biases as int32 (TFLite's scheme); other precisions store them like the weights.
    const int bias_bytes = p == Precision::Int8 ? 4 : bytes_per_element(p);
    for (const auto& l : w.layers) total += l.n_weights * bytes_per_element(p) + l.n_biases * bias_bytes;
    return total;
}

int64_t peak_activation_bytes(const models::Workload& w, Precision p) {
    int64_t peak = 0;
    for (const auto& l : w.layers) {
        if (l.op == models::OpKind::Reshape) continue;  // a view: no second buffer
        peak = std::max(peak, l.input_elems() + l.output_elems());
    }
    return peak * bytes_per_element(p);
}

int64_t input_bytes(const ModelVariant& v) {
    if (v.input_bytes > 0) return v.input_bytes;
    return v.workload.layers.empty() ? 0 : v.workload.layers.front().input_elems() * bytes_per_element(v.precision);
}

int64_t output_bytes(const ModelVariant& v) {
    if (v.output_bytes > 0) return v.output_bytes;
    return v.workload.layers.empty() ? 0 : v.workload.layers.back().output_elems() * 4;
}

double compute_time_s(const models::Workload& w, Precision p, const DeviceProfile& d, size_t first, size_t last,
                      std::vector<LayerTime>* detail) {
    const double rate = d.peak_macs_per_s(p) * d.compute_efficiency;
    const int bpe = bytes_per_element(p);
    double total = 0;
    for (size_t i = first; i < last && i < w.layers.size(); ++i) {
        const auto& l = w.layers[i];
        LayerTime t;
        t.name = l.name;
        if (l.op != models::OpKind::Reshape) {
            // Vector work (activations, pooling) is charged at the MAC rate: one operation each.
            t.compute_s = static_cast<double>(l.macs + l.vector_ops) / rate;
            const double bytes = static_cast<double>((l.input_elems() + l.output_elems()) * bpe + l.n_weights * bpe);
            t.memory_s = bytes / d.mem_bandwidth_bytes_per_s;
            t.memory_bound = t.memory_s > t.compute_s;
        }
        total += t.time_s();
        if (detail) detail->push_back(t);
    }
    return total;
}

DeviceEstimate estimate_on_device(const ModelVariant& v, const DeviceProfile& d, const EstimateOptions& o,
                                  const LinkProfile* link) {
    DeviceEstimate e;
    e.device_id = d.id;
    e.variant = v.name;
    e.accuracy = v.accuracy;
    e.weight_bytes = weight_bytes(v.workload, v.precision);
    e.activation_bytes = peak_activation_bytes(v.workload, v.precision);
    e.ram_needed_bytes = e.activation_bytes + d.runtime_overhead_bytes + (d.weights_in_storage ? 0 : e.weight_bytes);
    e.storage_needed_bytes = e.weight_bytes;
    e.ram_available_bytes = d.ram_bytes;
    e.storage_available_bytes = d.storage_bytes;
    const int64_t ram_short = e.ram_needed_bytes - d.ram_bytes;
    const int64_t storage_short = e.storage_needed_bytes - d.storage_bytes;
    e.shortfall_bytes = std::max<int64_t>({ram_short, storage_short, 0});
    e.fits = e.shortfall_bytes == 0;
    if (e.fits) {
        e.fit_reason = "fits";
    } else if (ram_short >= storage_short) {
        e.fit_reason = "needs " + human_bytes(static_cast<double>(e.ram_needed_bytes)) + " of RAM, has " +
                       human_bytes(static_cast<double>(d.ram_bytes)) + ": " + human_bytes(static_cast<double>(ram_short)) + " short";
    } else {
        e.fit_reason = "needs " + human_bytes(static_cast<double>(e.storage_needed_bytes)) + " of " +
                       (d.weights_in_storage ? "flash" : "storage") + ", has " + human_bytes(static_cast<double>(d.storage_bytes)) +
                       ": " + human_bytes(static_cast<double>(storage_short)) + " short";
    }
    e.latency_s = compute_time_s(v.workload, v.precision, d, 0, v.workload.layers.size(), &e.layers);
    e.energy_j = e.latency_s * d.active_power_w;
    e.throughput_per_s = e.latency_s > 0 ? 1.0 / e.latency_s : 0;
    if (d.battery_wh > 0) {
        const double busy_fraction = std::min(1.0, o.inferences_per_hour * e.latency_s / 3600.0);
        const double avg_w = d.idle_power_w * (1.0 - busy_fraction) + d.active_power_w * busy_fraction;
        e.battery_life_h = avg_w > 0 ? d.battery_wh / avg_w : -1;
    }
    if (d.cost_per_hour_usd > 0) {
        e.cost_per_million_usd = 1e6 * e.latency_s / 3600.0 * d.cost_per_hour_usd;
    } else {
        const double energy_usd = 1e6 * e.energy_j / 3.6e6 * o.electricity_usd_per_kwh;
        const double lifetime_inferences = o.lifetime_years * kHoursPerYear * o.inferences_per_hour;
        e.cost_per_million_usd = energy_usd + (lifetime_inferences > 0 ? d.unit_cost_usd / lifetime_inferences * 1e6 : 0);
    }
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "latency: sum over layers of max(MACs / (%.3g MAC/s peak %s x %.0f%% efficiency), bytes / %.3g B/s)",
                  d.peak_macs_per_s(v.precision), to_string(v.precision), 100 * d.compute_efficiency,
                  d.mem_bandwidth_bytes_per_s);
    e.assumptions.push_back(buf);
    e.assumptions.push_back(std::string("memory: weights ") + (d.weights_in_storage ? "run from flash" : "loaded into RAM") +
                            "; activations freed after each layer (peak of input + output); runtime overhead " +
                            human_bytes(static_cast<double>(d.runtime_overhead_bytes)));
    std::snprintf(buf, sizeof buf, "energy: latency x %.3g W active power", d.active_power_w);
    e.assumptions.push_back(buf);
    if (d.battery_wh > 0) {
        std::snprintf(buf, sizeof buf, "battery: %.3g Wh at %.0f inferences/hour, %.3g W idle between them", d.battery_wh,
                      o.inferences_per_hour, d.idle_power_w);
        e.assumptions.push_back(buf);
    }
    if (d.cost_per_hour_usd > 0) {
        std::snprintf(buf, sizeof buf, "cost: rented at $%.2f/hour, billed for busy time only", d.cost_per_hour_usd);
    } else {
        std::snprintf(buf, sizeof buf, "cost: energy at $%.2f/kWh plus the $%.0f device amortised over %.0f years at %.0f inferences/hour",
                      o.electricity_usd_per_kwh, d.unit_cost_usd, o.lifetime_years, o.inferences_per_hour);
    }
    e.assumptions.push_back(buf);
    if (d.category == DeviceCategory::Cloud) {
        e.raw_input_leaves_device = true;
        if (link && link->available()) {
            e.transfer_s = link->transfer_s(static_cast<double>(input_bytes(v)), static_cast<double>(output_bytes(v)));
            e.latency_s += e.transfer_s;
            std::snprintf(buf, sizeof buf,
                          "transfer: the input (%lld B) goes up and the scores (%lld B) come back over %s: %.3g s round trip "
                          "+ bytes / bandwidth, / (1 - %.3g loss); added to the latency",
                          static_cast<long long>(input_bytes(v)), static_cast<long long>(output_bytes(v)), link->name.c_str(),
                          link->rtt_s, link->loss_rate);
            e.assumptions.push_back(buf);
        }
        e.assumptions.push_back("privacy: the raw input leaves the user's device for the cloud server");
    } else {
        e.assumptions.push_back("privacy: the raw input stays on the device");
    }
    return e;
}

std::vector<SplitPoint> evaluate_splits(const ModelVariant& v, const DeviceProfile& device, const DeviceProfile& server,
                                        const LinkProfile& link) {
    std::vector<SplitPoint> out;
    const auto& layers = v.workload.layers;
    const size_t n = layers.size();
    const int bpe = bytes_per_element(v.precision);
    for (size_t k = 0; k <= n; ++k) {
        SplitPoint p;
        p.split = k;
        p.after_layer = k == 0 ? "input" : layers[k - 1].name;
        p.device_s = compute_time_s(v.workload, v.precision, device, 0, k);
        p.server_s = compute_time_s(v.workload, v.precision, server, k, n);
        if (k < n) {
            p.bytes_sent = k == 0 ? input_bytes(v) : layers[k - 1].output_elems() * bpe;
            p.raw_input_sent = k == 0;
            p.possible = link.available();
            p.transfer_s = link.transfer_s(static_cast<double>(p.bytes_sent), static_cast<double>(output_bytes(v)));
        }
        p.total_s = p.device_s + p.transfer_s + p.server_s;
        const double send_s = link.available() && k < n ? static_cast<double>(p.bytes_sent) / link.uplink_bytes_per_s : 0;
        p.device_energy_j = p.device_s * device.active_power_w + send_s * link.radio_power_w +
                            (p.transfer_s - send_s + p.server_s) * device.idle_power_w;
        out.push_back(p);
    }
    return out;
}

size_t best_split(const std::vector<SplitPoint>& points) {
    size_t best = points.size() - 1;  // all on the device is always possible
    for (size_t i = 0; i < points.size(); ++i)
        if (points[i].possible && points[i].total_s < points[best].total_s) best = i;
    return best;
}

CascadeResult evaluate_cascade(const std::vector<int>& labels, const std::vector<int>& small_pred,
                               const std::vector<float>& small_confidence, const std::vector<int>& large_pred,
                               double threshold, double small_latency_s, double offload_latency_s) {
    CascadeResult r;
    r.threshold = threshold;
    const size_t n = labels.size();
    if (n == 0) return r;
    size_t forwarded = 0, correct = 0;
    for (size_t i = 0; i < n; ++i) {
        const bool forward = small_confidence[i] < threshold;
        forwarded += forward;
        correct += (forward ? large_pred[i] : small_pred[i]) == labels[i];
    }
    r.forward_rate = static_cast<double>(forwarded) / static_cast<double>(n);
    r.accuracy = static_cast<double>(correct) / static_cast<double>(n);
    r.mean_latency_s = small_latency_s + r.forward_rate * offload_latency_s;
    return r;
}

}  // namespace mlsys::sim
