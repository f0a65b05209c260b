// Where the accelerator simulator's inputs come from, shared by `mlsyslab accel`, the Accelerator workspace
// and the labs: a topology ("resnet50", a SCALE-Sim CSV, a model preset, or "current" = a given model) and a
// hardware config (a SCALE-Sim .cfg file or built-in defaults) with command-line style overrides.
#pragma once

#include "models/core/result.hpp"
#include "models/workload/workload.hpp"
#include "sim/accel/accel_config.hpp"

#include <string>
#include <vector>

namespace mlsys::session {

struct AccelWorkload {
    models::Workload workload;
    std::string source;                 // "built-in resnet50", "file net.csv", "model cnn"
    std::vector<std::string> warnings;  // from the topology reader (e.g. a missing trailing comma)
};

// topology: a built-in name (sim::accel::builtin_topologies(), or a model preset), a CSV path, or
// "current" — the model of model_file (.mlsys) or else model (a preset or description JSON). Errors name
// the topology, file and line; "current" without a model says to give one.
core::Result<AccelWorkload> resolve_accel_workload(const std::string& topology, const std::string& model_file = "",
                                                   const std::string& model = "");

struct AccelConfigOverrides {
    std::string config_file;  // a SCALE-Sim .cfg ("" = AccelConfig's defaults)
    std::string dataflow;     // "os", "ws", "is" ("" = the config's)
    std::string array;        // "128x128" ("" = the config's)
    double bandwidth = 0;     // > 0: USER mode with this many words per cycle
    int word_bytes = 0;       // > 0: bytes per word
};

struct ResolvedAccelConfig {
    sim::accel::AccelConfig config;
    std::vector<std::string> warnings;
};

// The .cfg file (if any) with the overrides applied, validated; errors name the file/line or the option.
core::Result<ResolvedAccelConfig> resolve_accel_config(const AccelConfigOverrides& o);

}  // namespace mlsys::session
