// The chart gallery (see chart_gallery.hpp). Its data are closed-form example functions, computed each
// frame and labelled as such; it never shows anything that looks like a measurement.
#include "app/gui/widgets/chart_gallery.hpp"

#include "app/gui/widgets/bar_chart.hpp"
#include "app/gui/widgets/colormap.hpp"
#include "app/gui/widgets/heatmap.hpp"
#include "app/gui/widgets/plot.hpp"
#include "app/gui/widgets/ring_buffer.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace mlsys::gui {
namespace {

struct GalleryExamples {
    std::vector<float> x, a, b;                  // decaying curves
    std::vector<float> ai, roof, px, py;         // a roofline and points on it
    std::vector<std::string> point_names;
    std::vector<float> sx, sy;                   // two interleaved spirals
    std::vector<int> sc;
    std::vector<float> heat;                     // 12 x 12 function
    std::vector<std::string> cats;
    std::vector<float> bar_a, bar_b, bar_c;
    std::vector<uint32_t> image;                 // 48 x 48 background field
    RingBuffer<float> live{300};
    RingBuffer<float> live_t{300};
    double last_push = -1;

    GalleryExamples() {
        for (int i = 0; i <= 200; ++i) {
            const float s = static_cast<float>(i);
            x.push_back(s * 10);
            a.push_back(2.3f * std::exp(-s / 40) + 0.15f);
            b.push_back(2.3f * std::exp(-s / 55) + 0.3f + 0.05f * std::sin(s / 3));
        }
        const double peak = 1e12, bw = 1e11;  // example device: 1 TFLOP/s, 100 GB/s
        for (double v = 0.01; v <= 1000; v *= 1.2) {
            ai.push_back(static_cast<float>(v));
            roof.push_back(static_cast<float>(std::min(peak, bw * v)));
        }
        const double pts[] = {0.25, 1.5, 8, 24, 120};
        for (double v : pts) {
            px.push_back(static_cast<float>(v));
            py.push_back(static_cast<float>(std::min(peak, bw * v) * 0.6));
            point_names.push_back("example point at " + std::to_string(static_cast<int>(v * 100) / 100.0).substr(0, 5) + " FLOP/B");
        }
        for (int i = 0; i < 120; ++i) {
            const float r = static_cast<float>(i) / 120 * 5, th = r * 1.75f;
            for (int c = 0; c < 2; ++c) {
                sx.push_back(r * std::cos(th + c * 3.14159f));
                sy.push_back(r * std::sin(th + c * 3.14159f));
                sc.push_back(c);
            }
        }
        for (int r = 0; r < 12; ++r)
            for (int c = 0; c < 12; ++c) heat.push_back(static_cast<float>(std::sin(r * 0.5) * std::cos(c * 0.4) * 50 + 50));
        for (const char* n : {"conv1", "pool1", "conv2", "pool2", "fc1", "fc2"}) cats.emplace_back(n);
        bar_a = {3.1f, 0.4f, 5.2f, 0.3f, 2.2f, 0.2f};
        bar_b = {1.2f, 0.9f, 2.0f, 0.6f, 4.1f, 0.3f};
        bar_c = {0.5f, 0.1f, 0.7f, 0.1f, 0.3f, 0.05f};
        for (int r = 0; r < 48; ++r)
            for (int c = 0; c < 48; ++c) {
                const float xv = -5 + 10.0f * (c + 0.5f) / 48, yv = 5 - 10.0f * (r + 0.5f) / 48;
                image.push_back(pack_rgba(diverging(std::tanh(std::sin(xv * 0.6f) + 0.3f * yv)), 150));
            }
    }
};

}  // namespace

struct ChartGallery::Data : GalleryExamples {};

ChartGallery::ChartGallery() : data_(std::make_unique<Data>()) {}
ChartGallery::~ChartGallery() = default;

