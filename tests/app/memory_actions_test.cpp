// The memsim lab action and the "memory" state section: the textbook's numbers through the host, the
// settings carried between steps, and bad parameters refused by name.
#include "app/session/lab_host.hpp"
#include "app/session/memory_state.hpp"
#include "app/session/session.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace mlsys;
using nlohmann::json;

TEST_SUITE_BEGIN("app.labs");

TEST_CASE("memsim action: roofline - energy - training memory of mlp by hand") {
    const auto runs = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "memsim_action";
    session::Session s(runs.string());
    session::SessionLabHost host(s);
    REQUIRE(host.has_action("memsim"));
    auto r = host.run_action("memsim", json{{"workload", "mlp"}, {"hierarchy", "rpi4"}, {"mode", "analytic"}, {"batch", 1}}, {});
    REQUIRE_MESSAGE(r.ok(), r.error());
    const json& j = *r;
    CHECK(j["layers"].size() == 5);
    CHECK(j["layers"][1]["macs"] == 100352);
    CHECK(j["layers"][1]["intensity"].get<double>() == doctest::Approx(0.494871).epsilon(1e-5));
    CHECK(j["layers"][1]["memory_bound"] == true);
    CHECK(j["ridge_intensity"].get<double>() == doctest::Approx(21.3333).epsilon(1e-4));
    CHECK(j["compute_energy_uj"].get<double>() == doctest::Approx((100352 + 1280) * 4.6e-6 + (128 + 30) * 0.9e-6));
    CHECK(j["training"]["weights_bytes"].get<double>() == doctest::Approx(4.0 * 101770));
    // The state section shows the settings the action left and its study.
    const json st = host.state()["memory"];
    CHECK(st["workload"] == "mlp");
    CHECK(st["mode"] == "analytic");
    CHECK(st["status"] == "finished");
    CHECK(st["study"]["layers"][1]["name"] == "dense_1");
}

TEST_CASE("memsim action and memory section refuse bad parameters by name") {
    const auto runs = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "memsim_action_bad";
    session::Session s(runs.string());
    session::SessionLabHost host(s);
    auto r = host.run_action("memsim", json{{"loop_order", "mmk"}}, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("loop_order") != std::string::npos);
    r = host.run_action("memsim", json{{"batch", 0}}, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("params.batch") != std::string::npos);
    r = host.run_action("memsim", json{{"levels", json::array({"1000,8,64"})}}, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("size_bytes must be a multiple") != std::string::npos);
    r = host.run_action("memsim", json{{"current", true}}, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("no current model") != std::string::npos);
    r = host.run_action("memsim", json{{"nope", 1}}, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("nope: unknown memory setting") != std::string::npos);
}

TEST_SUITE_END();
