// What each protection costs on a given network and array: extra memory (bytes and share of the weight
// memory), extra arithmetic (share of the network's MACs), and extra latency on the systolic array (cycles
// from sim/accel's fold plans). The accuracy each one recovers comes from a campaign; this is the price tag.
#pragma once

#include "faults/flips/fault_spec.hpp"
#include "models/workload/workload.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace mlsys::faults {

struct ProtectionCost {
    Protection protection = Protection::None;
    int64_t extra_memory_bytes = 0;
    double memory_overhead = 0;   // extra bytes / weight-memory bytes
    int64_t extra_macs = 0;       // per sample (range checks count one compare pair per activation as ops)
    double compute_overhead = 0;  // extra operations / network MACs
    int64_t base_cycles = 0;      // systolic-array cycles of one inference (batch 1), matrix layers only
    int64_t extra_cycles = 0;
    double latency_overhead = 0;  // extra cycles / base cycles
    std::string what;             // one line: what it protects and how
};
nlohmann::json to_json(const ProtectionCost& c);

// The cost of `p` on the workload with the spec's precision, array and dataflow, covering
// spec.protected_layers (empty: every eligible layer).
ProtectionCost protection_cost(const models::Workload& w, const FaultSpec& spec, Protection p);
// Every protection, none first.
std::vector<ProtectionCost> protection_costs(const models::Workload& w, const FaultSpec& spec);

}  // namespace mlsys::faults
