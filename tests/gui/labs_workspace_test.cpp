// The Labs workspace: headless, the catalog shows the shipped labs, a lab opens beside the workspace its
// step drives, predictions gate the Run button, a passed check unlocks Next, and the completion view and
// report follow; under Xvfb, a step in progress and the completion report render (docs/screenshots).
#include "gui_test_support.hpp"

#include "app/gui/panels/labs_workspace.hpp"

#include "models/core/files.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace mlsys;
using namespace mlsys::test;

TEST_SUITE_BEGIN("gui.labs");

namespace {
// Progress and user labs go to the test's folder, never the user's home.
void private_data_dir(const std::string& name) {
    const auto dir = std::filesystem::path(MLSYS_TEST_TMP_DIR) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ::setenv("XDG_DATA_HOME", dir.c_str(), 1);
    ::setenv("MLSYS_LABS_DIR", (std::filesystem::path(MLSYS_SOURCE_DIR) / "labs/content").c_str(), 1);
}
}  // namespace

TEST_CASE("the catalog lists the shipped labs and a lab drives its workspace") {
    private_data_dir("labs_gui_headless");
    HeadlessGui gui(1280, 800, "labs");
    gui.frame();
    gui.frame();
    auto* labs = dynamic_cast<gui::LabsWorkspace*>(gui.ui->find("labs"));
    REQUIRE(labs != nullptr);
    REQUIRE(labs->catalog().find("first-neural-network") != nullptr);
    REQUIRE(labs->catalog().find("architectures-cost") != nullptr);
    CHECK(labs->catalog().errors.empty());
    const int catalog_vertices = gui.total_vertex_count();
    CHECK(catalog_vertices > 1000);

    REQUIRE(labs->open_lab(gui.ctx, "architectures-cost"));
    gui.frame();
    gui.frame();
    labs::LabRunner* r = labs->runner();
    REQUIRE(r != nullptr);
    CHECK(r->current() == 0);
    // The step set the Train workspace up, and the Train workspace is drawn beside the step.
    CHECK(gui.session->train.model == "mlp");
    CHECK(gui.total_vertex_count() > catalog_vertices);
    // The Run button needs the prediction first; then the check passes and Next unlocks.
    CHECK(r->run_action(0, {}).error() == "commit your prediction (mlp-params) before running the step");
    REQUIRE(r->commit_prediction(0, "mlp-params", 120000).ok());
    REQUIRE(r->run_action(0, {}).ok());
    REQUIRE(r->answer(0, "mlp-macs", 101632)->is_correct);
    gui.frame();
    gui.frame();
    CHECK(r->evaluate(0).passed);
    REQUIRE(r->next().ok());
    gui.frame();
    CHECK(r->current() == 1);
    // Progress was saved where the student's data lives.
    CHECK(std::filesystem::exists(labs::progress_path(labs::default_progress_dir(), "architectures-cost")));
    // Back to the catalog: the card shows one passed step.
    labs->close_lab();
    gui.frame();
    gui.frame();
}

TEST_CASE("a lab reopens at the saved step after a restart") {
    private_data_dir("labs_gui_restart");
    {
        HeadlessGui gui(1280, 800, "labs");
        gui.frame();
        auto* labs = dynamic_cast<gui::LabsWorkspace*>(gui.ui->find("labs"));
        REQUIRE(labs->open_lab(gui.ctx, "architectures-cost"));
        labs::LabRunner* r = labs->runner();
        REQUIRE(r->commit_prediction(0, "mlp-params", 1000).ok());
        REQUIRE(r->run_action(0, {}).ok());
        REQUIRE(r->answer(0, "mlp-macs", 101632)->is_correct);
        REQUIRE(r->evaluate(0).passed);
        REQUIRE(r->next().ok());
        gui.frame();
        gui.ui->store_workspace_state();
        CHECK(gui.settings.workspace_state["labs"]["open_lab"] == "architectures-cost");
    }
    HeadlessGui gui(1280, 800, "labs");
    auto* labs = dynamic_cast<gui::LabsWorkspace*>(gui.ui->find("labs"));
    std::vector<std::string> warnings;
    labs->restore_state(nlohmann::json{{"version", 1}, {"open_lab", "architectures-cost"}}, warnings);
    gui.frame();
    gui.frame();
    REQUIRE(labs->runner() != nullptr);
    CHECK(labs->runner()->current() == 1);
    CHECK(labs->runner()->progress().steps.at("mlp_cost").predictions.at("mlp-params").value == 1000);
}

TEST_CASE("screenshots of a step in progress and of the completion report") {
    ScreenshotRequest step;
    step.workspace = "labs";
    step.demo = "first-neural-network@3";
    step.frames = 6;
    step.name = "labs_step";
    const Screenshot a = take_screenshot(step);
    MLSYS_REQUIRE_SCREENSHOT(a);
    // The step column (left) has text; the driven Train workspace (right) has its panels.
    const sf::Color bg = dominant_color(a.image, 220, 140, 620, 700);
    CHECK(region_stats(a.image, 220, 140, 620, 400, bg).fraction_differing > 0.03);
    const sf::Color bg2 = dominant_color(a.image, 650, 60, 1260, 740);
    CHECK(region_stats(a.image, 650, 60, 1260, 740, bg2).fraction_differing > 0.05);

    ScreenshotRequest report = step;
    report.demo = "first-neural-network@report";  // about 15 s: the demo trains every step headless first
    report.name = "labs_report";
    const Screenshot b = take_screenshot(report);
    INFO("stderr: " << b.stderr_text);
    REQUIRE(b.exit_code == 0);
    REQUIRE(b.loaded);
    const sf::Color bg3 = dominant_color(b.image, 216, 130, 1250, 700);
    CHECK(region_stats(b.image, 216, 130, 1250, 700, bg3).fraction_differing > 0.05);
    // The two pictures differ (different views).
    CHECK(region_stats(b.image, 220, 140, 620, 400, bg).fraction_differing != doctest::Approx(region_stats(a.image, 220, 140, 620, 400, bg).fraction_differing));
}

TEST_SUITE_END();
