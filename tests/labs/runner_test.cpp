// The step engine against a fake host: predictions are locked once the measurement is revealed, answers
// are graded with tolerance, checks unlock Next, reset clears later steps, progress survives a restart,
// --auto completes a lab and names the failing step, and the report lands in a Run.
#include "labs/report.hpp"
#include "labs/runner.hpp"

#include "models/core/files.hpp"
#include "models/io/run_reader.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace mlsys;
using namespace mlsys::labs;
using nlohmann::json;

TEST_SUITE_BEGIN("labs.runner");

namespace {
const std::filesystem::path kFixtures = std::filesystem::path(MLSYS_SOURCE_DIR) / "tests/labs/fixtures";

std::filesystem::path tmp(const std::string& name) {
    auto p = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "labs" / name;
    std::filesystem::remove_all(p);
    std::filesystem::create_directories(p);
    return p;
}

// A host with one action, "fake", that returns {"value": params.value} and a "train" settings section.
class FakeHost final : public LabHost {
public:
    json train = json{{"epochs", 1}};
    int n_actions = 0;
    bool has_action(const std::string& kind) const override { return kind == "fake"; }
    core::Result<json> run_action(const std::string&, const json& params, const ActionContext&) override {
        ++n_actions;
        return json{{"value", params.value("value", 0)}};
    }
    core::Status apply_settings(const json& set) override {
        for (auto it = set.begin(); it != set.end(); ++it) {
            if (it.key() != "train") return core::fail(it.key() + ": no such settings section");
            train.update(it.value());
        }
        return core::Status::success();
    }
    json state() const override { return json{{"train", train}}; }
};

Lab good_lab() {
    auto lab = load_lab(kFixtures / "good-lab.json");
    REQUIRE_MESSAGE(lab.ok(), lab.error());
    return *lab;
}
}  // namespace

TEST_CASE("a prediction is committed before the measurement and locked after it") {
    FakeHost host;
    LabRunner r(good_lab(), LabProgress{}, host);
    REQUIRE(r.open_step(0).ok());
    CHECK(host.train["epochs"] == 2);  // the step's settings were applied
    CHECK(r.run_action(0, {}).error() == "commit your prediction (p-value) before running the step");
    CHECK(r.measured(0, "p-value").is_null());
    StepStatus st = r.evaluate(0);
    CHECK_FALSE(st.passed);
    CHECK(st.waiting_for() == "waiting for: your prediction p-value; running the step; the check (value is not in the state)");
    CHECK(r.commit_prediction(0, "p-value", "seven").error() == "prediction p-value: enter a number");
    REQUIRE(r.commit_prediction(0, "p-value", 5).ok());
    REQUIRE(r.commit_prediction(0, "p-value", 6).ok());  // may change until the measurement
    REQUIRE(r.run_action(0, {}).ok());
    CHECK(r.measured(0, "p-value") == 7);
    CHECK(r.commit_prediction(0, "p-value", 7).error().rfind("the measurement is already revealed", 0) == 0);
    CHECK(r.progress().steps.at("measure").predictions.at("p-value").value == 6);
    st = r.evaluate(0);
    CHECK(st.passed);
    CHECK(r.progress().steps.at("measure").measurements["doubled"] == 14);
}

TEST_CASE("Next unlocks only after the check passes and answers are graded") {
    FakeHost host;
    LabRunner r(good_lab(), LabProgress{}, host);
    REQUIRE(r.open_step(0).ok());
    CHECK(r.next().error() == "step 1 has not passed yet");
    CHECK(r.open_step(1).error() == "step 2 is locked: pass step 1 first");
    REQUIRE(r.commit_prediction(0, "p-value", 1).ok());
    REQUIRE(r.run_action(0, {}).ok());
    REQUIRE(r.evaluate(0).passed);
    REQUIRE(r.next().ok());
    CHECK(r.current() == 1);
    auto g = r.answer(1, "q-value", 20);
    REQUIRE(g.ok());
    CHECK_FALSE(g->is_correct);
    CHECK(g->feedback == "too low");
    g = r.answer(1, "q-value", 21);
    REQUIRE(g.ok());
    CHECK(g->is_correct);
    CHECK(r.answer(1, "q-pick", 5).error() == "pick one of the 3 choices");
    CHECK_FALSE(r.answer(1, "q-pick", 0)->is_correct);
    CHECK(r.evaluate(1).waiting_for() == "waiting for: question q-pick");
    CHECK(r.answer(1, "q-pick", 2)->is_correct);
    CHECK(r.evaluate(1).passed);
    CHECK(r.progress().steps.at("ask").answers.at("q-value").attempts == 2);
    CHECK(r.reveal_hint(0) == 1);
    CHECK(r.reveal_hint(0) == 2);
    CHECK(r.reveal_hint(0) == 2);  // only two hints
}

