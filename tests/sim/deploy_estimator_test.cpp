// The deployment estimator against hand calculations: mlp on a Raspberry Pi 4 and a cloud GPU, one split
// point over Wi-Fi, and models too big for an ATmega328P with their shortfall in bytes.
#include "models/model/model_spec.hpp"
#include "sim/deploy/estimator.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace mlsys;
using nlohmann::json;

TEST_SUITE_BEGIN("sim.deploy");

namespace {
sim::ProfileLibrary library() {
    auto lib = sim::load_profile_library("/nonexistent-user-dir");
    REQUIRE_MESSAGE(lib.ok(), lib.error());
    return std::move(*lib);
}
sim::ModelVariant variant(const std::string& preset, sim::Precision p) {
    sim::ModelVariant v;
    v.name = preset;
    v.workload = *models::make_workload(*models::preset_spec(preset));
    v.precision = p;
    return v;
}
}  // namespace

TEST_CASE("the built-in library has every device and link the issue names - each with sources") {
    auto lib = library();
    for (const char* id : {"cloud-a100", "jetson-orin", "phone", "rpi4", "rpi5", "xiao-esp32s3", "nicla-vision", "atmega328p"}) {
        const auto* d = lib.device(id);
        REQUIRE_MESSAGE(d != nullptr, id);
        CHECK(d->sources.count("peak_macs_per_s") == 1);
        CHECK(d->sources.count("ram_bytes") == 1);
    }
    for (const char* id : {"none", "datacenter", "ethernet", "wifi", "lte", "5g", "ble"}) CHECK(lib.link(id) != nullptr);
    CHECK_FALSE(lib.link("none")->available());
}

TEST_CASE("mlp fp32 on a Raspberry Pi 4 - every number by hand") {
    auto lib = library();
    const auto e = sim::estimate_on_device(variant("mlp", sim::Precision::Fp32), *lib.device("rpi4"));
    // Peak 48e9 MAC/s x 0.2 = 9.6e9 MAC/s; bandwidth 4.5e9 B/s.
    // dense_1: compute 100352 / 9.6e9 = 1.045e-5 s; memory ((784 + 128) x 4 + 100352 x 4) / 4.5e9 = 9.00124e-5 s
    // relu: max(128 / 9.6e9, 1024 / 4.5e9) = 2.2756e-7; dense_2: max(1280 / 9.6e9, (552 + 5120) / 4.5e9) = 1.26044e-6;
    // softmax: max(30 / 9.6e9, 80 / 4.5e9) = 1.7778e-8; flatten costs nothing.
    const double expected = 405056 / 4.5e9 + 1024 / 4.5e9 + 5672 / 4.5e9 + 80 / 4.5e9;
    CHECK(e.latency_s == doctest::Approx(expected).epsilon(1e-9));
    CHECK(e.latency_s == doctest::Approx(9.1518e-5).epsilon(1e-4));
    CHECK(e.layers[1].memory_bound);
    CHECK(e.energy_j == doctest::Approx(expected * 6.4));
    // 101,632 weights and 138 biases at 4 bytes; peak activation (784 + 128) x 4.
    CHECK(e.weight_bytes == 407080);
    CHECK(e.activation_bytes == 3648);
    CHECK(e.ram_needed_bytes == 3648 + 150000000 + 407080);
    CHECK(e.fits);
    CHECK(e.fit_reason == "fits");
    CHECK(e.battery_life_h == -1);  // mains powered
    // Owned: energy at $0.15/kWh plus $55 over 3 years at 3600 inferences/hour.
    CHECK(e.cost_per_million_usd ==
          doctest::Approx(1e6 * expected * 6.4 / 3.6e6 * 0.15 + 55.0 / (3 * 8766.0 * 3600) * 1e6));
}

TEST_CASE("mlp fp32 on the cloud GPU is billed by the hour") {
    auto lib = library();
    const auto e = sim::estimate_on_device(variant("mlp", sim::Precision::Fp32), *lib.device("cloud-a100"));
    // Rate 9.75e12 x 0.4 = 3.9e12 MAC/s; bandwidth 2.039e12 B/s: every layer is memory-bound.
    const double expected = (405056 + 1024 + 5672 + 80) / 2.039e12;
    CHECK(e.latency_s == doctest::Approx(expected).epsilon(1e-9));
    CHECK(e.cost_per_million_usd == doctest::Approx(1e6 * expected / 3600 * 4.10));
    CHECK(e.raw_input_leaves_device);
    // Reached over Wi-Fi: 784 x 4 bytes up, 10 x 4 scores down, one 5 ms round trip, / (1 - 0.001) loss.
    const auto w = sim::estimate_on_device(variant("mlp", sim::Precision::Fp32), *lib.device("cloud-a100"), {}, lib.link("wifi"));
    const double transfer = (0.005 + 3136 / 12.5e6 + 40 / 25e6) / 0.999;
    CHECK(w.transfer_s == doctest::Approx(transfer));
    CHECK(w.latency_s == doctest::Approx(expected + transfer));
    CHECK(w.cost_per_million_usd == doctest::Approx(e.cost_per_million_usd));  // billed for compute only
    // The Pi keeps the input where it is produced.
    CHECK_FALSE(sim::estimate_on_device(variant("mlp", sim::Precision::Fp32), *lib.device("rpi4"), {}, lib.link("wifi"))
                    .raw_input_leaves_device);
}

