// `mlsyslab accel` and `mlsyslab accel sweep` end to end: SCALE-Sim-style reports with hand-derived cycle
// counts, the Run, dataflow comparison, the current model, the sweep's CSV, and bad input exiting 2 with a
// message naming the problem.
#include "process.hpp"

#include "app/session/accel_source.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace mlsys;
using nlohmann::json;

TEST_SUITE_BEGIN("app.accel");

namespace {

std::filesystem::path fresh_dir(const std::string& name) {
    const auto dir = std::filesystem::path(MLSYS_TEST_TMP_DIR) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

void write(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p);
    out << text;
}

const char* kCfg =
    "[general]\nrun_name = tiny\n\n[architecture_presets]\nArrayHeight: 4\nArrayWidth: 4\nIfmapSramSzkB: 64\n"
    "FilterSramSzkB: 64\nOfmapSramSzkB: 64\nIfmapOffset: 0\nFilterOffset: 10000000\nOfmapOffset: 20000000\n"
    "Bandwidth : 10\nDataflow : os\nMemoryBanks: 1\n\n[run_presets]\nInterfaceBandwidth: CALC\n";

}  // namespace

TEST_CASE("accel writes SCALE-Sim reports with hand-derived cycles and a Run") {
    const auto dir = fresh_dir("accel_cli_gemm");
    // One GEMM M=20 N=12 K=20 on a 4x4 array. os: (Sr, Sc, T) = (20, 12, 20): 5 x 3 = 15 folds of
    // T + R + C - 2 = 26 cycles -> Total Cycles 15 * 26 - 1 = 389 (SCALE-Sim reports the last cycle's index).
    // ws: (K, N, M) = (20, 12, 20): 15 folds of 2R + C + T - 2 = 30 -> 449. is: (K, M, N) = (20, 20, 12):
    // 5 x 5 = 25 folds of 8 + 4 + 12 - 2 = 22 -> 549.
    write(dir / "g.csv", "Layer Name, M, N, K,\nG1, 20, 12, 20,\n");
    write(dir / "tiny.cfg", kCfg);
    auto r = test::run_command(std::string(MLSYS_EXE) + " accel --topology " + (dir / "g.csv").string() + " --config " +
                                   (dir / "tiny.cfg").string() + " --dataflow all --out " + (dir / "out").string() +
                                   " --json --runs " + (dir / "runs").string(),
                               dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json j = json::parse(r.out);
    REQUIRE(j["results"].size() == 3);
    CHECK(j["results"][0]["dataflow"] == "os");
    CHECK(j["results"][0]["scalesim_total_cycles"] == 389);
    CHECK(j["results"][1]["scalesim_total_cycles"] == 449);
    CHECK(j["results"][2]["scalesim_total_cycles"] == 549);
    CHECK(j["results"][0]["macs"] == 20 * 12 * 20);
    const std::string compute = test::slurp(dir / "out" / "os" / "COMPUTE_REPORT.csv");
    CHECK(compute.rfind("LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n", 0) ==
          0);
    CHECK(compute.find("\n0, 389, 0, ") != std::string::npos);
    CHECK(std::filesystem::exists(dir / "out" / "ws" / "BANDWIDTH_REPORT.csv"));
    CHECK(std::filesystem::exists(dir / "out" / "is" / "DETAILED_ACCESS_REPORT.csv"));
    CHECK(std::filesystem::exists(dir / "out" / "os" / "config.cfg"));
    const std::string run_dir = j["run_dir"];
    REQUIRE_FALSE(run_dir.empty());
    const json summary = json::parse(test::slurp(std::filesystem::path(run_dir) / "summary.json"));
    CHECK(summary["status"] == "finished");
    CHECK(summary["headline"]["latency_cycles"] == 390);  // os first: 389 + 1 cycles of latency
    CHECK(summary["headline"]["dataflow"] == "os");
}

TEST_CASE("accel --array and --dataflow override the config and reports land in the Run") {
    const auto dir = fresh_dir("accel_cli_override");
    write(dir / "g.csv", "Layer Name, M, N, K,\nG1, 20, 12, 20,\n");
    write(dir / "tiny.cfg", kCfg);
    // ws on 8x4: (K, N, M) = (20, 12, 20): 3 x 3 = 9 folds of 16 + 4 + 20 - 2 = 38 -> 341.
    auto r = test::run_command(std::string(MLSYS_EXE) + " accel --topology " + (dir / "g.csv").string() + " --config " +
                                   (dir / "tiny.cfg").string() + " --array 8x4 --dataflow ws --json --runs " +
                                   (dir / "runs").string(),
                               dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json j = json::parse(r.out);
    REQUIRE(j["results"].size() == 1);
    CHECK(j["results"][0]["scalesim_total_cycles"] == 341);
    CHECK(j["config"]["array_rows"] == 8);
    REQUIRE(j["layers"].size() == 1);
    const std::string run_dir = j["run_dir"];
    CHECK(std::filesystem::exists(std::filesystem::path(run_dir) / "artifacts" / "COMPUTE_REPORT.csv"));
}

TEST_CASE("accel maps the current model and a built-in topology") {
    const auto dir = fresh_dir("accel_cli_current");
    // mlp 784-128-10 on the default 128x128 os array: layer 1 is (Sr, Sc, T) = (1, 128, 784), one fold of
    // 784 + 128 + 128 - 2 = 1038 cycles; layer 2 (1, 10, 128): one fold of 382 -> SCALE-Sim total 1037 + 381.
    auto r = test::run_command(std::string(MLSYS_EXE) + " accel --topology current --model mlp --json --runs " +
                                   (dir / "runs").string(),
                               dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json j = json::parse(r.out);
    CHECK(j["results"][0]["scalesim_total_cycles"] == 1037 + 381);
    CHECK(j["results"][0]["macs"] == 784 * 128 + 128 * 10);
    auto st = test::run_command(std::string(MLSYS_EXE) + " accel --topology mlp --styles --json --runs " + (dir / "runs").string(),
                                dir);
    REQUIRE_MESSAGE(st.exit_code == 0, st.err);
    json sj = json::parse(st.out);
    REQUIRE(sj["styles"].size() == 4);
    CHECK(sj["styles"][0]["style"] == "systolic");
    CHECK(sj["styles"][3]["style"] == "mcu");
    // The MCU does 2 MACs a cycle at 80 MHz: 101,632 MACs take at least 635 us.
    CHECK(sj["styles"][3]["latency_s"].get<double>() >= 101632 / 160e6);
    CHECK(sj["styles"][3]["latency_s"].get<double>() > sj["styles"][1]["latency_s"].get<double>());
    auto b = test::run_command(std::string(MLSYS_EXE) + " accel --topology resnet50 --array 32x32 --runs " +
                                   (dir / "runs").string(),
                               dir);
    REQUIRE_MESSAGE(b.exit_code == 0, b.err);
    CHECK(b.out.find("Conv1") != std::string::npos);
    CHECK(b.out.find("total:") != std::string::npos);
}

TEST_CASE("accel sweep writes every design point and marks the Pareto front") {
    const auto dir = fresh_dir("accel_cli_sweep");
    write(dir / "g.csv", "Layer Name, M, N, K,\nG1, 20, 12, 20,\n");
    auto r = test::run_command(std::string(MLSYS_EXE) + " accel sweep --topology " + (dir / "g.csv").string() +
                                   " --arrays 4x4,8x8 --dataflow os,ws --sram 64 --out " + (dir / "out").string() +
                                   " --json --runs " + (dir / "runs").string(),
                               dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json j = json::parse(r.out);
    REQUIRE(j["points"].size() == 4);
    CHECK(j["points"][0]["rows"] == 4);
    CHECK(j["points"][0]["dataflow"] == "os");
    CHECK(j["points"][0]["latency_cycles"] == 390);  // 15 folds x 26 cycles
    CHECK(j["points"][0]["pareto_latency_area"] == true);  // the smallest array is on the front
    const std::string csv = test::slurp(dir / "out" / "SWEEP.csv");
    CHECK(csv.rfind("Rows, Cols, Dataflow, SRAM KiB, Latency Cycles,", 0) == 0);
    int lines = 0;
    for (char c : csv) lines += c == '\n';
    CHECK(lines == 5);
}

TEST_CASE("accel bad input exits 2 naming the problem") {
    const auto dir = fresh_dir("accel_cli_bad");
    const std::string exe = std::string(MLSYS_EXE) + " accel --runs " + (dir / "runs").string();
    write(dir / "bad.csv",
          "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
          "C1, 8, 8, 3, 3, 3, 8, 1,\nC2, 4, 4, 5, 5, 3, 8, 1,\n");
    auto big_filter = test::run_command(exe + " --topology " + (dir / "bad.csv").string(), dir);
    CHECK(big_filter.exit_code == 2);
    CHECK(big_filter.err.find("bad.csv:3") != std::string::npos);
    auto unknown = test::run_command(exe + " --topology resnet51", dir);
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("resnet51") != std::string::npos);
    auto no_model = test::run_command(exe + " --topology current", dir);
    CHECK(no_model.exit_code == 2);
    CHECK(no_model.err.find("--model") != std::string::npos);
    auto bad_df = test::run_command(exe + " --topology resnet18 --dataflow xs", dir);
    CHECK(bad_df.exit_code == 2);
    CHECK(bad_df.err.find("xs") != std::string::npos);
    auto bad_array = test::run_command(exe + " --topology resnet18 --array 0x8", dir);
    CHECK(bad_array.exit_code == 2);
    CHECK(bad_array.err.find("--array") != std::string::npos);
    auto bad_sram = test::run_command(std::string(MLSYS_EXE) + " accel sweep --topology mlp --sram 64,big", dir);
    CHECK(bad_sram.exit_code == 2);
    CHECK(bad_sram.err.find("big") != std::string::npos);
    auto missing_cfg = test::run_command(exe + " --topology mlp --config " + (dir / "nope.cfg").string(), dir);
    CHECK(missing_cfg.exit_code == 2);
    CHECK(missing_cfg.err.find("nope.cfg") != std::string::npos);
}

TEST_CASE("resolve_accel_config applies overrides on top of the cfg") {
    session::AccelConfigOverrides o;
    o.array = "16x8";
    o.dataflow = "is";
    o.bandwidth = 4;
    auto c = session::resolve_accel_config(o);
    REQUIRE(c.ok());
    CHECK(c->config.array_rows == 16);
    CHECK(c->config.array_cols == 8);
    CHECK(c->config.dataflow == sim::accel::Dataflow::InputStationary);
    CHECK(c->config.bandwidth_mode == sim::accel::BandwidthMode::User);
    CHECK(c->config.dram_words_per_cycle == 4);
    o.array = "16x";
    CHECK_FALSE(session::resolve_accel_config(o).ok());
}

TEST_SUITE_END();
