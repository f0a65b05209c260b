// Design-space sweep: one workload over array shapes (8x8 to 256x256, square and not), dataflows and SRAM
// sizes -> latency, utilization, energy, an area proxy, and the Pareto front. Synchronous and cancellable
// between design points so a Job can run it (progress callback, cancel flag); no threads inside.
#pragma once

#include "models/core/result.hpp"
#include "models/workload/workload.hpp"
#include "sim/accel/accel_sim.hpp"

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mlsys::sim::accel {

struct SweepSpec {
    std::vector<std::pair<int, int>> arrays;  // rows x cols
    std::vector<Dataflow> dataflows;
    std::vector<int64_t> sram_kib;  // each of the three buffers gets this size
};
// Rows and columns each in {8, 16, 32, 64, 128, 256} (36 shapes, 30 of them non-square), all three
// dataflows, SRAMs of 64, 256 and 1024 KiB: 324 design points.
SweepSpec default_sweep_spec();
// "8x8,16x32" -> shapes; the error names the bad item.
core::Result<std::vector<std::pair<int, int>>> parse_array_list(const std::string& text);

// Chip area proxy in mm² at 45 nm: PEs x (multiplier + adder) and the three SRAMs' bit cells (constants and
// sources in energy_costs.hpp). Leaves out registers, wiring, control and I/O: compare, don't quote.
double area_proxy_mm2(const AccelConfig& config);

struct SweepPoint {
    int rows = 0;
    int cols = 0;
    Dataflow dataflow = Dataflow::OutputStationary;
    int64_t sram_kib = 0;
    int64_t latency_cycles = 0;
    int64_t stall_cycles = 0;
    double latency_s = 0;
    double util_pct = 0;  // MACs / (array cycles x PEs)
    double energy_pj = 0;
    double area_mm2 = 0;
    int64_t dram_words = 0;
    bool pareto = false;            // no other point is at least as good in latency, energy and area
    bool pareto_latency_area = false;  // the 2-D front the GUI charts
};

struct SweepResult {
    std::string workload;
    std::vector<SweepPoint> points;  // in spec order (arrays, then dataflows, then SRAM sizes)
    bool cancelled = false;          // stopped early: points holds the ones finished
};

struct SweepCallbacks {
    std::function<void(int64_t done, int64_t total)> on_progress;  // after each point, on the caller's thread
    const std::atomic<bool>* cancel = nullptr;                     // checked before each point
};

// Runs every point of spec with base's other settings (bandwidth mode, word size, clock). Errors: an empty
// spec or an invalid base config.
core::Result<SweepResult> run_sweep(const models::Workload& workload, const AccelConfig& base, const SweepSpec& spec,
                                    const SimOptions& options = {}, const SweepCallbacks& callbacks = {});

// Marks the Pareto flags of points (minimizing latency, energy and area; and latency with area).
void mark_pareto(std::vector<SweepPoint>& points);

std::string sweep_csv(const SweepResult& result);
nlohmann::json to_json(const SweepPoint& p);

}  // namespace mlsys::sim::accel
