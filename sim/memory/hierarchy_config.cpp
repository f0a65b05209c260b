// Hierarchy parsing and validation.
#include "sim/memory/hierarchy_config.hpp"

#include "models/core/files.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace mlsys::sim {

using core::fail;
using nlohmann::json;

const char* to_string(Replacement r) {
    switch (r) {
    case Replacement::Lru: return "lru";
    case Replacement::Fifo: return "fifo";
    case Replacement::Random: return "random";
    }
    return "?";
}

namespace {

core::Result<Replacement> parse_replacement(const std::string& s, const std::string& where) {
    if (s == "lru") return Replacement::Lru;
    if (s == "fifo") return Replacement::Fifo;
    if (s == "random") return Replacement::Random;
    return fail(where + ": must be lru, fifo or random, got \"" + s + "\"");
}

template <class T>
core::Status num(const json& o, const char* key, T& out, const std::string& where, bool positive) {
    if (!o.contains(key)) return core::Status::success();
    const json& v = o[key];
    if (!v.is_number() || v.get<double>() < 0 || (positive && v.get<double>() <= 0))
        return fail(where + "." + key + ": must be a " + (positive ? "positive" : "non-negative") + " number, got " + v.dump());
    out = v.get<T>();
    return core::Status::success();
}

bool is_power_of_two(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

}  // namespace

double HierarchyConfig::mac_energy_pj(int bytes_per_element) const {
    return bytes_per_element >= 4 ? mac_energy_pj_fp32 : bytes_per_element == 2 ? mac_energy_pj_fp16 : mac_energy_pj_int8;
}

double HierarchyConfig::peak_macs_per_cycle_for(int bytes_per_element) const {
    const double p = bytes_per_element >= 4 ? peak_macs_per_cycle
                     : bytes_per_element == 2 ? peak_macs_per_cycle_fp16
                                              : peak_macs_per_cycle_int8;
    return p > 0 ? p : peak_macs_per_cycle;
}

core::Status validate_hierarchy(const HierarchyConfig& c) {
    for (size_t i = 0; i < c.levels.size(); ++i) {
        const auto& l = c.levels[i];
        const std::string w = "levels[" + std::to_string(i) + "]";
        if (l.size_bytes <= 0) return fail(w + ".size_bytes must be positive");
        if (l.is_scratchpad && i > 0)
            return fail(w + ".kind: a scratchpad must be the innermost level (levels[0]); the processor addresses it "
                            "directly and stages data by DMA from the levels below");
        if (!is_power_of_two(l.line_bytes)) return fail(w + ".line_bytes must be a power of two, got " + std::to_string(l.line_bytes));
        if (l.is_scratchpad) {
            if (l.size_bytes % l.line_bytes != 0)
                return fail(w + ".size_bytes must be a multiple of line_bytes (the scratchpad's port width, " +
                            std::to_string(l.line_bytes) + "), got " + std::to_string(l.size_bytes));
        } else {
            if (l.ways < 1) return fail(w + ".ways must be at least 1, got " + std::to_string(l.ways));
            const int64_t unit = int64_t(l.line_bytes) * l.ways;
            if (l.size_bytes % unit != 0)
                return fail(w + ".size_bytes must be a multiple of line_bytes × ways (" + std::to_string(unit) + "), got " +
                            std::to_string(l.size_bytes));
            if (!is_power_of_two(l.n_sets()))
                return fail(w + ".size_bytes / (line_bytes × ways) must be a power of two (the set count), got " +
                            std::to_string(l.n_sets()));
        }
        if (l.bandwidth_bytes_per_cycle <= 0) return fail(w + ".bandwidth_bytes_per_cycle must be positive (a level that moves no data)");
        if (i > 0 && l.size_bytes <= c.levels[i - 1].size_bytes)
            return fail(w + ".size_bytes (" + std::to_string(l.size_bytes) + ") must be larger than levels[" +
                        std::to_string(i - 1) + "].size_bytes (" + std::to_string(c.levels[i - 1].size_bytes) + ")");
        if (i > 0 && !c.levels[i - 1].is_scratchpad && l.line_bytes < c.levels[i - 1].line_bytes)
            return fail(w + ".line_bytes must not be smaller than the level inside it");
    }
    if (c.main.bandwidth_bytes_per_cycle <= 0) return fail("main.bandwidth_bytes_per_cycle must be positive (zero bandwidth)");
    if (c.clock_hz <= 0) return fail("clock_hz must be positive");
    return core::Status::success();
}

core::Result<HierarchyConfig> parse_hierarchy(const json& j) {
    if (!j.is_object()) return fail("a hierarchy must be a JSON object");
    if (!j.contains("format") || j["format"] != "mlsys-hierarchy")
        return fail("format: expected \"mlsys-hierarchy\"");
    if (!j.contains("version") || j["version"] != 1) return fail("version: this build reads version 1");
    HierarchyConfig c;
    c.name = j.value("name", std::string("custom"));
    c.description = j.value("description", std::string());
    for (auto st : {num(j, "clock_hz", c.clock_hz, "", true), num(j, "mac_energy_pj_fp32", c.mac_energy_pj_fp32, "", false),
                    num(j, "mac_energy_pj_fp16", c.mac_energy_pj_fp16, "", false),
                    num(j, "mac_energy_pj_int8", c.mac_energy_pj_int8, "", false),
                    num(j, "peak_macs_per_cycle", c.peak_macs_per_cycle, "", true),
                    num(j, "peak_macs_per_cycle_fp16", c.peak_macs_per_cycle_fp16, "", false),
                    num(j, "peak_macs_per_cycle_int8", c.peak_macs_per_cycle_int8, "", false)})
        if (!st) return fail(st.error().substr(1));  // drop the leading '.' of a top-level key
    if (!j.contains("levels") || !j["levels"].is_array()) return fail("levels: must be an array (innermost first)");
    for (size_t i = 0; i < j["levels"].size(); ++i) {
        const json& o = j["levels"][i];
        const std::string w = "levels[" + std::to_string(i) + "]";
        if (!o.is_object()) return fail(w + ": must be an object");
        LevelConfig l;
        l.name = o.value("name", "L" + std::to_string(i + 1));
        const std::string kind = o.value("kind", std::string("cache"));
        if (kind != "cache" && kind != "scratchpad") return fail(w + ".kind: must be cache or scratchpad, got \"" + kind + "\"");
        l.is_scratchpad = kind == "scratchpad";
        if (o.contains("replacement")) {
            if (!o["replacement"].is_string()) return fail(w + ".replacement: must be a string");
            auto r = parse_replacement(o["replacement"].get<std::string>(), w + ".replacement");
            if (!r) return fail(r.error());
            l.replacement = *r;
        }
        if (o.contains("write_policy")) {
            const std::string p = o["write_policy"].is_string() ? o["write_policy"].get<std::string>() : "";
            if (p != "write-back" && p != "write-through")
                return fail(w + ".write_policy: must be write-back or write-through, got " + o["write_policy"].dump());
            l.write_back = p == "write-back";
        }
        if (o.contains("write_allocate")) {
            if (!o["write_allocate"].is_boolean()) return fail(w + ".write_allocate: must be true or false");
            l.write_allocate = o["write_allocate"].get<bool>();
        }
        for (auto st : {num(o, "size_bytes", l.size_bytes, w, true), num(o, "line_bytes", l.line_bytes, w, true),
                        num(o, "ways", l.ways, w, true), num(o, "seed", l.seed, w, false),
                        num(o, "hit_latency_cycles", l.hit_latency_cycles, w, false),
                        num(o, "bandwidth_bytes_per_cycle", l.bandwidth_bytes_per_cycle, w, false),
                        num(o, "read_energy_pj", l.read_energy_pj, w, false), num(o, "write_energy_pj", l.write_energy_pj, w, false)})
            if (!st) return fail(st.error());
        if (o.contains("bandwidth_bytes_per_cycle") && l.bandwidth_bytes_per_cycle == 0)
            return fail(w + ".bandwidth_bytes_per_cycle must be positive (a level that moves no data)");
        c.levels.push_back(l);
    }
    if (!j.contains("main") || !j["main"].is_object()) return fail("main: must be an object describing main memory");
    const json& m = j["main"];
    c.main.name = m.value("name", std::string("DRAM"));
    c.main.kind = m.value("kind", std::string("dram"));
    if (c.main.kind != "dram" && c.main.kind != "lpddr" && c.main.kind != "hbm" && c.main.kind != "flash" && c.main.kind != "sram")
        return fail("main.kind: must be dram, lpddr, hbm, flash or sram, got \"" + c.main.kind + "\"");
    for (auto st : {num(m, "latency_cycles", c.main.latency_cycles, "main", false),
                    num(m, "bandwidth_bytes_per_cycle", c.main.bandwidth_bytes_per_cycle, "main", false),
                    num(m, "energy_pj_per_byte", c.main.energy_pj_per_byte, "main", false)})
        if (!st) return fail(st.error());
    if (j.contains("sources") && j["sources"].is_object())
        for (auto it = j["sources"].begin(); it != j["sources"].end(); ++it)
            c.sources[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
    if (auto st = validate_hierarchy(c); !st) return fail(st.error());
    return c;
}

core::Result<HierarchyConfig> load_hierarchy(const std::filesystem::path& path) {
    auto text = core::read_file(path);
    if (!text) return fail(text.error());
    json j = json::parse(*text, nullptr, false);
    if (j.is_discarded()) return fail(path.string() + ": not valid JSON");
    auto c = parse_hierarchy(j);
    if (!c) return fail(path.string() + ": " + c.error());
    return c;
}

json to_json(const HierarchyConfig& c) {
    json levels = json::array();
    for (const auto& l : c.levels)
        levels.push_back({{"name", l.name},
                          {"kind", l.is_scratchpad ? "scratchpad" : "cache"},
                          {"size_bytes", l.size_bytes},
                          {"line_bytes", l.line_bytes},
                          {"ways", l.ways},
                          {"replacement", to_string(l.replacement)},
                          {"seed", l.seed},
                          {"write_policy", l.write_back ? "write-back" : "write-through"},
                          {"write_allocate", l.write_allocate},
                          {"hit_latency_cycles", l.hit_latency_cycles},
                          {"bandwidth_bytes_per_cycle", l.bandwidth_bytes_per_cycle},
                          {"read_energy_pj", l.read_energy_pj},
                          {"write_energy_pj", l.write_energy_pj}});
    return json{{"format", "mlsys-hierarchy"},
                {"version", 1},
                {"name", c.name},
                {"description", c.description},
                {"clock_hz", c.clock_hz},
                {"levels", levels},
                {"main",
                 {{"name", c.main.name},
                  {"kind", c.main.kind},
                  {"latency_cycles", c.main.latency_cycles},
                  {"bandwidth_bytes_per_cycle", c.main.bandwidth_bytes_per_cycle},
                  {"energy_pj_per_byte", c.main.energy_pj_per_byte}}},
                {"mac_energy_pj_fp32", c.mac_energy_pj_fp32},
                {"mac_energy_pj_fp16", c.mac_energy_pj_fp16},
                {"mac_energy_pj_int8", c.mac_energy_pj_int8},
                {"peak_macs_per_cycle", c.peak_macs_per_cycle},
                {"peak_macs_per_cycle_fp16", c.peak_macs_per_cycle_fp16},
                {"peak_macs_per_cycle_int8", c.peak_macs_per_cycle_int8},
                {"sources", c.sources}};
}

core::Result<LevelConfig> parse_level_spec(const std::string& spec, const std::string& name) {
    std::vector<std::string> parts;
    std::stringstream ss(spec);
    std::string item;
    while (std::getline(ss, item, ',')) parts.push_back(item);
    if (parts.size() < 3 || parts.size() > 4)
        return fail("--level " + spec + ": expected SIZE,ASSOC,LINE[,POLICY] (e.g. 32768,8,64,lru)");
    LevelConfig l;
    l.name = name;
    try {
        size_t used = 0;
        l.size_bytes = std::stoll(parts[0], &used);
        if (used != parts[0].size()) throw std::invalid_argument("size");
        l.ways = std::stoi(parts[1], &used);
        if (used != parts[1].size()) throw std::invalid_argument("ways");
        l.line_bytes = std::stoi(parts[2], &used);
        if (used != parts[2].size()) throw std::invalid_argument("line");
    } catch (const std::exception&) {
        return fail("--level " + spec + ": SIZE, ASSOC and LINE must be integers");
    }
    if (parts.size() == 4) {
        auto r = parse_replacement(parts[3], "--level " + spec + ": POLICY");
        if (!r) return fail(r.error());
        l.replacement = *r;
    }
    return l;
}

std::vector<std::string> hierarchy_preset_names() {
    return {"gpu-hbm", "mobile-lpddr", "rpi4", "cortex-m7", "cortex-m7-dtcm", "tpu-v1", "esp32s3", "atmega328p"};
}

core::Result<HierarchyConfig> load_hierarchy_preset(const std::string& name_or_path) {
    for (const auto& n : hierarchy_preset_names())
        if (n == name_or_path) return load_hierarchy(core::assets_dir() / "memory" / (n + ".json"));
    std::error_code ec;
    if (std::filesystem::is_regular_file(name_or_path, ec)) return load_hierarchy(name_or_path);
    std::string names;
    for (const auto& n : hierarchy_preset_names()) names += (names.empty() ? "" : ", ") + n;
    return fail("unknown hierarchy \"" + name_or_path + "\": not a preset (" + names + ") and no such file");
}

}  // namespace mlsys::sim
