// The Board workspace: drawn headless for a few frames with no board, and under Xvfb with the virtual
// board demo (`--demo virtual`): the plotter shows streamed IMU lines, the monitor shows sample lines,
// and inference results appear. Skips only without xvfb-run.
#include "gui_test_support.hpp"

#include <doctest/doctest.h>

using namespace mlsys::test;

TEST_SUITE_BEGIN("gui.board");

TEST_CASE("board workspace draws headless without a board") {
    HeadlessGui gui(1280, 800, "board");
    for (int i = 0; i < 3; ++i) gui.frame();
    CHECK(gui.total_vertex_count() > 1000);
}

TEST_CASE("virtual board demo plots live IMU data") {
    ScreenshotRequest r;
    r.workspace = "board";
    r.demo = "virtual";
    r.frames = 20;
    r.name = "board";
    const Screenshot s = take_screenshot(r);
    MLSYS_REQUIRE_SCREENSHOT(s);
    const sf::Color bg = s.image.getPixel(640, 790 - 60);
    // The plotter (right column, upper half): six coloured channel lines over the plot background.
    const auto plot = region_stats(s.image, 660, 200, 1240, 440, s.image.getPixel(1200, 430));
    CHECK(plot.n_distinct_colors > 40);
    CHECK(plot.fraction_differing > 0.02);
    // The monitor (right column, lower part) is full of text.
    const auto mon = region_stats(s.image, 620, 540, 1240, 740, bg);
    CHECK(mon.fraction_differing > 0.03);
}

TEST_CASE("motion demo lists live classifications with the anomaly flagged") {
    // Runs every motion lab stage on its own virtual board (about 10 s), then draws the panel.
    ScreenshotRequest r;
    r.workspace = "board";
    r.demo = "motion";
    r.frames = 10;
    r.name = "board-motion";
    const Screenshot s = take_screenshot(r);
    MLSYS_REQUIRE_SCREENSHOT(s);
    // The panel leads the left column without a connection: its metrics and the live table (five rows).
    const auto panel = drawn_stats(s.image, 216, 240, 580, 550);
    CHECK(panel.fraction_differing > 0.04);
    // The live table's rows: green classes and the amber ANOMALY flag among the text.
    const auto table = drawn_stats(s.image, 216, 435, 580, 550);
    CHECK(table.n_distinct_colors > 8);
}
