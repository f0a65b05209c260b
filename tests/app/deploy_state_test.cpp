// The Deploy workspace's state: settings JSON with named errors, radar scores and colour ranks by hand, the
// Pareto front, and a whole evaluation (every variant on every device, splits over every link) of a preset.
#include "app/session/deploy_state.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace mlsys;
using nlohmann::json;

TEST_SUITE_BEGIN("app.deploy");

TEST_CASE("deploy settings round trip and bad values name the key") {
    session::DeploySettings s;
    s.variant = "int8";
    s.link = "lte";
    s.inferences_per_hour = 60;
    session::DeploySettings back;
    REQUIRE(session::apply_json(back, session::to_json(s)).ok());
    CHECK(back.variant == "int8");
    CHECK(back.link == "lte");
    CHECK(back.inferences_per_hour == 60);
    CHECK(session::apply_json(back, json{{"variant", "int4"}}).error() ==
          "variant: must be fp32, fp16, int8 or pruned50, got \"int4\"");
    CHECK(session::apply_json(back, json{{"offload_requests", 0}}).error() ==
          "offload_requests: must be a whole number from 1 to 1000, got 0");
    CHECK(session::apply_json(back, json{{"inferences_per_hour", -1}}).error() ==
          "inferences_per_hour: must be a positive number up to 3.6e9, got -1");
    CHECK(back.variant == "int8");  // unchanged after a refused update
}

TEST_CASE("radar scores - log scale between the best and worst device that fits") {
    sim::DeviceEstimate fast, slow, mid, nofit;
    fast.fits = slow.fits = mid.fits = true;
    fast.latency_s = 1e-4, mid.latency_s = 1e-3, slow.latency_s = 1e-2;
    fast.energy_j = mid.energy_j = slow.energy_j = 1;
    fast.cost_per_million_usd = 10, mid.cost_per_million_usd = 1, slow.cost_per_million_usd = 0.1;
    fast.accuracy = 0.9, mid.accuracy = std::nan(""), slow.accuracy = 0.5;
    fast.ram_needed_bytes = 250, fast.ram_available_bytes = 1000, fast.storage_needed_bytes = 100, fast.storage_available_bytes = 1000;
    mid.ram_needed_bytes = 10, mid.ram_available_bytes = 1000, mid.storage_needed_bytes = 900, mid.storage_available_bytes = 1000;
    fast.raw_input_leaves_device = true;
    nofit.fits = false;
    nofit.latency_s = 1e-6;  // never ranked
    const auto r = session::radar_scores({&fast, &mid, &slow, &nofit});
    CHECK(r[0][session::kRadarLatency] == doctest::Approx(1.0));
    CHECK(r[1][session::kRadarLatency] == doctest::Approx(0.55));  // halfway in log: 1 - 0.9 x 0.5
    CHECK(r[2][session::kRadarLatency] == doctest::Approx(0.1));
    CHECK(r[0][session::kRadarEnergy] == 1.0);  // all equal: all best
    CHECK(r[0][session::kRadarCost] == doctest::Approx(0.1));
    CHECK(r[2][session::kRadarCost] == doctest::Approx(1.0));
    CHECK(r[0][session::kRadarAccuracy] == doctest::Approx(0.9));
    CHECK(r[1][session::kRadarAccuracy] == 0.0);  // not measured
    CHECK(r[0][session::kRadarHeadroom] == doctest::Approx(0.75));
    CHECK(r[1][session::kRadarHeadroom] == doctest::Approx(0.1));  // the tighter of RAM and storage
    CHECK(r[0][session::kRadarPrivacy] == 0.0);
    CHECK(r[2][session::kRadarPrivacy] == 1.0);
    for (int a = 0; a < session::kRadarPrivacy; ++a) CHECK(r[3][static_cast<size_t>(a)] == 0.0);
    CHECK(r[3][session::kRadarPrivacy] == 1.0);
}

TEST_CASE("log ranks colour a column from best to worst") {
    const auto r = session::log_rank({1e-3, 1e-1, 1e-2, 5.0}, {true, true, true, false});
    CHECK(r[0] == 0.0);
    CHECK(r[1] == doctest::Approx(1.0));
    CHECK(r[2] == doctest::Approx(0.5));
    CHECK(std::isnan(r[3]));
}

TEST_CASE("the Pareto front keeps points no other beats on both latency and accuracy") {
    //                   0     1     2     3     4     5
    std::vector<double> lat{1.0, 2.0, 3.0, 0.5, 2.0, 4.0};
    std::vector<double> acc{0.8, 0.85, 0.84, 0.6, 0.9, std::nan("")};
    const auto f = session::pareto_front(lat, acc);
    // 3 (fastest), 0 (more accurate), 4 (beats 1 at the same latency); 2 is slower and worse than 4; 5 has no accuracy.
    REQUIRE(f.size() == 3);
    CHECK(f[0] == 3);
    CHECK(f[1] == 0);
    CHECK(f[2] == 4);
}

TEST_CASE("evaluating a preset covers every variant - device and link") {
    auto lib = sim::load_profile_library("/nonexistent");
    REQUIRE(lib.ok());
    auto model = models::Model::build(*models::preset_spec("cnn"), 1);
    REQUIRE(model.ok());
    session::DeploySettings s;
    auto ev = session::evaluate_deployment(*model, "cnn (untrained)", false, nullptr, s, *lib);
    REQUIRE_MESSAGE(ev.ok(), ev.error());
    CHECK(ev->report.estimates.size() == session::deploy_variant_names().size() * lib->devices.size());
    // Pruning keeps the dense fp32 layout: the same bytes and latency as fp32.
    CHECK(ev->estimate("pruned50", "rpi4")->weight_bytes == ev->estimate("fp32", "rpi4")->weight_bytes);
    CHECK(ev->link_ids.size() == 6);
    const auto* e = ev->estimate("int8", "atmega328p");
    REQUIRE(e != nullptr);
    CHECK_FALSE(e->fits);
    CHECK(std::isnan(e->accuracy));
    const auto* pts = ev->split_points("int8", "lte");
    REQUIRE(pts != nullptr);
    CHECK(pts->size() == 12);  // before the first of 11 layers, after each
    // int8 weights are a quarter of fp32's (biases stay 4 bytes).
    CHECK(ev->estimate("int8", "rpi4")->weight_bytes < ev->estimate("fp32", "rpi4")->weight_bytes / 3);
}

TEST_SUITE_END();
