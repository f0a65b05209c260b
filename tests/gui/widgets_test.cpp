// The chart widgets drawn headless: each type submits geometry, empty charts still draw their frame, the
// hover read-out opens a tooltip with the nearest value, long lines are reduced to the pixel width, and
// axis fitting follows the spec.
#include "gui_test_support.hpp"

#include "app/gui/widgets/bar_chart.hpp"
#include "app/gui/widgets/heatmap.hpp"
#include "app/gui/widgets/plot.hpp"

#include <doctest/doctest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <cmath>
#include <vector>

using mlsys::test::HeadlessGui;
using namespace mlsys::gui;

TEST_SUITE_BEGIN("gui.widgets");

namespace {

int test_window_vertices(HeadlessGui& gui) { return gui.window_vertex_count("##test"); }

// The text of the tooltip window open this frame, or "" (ImGui names tooltips "##Tooltip_00").
bool tooltip_open() {
    const ImGuiWindow* w = ImGui::FindWindowByName("##Tooltip_00");
    return w && w->Active;
}

}  // namespace

TEST_CASE("axes fit tightly or nicely or to fixed bounds") {
    AxisSpec a;
    a.fit = AxisFit::Nice;
    Range r = fit_axis(a, 0.013, 0.87, true);
    CHECK(r.lo == 0.0);
    CHECK(r.hi == 1.0);
    a.fit = AxisFit::Tight;
    r = fit_axis(a, 3, 40, true);
    CHECK(r.lo == 3.0);
    CHECK(r.hi == 40.0);
    a.include_zero = true;
    r = fit_axis(a, 3, 40, true);
    CHECK(r.lo == 0.0);
    a.fit = AxisFit::Fixed;
    a.lo = -1;
    a.hi = 1;
    r = fit_axis(a, 3, 40, true);
    CHECK(r.lo == -1.0);
    CHECK(r.hi == 1.0);
    AxisSpec l;
    l.log_scale = true;
    r = fit_axis(l, 0.01f, 1000, true);  // float data must not widen a whole extra decade
    CHECK(r.lo == doctest::Approx(0.01));
    CHECK(r.hi == 1000.0);
    r = fit_axis(l, 0, 0, false);  // no data on a log axis: a valid positive range
    CHECK(r.lo == 1.0);
    CHECK(r.hi == 10.0);
}

TEST_CASE("every chart type submits geometry and empty charts still draw their frame") {
    HeadlessGui gui;
    std::vector<float> x = {0, 1, 2, 3}, y = {1, 0.5f, 0.25f, 0.125f};
    std::vector<float> heat = {0, 1, 2, 3, 4, 5};
    std::vector<std::string> cats = {"a", "b", "c"};
    std::vector<float> b1 = {1, 2, 3}, b2 = {3, 2, 1};
    const BarSeries bars[] = {{"one", b1.data()}, {"two", b2.data()}};
    int line_v = 0, two_lines_v = 0, empty_v = 0, heat_v = 0, bar_v = 0, hbar_v = 0, log_v = 0;
    for (int frame = 0; frame < 2; ++frame) {
        gui.frame_with([&] { Plot("##line", PlotSpec{"Loss"}).line({"train", x.data(), y.data(), 4}).draw(); });
        line_v = test_window_vertices(gui);
        gui.frame_with([&] {
            Plot("##line", PlotSpec{"Loss"})
                .line({"train", x.data(), y.data(), 4})
                .line({"val", x.data(), y.data(), 4})
                .draw();
        });
        two_lines_v = test_window_vertices(gui);
        gui.frame_with([&] { Plot("##empty", PlotSpec{"Loss"}).draw(); });
        empty_v = test_window_vertices(gui);
        gui.frame_with([&] {
            HeatmapSpec spec;
            spec.show_values = true;
            heatmap("##heat", spec, heat.data(), 2, 3);
        });
        heat_v = test_window_vertices(gui);
        gui.frame_with([&] {
            BarSpec spec;
            spec.categories = &cats;
            spec.stacked = true;
            bar_chart("##bars", spec, bars, 2);
        });
        bar_v = test_window_vertices(gui);
        gui.frame_with([&] {
            BarSpec spec;
            spec.categories = &cats;
            spec.horizontal = true;
            spec.log_scale = true;
            bar_chart("##hbars", spec, bars, 2);
        });
        hbar_v = test_window_vertices(gui);
        gui.frame_with([&] {
            PlotSpec spec;
            spec.x.log_scale = spec.y.log_scale = true;
            Plot("##loglog", spec).line({"y", x.data(), y.data(), 4}).ref_line({0.5, false, "half"}).draw();
        });
        log_v = test_window_vertices(gui);
    }
    CHECK(empty_v > 0);
    CHECK(line_v > 0);
    CHECK(two_lines_v > line_v);  // same axes: the second curve (and legend entry) adds geometry
    CHECK(heat_v > 0);
    CHECK(bar_v > 0);
    CHECK(hbar_v > 0);
    CHECK(log_v > 0);
}

