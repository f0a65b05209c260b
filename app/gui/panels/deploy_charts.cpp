// Deploy workspace, the charts: accuracy against latency for every variant on every device that fits (marker
// size = model size, the Pareto front drawn through the points nothing beats), the split-point curves of every
// link, and the live loopback offload measured beside the prediction.
#include "app/gui/panels/deploy_workspace.hpp"

#include "app/gui/panels/train_views.hpp"
#include "app/gui/widgets/bar_chart.hpp"
#include "app/gui/widgets/plot.hpp"
#include "app/gui/widgets/plot_math.hpp"
#include "app/gui/widgets/tooltip.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {

void DeployWorkspace::draw_pareto(GuiContext& ctx, float width, float height) {
    const Theme& t = *ctx.theme;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const session::DeployEvaluation* ev = eval_.get();
    // The variants' colours as one line above the chart (a legend inside would cover the title), in line
    // with the split chart's.
    ImGui::BeginGroup();
    ImGui::PushFont(ctx.fonts.small);
    const float line_y = ImGui::GetCursorScreenPos().y;
    ImGui::Dummy(ImVec2(0, ImGui::GetFrameHeight() - ImGui::GetTextLineHeight()));  // level with the radio row
    if (ev)
        for (size_t i = 0; i < ev->report.variants.size(); ++i) {
            if (i) ImGui::SameLine(0, 8 * ctx.fonts.scale);
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.series[i % t.series.size()]), "● %s",
                               ev->report.variants[i].name.c_str());
        }
    if (ev) ImGui::SameLine(0, 8 * ctx.fonts.scale);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "— Pareto front");
    ImGui::PopFont();
    const float legend_h = ImGui::GetCursorScreenPos().y - line_y;
    PlotSpec spec;
    spec.legend = false;
    spec.title = "Accuracy vs latency";
    spec.help = "Every precision on every device the model fits: measured accuracy against estimated latency (log "
                "scale). Marker size is the model's size at that precision. The line joins the Pareto front — the "
                "points no other point beats on both speed and accuracy; everything else is dominated.";
    spec.size = ImVec2(width, height - legend_h);
    spec.x = AxisSpec{"latency (s)", true, AxisFit::Nice};
    spec.x.format = "%.3g s";
    spec.y = AxisSpec{"accuracy (%)", false, AxisFit::Nice};
    spec.y.format = "%.1f%%";
    spec.empty_text = ev ? "Accuracy not measured: the model names no test set" : "Evaluating…";
    Plot plot("##deploy_pareto", spec);
    // One scatter series per variant (its own marker size), points labelled by device.
    struct Series {
        std::vector<float> x, y;
        std::vector<std::string> labels;
        std::string name;
        float radius = 3;
    };
    std::vector<Series> series;
    std::vector<double> all_lat, all_acc;
    std::vector<float> front_x, front_y;
    if (ev) {
        int64_t max_bytes = 1;
        for (const auto& e : ev->report.estimates) max_bytes = std::max(max_bytes, e.weight_bytes);
        for (const auto& v : ev->report.variants) {
            Series s;
            s.name = v.name;
            for (size_t i = 0; i < ev->device_ids.size(); ++i) {
                const auto* e = ev->estimate(v.name, ev->device_ids[i]);
                if (!e || !e->fits || std::isnan(e->accuracy)) continue;
                s.x.push_back(static_cast<float>(e->latency_s));
                s.y.push_back(static_cast<float>(100 * e->accuracy));
                s.labels.push_back(ev->device_ids[i] + " · " + v.name + " · " + format_bytes(static_cast<double>(e->weight_bytes)));
                if (s.radius == 3) s.radius = 3.0f + 7.0f * std::sqrt(static_cast<float>(e->weight_bytes) / static_cast<float>(max_bytes));
                all_lat.push_back(e->latency_s);
                all_acc.push_back(100 * e->accuracy);
            }
            series.push_back(std::move(s));
        }
        for (size_t i : session::pareto_front(all_lat, all_acc)) {
            front_x.push_back(static_cast<float>(all_lat[i]));
            front_y.push_back(static_cast<float>(all_acc[i]));
        }
    }
    for (size_t i = 0; i < series.size(); ++i) {
        const Series& s = series[i];
        if (s.x.empty()) continue;
        ScatterSeries sc;
        sc.label = s.name.c_str();
        sc.x = s.x.data();
        sc.y = s.y.data();
        sc.count = static_cast<int>(s.x.size());
        sc.radius = s.radius * ctx.fonts.scale;
        sc.color = with_alpha(t.series[i % t.series.size()], s.name == settings_.variant ? 0.95f : 0.55f);
        sc.point_labels = s.labels.data();
        plot.scatter(sc);
    }
    if (front_x.size() >= 2) {
        LineSeries l;
        l.label = "Pareto front";
        l.x = front_x.data();
        l.y = front_y.data();
        l.count = static_cast<int>(front_x.size());
        l.color = with_alpha(t.text, 0.6f);
        l.thickness = 1.5f;
        plot.line(l);
    }
    plot.draw();
    ImGui::EndGroup();
    layout_.pareto = {p0, ImVec2(p0.x + width, p0.y + height)};
}

