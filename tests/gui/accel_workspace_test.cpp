// The Accelerator workspace: headless, it maps the untrained preset (no current model) and ResNet-50 in all
// three dataflows, lays its views out without overlap, steps the PE grid cycle by cycle with the analytic
// schedule, follows a model set in the session, and runs the sweep on a worker thread; under Xvfb the
// screenshot shows the animated grid and the charts.
#include "gui_test_support.hpp"

#include "app/gui/panels/accel_workspace.hpp"
#include "models/model/model.hpp"
#include "models/model/model_spec.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace mlsys;
using namespace mlsys::test;

TEST_SUITE_BEGIN("gui.accel");

TEST_CASE("without a model the workspace maps the preset and ResNet-50 in all dataflows") {
    HeadlessGui gui(1280, 800, "accelerator");
    auto* ws = dynamic_cast<gui::AccelWorkspace*>(gui.ui->find("accelerator"));
    REQUIRE(ws != nullptr);
    gui.frame();
    gui.frame();
    const auto* ev = ws->evaluation();
    REQUIRE_MESSAGE(ev != nullptr, ws->error());
    CHECK(ev->main.workload.name == "cnn");
    CHECK(ev->main.label.find("preset") != std::string::npos);
    REQUIRE(ev->has_compare);
    CHECK(ev->compare.workload.layers.size() == 54);
    // ResNet-50's MACs are the same in every dataflow; the cycles are not.
    const auto& c = ev->compare;
    CHECK(c.by_dataflow[0].macs == 4089184256);
    CHECK(c.by_dataflow[1].macs == 4089184256);
    CHECK(c.by_dataflow[0].latency_cycles != c.by_dataflow[1].latency_cycles);
    const auto& L = ws->last_layout();
    CHECK(L.toolbar.drawn());
    CHECK(L.grid.drawn());
    CHECK(L.table.drawn());
    CHECK(L.dataflows.drawn());
    CHECK(L.layer_charts.drawn());
    CHECK(L.traffic.drawn());
    CHECK(L.pareto.drawn());
    CHECK(L.compare.drawn());
    CHECK(L.grid.max.x <= L.table.min.x);
    CHECK(L.table.max.x <= L.dataflows.min.x);
    CHECK(L.layer_charts.max.x <= L.traffic.min.x);
    CHECK(L.grid.max.y <= L.layer_charts.min.y);
    CHECK(L.layer_charts.max.y <= L.pareto.min.y);
    CHECK(L.pareto.max.x <= L.compare.min.x);
}

TEST_CASE("the PE grid steps the selected layer with the analytic schedule") {
    HeadlessGui gui(1280, 800, "accelerator");
    auto* ws = dynamic_cast<gui::AccelWorkspace*>(gui.ui->find("accelerator"));
    REQUIRE(ws != nullptr);
    // A dense layer 1 x 784 x 128 (mlp's first) on an 8x8 os array: (Sr, Sc, T) = (1, 128, 784) -> 16 column
    // folds of 784 + 8 + 8 - 2 = 798 cycles; one PE row of eight busy per fold.
    ws->settings().topology = "mlp";
    ws->settings().array_rows = ws->settings().array_cols = 8;
    ws->settings().dataflow = "os";
    gui.frame();
    gui.frame();
    REQUIRE(ws->stepper() != nullptr);
    const auto& plan = ws->stepper()->plan();
    CHECK(plan.n_folds() == 16);
    CHECK(plan.cycles_per_fold == 798);
    ws->step_cycles(798);
    auto snap = ws->stepper()->snapshot();
    CHECK(snap.cycle == 798);
    CHECK(snap.macs_done == 8 * 784);  // the first fold: 8 outputs x 784 MACs, all in PE row 0
    int64_t row0 = 0, others = 0;
    for (int j = 0; j < 8; ++j) row0 += snap.mac_counts[size_t(j)];
    for (size_t k = 8; k < snap.mac_counts.size(); ++k) others += snap.mac_counts[k];
    CHECK(row0 == 8 * 784);
    CHECK(others == 0);
    // Play advances on the frame clock; Space pauses.
    ws->set_playing(true);
    for (int i = 0; i < 10; ++i) gui.frame();
    CHECK(ws->stepper()->cycle() > 798);
    CHECK(ws->on_start_pause(gui.ctx));
    CHECK_FALSE(ws->playing());
    // Selecting the second dense layer rebuilds the stepper for its GEMM (1 x 128 x 10: two column folds of 142).
    const auto* net = &ws->evaluation()->main.by_dataflow[0];
    int second = -1, seen = 0;
    for (size_t i = 0; i < net->layers.size(); ++i)
        if (net->layers[i].work.on_array && seen++ == 1) second = int(i);
    REQUIRE(second > 0);
    ws->select_layer(second);
    gui.frame();
    CHECK(ws->stepper()->plan().n_folds() == 2);  // Sc = N = 10 over 8 columns
    CHECK(ws->stepper()->plan().cycles_per_fold == 128 + 8 + 8 - 2);
    CHECK(ws->stepper()->cycle() == 0);
}

TEST_CASE("a model set in the session is mapped and the sweep runs as a job") {
    HeadlessGui gui(1280, 800, "accelerator");
    auto* ws = dynamic_cast<gui::AccelWorkspace*>(gui.ui->find("accelerator"));
    REQUIRE(ws != nullptr);
    auto mlp = models::Model::build(*models::preset_spec("mlp"), 2);
    REQUIRE(mlp.ok());
    gui.session->set_model(std::move(*mlp), nlohmann::json{{"dataset", "fashion-mnist"}}, "test");
    gui.frame();
    gui.frame();
    REQUIRE(ws->evaluation() != nullptr);
    CHECK(ws->evaluation()->main.workload.name == "mlp");
    CHECK(ws->evaluation()->main.label.find("current model") != std::string::npos);
    ws->settings().sweep_sram_kib = {64};
    std::string error;
    REQUIRE_MESSAGE(ws->start_sweep(gui.ctx, &error), error);
    REQUIRE(frames_until(gui, [&] { return ws->sweep() != nullptr; }));
    CHECK(ws->sweep()->points.size() == 36 * 3);
    int front = 0;
    for (const auto& p : ws->sweep()->points) front += p.pareto_latency_area;
    CHECK(front >= 2);
}

TEST_CASE("the accelerator screenshot shows the animated grid and the charts") {
    ScreenshotRequest req;
    req.workspace = "accelerator";
    req.demo = "play";
    req.frames = 90;
    req.name = "accelerator";
    const Screenshot s = take_screenshot(req);
    MLSYS_REQUIRE_SCREENSHOT(s);
    const auto stats = [&](int x0, int y0, int x1, int y1) { return drawn_stats(s.image, x0, y0, x1, y1); };
    // The whole content area is drawn on, in many colours (viridis grid, bars, text).
    const RegionStats all = stats(230, 90, 1270, 790);
    CHECK(all.n_distinct_colors > 150);
    CHECK(all.fraction_differing > 0.10);
    // The bottom half holds the charts.
    CHECK(stats(230, 500, 1270, 790).fraction_differing > 0.04);
}

TEST_SUITE_END();
