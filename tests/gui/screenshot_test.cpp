// Screenshot mode end to end under Xvfb: `mlsyslab --screenshot` writes a PNG of the right size, not blank,
// with the sidebar and the workspace drawn; bad flags fail with exit code 2. Skips only without xvfb-run.
#include "gui_test_support.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace mlsys::test;

TEST_SUITE_BEGIN("gui.screenshot");

namespace {

// Sidebar is 196 px wide at scale 1; the menu bar ~26 px and the status bar ~34 px tall.
constexpr int kSidebarW = 196;

void check_shell_picture(const Screenshot& shot, int w, int h) {
    REQUIRE(shot.loaded);
    const auto size = shot.image.getSize();
    CHECK(size.x == static_cast<unsigned>(w));
    CHECK(size.y == static_cast<unsigned>(h));
    // Not blank: anti-aliased text and shapes give many distinct colours.
    const RegionStats all = region_stats(shot.image, 0, 0, w, h, sf::Color::Black);
    CHECK(all.n_distinct_colors > 50);
    // The sidebar: its own background colour, with the workspace names drawn over it.
    const sf::Color sidebar_bg = dominant_color(shot.image, 0, 60, kSidebarW, h - 60);
    const RegionStats sidebar = region_stats(shot.image, 8, 60, kSidebarW - 8, h - 60, sidebar_bg);
    CHECK(sidebar.fraction_differing > 0.01);
    CHECK(sidebar.n_distinct_colors > 10);
    // The workspace region: a different background from the sidebar, with content drawn on it.
    const sf::Color work_bg = dominant_color(shot.image, kSidebarW + 10, 40, w - 10, h - 50);
    CHECK(work_bg != sidebar_bg);
    const RegionStats work = region_stats(shot.image, kSidebarW + 10, 40, w - 10, h - 50, work_bg);
    CHECK(work.fraction_differing > 0.005);
    CHECK(work.n_distinct_colors > 10);
}

}  // namespace

TEST_CASE("--screenshot writes the whole window for an unavailable workspace") {
    ScreenshotRequest req;
    req.workspace = "memory";
    req.frames = 6;
    const Screenshot shot = take_screenshot(req);
    REQUIRE_MESSAGE(!shot.skipped, shot.skip_reason);
    INFO("stderr: " << shot.stderr_text);
    REQUIRE(shot.exit_code == 0);
    check_shell_picture(shot, 1280, 800);
}

TEST_CASE("--screenshot honours --size and --theme") {
    ScreenshotRequest req;
    req.workspace = "runs";
    req.frames = 4;
    req.width = 960;
    req.height = 640;
    req.theme = "light";
    req.name = "runs_light";
    const Screenshot shot = take_screenshot(req);
    REQUIRE_MESSAGE(!shot.skipped, shot.skip_reason);
    INFO("stderr: " << shot.stderr_text);
    REQUIRE(shot.exit_code == 0);
    check_shell_picture(shot, 960, 640);
    // Light theme: the workspace background is bright.
    const RegionStats work = region_stats(shot.image, kSidebarW + 10, 40, 950, 600, sf::Color::White);
    CHECK(work.mean_luminance > 200);
}

TEST_CASE("an unknown --workspace or --demo fails with exit code 2 and says why") {
    ScreenshotRequest req;
    req.workspace = "nope";
    req.frames = 2;
    Screenshot shot = take_screenshot(req);
    REQUIRE_MESSAGE(!shot.skipped, shot.skip_reason);
    CHECK(shot.exit_code == 2);
    CHECK(shot.stderr_text.find("--workspace nope: no such workspace (known: train, memory") != std::string::npos);

    req.workspace = "board";
    req.demo = "spiral";
    req.name = "board_demo";
    shot = take_screenshot(req);
    CHECK(shot.exit_code == 2);
    CHECK(shot.stderr_text.find("--demo spiral:") != std::string::npos);
}

TEST_SUITE_END();
