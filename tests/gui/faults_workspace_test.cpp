// The Faults workspace: drawn headless without a model (and refusing to start, with the reason), a
// campaign on a session model run through the workspace's job to completion with every chart fed, and the
// xor demo under Xvfb drawing the accuracy-vs-BER curve.
#include "gui_test_support.hpp"

#include "app/gui/panels/faults_workspace.hpp"
#include "app/session/session.hpp"
#include "models/train/trainer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <thread>

using namespace mlsys;
using namespace mlsys::test;

TEST_SUITE_BEGIN("gui.faults");

namespace {
// Faults jobs finish in many short steps: poll every 10 ms, for up to 6000 frames.
bool frames_until_fast(HeadlessGui& gui, const std::function<bool()>& done, int max_frames = 6000) {
    return frames_until(gui, done, max_frames, 10);
}
}  // namespace

TEST_CASE("without a model the Faults workspace draws and refuses to start with the reason") {
    HeadlessGui gui(1280, 800, "faults");
    auto* ws = dynamic_cast<gui::FaultsWorkspace*>(gui.ui->find("faults"));
    REQUIRE(ws != nullptr);
    for (int i = 0; i < 3; ++i) gui.frame();
    CHECK(gui.window_vertex_count("##workspace_faults") > 0);
    CHECK(ws->on_start_pause(gui.ctx));
    REQUIRE_FALSE(gui.ctx.errors.empty());
    CHECK(gui.ctx.errors.back().message.find("no current model") != std::string::npos);
    CHECK_FALSE(ws->is_running());
}

TEST_CASE("a campaign on the session model fills the curve the vulnerability map and the cost table") {
    HeadlessGui gui(1280, 800, "faults");
    auto* ws = dynamic_cast<gui::FaultsWorkspace*>(gui.ui->find("faults"));
    REQUIRE(ws != nullptr);
    models::DatasetOptions o;
    o.n_train = 400;
    o.val_fraction = 0;
    auto data = models::load_dataset("xor", o);
    REQUIRE(data.ok());
    auto spec = *models::preset_spec("playground");
    REQUIRE(models::adapt_to_dataset(spec, data->train.sample_shape, data->train.n_classes).ok());
    auto m = models::Model::build(spec, 1);
    REQUIRE(m.ok());
    models::TrainConfig tc;
    tc.epochs = 10;
    tc.optimizer.learning_rate = 0.01;
    auto trainer = models::Trainer::create(*m, data->train, tc);
    REQUIRE(trainer.ok());
    while (!(*trainer)->done()) (*trainer)->step();
    gui.session->set_model(std::move(*m), {{"dataset", "xor"}}, "test");
    ws->settings.trials = 2;
    ws->settings.eval_limit = 100;
    ws->settings.points_per_decade = 1;
    ws->settings.vulnerability = true;
    ws->settings.vulnerability_trials = 1;
    gui.frame();
    REQUIRE(ws->on_start_pause(gui.ctx));
    CHECK(gui.ctx.errors.empty());
    REQUIRE(frames_until_fast(gui, [&] { return !ws->is_running() && ws->snapshot() && ws->snapshot()->phase == "done"; }));
    gui.frame();
    const auto* snap = ws->snapshot();
    CHECK(snap->campaign.points.size() == 6);  // 1e-7 .. 1e-2, one point a decade
    CHECK(snap->campaign.clean_accuracy > 0.8);
    CHECK(snap->costs.size() == 6);
    CHECK(snap->vulnerability.cells.size() == 3 * 32);  // three dense layers x 32 bits
    CHECK(std::filesystem::exists(snap->run_dir));
    CHECK(gui.window_vertex_count("##workspace_faults") > 1000);
}

TEST_CASE("the xor demo draws the accuracy curve under Xvfb") {
    ScreenshotRequest r;
    r.workspace = "faults";
    r.demo = "xor";
    r.frames = 200;
    r.name = "faults_xor";
    const Screenshot shot = take_screenshot(r);
    MLSYS_REQUIRE_SCREENSHOT(shot);
    // The accuracy chart's plot area (left of the top row) holds a curve and grid, not an empty card.
    const sf::Color bg = dominant_color(shot.image, 600, 130, 880, 290);
    const RegionStats chart = region_stats(shot.image, 600, 130, 880, 290, bg);
    CHECK(chart.fraction_differing > 0.02);
    CHECK(chart.n_distinct_colors > 20);
    // The PE grid draws the faulty PE in the theme's "bad" red somewhere in the lower right.
    int red = 0;
    for (unsigned y = 580; y < 760; ++y)
        for (unsigned x = 910; x < 1240; ++x) {
            const sf::Color c = shot.image.getPixel(x, y);
            if (c.r > 180 && c.g < 110 && c.b < 110) ++red;
        }
    CHECK(red > 50);
}

TEST_SUITE_END();
