// FaultSpec parsing and validation (see fault_spec.hpp).
#include "faults/flips/fault_spec.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace mlsys::faults {

const char* to_string(FaultKind k) {
    switch (k) {
    case FaultKind::BitFlip: return "bitflip";
    case FaultKind::StuckAt0: return "stuck0";
    case FaultKind::StuckAt1: return "stuck1";
    case FaultKind::Intermittent: return "intermittent";
    }
    return "?";
}

core::Result<FaultKind> parse_fault_kind(const std::string& s) {
    for (FaultKind k : {FaultKind::BitFlip, FaultKind::StuckAt0, FaultKind::StuckAt1, FaultKind::Intermittent})
        if (s == to_string(k)) return k;
    return core::fail("unknown fault \"" + s + "\" (expected bitflip, stuck0, stuck1 or intermittent)");
}

const char* to_string(TargetKind k) {
    switch (k) {
    case TargetKind::Weights: return "weights";
    case TargetKind::Activations: return "activations";
    case TargetKind::Buffer: return "buffer";
    case TargetKind::Pe: return "pe";
    case TargetKind::Gradients: return "gradients";
    }
    return "?";
}

const char* to_string(BufferKind k) {
    switch (k) {
    case BufferKind::Ifmap: return "ifmap";
    case BufferKind::Filter: return "filter";
    case BufferKind::Ofmap: return "ofmap";
    }
    return "?";
}

const char* to_string(Protection p) {
    switch (p) {
    case Protection::None: return "none";
    case Protection::Parity: return "parity";
    case Protection::Ecc: return "ecc";
    case Protection::Range: return "range";
    case Protection::Tmr: return "tmr";
    case Protection::Abft: return "abft";
    }
    return "?";
}

core::Result<Protection> parse_protection(const std::string& s) {
    for (Protection p : {Protection::None, Protection::Parity, Protection::Ecc, Protection::Range, Protection::Tmr,
                         Protection::Abft})
        if (s == to_string(p)) return p;
    return core::fail("unknown protection \"" + s + "\" (expected none, parity, ecc, range, tmr or abft)");
}

namespace {
bool parse_int(const std::string& s, int& out) {
    if (s.empty()) return false;
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (*end != '\0' || v < 0 || v > 1000000) return false;
    out = static_cast<int>(v);
    return true;
}
}  // namespace

core::Result<FaultTarget> parse_fault_target(const std::string& s) {
    FaultTarget t;
    const auto colon = s.find(':');
    const std::string head = s.substr(0, colon);
    const std::string rest = colon == std::string::npos ? "" : s.substr(colon + 1);
    const std::string usage = " (expected weights[:LAYER], activations:LAYER, buffer:ifmap|filter|ofmap[:LAYER], "
                              "pe:R,C or gradients)";
    if (head == "weights" || head == "gradients") {
        t.kind = head == "weights" ? TargetKind::Weights : TargetKind::Gradients;
        t.layer_name = rest;
    } else if (head == "activations") {
        t.kind = TargetKind::Activations;
        if (rest.empty()) return core::fail("target \"" + s + "\": activations need a layer, e.g. activations:conv2d_1");
        t.layer_name = rest;
    } else if (head == "buffer") {
        t.kind = TargetKind::Buffer;
        const auto c2 = rest.find(':');
        const std::string which = rest.substr(0, c2);
        if (which == "ifmap") t.buffer = BufferKind::Ifmap;
        else if (which == "filter") t.buffer = BufferKind::Filter;
        else if (which == "ofmap") t.buffer = BufferKind::Ofmap;
        else return core::fail("target \"" + s + "\": unknown buffer \"" + which + "\" (expected ifmap, filter or ofmap)");
        t.layer_name = c2 == std::string::npos ? "" : rest.substr(c2 + 1);
    } else if (head == "pe") {
        t.kind = TargetKind::Pe;
        const auto comma = rest.find(',');
        if (comma == std::string::npos || !parse_int(rest.substr(0, comma), t.pe_row) ||
            !parse_int(rest.substr(comma + 1), t.pe_col))
            return core::fail("target \"" + s + "\": a PE is written pe:ROW,COL with non-negative integers, e.g. pe:2,3");
    } else {
        return core::fail("unknown target \"" + s + "\"" + usage);
    }
    return t;
}

std::string to_string(const FaultTarget& t) {
    std::string s = to_string(t.kind);
    switch (t.kind) {
    case TargetKind::Pe: return s + ":" + std::to_string(t.pe_row) + "," + std::to_string(t.pe_col);
    case TargetKind::Buffer: s += std::string(":") + to_string(t.buffer); break;
    case TargetKind::Weights:
    case TargetKind::Activations:
    case TargetKind::Gradients: break;
    }
    if (!t.layer_name.empty()) s += ":" + t.layer_name;
    return s;
}

