// Deployment end to end: the loopback offload with every link profile applied lands within 20% of the
// estimator's prediction, and `mlsyslab deploy` reports fits, shortfalls and the best split.
#include "process.hpp"

#include "app/session/deploy_report.hpp"
#include "models/data/dataset.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace mlsys;
using nlohmann::json;

TEST_SUITE_BEGIN("app.deploy");

TEST_CASE("loopback offload with each link profile is within 20% of the prediction") {
    auto lib = sim::load_profile_library("/nonexistent");
    REQUIRE(lib.ok());
    auto model = models::Model::build(*models::preset_spec("mlp"), 1);  // latency does not need trained weights
    REQUIRE(model.ok());
    models::DatasetOptions dopt;
    dopt.test_limit = 32;
    dopt.val_fraction = 0;
    auto data = models::load_dataset("fashion-mnist", dopt);
    REQUIRE(data.ok());
    std::vector<const sim::LinkProfile*> links;
    for (const auto& l : lib->links) links.push_back(&l);
    auto m = session::measure_offload(*model, data->test, links, 15);
    REQUIRE_MESSAGE(m.ok(), m.error());
    CHECK(m->size() == 6);  // every link but "none"
    for (const auto& r : *m) {
        CAPTURE(r.link_id);
        CAPTURE(r.predicted_s);
        CAPTURE(r.measured_median_s);
        CHECK(std::abs(r.error_fraction()) <= 0.20);
    }
}

TEST_CASE("deploy --json: fits - shortfalls and the best split for a preset") {
    const auto dir = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "deploy_cli";
    std::filesystem::remove_all(dir);
    auto r = test::run_command(std::string(MLSYS_EXE) + " deploy --model cnn --variants fp32,int8 --devices atmega328p,rpi4 "
                                                        "--link lte --json --runs " + (dir / "runs").string(), dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json j = json::parse(r.out);
    REQUIRE(j["estimates"].size() == 4);
    CHECK(j["estimates"][0]["device"] == "atmega328p");
    CHECK(j["estimates"][0]["fits"] == false);
    CHECK(j["estimates"][0]["shortfall_bytes"] == 423464 - 32768);
    CHECK(j["estimates"][1]["fits"] == true);
    CHECK(j["estimates"][0]["accuracy"].is_null());  // an untrained preset has no measured accuracy
    CHECK(j["splits"].size() == 12);
    CHECK(j["link"] == "lte");
    CHECK(std::filesystem::exists(j["run_dir"].get<std::string>() + "/artifacts/deploy.json"));
    auto bad = test::run_command(std::string(MLSYS_EXE) + " deploy --model cnn --devices toaster", dir);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "mlsyslab deploy: unknown device \"toaster\"\n");
    auto bad_link = test::run_command(std::string(MLSYS_EXE) + " deploy --model cnn --link pigeon", dir);
    CHECK(bad_link.err == "mlsyslab deploy: unknown link \"pigeon\"\n");
}

TEST_SUITE_END();
