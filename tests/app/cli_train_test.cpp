// The train/eval/info subcommands end to end through the built executable: results, --json, bad input
// (exit code 2 with a one-line message), and a Run that survives SIGKILL mid-epoch.
#include "process.hpp"

#include "models/io/model_file.hpp"
#include "models/io/run_reader.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using mlsys::test::run_command;
using nlohmann::json;

TEST_SUITE_BEGIN("app.cli");

namespace {
fs::path tmp(const std::string& name) {
    fs::path p = fs::path(MLSYS_TEST_TMP_DIR) / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}
const std::string kExe = MLSYS_EXE;
}  // namespace

TEST_CASE("info --json reports the cnn layer table") {
    auto dir = tmp("info");
    auto r = run_command(kExe + " info --model cnn --json", dir);
    REQUIRE(r.exit_code == 0);
    json j = json::parse(r.out);
    CHECK(j["total_params"] == 105866);
    CHECK(j["layers"].size() == 11);
    CHECK(j["layers"][0]["output_shape"] == json({28, 28, 16}));
    auto human = run_command(kExe + " info --model mlp", dir);
    CHECK(human.exit_code == 0);
    CHECK(human.out.find("101770 parameters") != std::string::npos);
}

TEST_CASE("bad flags and values: one line on stderr - exit code 2") {
    auto dir = tmp("bad");
    struct Case {
        std::string args, message;
    } cases[] = {
        {"train --epochs 0", "mlsyslab train: --epochs must be at least 1, got 0\n"},
        {"train --lr -1", "mlsyslab train: --lr must be a positive number\n"},
        {"train --optimizer rmsprop", "mlsyslab train: unknown optimizer \"rmsprop\" (choose sgd or adam)\n"},
        {"train --model resnet9", "mlsyslab train: unknown model \"resnet9\": not a preset (mlp, cnn, dscnn, tiny, playground) and no such file\n"},
        {"train --model cnn --dataset spiral --epochs 1",
         "mlsyslab train: model \"cnn\" cannot take inputs of shape 2: layers[0]: "},
        {"eval --model-file /nonexistent.mlsys", "mlsyslab eval: /nonexistent.mlsys: no such file\n"},
        {"info", "mlsyslab info: give exactly one of --model or --model-file\n"},
    };
    for (const auto& c : cases) {
        auto r = run_command(kExe + " " + c.args + " --runs " + (dir / "runs").string(), dir);
        CAPTURE(c.args);
        CHECK(r.exit_code == 2);
        CHECK(r.err.rfind(c.message, 0) == 0);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    auto unknown = run_command(kExe + " train --bogus", dir);
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("--bogus") != std::string::npos);
    // A corrupted model file names the problem.
    std::ofstream(dir / "junk.mlsys") << "not a model";
    auto junk = run_command(kExe + " eval --model-file " + (dir / "junk.mlsys").string(), dir);
    CHECK(junk.exit_code == 2);
    CHECK(junk.err.find("junk.mlsys: file is too short (11 bytes) to be a model file") != std::string::npos);
}

TEST_CASE("train --json on the spiral set writes a Run with the model; eval reads it back") {
    auto dir = tmp("train_spiral");
    auto r = run_command(kExe + " train --model playground --dataset spiral --epochs 80 --batch 16 --lr 0.01 --seed 3 --json"
                                " --runs " + (dir / "runs").string() + " --save " + (dir / "spiral.mlsys").string(),
                         dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json j = json::parse(r.out);
    CHECK(j["test_accuracy"].get<double>() >= 0.9);
    CHECK(j["epochs"].size() == 80);
    auto run = mlsys::models::read_run(j["run_dir"].get<std::string>());
    REQUIRE(run.ok());
    CHECK(run->kind == "train");
    CHECK(run->status == mlsys::models::RunStatus::Finished);
    CHECK_FALSE(run->is_damaged());
    CHECK(run->config["train"]["seed"] == 3);
    CHECK(std::find(run->artifacts.begin(), run->artifacts.end(), "model.mlsys") != run->artifacts.end());
    CHECK(run->headline["test_accuracy"] == j["test_accuracy"]);
    auto e = run_command(kExe + " eval --model-file " + (dir / "spiral.mlsys").string() + " --dataset spiral --seed 3 --json", dir);
    REQUIRE_MESSAGE(e.exit_code == 0, e.err);
    json ej = json::parse(e.out);
    CHECK(ej["accuracy"].get<double>() == doctest::Approx(j["test_accuracy"].get<double>()));
}

TEST_CASE("a training process killed with SIGKILL mid-epoch leaves a Run whose files all parse") {
    auto dir = tmp("sigkill");
    const fs::path runs = dir / "runs";
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const std::string runs_s = runs.string();
        execl(kExe.c_str(), kExe.c_str(), "train", "--model", "cnn", "--epochs", "2", "--runs", runs_s.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    // Wait until the run has logged a few dozen steps, then kill it without warning.
    fs::path metrics;
    for (int i = 0; i < 6000 && metrics.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (!fs::exists(runs)) continue;
        for (const auto& d : fs::directory_iterator(runs)) {
            const fs::path m = d.path() / "metrics.csv";
            if (fs::exists(m) && fs::file_size(m) > 3000) metrics = m;
        }
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE_FALSE(metrics.empty());
    CHECK(WIFSIGNALED(status));
    auto run = mlsys::models::read_run(metrics.parent_path());
    REQUIRE(run.ok());
    CHECK(run->status == mlsys::models::RunStatus::Incomplete);
    CHECK(run->config["dataset"] == "fashion-mnist");
    CHECK(run->metrics.n_rows() > 20);
    // Nothing in the middle of a file may be damaged; at most the line being written when the process died.
    for (const auto& d : run->damage) {
        CAPTURE(d.reason);
        CHECK(d.reason.find("truncated") != std::string::npos);
    }
}

TEST_SUITE_END();
