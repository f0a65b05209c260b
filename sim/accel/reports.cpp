// Report builders. SCALE-Sim writes each row as "id, v1, v2, ...,\n" with Python str() of each value; its
// SRAM start/stop cycles come out of NumPy float arrays ("8.0") and its counts as ints.
#include "sim/accel/reports.hpp"

#include "models/core/files.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <sstream>

namespace mlsys::sim::accel {

std::string python_float_repr(double x) {
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    if (x == 0) return std::signbit(x) ? "-0.0" : "0.0";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);  // shortest round-trip
    std::string s(buf, r.ptr);
    std::string sign;
    if (s[0] == '-') {
        sign = "-";
        s.erase(0, 1);
    }
    const size_t e = s.find('e');
    const int exp = std::stoi(s.substr(e + 1));
    std::string digits;
    for (char c : s.substr(0, e))
        if (c != '.') digits += c;
    std::string out;
    if (exp >= -4 && exp < 16) {
        if (exp >= 0) {
            const size_t int_len = size_t(exp) + 1;
            if (digits.size() <= int_len) {
                out = digits + std::string(int_len - digits.size(), '0') + ".0";
            } else {
                out = digits.substr(0, int_len) + "." + digits.substr(int_len);
            }
        } else {
            out = "0." + std::string(size_t(-exp - 1), '0') + digits;
        }
    } else {
        out = digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char eb[16];
        std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
        out += eb;
    }
    return sign + out;
}

namespace {

std::string f(double x) { return python_float_repr(x); }
std::string cyc(int64_t c) { return python_float_repr(double(c)); }

template <class RowFn>
std::string per_instance(const NetworkResult& net, const std::string& header, RowFn row) {
    std::ostringstream o;
    o << header;
    int64_t id = 0;
    for (const LayerResult& l : net.layers) {
        if (!l.work.on_array) continue;
        const std::string line = row(l);
        for (int64_t i = 0; i < l.work.instances; ++i) o << id++ << ", " << line << ",\n";
    }
    return o.str();
}

}  // namespace

std::string compute_report_csv(const NetworkResult& net) {
    return per_instance(net, "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n",
                        [](const LayerResult& l) {
                            return std::to_string(l.total_cycles) + ", " + std::to_string(l.stall_cycles) + ", " +
                                   f(l.overall_util_pct) + ", " + f(l.mapping_eff_pct) + ", " + f(l.compute_util_pct);
                        });
}

std::string bandwidth_report_csv(const NetworkResult& net) {
    return per_instance(
        net,
        "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, "
        "Avg OFMAP DRAM BW,\n",
        [](const LayerResult& l) {
            // SRAM: SCALE-Sim's counters over its Total Cycles. DRAM: our traffic over the layer's duration.
            const double t = double(std::max<int64_t>(l.total_cycles, 1));
            const double dur = double(l.total_cycles + 1);
            const DramTraffic& d = l.dram.traffic;
            return f(double(l.scalesim_sram.ifmap_reads) / t) + ", " + f(double(l.scalesim_sram.filter_reads) / t) + ", " +
                   f(double(l.scalesim_sram.ofmap_writes) / t) + ", " + f(double(d.ifmap_reads) / dur) + ", " +
                   f(double(d.filter_reads) / dur) + ", " + f(double(d.ofmap_writes + d.ofmap_reads) / dur);
        });
}

std::string detailed_access_report_csv(const NetworkResult& net) {
    const std::string header =
        "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, SRAM Filter Start Cycle, "
        "SRAM Filter Stop Cycle, SRAM Filter Reads, SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, "
        "DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, DRAM Filter Start Cycle, DRAM Filter Stop "
        "Cycle, DRAM Filter Reads, DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,\n";
    return per_instance(net, header, [](const LayerResult& l) {
        const DemandWindows& w = l.sram_windows;
        const int64_t late = l.stalls_before_last_fold;  // stalls shift the stop cycles of the last fold
        const DramResult& d = l.dram;
        std::ostringstream o;
        // Reads are served one cycle after the demand (hit latency 1); writes in the same cycle.
        o << cyc(w.ifmap.first_row + 1) << ", " << cyc(w.ifmap.last_row + 1 + late) << ", " << l.scalesim_sram.ifmap_reads
          << ", " << cyc(w.filter.first_row + 1) << ", " << cyc(w.filter.last_row + 1 + late) << ", "
          << l.scalesim_sram.filter_reads << ", " << cyc(w.ofmap.first_row) << ", " << cyc(w.ofmap.last_row + late) << ", "
          << l.scalesim_sram.ofmap_writes << ", " << cyc(d.ifmap_window.first_cycle) << ", " << cyc(d.ifmap_window.last_cycle)
          << ", " << d.traffic.ifmap_reads << ", " << cyc(d.filter_window.first_cycle) << ", "
          << cyc(d.filter_window.last_cycle) << ", " << d.traffic.filter_reads << ", " << cyc(d.ofmap_window.first_cycle)
          << ", " << cyc(d.ofmap_window.last_cycle) << ", " << d.traffic.ofmap_writes;
        return o.str();
    });
}

