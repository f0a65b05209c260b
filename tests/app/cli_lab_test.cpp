// `mlsyslab lab`: validate reports a broken file with its line and exits 1; unknown labs and runs without
// --auto are usage errors; --json lists the catalog. (The --auto runs of every shipped lab are their own
// CTest tests, labs.auto.<id>.)
#include "process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace mlsys::test;

TEST_SUITE_BEGIN("app.cli.lab");

namespace {
const std::string kExe = MLSYS_EXE;
const std::string kFixtures = std::string(MLSYS_SOURCE_DIR) + "/tests/labs/fixtures/";
const std::filesystem::path kTmp = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "cli_lab";
const std::string kEnv = "env XDG_DATA_HOME=" + (kTmp / "xdg").string() + " MLSYS_LABS_DIR=" + std::string(MLSYS_SOURCE_DIR) + "/labs/content ";
}  // namespace

TEST_CASE("lab validate names the file line and reason and exits 1") {
    const auto r = run_command(kEnv + kExe + " lab validate " + kFixtures + "bad-check.json", kTmp);
    CHECK(r.exit_code == 1);
    CHECK(r.err == kFixtures + "bad-check.json:12: steps[0].check: column 15: expected an operand after '>=', got the end of the expression\n");
    const auto ok = run_command(kEnv + kExe + " lab validate " + std::string(MLSYS_SOURCE_DIR) + "/labs/content/first-neural-network.json", kTmp);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("first-neural-network.json: ok (8 steps)") != std::string::npos);
}

TEST_CASE("lab run needs a known lab and --auto") {
    auto r = run_command(kEnv + kExe + " lab run no-such-lab --auto", kTmp);
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("mlsyslab lab run: no lab \"no-such-lab\" (labs: ", 0) == 0);
    r = run_command(kEnv + kExe + " lab run first-neural-network", kTmp);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("use --auto") != std::string::npos);
}

TEST_CASE("lab list --json has the shipped labs") {
    const auto r = run_command(kEnv + kExe + " lab list --json", kTmp);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    bool found = false;
    for (const auto& l : j["labs"])
        if (l["id"] == "architectures-cost") {
            found = true;
            CHECK(l["chapter"] == 4);
            CHECK(l["steps"] == 8);
            CHECK(l["source"] == "built-in");
        }
    CHECK(found);
}

TEST_SUITE_END();
