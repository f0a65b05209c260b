// `mlsyslab board ...` end to end against a virtual board started in the test: hello, stream to Edge
// Impulse CSV, model, deploy and infer (board outputs equal the desktop's), and the error paths.
#include "tests/app/process.hpp"

#include "hardware/virtual/virtual_board.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace mlsys;

TEST_SUITE_BEGIN("app.board");

namespace {
const std::filesystem::path kTmp = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "board_cli";
test::ProcessResult run(const std::string& args) { return test::run_command(std::string(MLSYS_EXE) + " " + args, kTmp); }
std::unique_ptr<hardware::VirtualBoard> start_board() {
    hardware::VirtualBoardConfig cfg;
    cfg.speed = 0;  // as fast as possible: the CLI reads the board's clock, not the wall clock
    auto vb = hardware::VirtualBoard::start(cfg);
    REQUIRE_MESSAGE(vb.ok(), vb.error());
    return std::move(*vb);
}
}  // namespace

TEST_CASE("board hello and stream through the CLI") {
    auto vb = start_board();
    auto r = run("board hello " + vb->port_path() + " --json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["board"] == "arduino-uno");
    CHECK(j["clock_hz"] == 16000000);
    CHECK(j["stats"]["model_bytes"] == 0);

    const auto csv = kTmp / "imu.csv";
    r = run("board stream " + vb->port_path() + " --sensor imu --rate 50 --seconds 1 --out " + csv.string() + " --json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto s = nlohmann::json::parse(r.out);
    CHECK(s["n_samples"] == 50);
    CHECK(s["rate_hz"].get<double>() == doctest::Approx(50).epsilon(0.02));
    std::ifstream in(csv);
    std::string header, first;
    std::getline(in, header);
    std::getline(in, first);
    CHECK(header == "timestamp,ax,ay,az,gx,gy,gz");
    CHECK(first.rfind("0.000,", 0) == 0);
}

TEST_CASE("board deploy and infer through the CLI") {
    auto vb = start_board();
    const auto mlb = kTmp / "demo.mlb";
    auto r = run("board model --random 8,12,3 --seed 4 --out " + mlb.string() + " --json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(nlohmann::json::parse(r.out)["macs"] == 8 * 12 + 12 * 3);
    r = run("board deploy " + vb->port_path() + " --model-file " + mlb.string() + " --json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(nlohmann::json::parse(r.out)["verified"] == "bytes=" + std::to_string(std::filesystem::file_size(mlb)) +
                                                        " layers=2 inputs=8 outputs=3");
    r = run("board infer " + vb->port_path() + " --model-file " + mlb.string() + " --count 5 --json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["n"] == 5);
    CHECK(j["n_equal"] == 5);
    CHECK(j["median_cycles"].get<int>() > 500);
    for (const auto& row : j["rows"]) CHECK(row["board"] == row["desktop"]);
}

TEST_CASE("board CLI errors are clear") {
    auto r = run("board hello /dev/does-not-exist");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no such port") != std::string::npos);
    std::filesystem::create_directories(kTmp);
    const auto bad = kTmp / "bad.mlb";
    std::ofstream(bad) << "not a board model, just text";
    auto vb = start_board();
    r = run("board deploy " + vb->port_path() + " --model-file " + bad.string());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.mlb: board model: bad magic") != std::string::npos);
    r = run("board model --random 8 --out " + (kTmp / "x.mlb").string());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("at least two widths") != std::string::npos);
    r = run("board list --json");
    CHECK(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out).contains("ports"));
}
