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

TEST_CASE("memory settings: the on-chip level as a cache or a scratchpad - and refusals by name") {
    session::MemorySettings m;
    m.hierarchy = "rpi4";
    // rpi4's 32 KB L1 as a 16 KB scratchpad: renamed SPM, the L2 and DRAM stay.
    REQUIRE(session::apply_json(m, json{{"onchip", "scratchpad"}, {"scratchpad_bytes", 16384}, {"double_buffer", true}}).ok());
    auto h = session::resolve_hierarchy(m);
    REQUIRE_MESSAGE(h.ok(), h.error());
    CHECK(h->levels[0].is_scratchpad);
    CHECK(h->levels[0].name == "SPM");
    CHECK(h->levels[0].size_bytes == 16384);
    CHECK_FALSE(h->levels[1].is_scratchpad);
    auto o = session::resolve_memsim_options(m);
    REQUIRE(o.ok());
    CHECK(o->trace.double_buffer);
    // The DTCM preset forced back to a cache keeps its 128 KB with a valid geometry.
    session::MemorySettings d;
    d.hierarchy = "cortex-m7-dtcm";
    d.onchip = "cache";
    auto dc = session::resolve_hierarchy(d);
    REQUIRE_MESSAGE(dc.ok(), dc.error());
    CHECK_FALSE(dc->levels[0].is_scratchpad);
    CHECK(dc->levels[0].size_bytes == 131072);
    // Refusals: an unknown kind, a negative size, and a hierarchy with no on-chip level.
    session::MemorySettings bad = m;
    auto st = session::apply_json(bad, json{{"onchip", "tcm"}});
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().find("onchip") != std::string::npos);
    CHECK(bad.onchip == "scratchpad");  // unchanged
    CHECK_FALSE(session::apply_json(bad, json{{"scratchpad_bytes", -1}}).ok());
    session::MemorySettings uno;
    uno.hierarchy = "atmega328p";
    uno.onchip = "scratchpad";
    auto nu = session::resolve_hierarchy(uno);
    REQUIRE_FALSE(nu.ok());
    CHECK(nu.error().find("onchip: atmega328p has no on-chip level") != std::string::npos);
}

TEST_SUITE_END();