void DeployWorkspace::draw_splits(GuiContext& ctx, float width, float height) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const session::DeployEvaluation* ev = eval_.get();
    ImGui::BeginGroup();
    // What the curves show: end-to-end latency, the device's energy, or the bytes on the wire.
    const char* metrics[] = {"latency", "device energy", "bytes sent"};
    ImGui::PushFont(ctx.fonts.small);
    for (int m = 0; m < 3; ++m) {
        if (m) ImGui::SameLine();
        if (ImGui::RadioButton(metrics[m], split_metric_ == m)) split_metric_ = m;
    }
    ImGui::PopFont();
    metric_tooltip("Latency: device compute + transfer + cloud compute. Device energy: compute, radio while sending and "
                   "idle while waiting. Bytes sent: the activation at the split (the raw input at split 0) — where the "
                   "layers shrink the data, splitting after them saves bandwidth and keeps the raw input private.");
    // The links' colours as one line of text (a legend inside the chart would cover its title).
    if (ev) {
        ImGui::PushFont(ctx.fonts.small);
        for (size_t i = 0; i < ev->link_ids.size(); ++i) {
            if (i) ImGui::SameLine(0, 8 * sc);
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.series[i % t.series.size()]), "■ %s", ev->link_ids[i].c_str());
        }
        ImGui::PopFont();
    }
    const float radio_h = ImGui::GetCursorScreenPos().y - p0.y;
    char title[160];
    std::snprintf(title, sizeof title, "Split point: %s → %s", settings_.split_device.c_str(), settings_.split_server.c_str());
    PlotSpec spec;
    spec.legend = false;
    spec.title = title;
    spec.help = "Split computing: at every layer boundary the device runs the layers before it and sends the activation "
                "over the link; the cloud runs the rest. 0 sends the raw input (full offload); the last point runs "
                "everything on the device. Each link has its best split (the marked point) — a slow link favours "
                "computing locally, a fast one favours the cloud.";
    spec.size = ImVec2(width, std::max(120 * sc, height - radio_h));
    spec.x = AxisSpec{"layers run on the device", false, AxisFit::Tight};
    spec.x.format = "%.0f";
    spec.y = AxisSpec{split_metric_ == 0 ? "latency (s)" : split_metric_ == 1 ? "device energy (J)" : "bytes sent", true, AxisFit::Nice};
    spec.y.format = split_metric_ == 0 ? "%.3g s" : split_metric_ == 1 ? "%.3g J" : "%.0f B";
    spec.empty_text = "Evaluating…";
    Plot plot("##deploy_splits", spec);
    struct Curve {
        std::vector<float> x, y;
        std::string name;
    };
    std::vector<Curve> curves;
    std::vector<float> best_x, best_y;
    std::vector<std::string> best_labels;
    if (ev) {
        for (const std::string& link : ev->link_ids) {
            const auto* pts = ev->split_points(settings_.variant, link);
            if (!pts || pts->empty()) continue;
            Curve c;
            c.name = link;
            for (const auto& p : *pts) {
                if (!p.possible) continue;
                const double v = split_metric_ == 0 ? p.total_s : split_metric_ == 1 ? p.device_energy_j : static_cast<double>(p.bytes_sent);
                c.x.push_back(static_cast<float>(p.split));
                c.y.push_back(static_cast<float>(v));
            }
            // The best split by latency is marked on every view.
            const auto& b = (*pts)[sim::best_split(*pts)];
            const double bv = split_metric_ == 0 ? b.total_s : split_metric_ == 1 ? b.device_energy_j : static_cast<double>(b.bytes_sent);
            if (split_metric_ != 2 || b.bytes_sent > 0) {
                best_x.push_back(static_cast<float>(b.split));
                best_y.push_back(static_cast<float>(bv));
                best_labels.push_back("best over " + link + ": after " + b.after_layer + " (" + format_si(b.total_s * 1e3) + " ms)");
            }
            curves.push_back(std::move(c));
        }
    }
    for (size_t i = 0; i < curves.size(); ++i) {
        LineSeries l;
        l.label = curves[i].name.c_str();
        l.x = curves[i].x.data();
        l.y = curves[i].y.data();
        l.count = static_cast<int>(curves[i].x.size());
        l.color = t.series[i % t.series.size()];
        l.thickness = curves[i].name == settings_.link ? 3.0f : 1.5f;
        l.markers = true;
        plot.line(l);
    }
    if (!best_x.empty()) {
        ScatterSeries s;
        s.label = "best split by latency";
        s.x = best_x.data();
        s.y = best_y.data();
        s.count = static_cast<int>(best_x.size());
        s.color = t.text;
        s.radius = 5 * sc;
        s.point_labels = best_labels.data();
        plot.scatter(s);
    }
    if (ev)
        if (const auto* pts = ev->split_points(settings_.variant, settings_.link); pts && !pts->empty()) {
            const auto& b = (*pts)[sim::best_split(*pts)];
            plot.ref_line({static_cast<double>(b.split), true, "best over " + settings_.link + ": after " + b.after_layer, t.text_dim, false});
        }
    plot.draw();
    ImGui::EndGroup();
    layout_.splits = {p0, ImVec2(p0.x + width, p0.y + height)};
}

