// Workload -> per-layer accelerator results: lowering, the fold model, SCALE-Sim's stall replay (CALC),
// the DRAM model (USER), the vector unit and energy.
#include "sim/accel/accel_sim.hpp"

#include "sim/accel/energy_costs.hpp"
#include "sim/accel/scalesim_write_buffer.hpp"

#include <algorithm>

namespace mlsys::sim::accel {

std::vector<LayerWork> lower_workload(const models::Workload& workload, int batch) {
    std::vector<LayerWork> out;
    out.reserve(workload.layers.size());
    const int64_t b = std::max(batch, 1);
    for (const auto& l : workload.layers) {
        LayerWork w;
        w.name = l.name;
        w.type = l.type;
        w.op = l.op;
        w.input_words = l.input_elems() * b;
        w.output_words = l.output_elems() * b;
        w.weight_words = l.n_params();
        if (models::is_matrix_op(l.op) && l.gemm_m > 0 && l.gemm_n > 0 && l.gemm_k > 0) {
            w.on_array = true;
            w.gemm = {l.gemm_m * b, l.gemm_n, l.gemm_k};
            w.instances = std::max<int64_t>(l.n_gemms, 1);
            const bool conv = l.op == models::OpKind::Conv2D || l.op == models::OpKind::DepthwiseConv2D;
            if (conv && l.padding == 0 && b == 1 && l.gemm_m == int64_t(l.out_h) * l.out_w) {
                w.has_geometry = true;
                w.geometry = {l.in_h, l.in_w, l.op == models::OpKind::DepthwiseConv2D ? 1 : l.in_c, l.kernel_h,
                              l.kernel_w, l.stride, l.stride, l.out_w};
            }
        } else {
            w.vector_ops = l.vector_ops * b;
        }
        out.push_back(std::move(w));
    }
    return out;
}

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& o) {
    mac_pj += o.mac_pj;
    sram_pj += o.sram_pj;
    dram_pj += o.dram_pj;
    vector_pj += o.vector_pj;
    return *this;
}

double NetworkResult::overall_util_pct() const {
    if (array_cycles <= 0) return 0;
    return 100.0 * double(macs) / (double(array_cycles) * double(config.n_pes()));
}

namespace {

EnergyBreakdown gemm_energy(const LayerResult& r, const AccelConfig& c) {
    namespace e = energy;
    const int wb = c.word_bytes;
    const double ei = e::sram_word_pj(c.ifmap_sram_kib * 1024, wb);
    const double ef = e::sram_word_pj(c.filter_sram_kib * 1024, wb);
    const double eo = e::sram_word_pj(c.ofmap_sram_kib * 1024, wb);
    const DramTraffic& d = r.dram.traffic;
    EnergyBreakdown en;
    en.mac_pj = double(r.work.gemm.macs()) * e::mac_pj(wb);
    en.sram_pj = double(r.sram.ifmap_reads + d.ifmap_reads) * ei + double(r.sram.filter_reads + d.filter_reads) * ef +
                 double(r.sram.ofmap_writes + r.sram.ofmap_reads + d.ofmap_writes + d.ofmap_reads) * eo;
    en.dram_pj = double(d.total()) * e::dram_word_pj(wb);
    const double n = double(r.work.instances);
    en.mac_pj *= n;
    en.sram_pj *= n;
    en.dram_pj *= n;
    return en;
}

}  // namespace

LayerResult simulate_layer(const LayerWork& work, const AccelConfig& c, const SimOptions& options) {
    LayerResult r;
    r.work = work;
    if (!work.on_array) {
        // Vector unit: one lane per array column (like the TPU's activation pipeline fed by the
        // accumulators, Jouppi et al., ISCA 2017); operands stay in the on-chip buffers.
        r.vector_cycles = (work.vector_ops + c.array_cols - 1) / c.array_cols;
        r.latency_cycles = r.vector_cycles;
        r.energy.vector_pj = double(work.vector_ops) * energy::vector_op_pj(c.word_bytes);
        if (work.vector_ops > 0)
            r.energy.sram_pj = double(work.input_words + work.output_words) *
                               energy::sram_word_pj(c.ofmap_sram_kib * 1024, c.word_bytes);
        return r;
    }
    r.plan = plan_folds(c.array_rows, c.array_cols, c.dataflow, work.gemm);
    const FoldAverages avg = fold_averages(r.plan);
    r.dram = simulate_dram(r.plan, c, work.input_words / std::max<int64_t>(work.instances, 1));
    if (c.bandwidth_mode == BandwidthMode::Calc) {
        if (options.exact_scalesim_stalls) {
            const StallReplay rep = replay_ofmap_writes(r.plan, c.ofmap_sram_words(), c.array_cols);
            r.total_cycles = rep.total_cycles;
            r.stall_cycles = rep.stall_cycles;
            r.stalls_before_last_fold = rep.stalls_before_last_fold;
        } else {
            r.total_cycles = r.plan.total_rows() - 1;
        }
    } else {
        r.stall_cycles = r.dram.stall_cycles;
        r.stalls_before_last_fold = r.dram.stall_cycles;
        r.total_cycles = r.plan.total_rows() - 1 + r.stall_cycles;
    }
    r.macs = work.gemm.macs() * work.instances;
    // SCALE-Sim: (num_compute * 100) / (total_cycles * num_mac_unit), mapping and compute util x 100.
    const int64_t denom = std::max<int64_t>(r.total_cycles, 1) * c.n_pes();
    r.overall_util_pct = double(work.gemm.macs() * 100) / double(denom);
    r.mapping_eff_pct = avg.mapping_efficiency * 100;
    r.compute_util_pct = avg.compute_utilization * 100;
    r.scalesim_sram = scalesim_sram_counts(r.plan);
    r.sram = sram_traffic(r.plan);
    r.sram_windows = demand_windows(r.plan);
    if (work.has_geometry && work.geometry.overruns())
        r.sram_windows.ifmap = ifmap_window_with_overrun(r.plan, work.geometry);
    r.latency_cycles = work.instances * (r.total_cycles + 1);
    r.energy = gemm_energy(r, c);
    return r;
}

core::Result<NetworkResult> simulate_workload(const models::Workload& workload, const AccelConfig& config,
                                              const SimOptions& options) {
    if (auto st = validate(config); !st) return core::fail(st.error());
    if (options.batch < 1) return core::fail("batch must be at least 1, got " + std::to_string(options.batch));
    NetworkResult net;
    net.workload_name = workload.name;
    net.config = config;
    net.options = options;
    for (const LayerWork& w : lower_workload(workload, options.batch)) {
        if (!w.on_array && !options.include_vector_layers) continue;
        LayerResult r = simulate_layer(w, config, options);
        if (w.on_array) {
            net.scalesim_total_cycles += r.total_cycles * w.instances;
            net.stall_cycles += r.stall_cycles * w.instances;
            net.array_cycles += r.latency_cycles;
            net.macs += r.macs;
            net.dram_words += r.dram.traffic.total() * w.instances;
        }
        net.vector_cycles += r.vector_cycles;
        net.latency_cycles += r.latency_cycles;
        net.energy += r.energy;
        net.layers.push_back(std::move(r));
    }
    return net;
}

}  // namespace mlsys::sim::accel
