// The Optimize workspace: headless, it offers to train when there is no model and draws every panel side by
// side; under Xvfb its int8-prune demo trains a cnn, adds an int8 and a pruned variant and measures the
// sensitivity, and the screenshot shows the table, the Pareto chart with the amber original marker, the
// histograms and the sensitivity bars.
#include "gui_test_support.hpp"

#include "app/gui/panels/optimize_workspace.hpp"
#include "app/session/optimize_state.hpp"

#include <doctest/doctest.h>

#include <cstdlib>


using namespace mlsys;
using namespace mlsys::test;

TEST_SUITE_BEGIN("gui.optimize");

TEST_CASE("without a model the workspace offers to train and draws every panel side by side") {
    HeadlessGui gui(1280, 800, "optimize");
    auto* ws = dynamic_cast<gui::OptimizeWorkspace*>(gui.ui->find("optimize"));
    REQUIRE(ws != nullptr);
    gui.frame();
    gui.frame();
    REQUIRE(ws->state() == &gui.session->optimize_state());
    CHECK(ws->state()->variants.empty());
    CHECK_FALSE(ws->state()->is_busy());
    const auto& L = ws->last_layout();
    CHECK(L.controls.drawn());
    CHECK(L.table.drawn());
    CHECK(L.pareto.drawn());
    CHECK(L.histograms.drawn());
    CHECK(L.sensitivity.drawn());
    CHECK(L.controls.max.x <= L.table.min.x);
    CHECK(L.table.max.y <= L.pareto.min.y);
    CHECK(L.pareto.max.x <= L.histograms.min.x);
    CHECK(L.histograms.max.x <= L.sensitivity.min.x);
    CHECK(L.sensitivity.max.x <= 1280);
    // Apply needs a model and says so by name.
    std::string error;
    CHECK_FALSE(ws->apply(gui.ctx, &error));
    CHECK(error == "there is no model to optimize yet: train one briefly or open a model file");
}

TEST_CASE("a model set in the session is measured as the original row") {
    HeadlessGui gui(1280, 800, "optimize");
    auto* ws = dynamic_cast<gui::OptimizeWorkspace*>(gui.ui->find("optimize"));
    REQUIRE(ws != nullptr);
    session::OptimizeWorkspaceState& st = gui.session->optimize_state();
    st.settings.test_limit = 200;
    auto mlp = models::Model::build(*models::preset_spec("mlp"), 2);
    REQUIRE(mlp.ok());
    gui.session->set_model(std::move(*mlp), nlohmann::json{{"dataset", "fashion-mnist"}}, "test");
    REQUIRE(frames_until(gui, [&] { return !st.variants.empty(); }));
    const auto& o = st.variants[0].metrics;
    CHECK(o.is_original);
    CHECK(o.n_test == 200);
    CHECK(o.size_bytes == (784 * 128 + 128 + 128 * 10 + 10) * 4);
    CHECK(st.current == 0);
    gui.frame();
    CHECK(ws->last_layout().table.drawn());
}

TEST_CASE("the optimize screenshot shows the table - the Pareto chart with the original marked - and the charts") {
    ScreenshotRequest req;
    req.workspace = "optimize";
    req.demo = "int8-prune";
    req.frames = 10;
    req.extra_args = "--job-progress 1";  // the demo's one job view: until training, both variants and sensitivity are done
    req.name = "optimize";
    const Screenshot s = take_screenshot(req);
    MLSYS_REQUIRE_SCREENSHOT(s);
    // The table's three rows (original, int8, pruned50): text on the panel, the amber original row.
    const RegionStats table = drawn_stats(s.image, 480, 108, 1250, 178);
    CHECK(table.fraction_differing > 0.08);
    CHECK(table.n_distinct_colors > 40);
    // The Pareto chart: grid, axes, the front's line and points.
    const RegionStats pareto = drawn_stats(s.image, 480, 395, 760, 740);
    CHECK(pareto.fraction_differing > 0.03);
    // The original's marker in its own amber (the theme's warning colour 0xd29922), in the plot area only.
    const auto amber_pixels = [&](int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) {
                const sf::Color c = s.image.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y));
                if (std::abs(int(c.r) - 0xd2) < 24 && std::abs(int(c.g) - 0x99) < 24 && std::abs(int(c.b) - 0x22) < 30) ++n;
            }
        return n;
    };
    CHECK(amber_pixels(500, 400, 760, 710) > 40);
    // Blue front points (the accent 0x4c9bff) in the same plot.
    int blue = 0;
    for (int y = 400; y < 710; ++y)
        for (int x = 500; x < 760; ++x) {
            const sf::Color c = s.image.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y));
            if (c.b > 200 && c.r < 120 && c.g > 120) ++blue;
        }
    CHECK(blue > 40);
    // Histograms and sensitivity bars are drawn.
    CHECK(drawn_stats(s.image, 775, 395, 1005, 740).fraction_differing > 0.03);
    CHECK(drawn_stats(s.image, 1065, 395, 1255, 740).fraction_differing > 0.05);
}

TEST_SUITE_END();
