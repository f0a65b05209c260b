// The Memory workspace: headless it simulates the cnn preset through the rpi4 hierarchy in a job, lays its
// views out without overlap, re-simulates when a knob changes (loop order), and under Xvfb the screenshot
// shows the hierarchy boxes and the charts (docs/screenshots/memory.png comes from the same command).
#include "gui_test_support.hpp"

#include "app/gui/panels/memory_workspace.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace mlsys;
using namespace mlsys::test;

TEST_SUITE_BEGIN("gui.memory");

TEST_CASE("the memory workspace simulates the preset in a job and re-simulates on a knob change") {
    HeadlessGui gui(1280, 800, "memory");
    auto* ws = dynamic_cast<gui::MemoryWorkspace*>(gui.ui->find("memory"));
    REQUIRE(ws != nullptr);
    REQUIRE(frames_until(gui, [&] { return ws->state() && ws->state()->study != nullptr; }));
    const auto* st = ws->state();
    REQUIRE_MESSAGE(st->error.empty(), st->error);
    CHECK(st->study->result.layers.size() == 11u);  // cnn
    CHECK(st->study->hierarchy.name == "rpi4");
    CHECK(st->study->result.movement_share() > 0.5);
    gui.frame();
    const auto& L = ws->last_layout();
    CHECK(L.settings.drawn());
    CHECK(L.hierarchy.drawn());
    CHECK(L.energy.drawn());
    CHECK(L.roofline.drawn());
    CHECK(L.traffic.drawn());
    CHECK(L.training.drawn());
    CHECK(L.settings.max.x <= L.hierarchy.min.x);
    CHECK(L.energy.max.x <= L.roofline.min.x);
    CHECK(L.hierarchy.max.y <= L.energy.min.y);
    CHECK(L.energy.max.y <= L.traffic.min.y);
    // The live replay of conv2d_1: step 1,000 accesses, then play to the end; cold caches, so the replay's
    // L1 misses equal what a cold replay of that layer alone counts.
    std::string err;
    REQUIRE_MESSAGE(ws->select_replay_layer(0, &err), err);
    CHECK(ws->replay_length() == st->study->result.layers[0].accesses);
    ws->replay_step(1000);
    CHECK(ws->replay_position() == 1000);
    CHECK(ws->replay_hierarchy()->stats().accesses == 1000);
    ws->set_replay_playing(true);
    REQUIRE(frames_until(gui, [&] { return !ws->replay_playing(); }));
    CHECK(ws->replay_position() == ws->replay_length());
    CHECK(ws->replay_hierarchy()->stats().levels[0].misses > 0);
    CHECK_FALSE(ws->select_replay_layer(99, &err));
    // A knob: kmn loop order. The next study must carry it.
    const auto* first = st->study.get();
    ws->state()->settings.loop_order = "kmn";
    ws->resimulate();
    REQUIRE(frames_until(gui, [&] { return ws->state()->study.get() != first && !ws->state()->job; }));
    CHECK(ws->state()->study->result.options.trace.loop_order == "kmn");
}

TEST_CASE("the on-chip level switched to a scratchpad: DMA instead of misses - and the live replay agrees") {
    HeadlessGui gui(1280, 800, "memory");
    auto* ws = dynamic_cast<gui::MemoryWorkspace*>(gui.ui->find("memory"));
    REQUIRE(ws != nullptr);
    REQUIRE(frames_until(gui, [&] { return ws->state() && ws->state()->study != nullptr && !ws->state()->job; }));
    // rpi4's 32 KB L1 becomes a 32 KB scratchpad named SPM.
    ws->state()->settings.onchip = "scratchpad";
    ws->resimulate();
    REQUIRE(frames_until(gui, [&] {
        return ws->state()->study && ws->state()->study->hierarchy.levels.front().is_scratchpad && !ws->state()->job;
    }));
    const auto* st = ws->state();
    REQUIRE_MESSAGE(st->error.empty(), st->error);
    const auto& r = st->study->result;
    CHECK(st->study->hierarchy.levels.front().name == "SPM");
    CHECK(r.total.levels[0].scratchpad);
    CHECK(r.total.levels[0].misses == 0);
    CHECK(r.total.levels[0].bytes_from_below > 0);
    gui.frame();
    CHECK(ws->last_layout().hierarchy.drawn());
    // conv2d_1 replayed live: the same accesses and DMA bytes as the study.
    std::string err;
    REQUIRE_MESSAGE(ws->select_replay_layer(0, &err), err);
    ws->set_replay_playing(true);
    REQUIRE(frames_until(gui, [&] { return !ws->replay_playing(); }));
    const auto& live = ws->replay_hierarchy()->stats();
    CHECK(live.accesses == r.layers[0].accesses);
    CHECK(live.levels[0].bytes_from_below == r.layers[0].stats.levels[0].bytes_from_below);
    CHECK(live.levels[0].bytes_to_below == r.layers[0].stats.levels[0].bytes_to_below);
    // And back to a cache: misses again.
    ws->state()->settings.onchip = "cache";
    ws->resimulate();
    REQUIRE(frames_until(gui, [&] {
        return ws->state()->study && !ws->state()->study->hierarchy.levels.front().is_scratchpad && !ws->state()->job;
    }));
    CHECK(ws->state()->study->result.total.levels[0].misses > 0);
}

TEST_CASE("the memory screenshot shows the hierarchy and the charts") {
    ScreenshotRequest req;
    req.workspace = "memory";
    req.frames = 120;
    req.name = "memory";
    const Screenshot s = take_screenshot(req);
    MLSYS_REQUIRE_SCREENSHOT(s);
    const auto stats = [&](int x0, int y0, int x1, int y1) { return drawn_stats(s.image, x0, y0, x1, y1); };
    const RegionStats all = stats(230, 90, 1270, 790);
    CHECK(all.n_distinct_colors > 60);
    CHECK(all.fraction_differing > 0.06);
    CHECK(stats(560, 500, 1270, 790).fraction_differing > 0.03);  // the charts in the lower half
}

TEST_SUITE_END();
