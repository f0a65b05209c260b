// The Deploy workspace: headless, it evaluates the untrained fallback preset and says so, switches every view
// with the precision selector, re-evaluates a model set in the session, and measures the live offload on a
// worker thread; under Xvfb the screenshot shows the board's colour cues, the radars and the charts.
#include "gui_test_support.hpp"

#include "app/gui/panels/deploy_workspace.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace mlsys;
using namespace mlsys::test;

TEST_SUITE_BEGIN("gui.deploy");

TEST_CASE("without a model the workspace evaluates the untrained preset and says so") {
    HeadlessGui gui(1280, 800, "deploy");
    auto* ws = dynamic_cast<gui::DeployWorkspace*>(gui.ui->find("deploy"));
    REQUIRE(ws != nullptr);
    REQUIRE(frames_until(gui, [&] { return ws->evaluation() != nullptr; }));
    gui.frame();
    const auto* ev = ws->evaluation();
    CHECK_FALSE(ev->trained);
    CHECK(ev->model_label == "untrained mlp preset");
    CHECK(ev->dataset == "fashion-mnist");
    CHECK(ev->report.estimates.size() == session::deploy_variant_names().size() * ev->device_ids.size());
    // Chance level on ten classes, measured.
    const auto* e = ev->estimate("fp32", "rpi4");
    REQUIRE(e != nullptr);
    CHECK(e->accuracy < 0.3);
    const auto& L = ws->last_layout();
    CHECK(L.toolbar.drawn());
    CHECK(L.board.drawn());
    CHECK(L.radars.drawn());
    CHECK(L.pareto.drawn());
    CHECK(L.splits.drawn());
    CHECK(L.offload.drawn());
    // The panels sit side by side without overlapping: board left of radars, three charts in a row below.
    CHECK(L.board.max.x <= L.radars.min.x);
    CHECK(L.pareto.max.x <= L.splits.min.x);
    CHECK(L.splits.max.x <= L.offload.min.x);
    CHECK(L.board.max.y <= L.pareto.min.y);
    // The precision selector switches the views without a new evaluation (every variant is computed).
    ws->settings().variant = "int8";
    gui.frame();
    gui.frame();
    CHECK(ws->evaluation() == ev);
}

TEST_CASE("a model set in the session is evaluated with its dataset and the live offload measures every link") {
    HeadlessGui gui(1280, 800, "deploy");
    auto* ws = dynamic_cast<gui::DeployWorkspace*>(gui.ui->find("deploy"));
    REQUIRE(ws != nullptr);
    auto spec = *models::preset_spec("mlp");
    auto mlp = models::Model::build(spec, 2);
    REQUIRE(mlp.ok());
    gui.session->set_model(std::move(*mlp), nlohmann::json{{"dataset", "fashion-mnist"}, {"test_accuracy", 0.1}}, "test");
    REQUIRE(frames_until(gui, [&] { return ws->evaluation() != nullptr && ws->evaluation()->trained; }));
    CHECK(ws->evaluation()->model_name == "mlp");
    ws->settings().offload_requests = 3;
    std::string error;
    REQUIRE_MESSAGE(ws->start_offload(gui.ctx, &error), error);
    REQUIRE(frames_until(gui, [&] { return ws->offload() && ws->offload()->links.size() == 6; }));
    for (const auto& r : ws->offload()->links) {
        CAPTURE(r.link_id);
        CHECK(r.n_requests == 3);
        CHECK(r.measured_median_s > 0);
        CHECK(r.predicted_s > 0);
    }
}

TEST_CASE("the deploy screenshot shows the colour-coded board - radars and charts") {
    ScreenshotRequest req;
    req.workspace = "deploy";
    req.demo = "offload";
    req.frames = 240;
    req.name = "deploy";
    const Screenshot s = take_screenshot(req);
    MLSYS_REQUIRE_SCREENSHOT(s);
    const auto stats = [&](int x0, int y0, int x1, int y1) { return drawn_stats(s.image, x0, y0, x1, y1); };
    // Board (left of the upper half): text and green/amber/red cells.
    const RegionStats board = stats(230, 90, 820, 440);
    CHECK(board.n_distinct_colors > 60);
    CHECK(board.fraction_differing > 0.08);
    int green = 0, red = 0;
    for (int y = 90; y < 440; ++y)
        for (int x = 230; x < 820; ++x) {
            const sf::Color c = s.image.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y));
            if (c.g > c.r + 25 && c.g > c.b + 10) ++green;
            if (c.r > c.g + 40 && c.r > c.b + 40) ++red;
        }
    CHECK(green > 500);
    CHECK(red > 500);
    // Radars (right of the upper half) and the three charts below.
    CHECK(stats(840, 90, 1270, 440).fraction_differing > 0.05);
    CHECK(stats(230, 480, 1270, 760).n_distinct_colors > 40);
}

TEST_SUITE_END();
