// Device and link profiles for the deployment estimator: plain structs, a strict JSON parser that names
// the field of any bad value, and the built-in library in assets/deploy/ (every number with its source).
#pragma once

#include "models/core/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mlsys::sim {

enum class Precision { Fp32, Fp16, Int8 };
const char* to_string(Precision p);
core::Result<Precision> parse_precision(const std::string& name);  // "fp32", "fp16", "int8"
int bytes_per_element(Precision p);

enum class DeviceCategory { Cloud, Edge, Mobile, Tiny };
const char* to_string(DeviceCategory c);

struct DeviceProfile {
    std::string id;
    std::string name;
    DeviceCategory category = DeviceCategory::Edge;
    double peak_macs_per_s_fp32 = 0;
    double peak_macs_per_s_fp16 = 0;
    double peak_macs_per_s_int8 = 0;
    double compute_efficiency = 0.3;  // share of peak a batch-1 inference reaches (stated as an assumption)
    double mem_bandwidth_bytes_per_s = 0;
    int64_t ram_bytes = 0;
    int64_t storage_bytes = 0;          // flash or disk
    int64_t runtime_overhead_bytes = 0; // runtime/framework RAM besides the model
    double active_power_w = 0;
    double idle_power_w = 0;
    double battery_wh = 0;              // 0: mains powered
    double unit_cost_usd = 0;
    double cost_per_hour_usd = 0;       // > 0: rented by the hour
    bool weights_in_storage = false;    // microcontrollers execute weights from flash; others load them into RAM
    std::map<std::string, std::string> sources;  // field -> citation

    double peak_macs_per_s(Precision p) const;
};

struct LinkProfile {
    std::string id;
    std::string name;
    double rtt_s = 0;
    double uplink_bytes_per_s = 0;    // 0: no link
    double downlink_bytes_per_s = 0;
    double loss_rate = 0;
    double radio_power_w = 0;         // device-side power while transmitting
    std::map<std::string, std::string> sources;

    bool available() const { return uplink_bytes_per_s > 0 && downlink_bytes_per_s > 0; }
    // Seconds to send `up` bytes and receive `down` bytes over the link: one round trip plus serialisation,
    // inflated by 1 / (1 - loss) for retransmissions.
    double transfer_s(double up, double down) const;
};

// Parse {"format": "mlsys-devices", "version": 1, "devices": [...]} / "mlsys-links"; errors name the file,
// the entry and the field ("devices[2].ram_bytes: must be a positive number, got -1").
core::Result<std::vector<DeviceProfile>> parse_devices(const nlohmann::json& j);
core::Result<std::vector<LinkProfile>> parse_links(const nlohmann::json& j);
nlohmann::json to_json(const DeviceProfile& d);

// The built-in library (assets/deploy/*.json) plus user files in $XDG_DATA_HOME/mlsyslab/deploy/*.json,
// which may add devices or replace a built-in one with the same id. A bad user file is reported in
// `warnings` and skipped; a bad built-in file is an error.
struct ProfileLibrary {
    std::vector<DeviceProfile> devices;
    std::vector<LinkProfile> links;
    std::vector<std::string> warnings;
    const DeviceProfile* device(const std::string& id) const;
    const LinkProfile* link(const std::string& id) const;
};
core::Result<ProfileLibrary> load_profile_library(const std::filesystem::path& user_dir = {});

}  // namespace mlsys::sim