void ChartGallery::draw(bool* open, double time_s) {
    Data& d = *data_;
    if (time_s - d.last_push > 1.0 / 30) {
        d.last_push = time_s;
        d.live_t.push(static_cast<float>(time_s));
        d.live.push(static_cast<float>(std::sin(time_s * 2) + 0.3 * std::sin(time_s * 7.3)));
    }
    ImGui::SetNextWindowSize(ImVec2(980, 760), ImGuiCond_FirstUseEver);
    if (!ImGui::Begin("Chart gallery (examples)", open)) {
        ImGui::End();
        return;
    }
    ImGui::TextDisabled("Every chart type of app/gui/widgets, drawn from example functions. Right-click a chart to save it.");
    const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;

    PlotSpec lines;
    lines.title = "Line chart";
    lines.help = "Two series on linear axes with a legend and a hover read-out.";
    lines.size = ImVec2(w, 230);
    lines.x.label = "step";
    lines.y.label = "value";
    lines.y.include_zero = true;
    Plot("##g_lines", lines)
        .line({"series a", d.x.data(), d.a.data(), static_cast<int>(d.x.size())})
        .line({"series b", d.x.data(), d.b.data(), static_cast<int>(d.x.size())})
        .draw();
    ImGui::SameLine();
    PlotSpec live;
    live.title = "Live ring buffer";
    live.help = "A RingBuffer<float> plotted in place through raw() and index_of_oldest().";
    live.size = ImVec2(w, 230);
    live.x.label = "seconds";
    live.y.fit = AxisFit::Fixed;
    live.y.lo = -1.5;
    live.y.hi = 1.5;
    Plot("##g_live", live)
        .line({"signal", d.live_t.raw(), d.live.raw(), static_cast<int>(d.live.size()), static_cast<int>(d.live.index_of_oldest())})
        .draw();

    PlotSpec roof;
    roof.title = "Log-log (roofline shape)";
    roof.help = "min(peak, bandwidth x intensity) for an example device of 1 TFLOP/s and 100 GB/s.";
    roof.size = ImVec2(w, 250);
    roof.x = AxisSpec{"arithmetic intensity (FLOP/byte)", true, AxisFit::Nice};
    roof.y = AxisSpec{"attainable FLOP/s", true, AxisFit::Nice};
    Plot("##g_roof", roof)
        .line({"roof", d.ai.data(), d.roof.data(), static_cast<int>(d.ai.size())})
        .scatter(ScatterSeries{"points", d.px.data(), d.py.data(), static_cast<int>(d.px.size()), 0, 4.5f, nullptr,
                               nullptr, 0, d.point_names.data()})
        .ref_line({10, true, "ridge", 0})
        .draw();
    ImGui::SameLine();
    PlotSpec sc;
    sc.title = "Scatter over an image";
    sc.help = "Points coloured by class over a field drawn as one texture.";
    sc.size = ImVec2(w, 250);
    sc.x.fit = AxisFit::Fixed;
    sc.x.lo = -5;
    sc.x.hi = 5;
    sc.y.fit = AxisFit::Fixed;
    sc.y.lo = -5;
    sc.y.hi = 5;
    const ImU32 classes[] = {pack_rgba(diverging(-1)), pack_rgba(diverging(1))};
    Plot("##g_scatter", sc)
        .image({d.image.data(), 48, 48, -5, 5, -5, 5, "gallery.field", 1})
        .scatter(ScatterSeries{nullptr, d.sx.data(), d.sy.data(), static_cast<int>(d.sx.size()), 0, 3.0f, d.sc.data(),
                               classes, 2})
        .draw();

    HeatmapSpec hm;
    hm.title = "Heatmap";
    hm.help = "A 12 x 12 grid with a viridis colour scale, values in cells and a colour bar.";
    hm.size = ImVec2(w, 300);
    hm.row_axis = "row";
    hm.col_axis = "column";
    hm.show_values = true;
    hm.colorbar_label = "value";
    heatmap("##g_heat", hm, d.heat.data(), 12, 12);
    ImGui::SameLine();
    ImGui::BeginGroup();
    const BarSeries three[] = {{"compute", d.bar_a.data()}, {"SRAM", d.bar_b.data()}, {"DRAM", d.bar_c.data()}};
    BarSpec stacked;
    stacked.title = "Stacked bars";
    stacked.size = ImVec2(w, 146);
    stacked.categories = &d.cats;
    stacked.value_label = "units";
    stacked.stacked = true;
    bar_chart("##g_stacked", stacked, three, 3);
    BarSpec grouped = stacked;
    grouped.title = "Grouped bars";
    grouped.stacked = false;
    bar_chart("##g_grouped", grouped, three, 2);
    ImGui::EndGroup();
    ImGui::End();
}

}  // namespace mlsys::gui