TEST_CASE("models too big for an ATmega328P report the shortfall in bytes") {
    auto lib = library();
    const auto* uno = lib.device("atmega328p");
    const auto cnn = sim::estimate_on_device(variant("cnn", sim::Precision::Fp32), *uno);
    CHECK_FALSE(cnn.fits);
    // 105,866 parameters x 4 bytes = 423,464 bytes of flash against 32,768.
    CHECK(cnn.storage_needed_bytes == 423464);
    CHECK(cnn.shortfall_bytes == 423464 - 32768);
    CHECK(cnn.fit_reason == "needs 423.5 KB of flash, has 32.8 KB: 390.7 KB short");
    const auto mlp8 = sim::estimate_on_device(variant("mlp", sim::Precision::Int8), *uno);
    CHECK_FALSE(mlp8.fits);
    CHECK(mlp8.weight_bytes == 101632 + 138 * 4);  // int8 weights, int32 biases
    const auto tiny8 = sim::estimate_on_device(variant("tiny", sim::Precision::Int8), *uno);
    CHECK(tiny8.fits);
    CHECK(tiny8.weight_bytes == 144 + 19 * 4);
    // Peak live activations: the ReLU between the dense layers holds its 16 inputs and 16 outputs.
    CHECK(tiny8.ram_needed_bytes == (16 + 16) + 600);
}

TEST_CASE("split computing after dense_1 over Wi-Fi - by hand") {
    auto lib = library();
    const auto v = variant("mlp", sim::Precision::Fp32);
    const auto points = sim::evaluate_splits(v, *lib.device("rpi4"), *lib.device("cloud-a100"), *lib.link("wifi"));
    REQUIRE(points.size() == 6);  // before the first layer, after each of the 5
    const auto& p = points[2];    // flatten and dense_1 on the Pi
    CHECK(p.after_layer == "dense_1");
    CHECK(p.device_s == doctest::Approx(405056 / 4.5e9));
    CHECK(p.bytes_sent == 128 * 4);
    // One round trip of 5 ms, 512 bytes up at 12.5 MB/s, 40 bytes of scores down at 25 MB/s, / (1 - 0.001) loss.
    CHECK(p.transfer_s == doctest::Approx((0.005 + 512 / 12.5e6 + 40 / 25e6) / 0.999));
    CHECK(p.server_s == doctest::Approx((1024 + 5672 + 80) / 2.039e12));
    CHECK(p.total_s == doctest::Approx(p.device_s + p.transfer_s + p.server_s));
    CHECK(p.device_energy_j == doctest::Approx(p.device_s * 6.4 + 512 / 12.5e6 * 1.1 + (p.transfer_s - 512 / 12.5e6 + p.server_s) * 2.7));
    CHECK(points[0].raw_input_sent);
    CHECK(points[0].bytes_sent == 784 * 4);
    // Over Wi-Fi the 5 ms round trip dwarfs the Pi's 0.09 ms: running everything locally wins.
    CHECK(sim::best_split(points) == 5);
    // Without a link only the all-on-device split is possible.
    const auto none = sim::evaluate_splits(v, *lib.device("rpi4"), *lib.device("cloud-a100"), *lib.link("none"));
    CHECK_FALSE(none[0].possible);
    CHECK(sim::best_split(none) == 5);
}

TEST_CASE("cascade: confident inputs stay on the device") {
    const std::vector<int> labels{0, 1, 2, 3};
    const std::vector<int> small{0, 1, 0, 0};  // right, right, wrong, wrong
    const std::vector<float> conf{0.9f, 0.95f, 0.4f, 0.8f};
    const std::vector<int> large{0, 1, 2, 1};  // right on the third, wrong on the fourth
    const auto r = sim::evaluate_cascade(labels, small, conf, large, 0.5, 0.001, 0.05);
    CHECK(r.forward_rate == 0.25);  // only the 0.4 input is forwarded
    CHECK(r.accuracy == 0.75);      // 2 confident right + the forwarded one fixed; 0.8-confident mistake stays
    CHECK(r.mean_latency_s == doctest::Approx(0.001 + 0.25 * 0.05));
}

