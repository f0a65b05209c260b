// A model's layers through a memory hierarchy: per layer, either the exact trace replayed (replay mode) or
// a footprint / reuse-distance estimate (analytic mode, for models too large to trace); energy split into
// compute and data movement by level; each layer's place on the roofline.
#pragma once

#include "models/workload/workload.hpp"
#include "sim/memory/hierarchy.hpp"
#include "sim/memory/trace.hpp"

#include <nlohmann/json_fwd.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <functional>
#include <string>
#include <vector>

namespace mlsys::sim {

enum class MemsimMode { Replay, Analytic };
const char* to_string(MemsimMode m);
core::Result<MemsimMode> parse_memsim_mode(const std::string& s);  // "replay" (or "trace"), "analytic"

struct MemsimOptions {
    TraceOptions trace;
    MemsimMode mode = MemsimMode::Replay;
    bool classify_misses = true;  // replay: the 3C split (costs about 2x time)
    bool warm = true;             // replay: caches keep their contents from one layer to the next
};

// Where a layer sits on the roofline (the textbook's T_mem = bytes / bandwidth vs T_compute = FLOPs / peak).
struct RooflinePoint {
    double flops = 0;                 // 2 x MACs + vector ops, for the batch
    double min_bytes = 0;             // inputs + parameters + outputs once each (the compulsory traffic)
    double main_bytes = 0;            // what the simulation moved to and from main memory
    double intensity = 0;             // flops / min_bytes (FLOP per byte)
    double measured_intensity = 0;    // flops / main_bytes (0 when no main traffic)
    double attainable_flops_per_s = 0;  // min(peak, intensity x bandwidth)
    bool memory_bound = false;        // intensity below the ridge point
};

struct Roofline {
    double peak_flops_per_s = 0;
    double bandwidth_bytes_per_s = 0;
    double ridge_intensity() const { return bandwidth_bytes_per_s > 0 ? peak_flops_per_s / bandwidth_bytes_per_s : 0; }
    RooflinePoint point(double flops, double min_bytes, double main_bytes) const;
};
// The device's roofline at an element size (4, 2, 1 bytes): peak = 2 x peak MACs/cycle x clock,
// bandwidth = main memory bytes/cycle x clock.
Roofline make_roofline(const HierarchyConfig& c, int bytes_per_element);

struct LayerMemoryResult {
    std::string name, type;
    int64_t macs = 0;                 // for the batch
    int64_t accesses = 0;             // processor loads and stores the loop nest makes
    int tile_m = 0, tile_n = 0, tile_k = 0;  // a scratchpad GEMM's tiles as run (chosen where left at 0)
    ReplayStats stats;                // this layer's share (finalized)
    double compute_energy_pj = 0;     // MACs x energy per MAC at the precision
    double movement_energy_pj() const { return stats.memory_energy_pj(); }
    double compute_cycles = 0;        // MACs / peak MACs per cycle
    double cycles() const { return std::max(compute_cycles, stats.cycles()); }
    RooflinePoint roofline;
};

struct MemsimResult {
    std::string workload, hierarchy;
    MemsimOptions options;
    std::vector<LayerMemoryResult> layers;
    ReplayStats total;                // finalized
    double compute_energy_pj = 0;
    double compute_cycles = 0;
    double cycles = 0;                // sum of the layers' max(compute, memory)
    Roofline roofline;
    double movement_share() const;    // movement energy / (movement + compute)
};

// The analytic estimate of one GEMM loop nest's misses at one cache level of `capacity_bytes` with
// `line_bytes` lines and `ways` (0: fully associative; LRU assumed): exposed for tests. `a_distinct_bytes_cap`
// bounds A's distinct data (a direct convolution's input is smaller than its im2col matrix).
struct GemmMissEstimate {
    double a = 0, b = 0, c = 0;       // line misses by operand
    double c_dirty = 0;               // dirty output lines written back
    double total() const { return a + b + c; }
};
GemmMissEstimate estimate_gemm_misses(int64_t m, int64_t n, int64_t k, int elem_bytes, const TraceOptions& o,
                                      double capacity_bytes, int line_bytes, int ways = 0, double a_distinct_bytes_cap = 0);

// The trace options a hierarchy implies: with a scratchpad innermost, scratchpad_bytes = its size.
TraceOptions trace_options_for(const HierarchyConfig& c, TraceOptions t);

// Runs every layer; `progress(layers_done, layers)` after each; `cancelled()` (polled between layers and
// every ~1M accesses) stops early with the error "cancelled".
using MemsimProgress = std::function<void(size_t done, size_t total)>;
core::Result<MemsimResult> simulate_workload(const models::Workload& w, const HierarchyConfig& c, const MemsimOptions& o,
                                             const MemsimProgress& progress = {},
                                             const std::function<bool()>& cancelled = {});

nlohmann::json to_json(const MemsimResult& r);
nlohmann::json to_json(const ReplayStats& s);

}  // namespace mlsys::sim
