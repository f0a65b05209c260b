// The hierarchy presets in assets/memory/: each loads, validates, round-trips through JSON, and cites a source
// for every number it sets.
#include "sim/memory/hierarchy.hpp"

#include "models/core/files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using namespace mlsys;
using namespace mlsys::sim;

TEST_SUITE_BEGIN("sim.memory");

TEST_CASE("every hierarchy preset loads and names a source for each number") {
    for (const auto& name : hierarchy_preset_names()) {
        INFO(name);
        auto c = load_hierarchy_preset(name);
        REQUIRE_MESSAGE(c.ok(), c.error());
        CHECK(c->name == name);
        CHECK_FALSE(c->description.empty());
        const auto has = [&](const std::string& key) {
            INFO(key);
            CHECK(c->sources.count(key) == 1);
        };
        has("clock_hz");
        has("peak_macs_per_cycle");
        has("mac_energy_pj_fp32");
        for (const char* k : {"latency_cycles", "bandwidth_bytes_per_cycle", "energy_pj_per_byte"}) has(std::string("main.") + k);
        for (size_t i = 0; i < c->levels.size(); ++i)
            for (const char* k : {"size_bytes", "ways", "line_bytes", "hit_latency_cycles", "bandwidth_bytes_per_cycle",
                                  "read_energy_pj", "write_energy_pj"})
                has("levels[" + std::to_string(i) + "]." + k);
        // Round trip through the writer.
        auto again = parse_hierarchy(to_json(*c));
        REQUIRE(again.ok());
        CHECK(again->levels.size() == c->levels.size());
        CHECK(again->peak_macs_per_cycle_int8 == c->peak_macs_per_cycle_int8);
    }
}

TEST_CASE("preset numbers: the Raspberry Pi 4 and the A100 match their datasheets") {
    auto rpi = load_hierarchy_preset("rpi4");
    REQUIRE(rpi.ok());
    REQUIRE(rpi->levels.size() == 2u);
    CHECK(rpi->levels[0].size_bytes == 32 * 1024);
    CHECK(rpi->levels[0].ways == 2);
    CHECK(rpi->levels[1].size_bytes == 1024 * 1024);
    CHECK(rpi->levels[0].read_energy_pj == doctest::Approx(20));  // Horowitz 32 KB
    CHECK(rpi->main.energy_pj_per_byte == doctest::Approx(162.5));  // 1.3 nJ / 8 B
    auto gpu = load_hierarchy_preset("gpu-hbm");
    REQUIRE(gpu.ok());
    CHECK(gpu->levels[1].size_bytes == 40LL * 1024 * 1024);
    CHECK(gpu->levels[1].n_sets() == 16384);
    CHECK(gpu->main.bandwidth_bytes_per_cycle == doctest::Approx(2.039e12 / 1.41e9).epsilon(0.001));
    CHECK(gpu->peak_macs_per_cycle_for(2) == doctest::Approx(156e12 / 1.41e9).epsilon(0.001));
}

TEST_CASE("the ATmega328P has no cache: every access reaches SRAM") {
    auto c = load_hierarchy_preset("atmega328p");
    REQUIRE(c.ok());
    CHECK(c->levels.empty());
    Hierarchy h(*c);
    for (uint64_t a = 0; a < 100; ++a) h.access(a, 1, a % 2 == 1);
    const auto& s = h.stats();
    CHECK(s.main.reads == 50);
    CHECK(s.main.writes == 50);
    CHECK(s.main.bytes_read + s.main.bytes_written == 100);
    CHECK(s.bandwidth_cycles == doctest::Approx(100));  // one byte per cycle
}

TEST_CASE("an unknown preset name lists the presets") {
    auto c = load_hierarchy_preset("no-such-board");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().find("gpu-hbm") != std::string::npos);
}

TEST_SUITE_END();