std::string layer_report_csv(const NetworkResult& net) {
    std::ostringstream o;
    o << "Layer, Name, Type, Unit, M, N, K, Instances, Latency Cycles, Total Cycles, Stall Cycles, Folds, "
         "Overall Util %, Mapping Efficiency %, Compute Util %, MACs, Vector Ops, DRAM Ifmap Words, DRAM Filter Words, "
         "DRAM Ofmap Words, MAC Energy pJ, SRAM Energy pJ, DRAM Energy pJ, Vector Energy pJ, Total Energy pJ,\n";
    int i = 0;
    for (const LayerResult& l : net.layers) {
        const LayerWork& w = l.work;
        const int64_t n = w.instances;
        o << i++ << ", " << w.name << ", " << w.type << ", " << (w.on_array ? "array" : "vector") << ", " << w.gemm.m << ", "
          << w.gemm.n << ", " << w.gemm.k << ", " << n << ", " << l.latency_cycles << ", " << l.total_cycles << ", "
          << l.stall_cycles << ", " << (w.on_array ? l.plan.n_folds() : 0) << ", " << f(l.overall_util_pct) << ", "
          << f(l.mapping_eff_pct) << ", " << f(l.compute_util_pct) << ", " << l.macs << ", " << w.vector_ops << ", "
          << l.dram.traffic.ifmap_reads * n << ", " << l.dram.traffic.filter_reads * n << ", "
          << (l.dram.traffic.ofmap_writes + l.dram.traffic.ofmap_reads) * n << ", " << f(l.energy.mac_pj) << ", "
          << f(l.energy.sram_pj) << ", " << f(l.energy.dram_pj) << ", " << f(l.energy.vector_pj) << ", "
          << f(l.energy.total_pj()) << ",\n";
    }
    return o.str();
}

core::Status write_reports(const NetworkResult& net, const std::filesystem::path& dir) {
    const std::pair<const char*, std::string> files[] = {{"COMPUTE_REPORT.csv", compute_report_csv(net)},
                                                         {"BANDWIDTH_REPORT.csv", bandwidth_report_csv(net)},
                                                         {"DETAILED_ACCESS_REPORT.csv", detailed_access_report_csv(net)},
                                                         {"LAYER_REPORT.csv", layer_report_csv(net)}};
    for (const auto& [name, text] : files)
        if (auto st = core::write_file_atomic(dir / name, text); !st) return st;
    return {};
}

nlohmann::json layer_json(const LayerResult& l) {
    const LayerWork& w = l.work;
    nlohmann::json j{{"name", w.name},
                     {"type", w.type},
                     {"unit", w.on_array ? "array" : "vector"},
                     {"instances", w.instances},
                     {"latency_cycles", l.latency_cycles},
                     {"macs", l.macs},
                     {"energy_pj", l.energy.total_pj()}};
    if (w.on_array) {
        j["gemm"] = {{"m", w.gemm.m}, {"n", w.gemm.n}, {"k", w.gemm.k}};
        j["total_cycles"] = l.total_cycles;
        j["stall_cycles"] = l.stall_cycles;
        j["folds"] = l.plan.n_folds();
        j["row_folds"] = l.plan.row_folds;
        j["col_folds"] = l.plan.col_folds;
        j["cycles_per_fold"] = l.plan.cycles_per_fold;
        j["overall_util_pct"] = l.overall_util_pct;
        j["mapping_eff_pct"] = l.mapping_eff_pct;
        j["compute_util_pct"] = l.compute_util_pct;
        j["sram"] = {{"ifmap_reads", l.sram.ifmap_reads},
                     {"filter_reads", l.sram.filter_reads},
                     {"ofmap_writes", l.sram.ofmap_writes},
                     {"ofmap_reads", l.sram.ofmap_reads}};
        j["dram"] = {{"ifmap_reads", l.dram.traffic.ifmap_reads},
                     {"filter_reads", l.dram.traffic.filter_reads},
                     {"ofmap_writes", l.dram.traffic.ofmap_writes},
                     {"ofmap_reads", l.dram.traffic.ofmap_reads},
                     {"prefetch_cycles", l.dram.prefetch_cycles},
                     {"peak_ifmap_words_per_cycle", l.dram.peak_ifmap_words_per_cycle},
                     {"peak_filter_words_per_cycle", l.dram.peak_filter_words_per_cycle},
                     {"peak_ofmap_words_per_cycle", l.dram.peak_ofmap_words_per_cycle}};
    } else {
        j["vector_ops"] = w.vector_ops;
        j["vector_cycles"] = l.vector_cycles;
    }
    j["energy"] = {{"mac_pj", l.energy.mac_pj},
                   {"sram_pj", l.energy.sram_pj},
                   {"dram_pj", l.energy.dram_pj},
                   {"vector_pj", l.energy.vector_pj}};
    return j;
}

nlohmann::json to_json(const NetworkResult& net) {
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerResult& l : net.layers) layers.push_back(layer_json(l));
    return {{"workload", net.workload_name},
            {"config", to_json(net.config)},
            {"options", {{"batch", net.options.batch}, {"include_vector_layers", net.options.include_vector_layers}}},
            {"totals",
             {{"scalesim_total_cycles", net.scalesim_total_cycles},
              {"latency_cycles", net.latency_cycles},
              {"latency_s", net.latency_s()},
              {"array_cycles", net.array_cycles},
              {"vector_cycles", net.vector_cycles},
              {"stall_cycles", net.stall_cycles},
              {"macs", net.macs},
              {"overall_util_pct", net.overall_util_pct()},
              {"dram_words", net.dram_words},
              {"energy_pj", net.energy.total_pj()},
              {"energy",
               {{"mac_pj", net.energy.mac_pj},
                {"sram_pj", net.energy.sram_pj},
                {"dram_pj", net.energy.dram_pj},
                {"vector_pj", net.energy.vector_pj}}}}},
            {"layers", layers}};
}

}  // namespace mlsys::sim::accel
