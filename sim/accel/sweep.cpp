// Design-space sweep and Pareto fronts.
#include "sim/accel/sweep.hpp"

#include "sim/accel/energy_costs.hpp"
#include "sim/accel/reports.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace mlsys::sim::accel {

SweepSpec default_sweep_spec() {
    SweepSpec s;
    const int sizes[] = {8, 16, 32, 64, 128, 256};
    for (int r : sizes)
        for (int c : sizes) s.arrays.emplace_back(r, c);
    s.dataflows = {Dataflow::OutputStationary, Dataflow::WeightStationary, Dataflow::InputStationary};
    s.sram_kib = {64, 256, 1024};
    return s;
}

core::Result<std::vector<std::pair<int, int>>> parse_array_list(const std::string& text) {
    std::vector<std::pair<int, int>> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        auto a = parse_array_shape(item);
        if (!a) return core::fail(a.error());
        out.push_back(*a);
    }
    if (out.empty()) return core::fail("no array shapes in '" + text + "'");
    return out;
}

double area_proxy_mm2(const AccelConfig& c) {
    const double pes = double(c.n_pes()) * energy::pe_area_um2(c.word_bytes);
    const int64_t sram_bytes = (c.ifmap_sram_kib + c.filter_sram_kib + c.ofmap_sram_kib) * 1024;
    return (pes + energy::sram_area_um2(sram_bytes)) * 1e-6;
}

void mark_pareto(std::vector<SweepPoint>& pts) {
    auto dominates3 = [](const SweepPoint& a, const SweepPoint& b) {
        const bool le = a.latency_cycles <= b.latency_cycles && a.energy_pj <= b.energy_pj && a.area_mm2 <= b.area_mm2;
        const bool lt = a.latency_cycles < b.latency_cycles || a.energy_pj < b.energy_pj || a.area_mm2 < b.area_mm2;
        return le && lt;
    };
    auto dominates2 = [](const SweepPoint& a, const SweepPoint& b) {
        const bool le = a.latency_cycles <= b.latency_cycles && a.area_mm2 <= b.area_mm2;
        const bool lt = a.latency_cycles < b.latency_cycles || a.area_mm2 < b.area_mm2;
        return le && lt;
    };
    for (SweepPoint& p : pts) {
        p.pareto = true;
        p.pareto_latency_area = true;
        for (const SweepPoint& q : pts) {
            if (&q == &p) continue;
            if (dominates3(q, p)) p.pareto = false;
            if (dominates2(q, p)) p.pareto_latency_area = false;
        }
    }
}

core::Result<SweepResult> run_sweep(const models::Workload& workload, const AccelConfig& base, const SweepSpec& spec,
                                    const SimOptions& options, const SweepCallbacks& cb) {
    if (spec.arrays.empty() || spec.dataflows.empty() || spec.sram_kib.empty())
        return core::fail("the sweep needs at least one array shape, dataflow and SRAM size");
    if (auto st = validate(base); !st) return core::fail(st.error());
    SweepResult out;
    out.workload = workload.name;
    const int64_t total = int64_t(spec.arrays.size() * spec.dataflows.size() * spec.sram_kib.size());
    int64_t done = 0;
    for (const auto& [rows, cols] : spec.arrays) {
        for (Dataflow df : spec.dataflows) {
            for (int64_t kib : spec.sram_kib) {
                if (cb.cancel && cb.cancel->load(std::memory_order_relaxed)) {
                    out.cancelled = true;
                    mark_pareto(out.points);
                    return out;
                }
                AccelConfig c = base;
                c.array_rows = rows;
                c.array_cols = cols;
                c.dataflow = df;
                c.ifmap_sram_kib = c.filter_sram_kib = c.ofmap_sram_kib = kib;
                auto net = simulate_workload(workload, c, options);
                if (!net) return core::fail(std::to_string(rows) + "x" + std::to_string(cols) + ": " + net.error());
                SweepPoint p;
                p.rows = rows;
                p.cols = cols;
                p.dataflow = df;
                p.sram_kib = kib;
                p.latency_cycles = net->latency_cycles;
                p.stall_cycles = net->stall_cycles;
                p.latency_s = net->latency_s();
                p.util_pct = net->overall_util_pct();
                p.energy_pj = net->energy.total_pj();
                p.area_mm2 = area_proxy_mm2(c);
                p.dram_words = net->dram_words;
                out.points.push_back(p);
                ++done;
                if (cb.on_progress) cb.on_progress(done, total);
            }
        }
    }
    mark_pareto(out.points);
    return out;
}

std::string sweep_csv(const SweepResult& r) {
    std::ostringstream o;
    o << "Rows, Cols, Dataflow, SRAM KiB, Latency Cycles, Stall Cycles, Latency s, Util %, Energy pJ, Area mm2, "
         "DRAM Words, Pareto, Pareto Latency-Area,\n";
    for (const SweepPoint& p : r.points)
        o << p.rows << ", " << p.cols << ", " << to_string(p.dataflow) << ", " << p.sram_kib << ", " << p.latency_cycles
          << ", " << p.stall_cycles << ", " << python_float_repr(p.latency_s) << ", " << python_float_repr(p.util_pct) << ", "
          << python_float_repr(p.energy_pj) << ", " << python_float_repr(p.area_mm2) << ", " << p.dram_words << ", "
          << (p.pareto ? 1 : 0) << ", " << (p.pareto_latency_area ? 1 : 0) << ",\n";
    return o.str();
}

nlohmann::json to_json(const SweepPoint& p) {
    return {{"rows", p.rows},
            {"cols", p.cols},
            {"dataflow", to_string(p.dataflow)},
            {"sram_kib", p.sram_kib},
            {"latency_cycles", p.latency_cycles},
            {"stall_cycles", p.stall_cycles},
            {"latency_s", p.latency_s},
            {"util_pct", p.util_pct},
            {"energy_pj", p.energy_pj},
            {"area_mm2", p.area_mm2},
            {"dram_words", p.dram_words},
            {"pareto", p.pareto},
            {"pareto_latency_area", p.pareto_latency_area}};
}

}  // namespace mlsys::sim::accel
