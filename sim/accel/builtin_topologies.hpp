// The built-in topologies shipped in assets/topologies/ (SCALE-Sim CSVs of published networks) and the
// loader that resolves "resnet50" or a CSV path to a Workload. Reads files; never writes.
#pragma once

#include "models/core/result.hpp"
#include "sim/accel/scalesim_files.hpp"

#include <string>
#include <vector>

namespace mlsys::sim::accel {

struct BuiltinTopology {
    std::string name;         // "resnet50"
    std::string file;         // "resnet50.csv" under assets/topologies/
    std::string description;  // "ResNet-50 (He et al., CVPR 2016), 54 conv/FC layers"
};
const std::vector<BuiltinTopology>& builtin_topologies();

// The built-in with this name (case, '-' and '_' ignored: "ResNet-50" works), or one of the app's model
// presets (models::preset_names(): "mlp", "cnn", ...) with its vector-unit layers; the error lists the names.
core::Result<ParsedTopology> load_builtin_topology(const std::string& name);

// A built-in name or the path of a topology CSV (form auto-detected unless given).
core::Result<ParsedTopology> load_topology(const std::string& name_or_path, TopologyForm form = TopologyForm::Auto);

}  // namespace mlsys::sim::accel
