// `mlsyslab optimize` end to end on a small trained mlp: int8 export that loads back and measures the
// same, pruning with CSR sizes, structured pruning shrinking MACs, fp16, distillation baselines, Runs,
// and bad usage with clear messages.
#include "process.hpp"
#include "trained_mlp.hpp"

#include "models/io/model_file.hpp"
#include "models/optimize/int8_export.hpp"
#include "models/train/trainer.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

using namespace mlsys;
using nlohmann::json;

TEST_SUITE_BEGIN("app.optimize");

namespace {

std::filesystem::path tmp_dir() { return std::filesystem::path(MLSYS_TEST_TMP_DIR) / "optimize_cli"; }

// An mlp trained for one epoch on 3,000 Fashion-MNIST images (about a second), saved once per process.
std::string trained_model() {
    static const std::string path = [] {
        std::filesystem::create_directories(tmp_dir());
        const auto p = (tmp_dir() / "mlp.mlsys").string();
        models::Model model = test::trained_mlp();
        REQUIRE(models::save_model(p, model, {{"dataset", "fashion-mnist"}}).ok());
        return p;
    }();
    return path;
}

json run_json(const std::string& args, const std::string& name) {
    const auto dir = tmp_dir() / name;
    std::filesystem::remove_all(dir);
    auto r = test::run_command(std::string(MLSYS_EXE) + " optimize --model-file " + trained_model() + " " + args +
                                   " --json --runs " + (dir / "runs").string(),
                               dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return json::parse(r.out);
}

}  // namespace

TEST_CASE("optimize --quantize int8 writes an image that loads back and measures the same") {
    const auto out = (tmp_dir() / "mlp.mlq8").string();
    const json j = run_json("--quantize int8 --per-channel --calib 200 --limit 500 --out " + out, "int8");
    CHECK(j["action"] == "quantize");
    CHECK(j["variant"]["precision"] == "int8");
    CHECK(j["original"]["is_original"] == true);
    const double before = j["original"]["accuracy"], after = j["variant"]["accuracy"];
    CHECK(before > 0.7);
    CHECK(std::fabs(before - after) <= 0.02);
    CHECK(j["variant"]["size_bytes"].get<double>() <= 0.26 * j["original"]["size_bytes"].get<double>());
    CHECK(j["variant"]["macs"] == 784 * 128 + 128 * 10);
    CHECK(j["variant"]["latency_s"].get<double>() < j["original"]["latency_s"].get<double>());
    auto q = models::optimize::load_int8(out);
    REQUIRE_MESSAGE(q.ok(), q.error());
    models::DatasetOptions d;
    d.test_limit = 500;
    d.val_fraction = 0;
    d.train_limit = 10;
    auto data = models::load_dataset("fashion-mnist", d);
    REQUIRE(data.ok());
    CHECK(models::optimize::evaluate_int8(*q, data->test).accuracy == doctest::Approx(after));
    const std::string run = j["run_dir"];
    CHECK(std::filesystem::exists(run + "/artifacts/model.mlq8"));
    CHECK(std::filesystem::exists(run + "/artifacts/model.h"));
    const json summary = json::parse(test::slurp(run + "/summary.json"));
    CHECK(summary.dump().find("accuracy_after") != std::string::npos);
}

TEST_CASE("optimize --out .mlb1 refuses a model wider than the board's buffers") {
    // The conversion itself (tiny model, bit-exact on the board reference) is tested in tests/hardware.
    const auto dir = tmp_dir() / "mlb1";
    auto r = test::run_command(std::string(MLSYS_EXE) + " optimize --model-file " + trained_model() +
                                   " --quantize int8 --calib 50 --limit 50 --out " + (dir / "mlp.mlb1").string() +
                                   " --runs " + (dir / "runs").string(),
                               dir);
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find("784x128 is wider than the board format's 64") != std::string::npos, r.err);
}

TEST_CASE("optimize --prune 0.5 with fine-tuning reports sparsity and CSR sizes") {
    const json j = run_json("--prune 0.5 --finetune-epochs 1 --train-limit 2000 --limit 500", "prune");
    CHECK(j["variant"]["name"] == "pruned50");
    CHECK(j["variant"]["sparsity"].get<double>() == doctest::Approx(0.5).epsilon(0.01));
    CHECK(j["variant"]["compressed_bytes"].get<int64_t>() < j["variant"]["size_bytes"].get<int64_t>());
    CHECK(j["variant"]["effective_macs"].get<int64_t>() < j["variant"]["macs"].get<int64_t>());
    REQUIRE(j["layers"].size() == 2);
    CHECK(j["layers"][0]["n_weights"] == 784 * 128);
    CHECK(j["variant"]["accuracy"].get<double>() >= j["original"]["accuracy"].get<double>() - 0.03);
}