nlohmann::json to_json(const FaultSpec& s) {
    nlohmann::json sites = nlohmann::json::array();
    for (const auto& site : s.sites) sites.push_back({{"index", site.index}, {"bit", site.bit}});
    return {{"fault", to_string(s.kind)},
            {"target", to_string(s.target)},
            {"precision", to_string(s.precision)},
            {"ber", s.ber},
            {"n_faults", s.n_faults},
            {"bits", s.bits},
            {"sites", sites},
            {"intermittent_p", s.intermittent_p},
            {"burst_length", s.burst_length},
            {"dataflow", sim::accel::to_string(s.dataflow)},
            {"array_rows", s.array_rows},
            {"array_cols", s.array_cols},
            {"pe_bit", s.pe_bit},
            {"buffer_words", s.buffer_words},
            {"protection", to_string(s.protection)},
            {"protected_layers", s.protected_layers}};
}

core::Status validate(const FaultSpec& s) {
    if (!(s.ber >= 0 && s.ber <= 1)) return core::fail("ber must be in [0, 1], got " + std::to_string(s.ber));
    if (s.n_faults < 0) return core::fail("n_faults must be >= 0");
    const int wbits = bits_per_word(s.precision);
    for (int b : s.bits)
        if (b < 0 || b >= wbits)
            return core::fail("bits: bit " + std::to_string(b) + " is outside a " + std::to_string(wbits) +
                              "-bit " + to_string(s.precision) + " word");
    for (const auto& site : s.sites)
        if (site.bit < 0 || site.bit >= wbits || site.index < 0)
            return core::fail("sites: bit " + std::to_string(site.bit) + " of element " + std::to_string(site.index) +
                              " is not a valid site");
    if (!(s.intermittent_p >= 0 && s.intermittent_p <= 1)) return core::fail("intermittent_p must be in [0, 1]");
    if (s.burst_length < 1) return core::fail("burst_length must be >= 1");
    if (s.array_rows < 1 || s.array_cols < 1) return core::fail("the array needs at least 1 x 1 PEs");
    if (s.target.kind == TargetKind::Pe) {
        if (s.target.pe_row >= s.array_rows || s.target.pe_col >= s.array_cols)
            return core::fail("target pe:" + std::to_string(s.target.pe_row) + "," + std::to_string(s.target.pe_col) +
                              " is outside the " + std::to_string(s.array_rows) + "x" + std::to_string(s.array_cols) +
                              " array");
        if (s.pe_bit < 0 || s.pe_bit > 31) return core::fail("pe_bit must be in 0..31");
        if (s.protection == Protection::Ecc || s.protection == Protection::Parity)
            return core::fail(std::string("protection ") + to_string(s.protection) +
                              " guards memory; a PE fault is a compute fault (use tmr, abft or range)");
    }
    if (s.precision == Precision::PyTorchFI &&
        (s.protection == Protection::Ecc || s.protection == Protection::Parity))
        return core::fail("the pytorchfi model flips a value, not a stored word: ecc and parity do not apply");
    if (s.precision == Precision::PyTorchFI && s.kind != FaultKind::BitFlip)
        return core::fail("the pytorchfi model is a single-bit flip: use --fault bitflip");
    if (s.target.kind == TargetKind::Gradients && s.protection != Protection::None)
        return core::fail("protections apply to inference; gradients take --protect none");
    return core::Status::success();
}

core::Result<std::vector<double>> parse_ber_range(const std::string& s, int per_decade) {
    auto parse_one = [&](const std::string& t, double& out) -> bool {
        char* end = nullptr;
        out = std::strtod(t.c_str(), &end);
        return !t.empty() && *end == '\0' && out >= 0 && out <= 1;
    };
    const auto colon = s.find(':');
    double lo = 0, hi = 0;
    if (colon == std::string::npos) {
        if (!parse_one(s, lo)) return core::fail("--ber \"" + s + "\": expected a rate in [0, 1] or LO:HI, e.g. 1e-7:1e-2");
        return std::vector<double>{lo};
    }
    if (!parse_one(s.substr(0, colon), lo) || !parse_one(s.substr(colon + 1), hi) || lo <= 0 || hi < lo)
        return core::fail("--ber \"" + s + "\": expected LO:HI with 0 < LO <= HI <= 1, e.g. 1e-7:1e-2");
    std::vector<double> out;
    const double decades = std::log10(hi / lo);
    const int n = std::max(1, static_cast<int>(std::lround(decades * per_decade)));
    for (int i = 0; i <= n; ++i) out.push_back(lo * std::pow(hi / lo, double(i) / n));
    if (n == 0 || lo == hi) out = {lo};
    return out;
}

core::Result<std::vector<int>> parse_bits(const std::string& s) {
    std::vector<int> out;
    size_t pos = 0;
    while (pos <= s.size()) {
        const auto comma = s.find(',', pos);
        const std::string part = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        const auto dash = part.find('-');
        int a = 0, b = 0;
        if (dash == std::string::npos ? !parse_int(part, a) : (!parse_int(part.substr(0, dash), a) ||
                                                               !parse_int(part.substr(dash + 1), b)))
            return core::fail("--bits \"" + s + "\": expected positions like 30, 23-30 or 0-22,31");
        if (dash == std::string::npos) b = a;
        if (b < a || b > 31) return core::fail("--bits \"" + s + "\": range " + part + " is not within 0-31");
        for (int i = a; i <= b; ++i) out.push_back(i);
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace mlsys::faults
