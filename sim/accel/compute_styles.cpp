// Roofline models of the other compute styles over the same lowered layers as the array.
#include "sim/accel/compute_styles.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace mlsys::sim::accel {
namespace {

struct Device {
    double macs_per_s;
    double vector_ops_per_s;
    double bytes_per_s;
    double per_layer_overhead_s;
    int word_bytes;
};

StyleResult roofline(const models::Workload& w, const Device& d, int batch) {
    StyleResult r;
    r.peak_macs_per_s = d.macs_per_s;
    r.memory_bytes_per_s = d.bytes_per_s;
    for (const LayerWork& lw : lower_workload(w, batch)) {
        if (lw.op == models::OpKind::Reshape) continue;
        StyleLayer l;
        l.name = lw.name;
        const int64_t macs = lw.on_array ? lw.gemm.macs() * lw.instances : 0;
        // Weights once, activations in and out: the traffic no cache can avoid.
        const int64_t bytes = (lw.weight_words + lw.input_words + lw.output_words) * d.word_bytes;
        l.compute_s = double(macs) / d.macs_per_s + double(lw.vector_ops) / d.vector_ops_per_s;
        l.memory_s = double(bytes) / d.bytes_per_s;
        l.memory_bound = l.memory_s > l.compute_s;
        l.latency_s = std::max(l.compute_s, l.memory_s) + d.per_layer_overhead_s;
        r.latency_s += l.latency_s;
        r.macs += macs;
        r.bytes += bytes;
        r.layers.push_back(std::move(l));
    }
    return r;
}

}  // namespace

StyleResult simulate_cpu(const models::Workload& w, const CpuSimdConfig& c, int batch) {
    const double macs = c.clock_hz * c.simd_lanes * c.fma_units;
    StyleResult r = roofline(w, {macs, c.clock_hz * c.simd_lanes, c.memory_bytes_per_s, 0, c.word_bytes}, batch);
    r.style = "cpu";
    r.device = c.name;
    r.energy_j = r.latency_s * c.power_w;
    return r;
}

StyleResult simulate_gpu(const models::Workload& w, const GpuConfig& c, int batch) {
    const double macs = c.sms * c.clock_hz * c.tensor_macs_per_cycle_per_sm;
    const double vec = c.sms * c.clock_hz * c.vector_ops_per_cycle_per_sm;
    StyleResult r = roofline(w, {macs, vec, c.memory_bytes_per_s, c.launch_overhead_s, c.word_bytes}, batch);
    r.style = "gpu";
    r.device = c.name;
    r.energy_j = r.latency_s * c.power_w;
    return r;
}

StyleResult simulate_mcu(const models::Workload& w, const McuConfig& c, int batch) {
    StyleResult r = roofline(w, {c.clock_hz * c.macs_per_cycle, c.clock_hz * c.vector_ops_per_cycle, c.memory_bytes_per_s,
                                 0, c.word_bytes},
                             batch);
    r.style = "mcu";
    r.device = c.name;
    r.energy_j = r.latency_s * c.power_w;
    return r;
}

StyleResult style_of(const NetworkResult& net) {
    StyleResult r;
    r.style = "systolic";
    const AccelConfig& c = net.config;
    r.device = std::to_string(c.array_rows) + "x" + std::to_string(c.array_cols) + " systolic array, " +
               to_string(c.dataflow) + ", " + std::to_string(int64_t(c.clock_hz / 1e6)) + " MHz";
    r.latency_s = net.latency_s();
    r.energy_j = net.energy.total_pj() * 1e-12;
    r.peak_macs_per_s = double(c.n_pes()) * c.clock_hz;
    // DRAM bandwidth in bytes per second: USER mode's words per cycle per buffer, three buffers.
    r.memory_bytes_per_s = c.bandwidth_mode == BandwidthMode::User ? 3 * c.dram_words_per_cycle * c.word_bytes * c.clock_hz : 0;
    r.macs = net.macs;
    r.bytes = net.dram_words * c.word_bytes;
    for (const LayerResult& l : net.layers) {
        StyleLayer s;
        s.name = l.work.name;
        s.latency_s = double(l.latency_cycles) / c.clock_hz;
        s.compute_s = s.latency_s;
        r.layers.push_back(std::move(s));
    }
    return r;
}

nlohmann::json to_json(const StyleResult& r) {
    return {{"style", r.style},
            {"device", r.device},
            {"latency_s", r.latency_s},
            {"energy_j", r.energy_j},
            {"peak_macs_per_s", r.peak_macs_per_s},
            {"memory_bytes_per_s", r.memory_bytes_per_s},
            {"macs", r.macs},
            {"bytes", r.bytes}};
}

}  // namespace mlsys::sim::accel
