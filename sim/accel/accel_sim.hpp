// Simulating a whole Workload on the systolic accelerator: every layer lowered to GEMMs on the array (conv,
// depthwise per channel, dense, gemm) or to element work on the vector unit (pooling, activations,
// softmax, batchnorm), then cycles, utilization, SRAM and DRAM traffic and energy per layer. Results are
// plain structs for the CLI, reports, GUI and labs. No printing, no files.
#pragma once

#include "models/core/result.hpp"
#include "models/workload/workload.hpp"
#include "sim/accel/accel_config.hpp"
#include "sim/accel/dram_model.hpp"
#include "sim/accel/systolic_model.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::sim::accel {

struct SimOptions {
    // Samples per inference: multiplies M of every GEMM (rows of the ifmap matrix) and the vector work.
    int batch = 1;
    // Account for pooling/activation/softmax/batchnorm on the vector unit (SCALE-Sim ignores them).
    bool include_vector_layers = true;
    // CALC mode: replay SCALE-Sim's ofmap write buffer to get its stall cycles exactly. Without it the
    // stall-free count is used (identical unless the ofmap SRAM is tiny next to the array width).
    bool exact_scalesim_stalls = true;
};

// What one workload layer asks of the hardware.
struct LayerWork {
    std::string name;
    std::string type;
    models::OpKind op = models::OpKind::Elementwise;
    bool on_array = false;   // a GEMM on the systolic array; else vector-unit work
    GemmDims gemm;           // per instance (batch folded into M)
    int64_t instances = 1;   // GEMMs of this shape (depthwise: one per channel)
    int64_t vector_ops = 0;  // element operations on the vector unit (batch included)
    int64_t input_words = 0;
    int64_t output_words = 0;
    int64_t weight_words = 0;  // parameters of the layer (all instances)
    // Unpadded convolutions: the geometry SCALE-Sim's detailed report depends on.
    bool has_geometry = false;
    ConvGeometry geometry;
};
// Lowers every layer; Reshape layers become zero-cost vector work. batch >= 1.
std::vector<LayerWork> lower_workload(const models::Workload& workload, int batch);

struct EnergyBreakdown {
    double mac_pj = 0;
    double sram_pj = 0;
    double dram_pj = 0;
    double vector_pj = 0;
    double total_pj() const { return mac_pj + sram_pj + dram_pj + vector_pj; }
    EnergyBreakdown& operator+=(const EnergyBreakdown& o);
};

struct LayerResult {
    LayerWork work;
    // ---- per GEMM instance: the row SCALE-Sim's COMPUTE_REPORT shows (array layers only) ----
    FoldPlan plan;
    int64_t total_cycles = 0;  // SCALE-Sim's Total Cycles: index of the last cycle, stalls included
    int64_t stall_cycles = 0;
    double overall_util_pct = 0;
    double mapping_eff_pct = 0;
    double compute_util_pct = 0;
    SramCounts scalesim_sram;    // SCALE-Sim's SRAM counters (bandwidth and detailed reports)
    SramTraffic sram;            // physical SRAM accesses (energy)
    DemandWindows sram_windows;  // stall-free demand rows of first/last SRAM use
    int64_t stalls_before_last_fold = 0;
    DramResult dram;
    // ---- the whole layer (all instances and the vector unit) ----
    int64_t vector_cycles = 0;
    int64_t latency_cycles = 0;  // instances x (total_cycles + 1) + vector_cycles
    int64_t macs = 0;
    EnergyBreakdown energy;
};

struct NetworkResult {
    std::string workload_name;
    AccelConfig config;
    SimOptions options;
    std::vector<LayerResult> layers;
    // Sum of SCALE-Sim Total Cycles over every GEMM instance (what SCALE-Sim's get_total_cycles adds up).
    int64_t scalesim_total_cycles = 0;
    int64_t latency_cycles = 0;  // sum of layer latencies
    int64_t stall_cycles = 0;
    int64_t array_cycles = 0;    // latency spent on the array
    int64_t vector_cycles = 0;
    int64_t macs = 0;
    int64_t dram_words = 0;
    EnergyBreakdown energy;
    double latency_s() const { return double(latency_cycles) / config.clock_hz; }
    // MACs / (array latency x PEs), in percent.
    double overall_util_pct() const;
};

// One GEMM layer (work.on_array) or vector layer under config.
LayerResult simulate_layer(const LayerWork& work, const AccelConfig& config, const SimOptions& options);

// The whole workload. Errors: an invalid config (validate()) or batch < 1, naming the value.
core::Result<NetworkResult> simulate_workload(const models::Workload& workload, const AccelConfig& config,
                                              const SimOptions& options = {});

}  // namespace mlsys::sim::accel