TEST_CASE("hovering a line chart opens a read-out of the nearest point") {
    HeadlessGui gui;
    std::vector<float> x = {0, 10, 20, 30}, y = {4, 3, 2, 1};
    ImVec2 chart_min, chart_max;
    auto draw = [&] {
        chart_min = ImGui::GetCursorScreenPos();
        PlotSpec spec{"Loss"};
        spec.size = ImVec2(600, 300);
        Plot("##hover", spec).line({"train", x.data(), y.data(), 4}).draw();
        chart_max = ImVec2(chart_min.x + 600, chart_min.y + 300);
    };
    ImGui::GetIO().MousePos = ImVec2(-100, -100);
    gui.frame_with(draw);
    gui.frame_with(draw);
    CHECK_FALSE(tooltip_open());
    ImGui::GetIO().MousePos = ImVec2((chart_min.x + chart_max.x) * 0.5f + 40, (chart_min.y + chart_max.y) * 0.5f);
    gui.frame_with(draw);
    gui.frame_with(draw);
    CHECK(tooltip_open());
}

TEST_CASE("a line longer than the plot is wide is drawn as a per-pixel envelope") {
    HeadlessGui gui;
    const int n = 100000;
    std::vector<float> y(n);
    for (int i = 0; i < n; ++i) y[static_cast<std::size_t>(i)] = std::sin(i * 0.01f);
    int vertices = 0;
    for (int f = 0; f < 2; ++f) {
        gui.frame_with([&] {
            PlotSpec spec;
            spec.size = ImVec2(500, 240);
            Plot("##dense", spec).line({"y", nullptr, y.data(), n}).draw();
        });
        vertices = test_window_vertices(gui);
    }
    // Anti-aliased polylines cost a few vertices per point: 2 points per pixel column x ~500 columns.
    CHECK(vertices > 500);
    CHECK(vertices < 20000);
}

TEST_CASE("a ring buffer series is read in order from its oldest element") {
    HeadlessGui gui;
    // raw storage {40, 50, 10, 20, 30} with the oldest at index 2: in order 10..50 along x = 0..4.
    std::vector<float> raw = {40, 50, 10, 20, 30};
    std::vector<float> xs = {3, 4, 0, 1, 2};
    LineSeries s{"r", xs.data(), raw.data(), 5, 2};
    gui.frame_with([&] { Plot("##ring", PlotSpec{}).line(s).draw(); });
    // The data are monotonic in x, so a tight x fit spans exactly [0, 4] and a nice y fit [10, 50].
    AxisSpec ax;
    ax.fit = AxisFit::Tight;
    const Range r = fit_axis(ax, 0, 4, true);
    CHECK(r.lo == 0.0);
    CHECK(r.hi == 4.0);
    CHECK(test_window_vertices(gui) > 0);
}

TEST_SUITE_END();
