// `mlsyslab faults` end to end: a campaign over a trained playground model prints its table, --json carries
// every point with its intervals, a Run is written, the same seed repeats exactly, bad input exits 2.
#include "process.hpp"

#include "models/io/run_reader.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using mlsys::test::run_command;
using nlohmann::json;

TEST_SUITE_BEGIN("app.faults");

namespace {
fs::path tmp(const std::string& name) {
    fs::path p = fs::path(MLSYS_TEST_TMP_DIR) / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}
const std::string kExe = MLSYS_EXE;

// A playground model trained on xor (a second or two).
fs::path trained_model(const fs::path& dir) {
    const fs::path f = dir / "xor.mlsys";
    auto r = run_command(kExe + " train --model playground --dataset xor --epochs 5 --save " + f.string() +
                             " --runs " + (dir / "runs").string() + " --json",
                         dir);
    REQUIRE(r.exit_code == 0);
    return f;
}
}  // namespace

TEST_CASE("faults sweeps the bit-error rate and writes a Run") {
    const auto dir = tmp("faults-sweep");
    const fs::path model = trained_model(dir);
    const std::string args = " faults --model-file " + model.string() +
                             " --dataset xor --target weights --fault bitflip --ber 1e-4:1e-2 --trials 4 --eval 200"
                             " --seed 9 --runs " + (dir / "runs").string();
    auto r = run_command(kExe + args + " --json", dir);
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(r.out);
    CHECK(j["clean_accuracy"].get<double>() > 0.75);
    REQUIRE(j["points"].size() == 3);
    CHECK(j["points"][0]["ber"].get<double>() == doctest::Approx(1e-4));
    CHECK(j["points"][2]["ber"].get<double>() == doctest::Approx(1e-2));
    for (const auto& p : j["points"]) {
        CHECK(p["trials"] == 4);
        CHECK(p["accuracy_lo"].get<double>() <= p["accuracy"].get<double>());
        CHECK(p["sdc_lo"].get<double>() <= p["sdc_rate"].get<double>());
        CHECK(p["sdc_hi"].get<double>() >= p["sdc_rate"].get<double>());
    }
    CHECK(j["protection_costs"].size() == 6);
    auto run = mlsys::models::read_run(j["run_dir"].get<std::string>());
    REQUIRE(run.ok());
    CHECK(run->status == mlsys::models::RunStatus::Finished);
    CHECK(run->kind == "faults");
    // Same seed, same numbers.
    auto again = run_command(kExe + args + " --json", dir);
    REQUIRE(again.exit_code == 0);
    CHECK(json::parse(again.out)["points"] == j["points"]);
    // The human table.
    auto human = run_command(kExe + args, dir);
    REQUIRE(human.exit_code == 0);
    CHECK(human.out.find("SDC rate [95% CI]") != std::string::npos);
    CHECK(human.out.find("protection costs") != std::string::npos);
    CHECK(human.out.find("run: ") != std::string::npos);
}

TEST_CASE("faults with ECC corrects isolated flips") {
    const auto dir = tmp("faults-ecc");
    const fs::path model = trained_model(dir);
    auto r = run_command(kExe + " faults --model-file " + model.string() +
                             " --dataset xor --target weights --ber 1e-4 --trials 3 --eval 100 --protect ecc --json"
                             " --runs " + (dir / "runs").string(),
                         dir);
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(r.out);
    const json& p = j["points"][0];
    CHECK(p["accuracy"].get<double>() == doctest::Approx(j["clean_accuracy"].get<double>()));
    CHECK(p["ecc_detected"] == 0);
}

TEST_CASE("faults refuses bad input with one line naming the problem") {
    const auto dir = tmp("faults-bad");
    struct Case {
        std::string args, message;
    } cases[] = {
        {"faults", "mlsyslab faults: --model-file is required"},
        {"faults --model-file x.mlsys --target pe:9", "mlsyslab faults: --target: target \"pe:9\": a PE is written pe:ROW,COL"},
        {"faults --model-file x.mlsys --fault melt", "mlsyslab faults: --fault: unknown fault \"melt\""},
        {"faults --model-file x.mlsys --ber 2", "mlsyslab faults: --ber \"2\": expected a rate in [0, 1]"},
        {"faults --model-file x.mlsys --target pe:0,0 --protect ecc", "mlsyslab faults: protection ecc guards memory"},
        {"faults --model-file x.mlsys --array 8by8", "mlsyslab faults: --array \"8by8\": expected ROWSxCOLS"},
        {"faults --model-file /nonexistent.mlsys", "mlsyslab faults: /nonexistent.mlsys: no such file"},
    };
    for (const auto& c : cases) {
        auto r = run_command(kExe + " " + c.args, dir);
        INFO(c.args << " -> " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.rfind(c.message, 0) == 0);
    }
}

TEST_SUITE_END();
