// Optimize workspace, the charts: accuracy against weight bytes or latency with the Pareto front (the original
// as an amber marker), one layer's weight histogram before and after the selected variant's technique, and
// the per-layer sensitivity bars. Reads session::OptimizeWorkspaceState; starts the sensitivity job.
#include "app/gui/panels/optimize_workspace.hpp"

#include "app/gui/widgets/bar_chart.hpp"
#include "app/gui/widgets/plot.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "app/session/optimize_state.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {
namespace {

// A row of small controls above a chart; returns its height so the chart takes the rest.
float small_row_height() { return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.y; }

}  // namespace

void OptimizeWorkspace::draw_pareto(GuiContext& ctx, session::OptimizeWorkspaceState& st, float width, float height) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##optimize_pareto_box", ImVec2(width, height), false, ImGuiWindowFlags_NoScrollbar);
    ImGui::PushFont(ctx.fonts.small);
    const bool by_latency = st.settings.pareto_x == "latency";
    if (ImGui::RadioButton("weight bytes", !by_latency)) st.settings.pareto_x = "size";
    metric_tooltip("Accuracy against the bytes the weights take (the smaller of dense and CSR storage).");
    ImGui::SameLine();
    if (ImGui::RadioButton("latency", by_latency)) st.settings.pareto_x = "latency";
    metric_tooltip("Accuracy against the estimated latency on the chosen device.");
    ImGui::SameLine(0, 10 * sc);
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.warning), "● original");
    ImGui::PopFont();

    // Points: dominated, on the front, and the original (drawn last, on top).
    const auto front = session::optimize_pareto_front(st.variants, st.settings.pareto_x);
    std::vector<float> dx, dy, fx, fy, ox, oy, lx, ly;
    std::vector<std::string> dl, fl, ol;
    for (size_t i = 0; i < st.variants.size(); ++i) {
        const auto& m = st.variants[i].metrics;
        const double x = by_latency ? 1e3 * m.latency_s
                                    : double(m.compressed_bytes > 0 ? std::min(m.size_bytes, m.compressed_bytes) : m.size_bytes) / 1e3;
        if (!std::isfinite(x) || !std::isfinite(m.accuracy) || x <= 0) continue;
        const bool on_front = std::find(front.begin(), front.end(), i) != front.end();
        char label[160];
        std::snprintf(label, sizeof label, "%s · %.2f%% · %s", m.name.c_str(), 100 * m.accuracy,
                      by_latency ? (std::to_string(x) + " ms").c_str() : (std::to_string(int64_t(std::llround(x))) + " KB").c_str());
        auto& xs = m.is_original ? ox : on_front ? fx : dx;
        auto& ys = m.is_original ? oy : on_front ? fy : dy;
        auto& ls = m.is_original ? ol : on_front ? fl : dl;
        xs.push_back(static_cast<float>(x));
        ys.push_back(static_cast<float>(100 * m.accuracy));
        ls.push_back(label);
    }
    for (size_t i : front) {
        const auto& m = st.variants[i].metrics;
        const double x = by_latency ? 1e3 * m.latency_s
                                    : double(m.compressed_bytes > 0 ? std::min(m.size_bytes, m.compressed_bytes) : m.size_bytes) / 1e3;
        lx.push_back(static_cast<float>(x));
        ly.push_back(static_cast<float>(100 * m.accuracy));
    }
    PlotSpec spec;
    spec.title = by_latency ? "Accuracy vs latency" : "Accuracy vs size";
    spec.help = "Every variant's measured test accuracy against its size or estimated latency (log scale). The line "
                "joins the Pareto front: the variants that no other variant beats on both accuracy and cost. "
                "Everything off the line is dominated — some variant is smaller (or faster) and at least as accurate.";
    spec.size = ImVec2(width, height - small_row_height());
    spec.x = AxisSpec{by_latency ? "latency (ms)" : "weights (KB)", true, AxisFit::Nice};
    spec.x.format = by_latency ? "%.3g ms" : "%.4g KB";
    spec.y = AxisSpec{"accuracy (%)", false, AxisFit::Nice};
    spec.y.format = "%.2f%%";
    spec.legend = false;
    spec.empty_text = !st.variants.empty() ? "Apply a technique to add variants" : st.job ? "Measuring the model…" : "No model yet";
    Plot plot("##optimize_pareto", spec);
    if (lx.size() >= 2) {
        LineSeries l;
        l.label = "Pareto front";
        l.x = lx.data();
        l.y = ly.data();
        l.count = static_cast<int>(lx.size());
        l.color = with_alpha(t.accent, 0.7f);
        l.thickness = 1.5f;
        plot.line(l);
    }
    const auto add = [&](const char* label, const std::vector<float>& x, const std::vector<float>& y,
                         const std::vector<std::string>& names, ImU32 colour, float radius) {
        if (x.empty()) return;
        ScatterSeries s;
        s.label = label;
        s.x = x.data();
        s.y = y.data();
        s.count = static_cast<int>(x.size());
        s.color = colour;
        s.radius = radius * sc;
        s.point_labels = names.data();
        plot.scatter(s);
    };
    add("dominated", dx, dy, dl, with_alpha(t.text_dim, 0.9f), 4.5f);
    add("Pareto front", fx, fy, fl, t.accent, 5.5f);
    add("original", ox, oy, ol, t.warning, 7.5f);
    plot.draw();
    ImGui::EndChild();
    layout_.pareto = {p0, ImVec2(p0.x + width, p0.y + height)};
}