void DeployWorkspace::draw_offload(GuiContext& ctx, float width, float height) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginGroup();
    const bool running = offload_job_ && !offload_job_->is_done();
    ImGui::BeginDisabled(running);
    ImGui::PushFont(ctx.fonts.small);
    if (ImGui::Button(running ? "Measuring…" : "Measure live offload")) start_offload(ctx);
    ImGui::PopFont();
    ImGui::EndDisabled();
    metric_tooltip("Starts a real inference server on this machine (the protocol of `mlsyslab serve`, over TCP on "
                   "loopback), sends real test images through a link shaper that adds each link's round-trip time and "
                   "bandwidth limit, and measures every round trip. The prediction is the unshaped loopback round trip "
                   "(measured first) plus the link model's transfer time.");
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::PushFont(ctx.fonts.small);
    if (running) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", offload_job_->status().c_str());
    else if (!offload_error_.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.bad), "%s", offload_error_.c_str());
    else if (offload_) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "median of %d requests per link, %s",
                                          offload_->n_requests, offload_->model_name.c_str());
    else ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "not measured yet");
    ImGui::PopFont();
    const float bar_h = ImGui::GetItemRectSize().y + ImGui::GetStyle().ItemSpacing.y;
    std::vector<std::string> cats;
    std::vector<float> predicted, measured;
    if (offload_)
        for (const auto& m : offload_->links) {
            cats.push_back(m.link_id);
            predicted.push_back(static_cast<float>(1e3 * m.predicted_s));
            measured.push_back(static_cast<float>(1e3 * m.measured_median_s));
        }
    BarSpec spec;
    spec.title = "Live offload";
    spec.help = "Round trip of one offloaded inference per link, in milliseconds (log scale): the estimator's prediction "
                "beside the median measured over loopback with the link shaper applied. Hover a bar for both values and "
                "the error; the tests hold every link to within 20%.";
    spec.size = ImVec2(width, std::max(120 * sc, height - bar_h));
    spec.categories = &cats;
    spec.value_label = "round trip (ms)";
    spec.log_scale = true;
    spec.value_format = "%.3g ms";
    const BarSeries series[2] = {{"predicted", predicted.data(), t.series[1]}, {"measured", measured.data(), t.series[0]}};
    bar_chart("##deploy_offload", spec, series, cats.empty() ? 0 : 2);
    ImGui::EndGroup();
    layout_.offload = {p0, ImVec2(p0.x + width, p0.y + height)};
}

}  // namespace mlsys::gui
