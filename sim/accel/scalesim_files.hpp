// SCALE-Sim v2's input files: the .cfg architecture file and the topology CSVs (conv form and GEMM form),
// read into AccelConfig and models::Workload, and written back from them. Pure text in, text out: the
// caller reads and writes the files. Errors name the file, line, key and value.
#pragma once

#include "models/core/result.hpp"
#include "models/workload/workload.hpp"
#include "sim/accel/accel_config.hpp"

#include <string>
#include <vector>

namespace mlsys::sim::accel {

struct ParsedConfig {
    AccelConfig config;
    std::vector<std::string> warnings;  // keys we read but do not model, unknown sections
};

// Parses a SCALE-Sim .cfg (INI: [general] run_name; [architecture_presets] ArrayHeight, ArrayWidth,
// IfmapSramSzkB, FilterSramSzkB, OfmapSramSzkB, IfmapOffset, FilterOffset, OfmapOffset, Dataflow,
// MemoryBanks, Bandwidth; [run_presets] InterfaceBandwidth CALC|USER). Keys are case-insensitive and take
// '=' or ':' like Python's configparser. An optional [mlsys] section adds WordBytes and ClockHz.
// `source` names the file in messages ("google.cfg:7: ArrayHeight must be a positive integer, got 'x'").
core::Result<ParsedConfig> parse_scalesim_config(const std::string& text, const std::string& source);

// The config as a SCALE-Sim .cfg that SCALE-Sim v2 itself can read (plus the [mlsys] section).
std::string write_scalesim_config(const AccelConfig& config);

enum class TopologyForm {
    Auto,  // GEMM form when the header's second column is "M", else conv form
    Conv,  // Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
    Gemm,  // Layer Name, M, N, K,
};

struct ParsedTopology {
    models::Workload workload;
    TopologyForm form = TopologyForm::Conv;
    std::vector<std::string> warnings;  // e.g. a row without SCALE-Sim's trailing comma
};

// Parses a topology CSV the way SCALE-Sim v2 does (first line is the header; blank lines skipped; a row
// whose name contains "DP" is a depthwise convolution, one GEMM per channel; output size
// ceil((H - R + S) / S), no padding; GEMM rows become an M x K ifmap and a K x N filter). Unlike SCALE-Sim it
// keeps the last field of a row without the trailing comma (and warns), and rejects missing fields,
// non-numeric or non-positive values, zero strides and filters larger than their input with
// "<source>:<line>: ..." messages. `name` becomes the workload name.
core::Result<ParsedTopology> parse_scalesim_topology(const std::string& text, const std::string& source,
                                                     const std::string& name, TopologyForm form = TopologyForm::Auto);

// Writes the array layers of a workload as a conv-form topology SCALE-Sim reads into the same GEMMs (padded
// inputs are written at their padded size; dense and GEMM layers as 1 x 1 convolutions over an M x K ifmap;
// depthwise rows named "...DP..."). Layers that run on the vector unit are left out. batch scales M.
std::string write_scalesim_topology(const models::Workload& workload, int batch = 1);

}  // namespace mlsys::sim::accel