void OptimizeWorkspace::draw_histograms(GuiContext& ctx, session::OptimizeWorkspaceState& st, float width, float height) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##optimize_hist_box", ImVec2(width, height), false, ImGuiWindowFlags_NoScrollbar);
    const session::OptimizeVariant* v = st.selected >= 0 && st.selected < static_cast<int>(st.variants.size())
                                            ? &st.variants[size_t(st.selected)]
                                            : nullptr;
    // The layer: the chosen one if this variant has it, else its first.
    const std::vector<session::WeightHistogram>* after = v ? &v->hist_after : nullptr;
    const session::WeightHistogram* ha = nullptr;
    const session::WeightHistogram* hb = nullptr;
    if (after && !after->empty()) {
        for (const auto& h : *after)
            if (h.layer == histogram_layer_) ha = &h;
        if (!ha) {  // the layer with the most weights: its histogram is the fullest
            int64_t best = -1;
            for (const auto& h : *after) {
                int64_t n = 0;
                for (int64_t c : h.counts) n += c;
                if (n > best) {
                    best = n;
                    ha = &h;
                }
            }
        }
        for (const auto& h : v->hist_before)
            if (h.layer == ha->layer) hb = &h;
    }
    ImGui::PushFont(ctx.fonts.small);
    ImGui::SetNextItemWidth(std::min(130 * sc, width * 0.5f));
    if (ImGui::BeginCombo("##hist_layer", ha ? ha->layer.c_str() : "layer")) {
        if (after)
            for (const auto& h : *after)
                if (ImGui::Selectable(h.layer.c_str(), ha && h.layer == ha->layer)) histogram_layer_ = h.layer;
        ImGui::EndCombo();
    }
    metric_tooltip("The layer whose weights are shown (dense and convolution layers).");
    ImGui::SameLine();
    ImGui::Checkbox("log", &histogram_log_);
    metric_tooltip("Logarithmic count axis: pruning piles thousands of weights into the zero bin, which would flatten "
                   "the rest on a linear axis.");
    const bool is_original = v && v->metrics.is_original;
    if (ha && ha->zeros > 0) {
        int64_t n = 0;
        for (int64_t c : ha->counts) n += c;
        ImGui::SameLine(0, 8 * sc);
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%.0f%% zero", n ? 100.0 * double(ha->zeros) / double(n) : 0.0);
        metric_tooltip("The share of this layer's weights that are exactly zero: pruned (magnitude pruning keeps them at "
                       "zero through fine-tuning) or rounded to the zero code.");
    }
    ImGui::PopFont();

    // Steps: each bin as a flat segment over its edges, so a bin that holds thousands (pruning's zero bin)
    // reads as a bar rather than a spike between its neighbours.
    std::vector<float> x, yb, ya;
    if (ha) {
        const int n = static_cast<int>(ha->counts.size());
        const bool same_bins = hb && hb->counts.size() == ha->counts.size();
        for (int i = 0; i < n; ++i)
            for (int edge = 0; edge < 2; ++edge) {
                x.push_back(ha->lo + (ha->hi - ha->lo) * static_cast<float>(i + edge) / static_cast<float>(n));
                ya.push_back(static_cast<float>(ha->counts[size_t(i)]));
                yb.push_back(same_bins ? static_cast<float>(hb->counts[size_t(i)]) : 0.0f);
            }
    }
    PlotSpec spec;
    spec.title = "Weights";
    spec.help = "How one layer's weights are distributed before (grey: the model the technique was applied to) and "
                "after (blue: this variant), over the same bins. Quantization snaps weights onto a grid of 2^b levels "
                "(255 for symmetric int8, 15 for int4); pruning moves the smallest to exactly zero.";
    spec.size = ImVec2(width, height - small_row_height());
    spec.x = AxisSpec{"weight value", false, AxisFit::Tight};
    spec.x.format = "%.4f";
    spec.y = AxisSpec{"weights per bin", histogram_log_, AxisFit::Nice};
    if (histogram_log_ && !x.empty()) {
        // Empty bins sit just below the axis (clipped) so every step keeps its sides on the log axis.
        float top = 1;
        for (size_t i = 0; i < x.size(); ++i) {
            top = std::max({top, ya[i], yb[i]});
            ya[i] = std::max(ya[i], 0.5f);
            yb[i] = std::max(yb[i], 0.5f);
        }
        spec.y.fit = AxisFit::Fixed;
        spec.y.lo = 1;
        spec.y.hi = std::pow(10.0, std::ceil(std::log10(double(top) * 1.5)));
    }
    spec.y.format = "%.0f";
    spec.legend = true;
    spec.empty_text = "Select a variant in the table";
    Plot plot("##optimize_hist", spec);
    if (!x.empty() && hb && !is_original) {
        LineSeries b;
        b.label = "before";
        b.x = x.data();
        b.y = yb.data();
        b.count = static_cast<int>(x.size());
        b.color = with_alpha(t.text_dim, 0.9f);
        b.thickness = 2.0f;
        plot.line(b);
    }
    if (!x.empty()) {
        LineSeries a;
        a.label = is_original ? "weights" : "after";
        a.x = x.data();
        a.y = ya.data();
        a.count = static_cast<int>(x.size());
        a.color = is_original ? t.warning : t.accent;
        a.thickness = 2.0f;
        plot.line(a);
    }
    plot.draw();
    ImGui::EndChild();
    layout_.histograms = {p0, ImVec2(p0.x + width, p0.y + height)};
}

