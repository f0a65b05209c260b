// SCALE-Sim .cfg reader and writer (Python configparser rules: [sections], "key = value" or "key: value",
// case-insensitive keys, '#'/';' comment lines). Values are validated here with line-numbered messages.
#include "sim/accel/scalesim_files.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

namespace mlsys::sim::accel {
namespace {

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

std::string lower(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

struct Entry {
    std::string value;
    int line = 0;
};
using Section = std::map<std::string, Entry>;

struct Ini {
    std::map<std::string, Section> sections;
    std::map<std::string, int> section_lines;
};

core::Result<Ini> parse_ini(const std::string& text, const std::string& src) {
    Ini ini;
    std::istringstream in(text);
    std::string raw, section;
    int line_no = 0;
    while (std::getline(in, raw)) {
        ++line_no;
        const std::string line = trim(raw);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        const std::string at = src + ":" + std::to_string(line_no) + ": ";
        if (line[0] == '[') {
            if (line.back() != ']') return core::fail(at + "a section header must end with ']', got '" + line + "'");
            section = lower(trim(line.substr(1, line.size() - 2)));
            if (ini.section_lines.count(section))
                return core::fail(at + "section [" + section + "] appears twice (first at line " +
                                  std::to_string(ini.section_lines[section]) + ")");
            ini.section_lines[section] = line_no;
            ini.sections[section];
            continue;
        }
        const size_t eq = line.find_first_of("=:");
        if (eq == std::string::npos) return core::fail(at + "expected 'key = value' or '[section]', got '" + line + "'");
        const std::string key = lower(trim(line.substr(0, eq)));
        if (key.empty()) return core::fail(at + "a key is missing before '" + line.substr(eq, 1) + "'");
        if (section.empty()) return core::fail(at + "key '" + key + "' comes before any [section]");
        Section& sec = ini.sections[section];
        if (auto it = sec.find(key); it != sec.end())
            return core::fail(at + "duplicate key '" + key + "' in [" + section + "] (first at line " +
                              std::to_string(it->second.line) + ")");
        sec[key] = {trim(line.substr(eq + 1)), line_no};
    }
    return ini;
}

struct Reader {
    const Ini& ini;
    const std::string& src;

    const Entry* find(const std::string& section, const std::string& key) const {
        auto s = ini.sections.find(section);
        if (s == ini.sections.end()) return nullptr;
        auto k = s->second.find(lower(key));
        return k == s->second.end() ? nullptr : &k->second;
    }
    core::Result<const Entry*> need(const std::string& section, const std::string& key) const {
        const Entry* e = find(section, key);
        if (!e) {
            if (!ini.sections.count(section)) return core::fail(src + ": missing section [" + section + "] (needed for " + key + ")");
            return core::fail(src + ": [" + section + "] is missing " + key);
        }
        return e;
    }
    std::string at(const Entry& e) const { return src + ":" + std::to_string(e.line) + ": "; }
    core::Result<int64_t> integer(const std::string& key, const Entry& e, int64_t min_value) const {
        int64_t v = 0;
        const std::string& s = e.value;
        const char* b = s.data();
        const char* end = b + s.size();
        if (b != end && *b == '+') ++b;
        auto r = std::from_chars(b, end, v);
        const std::string rule = min_value > 0 ? "a positive integer" : "a non-negative integer";
        if (s.empty() || r.ec != std::errc() || r.ptr != end || v < min_value)
            return core::fail(at(e) + key + " must be " + rule + ", got '" + s + "'");
        return v;
    }
};

}  // namespace

core::Result<ParsedConfig> parse_scalesim_config(const std::string& text, const std::string& src) {
    auto ini_r = parse_ini(text, src);
    if (!ini_r) return core::fail(ini_r.error());
    const Ini& ini = *ini_r;
    Reader rd{ini, src};
    ParsedConfig out;
    AccelConfig& c = out.config;

    auto run_name = rd.need("general", "run_name");
    if (!run_name) return core::fail(run_name.error());
    c.run_name = (*run_name)->value;

    auto mode = rd.need("run_presets", "InterfaceBandwidth");
    if (!mode) return core::fail(mode.error());
    const std::string m = (*mode)->value;
    if (m == "CALC") c.bandwidth_mode = BandwidthMode::Calc;
    else if (m == "USER") c.bandwidth_mode = BandwidthMode::User;
    else return core::fail(rd.at(**mode) + "InterfaceBandwidth must be CALC or USER, got '" + m + "'");

    const std::string arch = "architecture_presets";
    struct IntKey {
        const char* key;
        int64_t* target;
        int64_t min_value;
    };
    int64_t rows = 0, cols = 0;
    const IntKey ints[] = {{"ArrayHeight", &rows, 1},
                           {"ArrayWidth", &cols, 1},
                           {"IfmapSramSzkB", &c.ifmap_sram_kib, 1},
                           {"FilterSramSzkB", &c.filter_sram_kib, 1},
                           {"OfmapSramSzkB", &c.ofmap_sram_kib, 1},
                           {"IfmapOffset", &c.ifmap_offset, 0},
                           {"FilterOffset", &c.filter_offset, 0},
                           {"OfmapOffset", &c.ofmap_offset, 0}};
    for (const IntKey& k : ints) {
        auto e = rd.need(arch, k.key);
        if (!e) return core::fail(e.error());
        auto v = rd.integer(k.key, **e, k.min_value);
        if (!v) return core::fail(v.error());
        *k.target = *v;
    }
    for (auto [key, v] : {std::pair{"ArrayHeight", rows}, std::pair{"ArrayWidth", cols}})
        if (v > 4096) return core::fail(rd.at(*rd.find(arch, key)) + key + " must be at most 4096, got " + std::to_string(v));
    c.array_rows = int(rows);
    c.array_cols = int(cols);

    auto df = rd.need(arch, "Dataflow");
    if (!df) return core::fail(df.error());
    auto dfv = parse_dataflow((*df)->value);
    if (!dfv) return core::fail(rd.at(**df) + "Dataflow must be os, ws or is, got '" + (*df)->value + "'");
    c.dataflow = *dfv;

    int64_t banks = 1;
    if (const Entry* e = rd.find(arch, "MemoryBanks")) {
        auto v = rd.integer("MemoryBanks", *e, 1);
        if (!v) return core::fail(v.error());
        if (*v != 1) return core::fail(rd.at(*e) + "MemoryBanks must be 1 (multi-bank memory maps are not modelled), got " + e->value);
        banks = *v;
    }
    c.memory_banks = int(banks);

    if (const Entry* e = rd.find(arch, "Bandwidth")) {
        // A comma-separated list, one per bank; SCALE-Sim reads integers, we also take decimals.
        const std::string first = trim(e->value.substr(0, e->value.find(',')));
        double bw = 0;
        auto r = std::from_chars(first.data(), first.data() + first.size(), bw);
        if (first.empty() || r.ec != std::errc() || r.ptr != first.data() + first.size() || !(bw > 0) || !std::isfinite(bw))
            return core::fail(rd.at(*e) + "Bandwidth must be a positive number of words per cycle, got '" + e->value + "'");
        c.dram_words_per_cycle = bw;
    } else if (c.bandwidth_mode == BandwidthMode::User) {
        return core::fail(src + ": [" + arch + "] is missing Bandwidth (required with InterfaceBandwidth: USER)");
    }

    if (const Entry* e = rd.find("mlsys", "WordBytes")) {
        auto v = rd.integer("WordBytes", *e, 1);
        if (!v) return core::fail(v.error());
        if (*v != 1 && *v != 2 && *v != 4) return core::fail(rd.at(*e) + "WordBytes must be 1, 2 or 4, got " + e->value);
        c.word_bytes = int(*v);
    }
    if (const Entry* e = rd.find("mlsys", "ClockHz")) {
        double hz = 0;
        auto r = std::from_chars(e->value.data(), e->value.data() + e->value.size(), hz);
        if (r.ec != std::errc() || r.ptr != e->value.data() + e->value.size() || !(hz > 0) || !std::isfinite(hz))
            return core::fail(rd.at(*e) + "ClockHz must be a positive number, got '" + e->value + "'");
        c.clock_hz = hz;
    }

    // Everything else SCALE-Sim or its forks may carry is read but not modelled: say so once per key.
    const std::map<std::string, std::vector<std::string>> known = {
        {"general", {"run_name"}},
        {"run_presets", {"interfacebandwidth"}},
        {arch, {"arrayheight", "arraywidth", "ifmapsramszkb", "filtersramszkb", "ofmapsramszkb", "ifmapoffset",
                "filteroffset", "ofmapoffset", "dataflow", "memorybanks", "bandwidth"}},
        {"mlsys", {"wordbytes", "clockhz"}}};
    for (const auto& [name, sec] : ini.sections) {
        auto k = known.find(name);
        if (k == known.end()) {
            out.warnings.push_back(src + ":" + std::to_string(ini.section_lines.at(name)) + ": section [" + name +
                                   "] is not used (give the topology with --topology)");
            continue;
        }
        for (const auto& [key, e] : sec)
            if (std::find(k->second.begin(), k->second.end(), key) == k->second.end())
                out.warnings.push_back(src + ":" + std::to_string(e.line) + ": " + key + " is not modelled; ignored");
    }
    return out;
}

std::string write_scalesim_config(const AccelConfig& c) {
    std::ostringstream o;
    o << "[general]\nrun_name = " << c.run_name << "\n\n[architecture_presets]\n"
      << "ArrayHeight:    " << c.array_rows << "\nArrayWidth:     " << c.array_cols << "\n"
      << "IfmapSramSzkB:  " << c.ifmap_sram_kib << "\nFilterSramSzkB: " << c.filter_sram_kib << "\n"
      << "OfmapSramSzkB:  " << c.ofmap_sram_kib << "\nIfmapOffset:    " << c.ifmap_offset << "\n"
      << "FilterOffset:   " << c.filter_offset << "\nOfmapOffset:    " << c.ofmap_offset << "\n";
    // SCALE-Sim reads Bandwidth with int(); keep it integral when it is.
    const double bw = c.dram_words_per_cycle;
    if (bw == std::floor(bw)) o << "Bandwidth : " << int64_t(bw) << "\n";
    else o << "Bandwidth : " << bw << "\n";
    o << "Dataflow : " << to_string(c.dataflow) << "\nMemoryBanks:   " << c.memory_banks << "\n\n"
      << "[run_presets]\nInterfaceBandwidth: " << to_string(c.bandwidth_mode) << "\n\n"
      << "[mlsys]\nWordBytes = " << c.word_bytes << "\nClockHz = " << c.clock_hz << "\n";
    return o.str();
}

}  // namespace mlsys::sim::accel
