// Profile parsing with field-named errors, and the built-in/user profile library.
#include "sim/deploy/profiles.hpp"

#include "models/core/files.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace mlsys::sim {

using core::fail;
using nlohmann::json;

const char* to_string(Precision p) {
    switch (p) {
    case Precision::Fp32: return "fp32";
    case Precision::Fp16: return "fp16";
    case Precision::Int8: return "int8";
    }
    return "?";
}

core::Result<Precision> parse_precision(const std::string& name) {
    if (name == "fp32") return Precision::Fp32;
    if (name == "fp16") return Precision::Fp16;
    if (name == "int8") return Precision::Int8;
    return fail("unknown precision \"" + name + "\" (choose fp32, fp16 or int8)");
}

int bytes_per_element(Precision p) {
    switch (p) {
    case Precision::Fp32: return 4;
    case Precision::Fp16: return 2;
    case Precision::Int8: return 1;
    }
    return 4;
}

const char* to_string(DeviceCategory c) {
    switch (c) {
    case DeviceCategory::Cloud: return "cloud";
    case DeviceCategory::Edge: return "edge";
    case DeviceCategory::Mobile: return "mobile";
    case DeviceCategory::Tiny: return "tiny";
    }
    return "?";
}

double DeviceProfile::peak_macs_per_s(Precision p) const {
    switch (p) {
    case Precision::Fp32: return peak_macs_per_s_fp32;
    case Precision::Fp16: return peak_macs_per_s_fp16 > 0 ? peak_macs_per_s_fp16 : peak_macs_per_s_fp32;
    case Precision::Int8: return peak_macs_per_s_int8 > 0 ? peak_macs_per_s_int8 : peak_macs_per_s_fp32;
    }
    return peak_macs_per_s_fp32;
}

double LinkProfile::transfer_s(double up, double down) const {
    if (!available()) return 0;
    const double raw = rtt_s + up / uplink_bytes_per_s + down / downlink_bytes_per_s;
    return raw / (1.0 - std::min(loss_rate, 0.5));
}