TEST_CASE("optimize --prune --structured shrinks the MACs and fp16 keeps the accuracy") {
    const json s = run_json("--prune 0.5 --structured --limit 300", "structured");
    CHECK(s["variant"]["name"] == "structured50");
    CHECK(s["variant"]["macs"] == 784 * 64 + 64 * 10);  // 128 hidden units -> 64
    const json h = run_json("--quantize fp16 --limit 300", "fp16");
    CHECK(h["variant"]["precision"] == "fp16");
    CHECK(h["variant"]["size_bytes"].get<int64_t>() * 2 == h["original"]["size_bytes"].get<int64_t>());
    CHECK(std::fabs(h["variant"]["accuracy"].get<double>() - h["original"]["accuracy"].get<double>()) <= 0.005);
}

TEST_CASE("optimize --distill-from reports the teacher and the student trained alone") {
    const auto dir = tmp_dir() / "distill";
    std::filesystem::remove_all(dir);
    const auto out = (dir / "student.mlsys").string();
    std::filesystem::create_directories(dir);
    auto r = test::run_command(std::string(MLSYS_EXE) + " optimize --model mlp --distill-from " + trained_model() +
                                   " --epochs 1 --lr 0.001 --train-limit 1000 --limit 300 --out " + out + " --json --runs " +
                                   (dir / "runs").string(),
                               dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const json j = json::parse(r.out);
    REQUIRE(j["baselines"].size() == 2);
    CHECK(j["baselines"][0]["name"] == "teacher");
    CHECK(j["baselines"][1]["name"] == "student-alone");
    CHECK(j["variant"]["name"] == "distilled");
    CHECK(j["variant"]["accuracy"].get<double>() > 0.5);
    auto loaded = models::load_model(out);
    REQUIRE(loaded.ok());
    CHECK(loaded->metadata["optimized"]["action"] == "distill");
}

TEST_CASE("deploy --variants int8 and pruned50 measure accuracy with the optimized models") {
    const auto dir = tmp_dir() / "deploy_variants";
    std::filesystem::remove_all(dir);
    auto r = test::run_command(std::string(MLSYS_EXE) + " deploy --model-file " + trained_model() +
                                   " --variants fp32,int8,pruned50 --devices rpi4 --link wifi --accuracy-limit 300 --json --runs " +
                                   (dir / "runs").string(),
                               dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const json j = json::parse(r.out);
    REQUIRE(j["estimates"].size() == 3);
    const double fp32 = j["estimates"][0]["accuracy"], int8 = j["estimates"][1]["accuracy"], pruned = j["estimates"][2]["accuracy"];
    CHECK(j["estimates"][1]["variant"] == "int8");
    CHECK(j["estimates"][2]["variant"] == "pruned50");
    CHECK(fp32 > 0.7);
    CHECK(std::fabs(int8 - fp32) <= 0.02);
    CHECK(pruned > 0.5);
    CHECK(r.out.find("integer-only int8") != std::string::npos);  // the note says how it was measured
    auto bad = test::run_command(std::string(MLSYS_EXE) + " deploy --model-file " + trained_model() + " --variants pruned0 --runs " +
                                     (dir / "runs").string(),
                                 dir);
    CHECK(bad.exit_code == 2);
}

TEST_CASE("optimize refuses bad usage with a clear message") {
    const auto dir = tmp_dir() / "bad";
    const std::string exe = std::string(MLSYS_EXE) + " optimize --runs " + (dir / "runs").string() + " ";
    const std::string model = " --model-file " + trained_model();
    struct Case {
        std::string args, expect;
    };
    const std::vector<Case> cases = {
        {model, "exactly one of --quantize, --prune and --distill-from"},
        {model + " --quantize int8 --prune 0.5", "exactly one of"},
        {model + " --quantize int3", "int8, int4"},
        {model + " --prune 1.5", "--prune must be in (0, 1)"},
        {model + " --quantize int8 --calib-method magic", "minmax, percentile, mse"},
        {model + " --quantize int8 --limit 50 --out x.txt", "written as .mlq8"},
        {model + " --quantize int8 --limit 50 --asymmetric-weights --out x.mlb1", "layer 0 (dense_1, dense)"},
        {model + " --quantize int8 --limit 50 --device toaster", "unknown device \"toaster\""},
        {" --model-file /nonexistent.mlsys --quantize int8", "/nonexistent.mlsys"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.args);
        auto r = test::run_command(exe + c.args, dir);
        CHECK(r.exit_code == 2);
        CHECK_MESSAGE(r.err.find(c.expect) != std::string::npos, r.err);
    }
}

TEST_SUITE_END();
