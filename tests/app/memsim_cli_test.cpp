// mlsyslab memsim end to end: a hand-countable external trace, the per-layer JSON and its Run, the analytic
// mode, --level, and bad input refused with exit code 2 and the problem named.
#include "tests/app/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using nlohmann::json;
using namespace mlsys;

TEST_SUITE_BEGIN("app.memsim");

namespace {
std::filesystem::path fresh(const std::string& name) {
    const auto d = std::filesystem::path(MLSYS_TEST_TMP_DIR) / name;
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}
}  // namespace

TEST_CASE("memsim replays a Dinero trace: hits misses and evictions per level") {
    const auto dir = fresh("memsim_din");
    // A 1 KB direct-mapped level: 0 and 400 (hex: 1024) share set 0; alternating 5 times misses 10 times;
    // the write to 1000 (hex) dirties a line that 1400 then evicts (one write-back).
    std::ofstream f(dir / "t.din");
    for (int i = 0; i < 5; ++i) f << "0 0\n0 400\n";
    f << "1 1000 4\n0 1400\n";
    f.close();
    auto r = test::run_command(std::string(MLSYS_EXE) + " memsim --trace " + (dir / "t.din").string() + " --level 1024,1,64 --json", dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json j = json::parse(r.out);
    CHECK(j["accesses"] == 12);
    CHECK(j["levels"][0]["misses"] == 12);
    CHECK(j["levels"][0]["hits"] == 0);
    CHECK(j["levels"][0]["evictions"] == 11);
    CHECK(j["levels"][0]["dirty_evictions"] == 1);
    CHECK(j["levels"][0]["compulsory"] == 4);
    CHECK(j["trace_writes"] == 1);
    auto text = test::run_command(std::string(MLSYS_EXE) + " memsim --trace " + (dir / "t.din").string() + " --level 1024,1,64", dir);
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("writebacks") != std::string::npos);
}

TEST_CASE("memsim on the mlp workload writes a Run with a per-layer CSV") {
    const auto dir = fresh("memsim_mlp");
    auto r = test::run_command(std::string(MLSYS_EXE) + " memsim --workload mlp --hierarchy cortex-m7 --json --runs " + (dir / "runs").string(),
                               dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json j = json::parse(r.out);
    REQUIRE(j["layers"].size() == 5);
    CHECK(j["layers"][1]["macs"] == 100352);
    CHECK(j["layers"][1]["accesses"] == 2 * 100352 + 128);
    CHECK(j["movement_share"].get<double>() > 0.5);
    CHECK(j["training_memory"]["params"] == 101770);
    const std::filesystem::path run = j["run_dir"].get<std::string>();
    const std::string csv = test::slurp(run / "artifacts" / "layers.csv");
    CHECK(csv.rfind("layer,type,macs,accesses,D-cache_hits", 0) == 0);
    CHECK(std::filesystem::exists(run / "summary.json"));
    // Analytic mode on the same model counts the same accesses.
    auto a = test::run_command(std::string(MLSYS_EXE) + " memsim --workload mlp --hierarchy cortex-m7 --mode analytic --json --runs " +
                                   (dir / "runs").string(),
                               dir);
    REQUIRE(a.exit_code == 0);
    CHECK(json::parse(a.out)["layers"][1]["accesses"] == 2 * 100352 + 128);
}

TEST_CASE("memsim on the DTCM scratchpad preset: per-layer DMA bytes by hand in the table and the JSON") {
    const auto dir = fresh("memsim_spm");
    const std::string base = std::string(MLSYS_EXE) + " memsim --workload cnn --hierarchy cortex-m7-dtcm --runs " + (dir / "runs").string();
    auto r = test::run_command(base + " --json", dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json j = json::parse(r.out);
    REQUIRE(j["layers"].size() == 11);
    // dense_1 (1568 -> 64, fp32) on 128 KB: untiled it needs (1568 + 1568 x 64 + 64) x 4 B = 407,936 B, so k is
    // halved twice to 392 ((392 + 392 x 64 + 64) x 4 = 102,176 B fits). Every A and W element comes in once:
    // (1568 + 1568 x 64) x 4 = 407,680 B; the 64 outputs go out once: 256 B.
    const json& d1 = j["layers"][7];
    CHECK(d1["name"] == "dense_1");
    CHECK(d1["tiles"] == json::array({1, 64, 392}));
    const json& spm = d1["stats"]["levels"][0];
    CHECK(spm["kind"] == "scratchpad");
    CHECK(spm["dma_in_bytes"] == 407680);
    CHECK(spm["dma_out_bytes"] == 256);
    CHECK(spm["misses"] == 0);
    CHECK(spm["hits"] == d1["accesses"]);
    CHECK(d1["stats"]["main"]["bytes_read"] == 407680);
    // dense_2 (64 -> 10) fits untiled: (64 + 640) x 4 = 2,816 B in, 40 B out.
    CHECK(j["layers"][9]["stats"]["levels"][0]["dma_in_bytes"] == 2816);
    CHECK(j["layers"][9]["stats"]["levels"][0]["dma_out_bytes"] == 40);
    CHECK(j["total"]["levels"][0]["kind"] == "scratchpad");
    const std::string csv = test::slurp(std::filesystem::path(j["run_dir"].get<std::string>()) / "artifacts" / "layers.csv");
    CHECK(csv.rfind("layer,type,macs,accesses,DTCM_hits,DTCM_misses,DTCM_energy_pj,DTCM_dma_in_bytes,DTCM_dma_out_bytes,tile_m", 0) == 0);
    CHECK(csv.find("\ndense_1,dense,100352,") != std::string::npos);
    auto t = test::run_command(base, dir);
    REQUIRE(t.exit_code == 0);
    CHECK(t.out.find("DTCM in") != std::string::npos);
    CHECK(t.out.find("DTCM (scratchpad") != std::string::npos);
    // A given tiling that does not fit a 1 KB scratchpad is refused, naming the size.
    auto bad = test::run_command(std::string(MLSYS_EXE) + " memsim --workload mlp --hierarchy cortex-m7 --scratchpad 1024 --tile 64,64,64",
                                 dir);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("size_bytes is 1024") != std::string::npos);
    CHECK(bad.err.find("tile 1,64,64") != std::string::npos);
}

TEST_CASE("memsim refuses bad input with exit code 2 and the field named") {
    const auto dir = fresh("memsim_bad");
    const std::string exe = std::string(MLSYS_EXE) + " memsim --runs " + (dir / "runs").string();
    auto r = test::run_command(exe + " --level 1000,8,64", dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("size_bytes must be a multiple of line_bytes") != std::string::npos);
    std::ofstream(dir / "h.json") << R"({"format": "mlsys-hierarchy", "version": 1, "levels": [{"size_bytes": 32768}],
        "main": {"bandwidth_bytes_per_cycle": 0}})";
    r = test::run_command(exe + " --hierarchy " + (dir / "h.json").string(), dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("main.bandwidth_bytes_per_cycle") != std::string::npos);
    std::ofstream(dir / "big.json") << R"({"format": "mlsys-hierarchy", "version": 1, "levels": [{"size_bytes": 65536},
        {"size_bytes": 32768}], "main": {}})";
    r = test::run_command(exe + " --hierarchy " + (dir / "big.json").string(), dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("levels[1].size_bytes") != std::string::npos);
    r = test::run_command(exe + " --loop-order mmk", dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("loop_order") != std::string::npos);
    std::ofstream(dir / "bad.din") << "0 10\n7 20\n";
    r = test::run_command(exe + " --trace " + (dir / "bad.din").string(), dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.din:2: label") != std::string::npos);
}

TEST_SUITE_END();
