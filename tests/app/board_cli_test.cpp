// `mlsyslab board ...` end to end against a virtual board started in the test: hello, stream to Edge
// Impulse CSV, model, deploy and infer (board outputs equal the desktop's), and the error paths.
#include "tests/app/process.hpp"

#include "hardware/virtual/virtual_board.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

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
    const auto runs = kTmp / "runs";
    r = run("board stream " + vb->port_path() + " --sensor imu --rate 50 --seconds 1 --out " + csv.string() + " --json --runs " +
            runs.string());
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

    // The capture is a Run of kind board: every sample a metrics row, the CSV an artifact, a summary.
    const std::filesystem::path run_dir = s["run_dir"].get<std::string>();
    REQUIRE(std::filesystem::exists(run_dir / "summary.json"));
    CHECK(run_dir.filename().string().find("-board-stream-imu-") != std::string::npos);
    CHECK(std::filesystem::file_size(run_dir / "artifacts" / "capture.csv") == std::filesystem::file_size(csv));
    std::ifstream metrics(run_dir / "metrics.csv");
    std::string line;
    int n_lines = 0;
    std::getline(metrics, header);
    CHECK(header == "step,wall_time_s,t_ms,ax,ay,az,gx,gy,gz");
    while (std::getline(metrics, line)) ++n_lines;
    CHECK(n_lines == 50);
    std::ifstream summary(run_dir / "summary.json");
    const auto sj = nlohmann::json::parse(summary);
    CHECK(sj["status"] == "finished");
    CHECK(sj["headline"]["n_samples"] == 50);
}

TEST_CASE("a board unplugged mid-stream keeps the samples so far in the Run") {
    hardware::VirtualBoardConfig cfg;
    cfg.speed = 1;  // real time, so the stream is still running when the board goes away
    auto vb = hardware::VirtualBoard::start(cfg);
    REQUIRE_MESSAGE(vb.ok(), vb.error());
    const auto runs = kTmp / "unplug_runs";
    std::filesystem::remove_all(runs);
    const auto csv = kTmp / "unplug.csv";
    test::ProcessResult r;
    std::thread cli([&] {
        r = run("board stream " + (*vb)->port_path() + " --rate 50 --seconds 60 --out " + csv.string() + " --runs " + runs.string());
    });
    // Wait until the Run holds a few samples (one metrics row per sample), then pull the plug.
    auto metrics_lines = [&] {
        int n = 0;
        if (std::filesystem::exists(runs))
            for (const auto& d : std::filesystem::directory_iterator(runs)) {
                std::ifstream in(d.path() / "metrics.csv");
                for (std::string l; std::getline(in, l);) ++n;
            }
        return n;
    };
    for (int i = 0; i < 400 && metrics_lines() < 6; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    vb->reset();  // the simulator goes away mid-stream: its pseudo-terminal closes, like an unplugged board
    cli.join();
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("samples captured before") != std::string::npos);
    REQUIRE(std::filesystem::exists(runs));
    std::filesystem::path run_dir;
    for (const auto& d : std::filesystem::directory_iterator(runs)) run_dir = d.path();
    std::ifstream summary(run_dir / "summary.json");
    REQUIRE(summary);
    const auto sj = nlohmann::json::parse(summary);
    CHECK(sj["status"] == "failed");
    const int n = sj["headline"]["n_samples"].get<int>();
    CHECK(n >= 5);
    // The partial capture is an artifact and the --out file, one line per sample after the header.
    for (const auto& f : {run_dir / "artifacts" / "capture.csv", csv}) {
        std::ifstream in(f);
        int lines = 0;
        for (std::string l; std::getline(in, l);) ++lines;
        CHECK(lines == n + 1);
    }
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