TEST_CASE("progress survives a restart") {
    const auto dir = tmp("progress");
    {
        FakeHost host;
        auto loaded = load_progress(dir, "good-lab");
        REQUIRE(loaded.ok());
        LabRunner r(good_lab(), *loaded, host, dir);
        REQUIRE(r.open_step(0).ok());
        REQUIRE(r.commit_prediction(0, "p-value", 4.5).ok());
        REQUIRE(r.run_action(0, {}).ok());
        REQUIRE(r.evaluate(0).passed);
        REQUIRE(r.next().ok());
        REQUIRE(r.answer(1, "q-pick", 1).ok());
        r.reveal_hint(0);
    }
    CHECK(std::filesystem::exists(progress_path(dir, "good-lab")));
    // A new process: load the file again.
    FakeHost host;
    auto loaded = load_progress(dir, "good-lab");
    REQUIRE_MESSAGE(loaded.ok(), loaded.error());
    LabRunner r(good_lab(), *loaded, host, dir);
    CHECK(r.current() == 1);
    CHECK(r.unlocked() == 1);
    const auto& sp = r.progress().steps.at("measure");
    CHECK(sp.passed);
    CHECK_FALSE(sp.passed_at.empty());
    CHECK(sp.predictions.at("p-value").value == 4.5);
    CHECK(sp.result["value"] == 7);
    CHECK(sp.hints_shown == 1);
    CHECK(sp.measurements["p-value"] == 7);
    const auto& ask = r.progress().steps.at("ask");
    CHECK(ask.answers.at("q-pick").value == 1);
    CHECK_FALSE(ask.answers.at("q-pick").is_correct);
    CHECK(r.progress().lab_revision == 2);
    CHECK_FALSE(r.progress().started_at.empty());
    CHECK(host.n_actions == 0);  // nothing re-ran
}

TEST_CASE("a damaged progress file is an error naming it") {
    const auto dir = tmp("damaged");
    REQUIRE(core::write_file_atomic(progress_path(dir, "good-lab"), "{\"format\": \"mlsys-lab-progress\", \"version\": 1, \"lab_id\": 3}").ok());
    auto p = load_progress(dir, "good-lab");
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().rfind(progress_path(dir, "good-lab").string() + ": a field has the wrong type", 0) == 0);
}

TEST_CASE("reset to a step clears it and the steps after it") {
    FakeHost host;
    LabRunner r(good_lab(), LabProgress{}, host);
    REQUIRE(r.open_step(0).ok());
    REQUIRE(r.commit_prediction(0, "p-value", 1).ok());
    REQUIRE(r.run_action(0, {}).ok());
    REQUIRE(r.evaluate(0).passed);
    REQUIRE(r.next().ok());
    REQUIRE(r.reset_to(0).ok());
    CHECK(r.current() == 0);
    CHECK(r.progress().steps.at("measure").predictions.empty());  // a fresh prediction can be made
    CHECK(r.progress().steps.at("measure").result.is_null());
    CHECK(r.unlocked() == 0);
}

TEST_CASE("--auto completes the lab and writes the report into a Run") {
    const auto runs = tmp("auto_runs");
    FakeHost host;
    std::vector<std::string> lines;
    AutoOptions opt;
    opt.runs_dir = runs.string();
    opt.log = [&](const std::string& s) { lines.push_back(s); };
    const AutoResult r = run_auto(good_lab(), host, opt);
    REQUIRE_MESSAGE(r.ok, r.message);
    CHECK(r.message == "all 3 steps passed (1 manual steps skipped)");
    CHECK(r.n_passed == 2);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "step 1 \"measure\": passed  doubled=14  p-value=7");
    CHECK(r.report["steps"][0]["predictions"][0]["measured"].is_number_integer());
    CHECK(r.report["steps"][0]["predictions"][0]["predicted"] == 5);
    CHECK(r.report["steps"][0]["predictions"][0]["measured"] == 7);
    auto run = models::read_run(r.run_dir);
    REQUIRE(run.ok());
    CHECK(run->kind == "lab");
    CHECK(run->status == models::RunStatus::Finished);
    CHECK(run->headline["steps_passed"] == 3);
    CHECK(run->artifacts == std::vector<std::string>{"charts/predictions.png", "report.html", "report.json", "report.md"});
    const auto md = core::read_file(std::filesystem::path(r.run_dir) / "artifacts/report.md");
    REQUIRE(md.ok());
    CHECK(md->find("| What value? | 5 | 7 |") != std::string::npos);
    CHECK(md->find("| Pick | c | right |") != std::string::npos);
    const auto png = core::read_file(std::filesystem::path(r.run_dir) / "artifacts/charts/predictions.png");
    REQUIRE(png.ok());
    CHECK(png->substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_CASE("--auto names the failing step and check") {
    Lab lab = good_lab();
    lab.steps[0].check = *Expression::parse("value > 100");
    FakeHost host;
    const AutoResult r = run_auto(lab, host, {});
    CHECK_FALSE(r.ok);
    CHECK(r.message == "step 1 \"measure\": waiting for: the check (value > 100 is false)");
    lab = good_lab();
    lab.solution["answers"]["q-value"] = 22;
    const AutoResult r2 = run_auto(lab, host, {});
    CHECK(r2.message == "step 2 \"ask\": question q-value: the solution's answer 22 is graded wrong (expected 21)");
    lab = good_lab();
    lab.steps[0].action->kind = "missing";
    CHECK(run_auto(lab, host, {}).message == "step 1 \"measure\": step \"measure\": no action \"missing\" in this build");
}

TEST_SUITE_END();
