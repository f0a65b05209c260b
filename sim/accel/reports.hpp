// SCALE-Sim-style reports of a NetworkResult (COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv,
// DETAILED_ACCESS_REPORT.csv with SCALE-Sim v2's exact headers and number formatting), our per-layer report
// that also covers the vector unit and energy, and the JSON form of a result. Text builders plus one
// function that writes the files; nothing is printed.
#pragma once

#include "models/core/result.hpp"
#include "sim/accel/accel_sim.hpp"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <string>

namespace mlsys::sim::accel {

// Python's repr() of a float ("62.5", "100.0", "45.00000000000001", "1e-05"), so our CSVs match SCALE-Sim's
// byte for byte.
std::string python_float_repr(double x);

// One row per GEMM instance (a depthwise layer contributes one row per channel, as SCALE-Sim's "DP" rows
// do); layers on the vector unit are not in these three reports.
std::string compute_report_csv(const NetworkResult& net);
std::string bandwidth_report_csv(const NetworkResult& net);
std::string detailed_access_report_csv(const NetworkResult& net);
// Every layer, including vector-unit layers: cycles, stalls, utilization, traffic, energy (pJ).
std::string layer_report_csv(const NetworkResult& net);

// Writes the four CSVs into dir (created if needed), each atomically. Errors name the file.
core::Status write_reports(const NetworkResult& net, const std::filesystem::path& dir);

// {"workload", "config", "options", "totals": {...}, "layers": [...]}.
nlohmann::json to_json(const NetworkResult& net);
nlohmann::json layer_json(const LayerResult& layer);

}  // namespace mlsys::sim::accel