void OptimizeWorkspace::draw_sensitivity(GuiContext& ctx, session::OptimizeWorkspaceState& st, float width, float height) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##optimize_sens_box", ImVec2(width, height), false, ImGuiWindowFlags_NoScrollbar);
    ImGui::PushFont(ctx.fonts.small);
    session::OptimizeSettings& o = st.settings;
    const bool prune = o.sensitivity_prune > 0;
    ImGui::SetNextItemWidth(std::min(110 * sc, width * 0.4f));
    const char* modes[] = {"int8", "int6", "int4", "int3", "int2", "prune 50%", "prune 80%"};
    const int bits_of[] = {8, 6, 4, 3, 2, 0, 0};
    const double prune_of[] = {0, 0, 0, 0, 0, 0.5, 0.8};
    int cur = 2;
    for (int i = 0; i < 7; ++i)
        if ((prune && prune_of[i] == o.sensitivity_prune) || (!prune && prune_of[i] == 0 && bits_of[i] == o.sensitivity_bits)) cur = i;
    if (ImGui::BeginCombo("##sens_mode", modes[cur])) {
        for (int i = 0; i < 7; ++i)
            if (ImGui::Selectable(modes[i], i == cur)) {
                o.sensitivity_prune = prune_of[i];
                if (bits_of[i] > 0) o.sensitivity_bits = bits_of[i];
            }
        ImGui::EndCombo();
    }
    metric_tooltip("What is done to one layer at a time: its weights quantized to this many bits (symmetric, per "
                   "channel; everything else stays fp32) or magnitude-pruned to this share.");
    ImGui::SameLine();
    const bool running = st.sensitivity_job && !st.sensitivity_job->is_done();
    ImGui::BeginDisabled(running || st.variants.empty());
    if (ImGui::SmallButton(running ? "Measuring…" : "Measure")) run_sensitivity(ctx);
    ImGui::EndDisabled();
    metric_tooltip("Measure the selected variant's per-layer sensitivity on a background thread.");
    ImGui::PopFont();

    std::vector<std::string> names;
    std::vector<float> drops;
    const session::SensitivityResult* r = st.sensitivity.get();
    if (r)
        for (const auto& l : r->layers) {
            names.push_back(l.layer);
            drops.push_back(static_cast<float>(100 * (r->baseline_accuracy - l.accuracy)));
        }
    char title[160];
    if (r)
        std::snprintf(title, sizeof title, "Sensitivity (%s)",
                      r->prune > 0 ? (std::to_string(int(std::lround(100 * r->prune))) + "% pruned").c_str()
                                   : ("int" + std::to_string(r->bits)).c_str());
    else
        std::snprintf(title, sizeof title, "Per-layer sensitivity");
    BarSpec spec;
    spec.title = title;
    spec.help = "Accuracy of the selected variant lost, in percentage points, when only that layer is quantized (or pruned) and every other "
                "layer stays fp32. Layers are not equally sensitive: the first and last layers usually lose most, so "
                "mixed precision keeps them wider and squeezes the rest.";
    spec.size = ImVec2(width, height - small_row_height());
    spec.categories = &names;
    spec.value_label = "accuracy drop (points)";
    spec.horizontal = true;
    spec.value_format = "%.2f pt";
    BarSeries s;
    s.label = "accuracy drop";
    s.values = drops.data();
    s.color = t.series[5 % t.series.size()];
    if (!names.empty()) {
        bar_chart("##optimize_sensitivity", spec, &s, 1);
    } else {
        // The bar chart needs categories: an empty frame with a note instead.
        const ChartLayout L = begin_chart("##optimize_sensitivity", spec.title, spec.help, spec.size, {});
        draw_centered_note(ImGui::GetWindowDrawList(), L.content_min, L.content_max,
                           running ? st.sensitivity_job->status().c_str() : "Press Measure");
        end_chart(L, spec.title, nullptr);
    }
    ImGui::EndChild();
    layout_.sensitivity = {p0, ImVec2(p0.x + width, p0.y + height)};
}

}  // namespace mlsys::gui