TEST_CASE("bad profiles are refused with the field named") {
    json ok = {{"format", "mlsys-devices"}, {"version", 1},
               {"devices", {{{"id", "x"}, {"category", "tiny"}, {"peak_macs_per_s", {{"fp32", 1e6}}},
                             {"mem_bandwidth_bytes_per_s", 1e6}, {"ram_bytes", 2048}, {"storage_bytes", 32768},
                             {"active_power_w", 0.1}}}}};
    CHECK(sim::parse_devices(ok).ok());
    auto err = [](json j) { return sim::parse_devices(j).error(); };
    json j = ok;
    j["devices"][0]["ram_bytes"] = -1;
    CHECK(err(j) == "devices[0].ram_bytes: must be a positive number, got -1");
    j = ok;
    j["devices"][0]["category"] = "server";
    CHECK(err(j) == "devices[0].category: must be cloud, edge, mobile or tiny, got \"server\"");
    j = ok;
    j["devices"][0].erase("peak_macs_per_s");
    CHECK(err(j).rfind("devices[0].peak_macs_per_s: missing", 0) == 0);
    j = ok;
    j["devices"][0]["idle_power_w"] = 5;
    CHECK(err(j) == "devices[0].idle_power_w: must not exceed active_power_w (0.1)");
    j = ok;
    j["format"] = "x";
    CHECK(err(j) == "format: expected \"mlsys-devices\", got \"x\"");
    json links = {{"format", "mlsys-links"}, {"version", 1},
                  {"links", {{{"id", "l"}, {"rtt_s", 0.01}, {"uplink_bytes_per_s", 1e6}, {"downlink_bytes_per_s", 1e6}, {"loss_rate", 1.5}}}}};
    CHECK(sim::parse_links(links).error() == "links[0].loss_rate: must be below 1, got 1.5");
}

TEST_CASE("user profile files add and override devices and a bad one is skipped with file and field named") {
    const auto dir = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "deploy_user_profiles";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    // A user edits the Pi 4's RAM (an 8 GB board) and adds a board of their own.
    json devices = {{"format", "mlsys-devices"}, {"version", 1},
                    {"devices", {{{"id", "rpi4"}, {"name", "Raspberry Pi 4 (8 GB)"}, {"category", "edge"},
                                  {"peak_macs_per_s", {{"fp32", 48e9}}}, {"mem_bandwidth_bytes_per_s", 4.5e9},
                                  {"ram_bytes", 8e9}, {"storage_bytes", 32e9}, {"active_power_w", 6.4}},
                                 {{"id", "my-board"}, {"category", "tiny"}, {"peak_macs_per_s", {{"fp32", 2e8}}},
                                  {"mem_bandwidth_bytes_per_s", 1e9}, {"ram_bytes", 524288}, {"storage_bytes", 8388608},
                                  {"active_power_w", 0.3}}}}};
    std::ofstream(dir / "a_devices.json") << devices.dump();
    // A second file with a typo: RAM given as a string.
    json bad = devices;
    bad["devices"] = json::array({devices["devices"][1]});
    bad["devices"][0]["id"] = "typo-board";
    bad["devices"][0]["ram_bytes"] = "512K";
    std::ofstream(dir / "b_bad.json") << bad.dump();
    std::ofstream(dir / "c_broken.json") << "{ not json";
    json links = {{"format", "mlsys-links"}, {"version", 1},
                  {"links", {{{"id", "lora"}, {"rtt_s", 1.0}, {"uplink_bytes_per_s", 600}, {"downlink_bytes_per_s", 600}}}}};
    std::ofstream(dir / "d_links.json") << links.dump();

    auto lib = sim::load_profile_library(dir);
    REQUIRE_MESSAGE(lib.ok(), lib.error());
    CHECK(lib->device("rpi4")->ram_bytes == 8000000000);
    CHECK(lib->device("rpi4")->name == "Raspberry Pi 4 (8 GB)");
    CHECK(lib->device("my-board") != nullptr);
    CHECK(lib->device("typo-board") == nullptr);
    CHECK(lib->link("lora")->uplink_bytes_per_s == 600);
    CHECK(lib->link("wifi") != nullptr);  // the built-ins stay
    REQUIRE(lib->warnings.size() == 2);
    CHECK(lib->warnings[0] == (dir / "b_bad.json").string() + ": devices[0].ram_bytes: must be a positive number, got \"512K\"");
    CHECK(lib->warnings[1] == (dir / "c_broken.json").string() + ": not valid JSON");
}

TEST_SUITE_END();
