// The accelerator's lab actions: accel_map gives the hand-derived cycles of a 1 x 784 x 784 x 10 dense layer
// on a 32x32 array in each dataflow and the winner; accel_area_budget keeps designs inside the budget;
// bad parameters are refused by name.
#include "app/session/lab_host.hpp"
#include "app/session/session.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace mlsys;
using nlohmann::json;

TEST_SUITE_BEGIN("app.accel");

namespace {
std::string tmp_runs(const std::string& name) {
    auto p = std::filesystem::path(MLSYS_TEST_TMP_DIR) / name;
    std::filesystem::remove_all(p);
    return p.string();
}
}  // namespace

TEST_CASE("accel_map gives hand-derived cycles for a dense layer in every dataflow") {
    session::Session s(tmp_runs("accel_lab_map"));
    session::SessionLabHost host(s);
    REQUIRE(host.has_action("accel_map"));
    // M=1 N=10 K=784 on 32x32. os (M, N, K): one fold of 784 + 32 + 32 - 2 = 846.
    // ws (K, N, M): ceil(784/32) = 25 row folds of 2*32 + 32 + 1 - 2 = 95 -> 2375.
    // is (K, M, N): 25 folds of 64 + 32 + 10 - 2 = 104 -> 2600.
    auto r = host.run_action("accel_map", json{{"gemm", {{"m", 1}, {"n", 10}, {"k", 784}}}, {"array", "32x32"}}, {});
    REQUIRE_MESSAGE(r.ok(), r.error());
    CHECK((*r)["os"]["cycles"] == 846);
    CHECK((*r)["ws"]["cycles"] == 2375);
    CHECK((*r)["is"]["cycles"] == 2600);
    CHECK((*r)["best_dataflow"] == 0);
    CHECK((*r)["best_dataflow_name"] == "os");
    CHECK((*r)["os"]["layers"][0]["mapping_eff_pct"].get<double>() == doctest::Approx(100.0 * 10 / 1024));
    // Batch 32 puts 32 rows of M on the array: the same single fold, 32x the MACs.
    auto b = host.run_action("accel_map", json{{"gemm", {{"m", 1}, {"n", 10}, {"k", 784}}}, {"array", "32x32"}, {"batch", 32}}, {});
    REQUIRE(b.ok());
    CHECK((*b)["os"]["cycles"] == 846);
    CHECK((*b)["os"]["util_pct"].get<double>() == doctest::Approx(32 * (*r)["os"]["util_pct"].get<double>()));
}

TEST_CASE("accel_area_budget keeps the fastest design inside the budget") {
    session::Session s(tmp_runs("accel_lab_budget"));
    session::SessionLabHost host(s);
    auto r = host.run_action("accel_area_budget",
                             json{{"gemm", {{"m", 256}, {"n", 256}, {"k", 256}}}, {"area_budget_mm2", 0.5}, {"sram_kib", 16},
                                  {"arrays", "8x8,16x16,32x32,64x64"}},
                             {});
    REQUIRE_MESSAGE(r.ok(), r.error());
    // 32x32: 1024 x 419 um^2 = 0.429 mm^2 + 3 x 16 KiB of SRAM (0.272 mm^2) = 0.701 > 0.5; 16x16 fits (0.379).
    CHECK((*r)["best_rows"] == 16);
    CHECK((*r)["best"]["area_mm2"].get<double>() <= 0.5);
    CHECK((*r)["fitting"] == 2 * 3);  // 8x8 and 16x16, three dataflows each
}

TEST_CASE("accel lab actions refuse bad parameters by name") {
    session::Session s(tmp_runs("accel_lab_bad"));
    session::SessionLabHost host(s);
    auto none = host.run_action("accel_map", json::object(), {});
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().find("\"gemm\"") != std::string::npos);
    auto bad_k = host.run_action("accel_map", json{{"gemm", {{"m", 1}, {"n", 10}, {"k", 0}}}}, {});
    REQUIRE_FALSE(bad_k.ok());
    CHECK(bad_k.error().find("params.gemm.k") != std::string::npos);
    auto bad_array = host.run_action("accel_map", json{{"topology", "mlp"}, {"array", "32by32"}}, {});
    REQUIRE_FALSE(bad_array.ok());
    CHECK(bad_array.error().find("params.array") != std::string::npos);
    auto no_budget = host.run_action("accel_area_budget", json{{"topology", "mlp"}}, {});
    REQUIRE_FALSE(no_budget.ok());
    CHECK(no_budget.error().find("area_budget_mm2") != std::string::npos);
}

TEST_SUITE_END();
