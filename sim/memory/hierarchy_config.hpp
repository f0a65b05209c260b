// The memory hierarchy as data: cache or scratchpad levels (innermost first) over a main memory, plus the
// compute energy per MAC. Plain structs, a pure JSON parser ({"format": "mlsys-hierarchy", "version": 1})
// whose errors name the field, and the cachegrind-style "SIZE,ASSOC,LINE[,POLICY]" level syntax.
#pragma once

#include "models/core/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mlsys::sim {

enum class Replacement { Lru, Fifo, Random };
const char* to_string(Replacement r);

struct LevelConfig {
    std::string name = "L1";
    // A software-managed scratchpad (TCM, a unified buffer): no tags and no misses; the loop nest stages data
    // in and out by DMA from the next level. Only levels[0] may be one. line_bytes is then its port width (a
    // DMA beat; each beat moved in or out costs one write or read access); ways is unused (kept so the
    // level can be switched back to a cache).
    bool is_scratchpad = false;
    int64_t size_bytes = 32768;
    int line_bytes = 64;
    int ways = 8;                     // 1 = direct-mapped; size / line = fully associative
    Replacement replacement = Replacement::Lru;
    uint64_t seed = 1;                // Random replacement
    bool write_back = true;           // false: write-through
    bool write_allocate = true;
    double hit_latency_cycles = 4;
    double bandwidth_bytes_per_cycle = 64;
    double read_energy_pj = 10;       // per access
    double write_energy_pj = 10;
    int64_t n_sets() const { return size_bytes / (int64_t(line_bytes) * ways); }
};

struct MainMemoryConfig {
    std::string name = "DRAM";
    std::string kind = "dram";        // dram, lpddr, hbm, flash
    double latency_cycles = 200;
    double bandwidth_bytes_per_cycle = 16;
    double energy_pj_per_byte = 20;   // read or write
};

struct HierarchyConfig {
    std::string name = "custom";
    std::string description;
    double clock_hz = 1e9;
    std::vector<LevelConfig> levels;  // innermost first; none: every access goes to main memory (an MCU without cache)
    MainMemoryConfig main;
    // Compute energy per multiply-accumulate by precision (Horowitz, ISSCC 2014, 45 nm).
    double mac_energy_pj_fp32 = 4.6;  // 3.7 pJ multiply + 0.9 pJ add
    double mac_energy_pj_fp16 = 1.5;  // 1.1 + 0.4
    double mac_energy_pj_int8 = 0.23; // 0.2 + 0.03
    // Peak compute for the roofline, multiply-accumulates per cycle by precision (0: as fp32).
    double peak_macs_per_cycle = 1;
    double peak_macs_per_cycle_fp16 = 0;
    double peak_macs_per_cycle_int8 = 0;
    std::map<std::string, std::string> sources;

    double mac_energy_pj(int bytes_per_element) const;       // 4: fp32, 2: fp16, 1: int8
    double peak_macs_per_cycle_for(int bytes_per_element) const;
};

// Parses and validates; errors name the field ("levels[0].size_bytes must be a multiple of line_bytes ×
// ways (512), got 1000").
core::Result<HierarchyConfig> parse_hierarchy(const nlohmann::json& j);
core::Result<HierarchyConfig> load_hierarchy(const std::filesystem::path& path);
nlohmann::json to_json(const HierarchyConfig& c);
// Checks geometry and ordering of an already-built config (used by the parser and the --level syntax).
core::Status validate_hierarchy(const HierarchyConfig& c);

// One level from cachegrind's syntax "SIZE,ASSOC,LINE[,POLICY]" (e.g. "32768,8,64,lru").
core::Result<LevelConfig> parse_level_spec(const std::string& spec, const std::string& name);

// Presets in assets/memory/<name>.json ("gpu-hbm", "mobile-lpddr", "rpi4", "cortex-m7", "cortex-m7-dtcm", "tpu-v1", "esp32s3",
// "atmega328p"), or a path to a JSON file.
std::vector<std::string> hierarchy_preset_names();
core::Result<HierarchyConfig> load_hierarchy_preset(const std::string& name_or_path);

}  // namespace mlsys::sim
