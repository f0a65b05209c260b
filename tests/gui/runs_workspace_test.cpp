// The Runs workspace: drawn headless for a few frames (empty and with runs), and under Xvfb comparing three
// training runs made by `mlsyslab train` on the playground circles (learning rates 0.001, 0.005, 0.03):
// the chart area must show all three run colours, the config diff and final-metric tables must be drawn.
// Skips the screenshot only without xvfb-run.
#include "gui_test_support.hpp"

#include "app/gui/panels/runs_workspace.hpp"
#include "models/io/run_log.hpp"

#include "../app/process.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace mlsys::test;
namespace fs = std::filesystem;

TEST_SUITE_BEGIN("gui.runs");

namespace {
// Three finished training runs under dir/runs, named by their learning rate.
fs::path make_runs(const std::string& name) {
    const fs::path dir = fs::path(MLSYS_TEST_TMP_DIR) / name;
    fs::remove_all(dir);
    fs::create_directories(dir / "io");
    const std::string runs = " --runs " + (dir / "runs").string();
    for (const char* lr : {"0.001", "0.005", "0.03"}) {
        auto r = run_command(std::string(MLSYS_EXE) + " train --model playground --dataset circles --samples 500 --epochs 10 --lr " +
                                 lr + " --json" + runs, dir / "io");
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        const std::string id = fs::path(nlohmann::json::parse(r.out)["run_dir"].get<std::string>()).filename().string();
        auto n = run_command(std::string(MLSYS_EXE) + " runs rename " + id + " \"circles lr " + lr + "\"" + runs, dir / "io");
        REQUIRE(n.exit_code == 0);
    }
    return dir / "runs";
}
}  // namespace

TEST_CASE("runs workspace draws headless with and without runs") {
    HeadlessGui gui(1280, 800, "runs");
    for (int i = 0; i < 3; ++i) gui.frame();
    CHECK(gui.total_vertex_count() > 0);
    // A run appears after the next refresh; opening and comparing draw without a window.
    auto w = mlsys::models::RunWriter::create(gui.session->runs_dir(), "train", "headless", {{"lr", 0.1}});
    REQUIRE(w.ok());
    REQUIRE(w->append_metrics(0, {{"loss", 1.0}}).ok());
    REQUIRE(w->finish(mlsys::models::RunStatus::Finished, {{"test_accuracy", 0.5}}).ok());
    for (int i = 0; i < 150; ++i) gui.frame();  // > 2 s of frames at 1/60 s
    CHECK(gui.total_vertex_count() > 0);
    // The run view and the compare view draw too (a second training run to compare with).
    auto w2 = mlsys::models::RunWriter::create(gui.session->runs_dir(), "train", "headless two", {{"lr", 0.01}});
    REQUIRE(w2.ok());
    REQUIRE(w2->append_metrics(0, {{"loss", 2.0}, {"val_accuracy", 0.4}}).ok());
    REQUIRE(w2->finish(mlsys::models::RunStatus::Finished).ok());
    std::string error;
    REQUIRE_MESSAGE(gui.ui->start_demo("compare", error), error);
    for (int i = 0; i < 3; ++i) gui.frame();
    const int compare_vertices = gui.total_vertex_count();
    REQUIRE_MESSAGE(gui.ui->start_demo("open", error), error);
    for (int i = 0; i < 3; ++i) gui.frame();
    CHECK(compare_vertices > 0);
    CHECK(gui.total_vertex_count() > 0);
    CHECK_FALSE(gui.ui->start_demo("nope", error));
    CHECK(error == "the Runs workspace has no demo 'nope' (demos: compare, open)");
}

TEST_CASE("comparison of three training runs shows every run's curves and the config diff") {
    const fs::path runs = make_runs("runs-shot");
    ScreenshotRequest req;
    req.workspace = "runs";
    req.demo = "compare";
    req.frames = 12;
    req.name = "runs_compare";
    req.extra_args = "--runs " + runs.string();
    const Screenshot shot = take_screenshot(req);
    MLSYS_REQUIRE_SCREENSHOT(shot);
    // The chart grid (two rows of three charts) under the toolbar and legend.
    int blue = 0, orange = 0, green = 0;
    for (unsigned y = 110; y < 460; ++y)
        for (unsigned x = 215; x < 1260; ++x) {
            const sf::Color c = shot.image.getPixel(x, y);
            if (c.b > 180 && c.r < 140 && c.g > 120) ++blue;
            if (c.r > 190 && c.g > 120 && c.g < 190 && c.b < 80) ++orange;
            if (c.g > 120 && c.r < 60 && c.b > 80 && c.b < 150) ++green;
        }
    CHECK(blue > 200);
    CHECK(orange > 200);
    CHECK(green > 200);
    // The tables below the charts: text on the panel (many distinct colours from anti-aliased glyphs).
    const sf::Color bg = dominant_color(shot.image, 215, 480, 1260, 740);
    const RegionStats tables = region_stats(shot.image, 215, 480, 1260, 740, bg);
    CHECK(tables.fraction_differing > 0.02);
    CHECK(tables.n_distinct_colors > 20);
}