namespace {

// Reads a number field; `positive` refuses zero, otherwise zero is allowed; negatives are always refused.
core::Status number(const json& o, const char* key, double& out, const std::string& where, bool required, bool positive) {
    if (!o.contains(key)) {
        if (required) return fail(where + "." + key + ": missing");
        return core::Status::success();
    }
    const json& v = o[key];
    if (!v.is_number() || v.get<double>() < 0 || (positive && v.get<double>() <= 0))
        return fail(where + "." + key + ": must be a " + (positive ? "positive" : "non-negative") + " number, got " + v.dump());
    out = v.get<double>();
    return core::Status::success();
}

core::Status check_header(const json& j, const char* format, const char* list) {
    if (!j.is_object()) return fail("must be a JSON object");
    if (!j.contains("format") || j["format"] != format)
        return fail(std::string("format: expected \"") + format + "\"" + (j.contains("format") ? ", got " + j["format"].dump() : ""));
    if (!j.contains("version") || j["version"] != 1) return fail("version: this build reads version 1");
    if (!j.contains(list) || !j[list].is_array()) return fail(std::string(list) + ": must be an array");
    return core::Status::success();
}

core::Status strings(const json& o, const std::string& where, std::string& id, std::string& name,
                     std::map<std::string, std::string>& sources) {
    if (!o.contains("id") || !o["id"].is_string() || o["id"].get<std::string>().empty())
        return fail(where + ".id: must be a non-empty string");
    id = o["id"].get<std::string>();
    name = o.value("name", id);
    if (o.contains("sources")) {
        if (!o["sources"].is_object()) return fail(where + ".sources: must be an object of field -> citation");
        for (auto it = o["sources"].begin(); it != o["sources"].end(); ++it)
            sources[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
    }
    return core::Status::success();
}

}  // namespace

core::Result<std::vector<DeviceProfile>> parse_devices(const json& j) {
    if (auto st = check_header(j, "mlsys-devices", "devices"); !st) return fail(st.error());
    std::vector<DeviceProfile> out;
    for (size_t i = 0; i < j["devices"].size(); ++i) {
        const json& o = j["devices"][i];
        const std::string where = "devices[" + std::to_string(i) + "]";
        if (!o.is_object()) return fail(where + ": must be an object");
        DeviceProfile d;
        if (auto st = strings(o, where, d.id, d.name, d.sources); !st) return fail(st.error());
        const std::string cat = o.value("category", std::string());
        if (cat == "cloud") d.category = DeviceCategory::Cloud;
        else if (cat == "edge") d.category = DeviceCategory::Edge;
        else if (cat == "mobile") d.category = DeviceCategory::Mobile;
        else if (cat == "tiny") d.category = DeviceCategory::Tiny;
        else return fail(where + ".category: must be cloud, edge, mobile or tiny, got " + (o.contains("category") ? o["category"].dump() : "nothing"));
        if (!o.contains("peak_macs_per_s") || !o["peak_macs_per_s"].is_object())
            return fail(where + ".peak_macs_per_s: missing (an object {\"fp32\": ..., \"fp16\": ..., \"int8\": ...})");
        const json& p = o["peak_macs_per_s"];
        double ram = 0, storage = 0, overhead = 0;
        for (core::Status st : {number(p, "fp32", d.peak_macs_per_s_fp32, where + ".peak_macs_per_s", true, true),
                                number(p, "fp16", d.peak_macs_per_s_fp16, where + ".peak_macs_per_s", false, false),
                                number(p, "int8", d.peak_macs_per_s_int8, where + ".peak_macs_per_s", false, false),
                                number(o, "compute_efficiency", d.compute_efficiency, where, false, true),
                                number(o, "mem_bandwidth_bytes_per_s", d.mem_bandwidth_bytes_per_s, where, true, true),
                                number(o, "ram_bytes", ram, where, true, true), number(o, "storage_bytes", storage, where, true, true),
                                number(o, "runtime_overhead_bytes", overhead, where, false, false),
                                number(o, "active_power_w", d.active_power_w, where, true, true),
                                number(o, "idle_power_w", d.idle_power_w, where, false, false),
                                number(o, "battery_wh", d.battery_wh, where, false, false),
                                number(o, "unit_cost_usd", d.unit_cost_usd, where, false, false),
                                number(o, "cost_per_hour_usd", d.cost_per_hour_usd, where, false, false)})
            if (!st) return fail(st.error());
        if (d.compute_efficiency > 1) return fail(where + ".compute_efficiency: must be at most 1, got " + o["compute_efficiency"].dump());
        if (d.idle_power_w > d.active_power_w)
            return fail(where + ".idle_power_w: must not exceed active_power_w (" + o["active_power_w"].dump() + ")");
        d.ram_bytes = static_cast<int64_t>(ram);
        d.storage_bytes = static_cast<int64_t>(storage);
        d.runtime_overhead_bytes = static_cast<int64_t>(overhead);
        if (o.contains("weights_in_storage")) {
            if (!o["weights_in_storage"].is_boolean()) return fail(where + ".weights_in_storage: must be true or false");
            d.weights_in_storage = o["weights_in_storage"].get<bool>();
        }
        for (const auto& prev : out)
            if (prev.id == d.id) return fail(where + ".id: \"" + d.id + "\" is used twice");
        out.push_back(std::move(d));
    }
    return out;
}

core::Result<std::vector<LinkProfile>> parse_links(const json& j) {
    if (auto st = check_header(j, "mlsys-links", "links"); !st) return fail(st.error());
    std::vector<LinkProfile> out;
    for (size_t i = 0; i < j["links"].size(); ++i) {
        const json& o = j["links"][i];
        const std::string where = "links[" + std::to_string(i) + "]";
        if (!o.is_object()) return fail(where + ": must be an object");
        LinkProfile l;
        if (auto st = strings(o, where, l.id, l.name, l.sources); !st) return fail(st.error());
        for (core::Status st : {number(o, "rtt_s", l.rtt_s, where, true, false),
                                number(o, "uplink_bytes_per_s", l.uplink_bytes_per_s, where, true, false),
                                number(o, "downlink_bytes_per_s", l.downlink_bytes_per_s, where, true, false),
                                number(o, "loss_rate", l.loss_rate, where, false, false),
                                number(o, "radio_power_w", l.radio_power_w, where, false, false)})
            if (!st) return fail(st.error());
        if (l.loss_rate >= 1) return fail(where + ".loss_rate: must be below 1, got " + o["loss_rate"].dump());
        out.push_back(std::move(l));
    }
    return out;
}

json to_json(const DeviceProfile& d) {
    return json{{"id", d.id},
                {"name", d.name},
                {"category", to_string(d.category)},
                {"peak_macs_per_s", {{"fp32", d.peak_macs_per_s_fp32}, {"fp16", d.peak_macs_per_s_fp16}, {"int8", d.peak_macs_per_s_int8}}},
                {"compute_efficiency", d.compute_efficiency},
                {"mem_bandwidth_bytes_per_s", d.mem_bandwidth_bytes_per_s},
                {"ram_bytes", d.ram_bytes},
                {"storage_bytes", d.storage_bytes},
                {"runtime_overhead_bytes", d.runtime_overhead_bytes},
                {"active_power_w", d.active_power_w},
                {"idle_power_w", d.idle_power_w},
                {"battery_wh", d.battery_wh},
                {"unit_cost_usd", d.unit_cost_usd},
                {"cost_per_hour_usd", d.cost_per_hour_usd},
                {"weights_in_storage", d.weights_in_storage},
                {"sources", d.sources}};
}

const DeviceProfile* ProfileLibrary::device(const std::string& id) const {
    for (const auto& d : devices)
        if (d.id == id) return &d;
    return nullptr;
}

const LinkProfile* ProfileLibrary::link(const std::string& id) const {
    for (const auto& l : links)
        if (l.id == id) return &l;
    return nullptr;
}

namespace {
core::Result<json> read_json(const std::filesystem::path& p) {
    auto text = core::read_file(p);
    if (!text) return fail(text.error());
    json j = json::parse(*text, nullptr, false);
    if (j.is_discarded()) return fail(p.string() + ": not valid JSON");
    return j;
}
}  // namespace

core::Result<ProfileLibrary> load_profile_library(const std::filesystem::path& user_dir) {
    ProfileLibrary lib;
    const auto dir = core::assets_dir() / "deploy";
    auto dj = read_json(dir / "devices.json");
    if (!dj) return fail(dj.error());
    auto devices = parse_devices(*dj);
    if (!devices) return fail((dir / "devices.json").string() + ": " + devices.error());
    lib.devices = std::move(*devices);
    auto lj = read_json(dir / "links.json");
    if (!lj) return fail(lj.error());
    auto links = parse_links(*lj);
    if (!links) return fail((dir / "links.json").string() + ": " + links.error());
    lib.links = std::move(*links);
    const auto udir = user_dir.empty() ? core::data_dir() / "deploy" : user_dir;
    std::error_code ec;
    if (!std::filesystem::is_directory(udir, ec)) return lib;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(udir, ec))
        if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        auto j = read_json(f);
        if (!j) {
            lib.warnings.push_back(j.error());
            continue;
        }
        const std::string format = j->is_object() ? j->value("format", std::string()) : std::string();
        if (format == "mlsys-links") {
            auto more = parse_links(*j);
            if (!more) {
                lib.warnings.push_back(f.string() + ": " + more.error());
                continue;
            }
            for (auto& l : *more) {
                std::erase_if(lib.links, [&](const LinkProfile& x) { return x.id == l.id; });
                lib.links.push_back(std::move(l));
            }
        } else {
            auto more = parse_devices(*j);
            if (!more) {
                lib.warnings.push_back(f.string() + ": " + more.error());
                continue;
            }
            for (auto& d : *more) {
                std::erase_if(lib.devices, [&](const DeviceProfile& x) { return x.id == d.id; });
                lib.devices.push_back(std::move(d));
            }
        }
    }
    return lib;
}

}  // namespace mlsys::sim
