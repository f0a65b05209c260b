// Faults workspace results: accuracy and silent-corruption rate against the bit-error rate (log x, 95%
// bands), per-bit vulnerability bars, the layer x bit heatmap, the test images whose answers flipped, the
// protections' overhead table and the PE grid with the outputs a faulty PE corrupts. Reads the snapshot only.
#include "app/gui/panels/faults_workspace.hpp"

#include "app/gui/theme.hpp"
#include "app/gui/widgets/bar_chart.hpp"
#include "app/gui/widgets/heatmap.hpp"
#include "app/gui/widgets/plot.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"
#include "faults/hw/pe_map.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace mlsys::gui {

void FaultsWorkspace::rebuild_series() {
    ber_x_.clear();
    acc_.clear();
    acc_lo_.clear();
    acc_hi_.clear();
    sdc_.clear();
    sdc_lo_.clear();
    sdc_hi_.clear();
    det_.clear();
    bit_labels_.clear();
    bit_critical_.clear();
    heat_.clear();
    heat_rows_.clear();
    heat_cols_.clear();
    if (!snap_) return;
    for (const auto& p : snap_->campaign.points) {
        ber_x_.push_back(float(p.ber));
        acc_.push_back(float(100 * p.accuracy.mean));
        acc_lo_.push_back(float(100 * std::max(0.0, p.accuracy.ci.lo)));
        acc_hi_.push_back(float(100 * std::min(1.0, p.accuracy.ci.hi)));
        const double n = double(std::max<int64_t>(1, p.images.n_images));
        sdc_.push_back(float(100 * double(p.images.n_sdc) / n));
        sdc_lo_.push_back(float(100 * p.sdc_ci.lo));
        sdc_hi_.push_back(float(100 * p.sdc_ci.hi));
        det_.push_back(float(100 * double(p.images.n_detected) / n));
    }
    const auto& v = snap_->vulnerability;
    if (!v.cells.empty()) {
        for (int b : v.bits) {
            bit_labels_.push_back(std::to_string(b));
            int64_t crit = 0, trials = 0;
            for (const auto& c : v.cells)
                if (c.bit == b) {
                    crit += c.critical;
                    trials += c.trials;
                }
            bit_critical_.push_back(trials ? float(100.0 * double(crit) / double(trials)) : 0.0f);
        }
        for (const auto& n : v.layer_names) heat_rows_.push_back(n);
        // Column groups: each bit on its own, except that a full fp32 sweep folds the mantissa into three
        // bands, so the cells stay big enough to read (the heatmap keeps cells square).
        std::vector<std::pair<std::string, std::vector<int>>> groups;
        const bool fold = v.bits.size() == 32;
        if (fold) {
            groups.push_back({"31", {31}});
            for (int b = 30; b >= 23; --b) groups.push_back({std::to_string(b), {b}});
            for (auto [hi, lo] : {std::pair{22, 16}, std::pair{15, 8}, std::pair{7, 0}}) {
                std::vector<int> g;
                for (int b = hi; b >= lo; --b) g.push_back(b);
                groups.push_back({std::to_string(hi) + "-" + std::to_string(lo), g});
            }
        } else {
            for (int b : v.bits) groups.push_back({std::to_string(b), {b}});
        }
        for (const auto& g : groups) heat_cols_.push_back(g.first);
        heat_.assign(v.layers.size() * groups.size(), 0.0f);
        for (size_t li = 0; li < v.layers.size(); ++li)
            for (size_t gi = 0; gi < groups.size(); ++gi) {
                int64_t crit = 0, trials = 0;
                for (const auto& c : v.cells)
                    if (c.layer == v.layers[li] &&
                        std::find(groups[gi].second.begin(), groups[gi].second.end(), c.bit) != groups[gi].second.end()) {
                        crit += c.critical;
                        trials += c.trials;
                    }
                heat_[li * groups.size() + gi] = trials ? float(100.0 * double(crit) / double(trials)) : 0.0f;
            }
    }
}

void FaultsWorkspace::draw_results(GuiContext& ctx) {
    const float w = ImGui::GetContentRegionAvail().x;
    const float s = ctx.fonts.scale;
    const float half = (w - ImGui::GetStyle().ItemSpacing.x) / 2;
    // Headline metrics.
    char buf[64];
    if (snap_) {
        const auto& c = snap_->campaign;
        std::snprintf(buf, sizeof buf, "%.1f%%", 100 * c.clean_accuracy);
        metric_value("clean accuracy", buf, "Accuracy of the fault-free model on the evaluated test images: the golden run.");
        ImGui::SameLine(0, 40 * s);
        if (!c.points.empty()) {
            const auto& p = c.points.back();
            std::snprintf(buf, sizeof buf, "%.1f%%", 100 * p.accuracy.mean);
            metric_value("accuracy at the highest BER", buf, "Mean accuracy over the trials at the last bit-error rate of the sweep.");
            ImGui::SameLine(0, 40 * s);
            std::snprintf(buf, sizeof buf, "%.2f%%", 100.0 * double(p.images.n_sdc) / double(std::max<int64_t>(1, p.images.n_images)));
            metric_value("silent corruption", buf, "SDC: images whose prediction changed while nothing detected the fault, at the highest BER.");
            ImGui::SameLine(0, 40 * s);
            std::snprintf(buf, sizeof buf, "%.1f", p.mean_faults);
            metric_value("faults / trial", buf, "Bits hit per trial at the highest BER (stored bits x BER on average).");
        }
    } else {
        ImGui::TextWrapped("Run a campaign (or the demo) to see how the model breaks. Nothing has been measured yet.");
    }
    draw_ber_chart(ctx, w, 250 * s);
    draw_bit_bars(ctx, half, 210 * s);
    ImGui::SameLine();
    draw_layer_bit_heatmap(ctx, half, 210 * s);
    ImGui::BeginChild("##faults_flipped", ImVec2(half, 250 * s), true);
    draw_flipped_images(ctx, ImGui::GetContentRegionAvail().x);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##faults_pe", ImVec2(half, 250 * s), true);
    draw_pe_grid(ctx, ImGui::GetContentRegionAvail().x);
    ImGui::EndChild();
    draw_cost_table(ctx);
}

void FaultsWorkspace::draw_ber_chart(GuiContext& ctx, float width, float height) {
    (void)ctx;
    const float half = (width - ImGui::GetStyle().ItemSpacing.x) / 2;
    PlotSpec a;
    a.title = "Accuracy vs BER";
    a.help = "Mean accuracy over the seeded trials at each bit-error rate; the thin lines bound its 95% confidence "
             "interval. The dashed line is the clean (golden) accuracy.";
    a.size = ImVec2(half, height);
    a.x = AxisSpec{"bit-error rate", true, AxisFit::Nice};
    a.y = AxisSpec{"accuracy (%)", false, AxisFit::Fixed, 0, 100};
    a.empty_text = "Run a campaign";
    Plot pa("##faults_acc", a);
    const int n = int(ber_x_.size());
    if (n > 0) {
        pa.line({"accuracy", ber_x_.data(), acc_.data(), n, 0, 0, 2.5f, true});
        pa.line({nullptr, ber_x_.data(), acc_lo_.data(), n, 0, with_alpha(series_color(0), 0.5f), 1.0f, false});
        pa.line({nullptr, ber_x_.data(), acc_hi_.data(), n, 0, with_alpha(series_color(0), 0.5f), 1.0f, false});
        pa.ref_line({100 * snap_->campaign.clean_accuracy, false, "clean", 0, true});
    }
    pa.draw();
    ImGui::SameLine();
    PlotSpec b;
    b.title = "Silent corruption vs BER";
    b.help = "SDC: the share of images whose prediction changed with no detector firing, with its 95% Wilson "
             "interval (thin lines). 'detected': images answered with NaN/Inf or flagged by a detector (ABFT) - "
             "a detected error can be handled, a silent one cannot.";
    b.size = ImVec2(half, height);
    b.x = AxisSpec{"bit-error rate", true, AxisFit::Nice};
    b.y = AxisSpec{"SDC (% of images)", false, AxisFit::Nice};
    b.y.include_zero = true;
    b.empty_text = "Run a campaign";
    Plot pb("##faults_sdc", b);
    if (n > 0) {
        pb.line({"SDC", ber_x_.data(), sdc_.data(), n, 0, series_color(1), 2.5f, true});
        pb.line({nullptr, ber_x_.data(), sdc_lo_.data(), n, 0, with_alpha(series_color(1), 0.5f), 1.0f, false});
        pb.line({nullptr, ber_x_.data(), sdc_hi_.data(), n, 0, with_alpha(series_color(1), 0.5f), 1.0f, false});
        pb.line({"detected", ber_x_.data(), det_.data(), n, 0, series_color(2), 2.0f, true});
    }
    pb.draw();
}

void FaultsWorkspace::draw_bit_bars(GuiContext& ctx, float width, float height) {
    (void)ctx;
    BarSpec spec;
    spec.title = "Vulnerability per bit";
    spec.help = "Share of single-bit faults at each position that changed at least one answer (statistical fault "
                "injection over every layer). fp32: 31 sign, 30-23 exponent, 22-0 mantissa.";
    spec.size = ImVec2(width, height);
    spec.categories = &bit_labels_;
    spec.value_label = "critical faults (%)";
    spec.value_format = "%.0f";
    BarSeries series{"critical", bit_critical_.data(), 0};
    if (bit_labels_.empty()) {
        ImGui::BeginChild("##faults_bits_empty", ImVec2(width, height), true);
        ImGui::TextDisabled("Vulnerability per bit");
        ImGui::TextWrapped("Tick \"layer x bit map\" and run to inject single faults per bit position.");
        ImGui::EndChild();
        return;
    }
    bar_chart("##faults_bits", spec, &series, 1);
}

void FaultsWorkspace::draw_layer_bit_heatmap(GuiContext& ctx, float width, float height) {
    (void)ctx;
    HeatmapSpec spec;
    spec.title = "Layer x bit vulnerability";
    spec.help = "Each cell: the share of single faults in that layer and bit that changed an answer - which layers "
                "and which bits need protecting. A full fp32 map folds the mantissa into three bands (22-16, 15-8, 7-0).";
    spec.size = ImVec2(width, height);
    spec.row_axis = "layer";
    spec.col_axis = "bit";
    spec.row_labels = &heat_rows_;
    spec.col_labels = &heat_cols_;
    spec.v_min = 0;
    spec.v_max = 100;
    spec.colorbar_label = "% critical";
    spec.empty_text = "Tick \"layer x bit map\" and run";
    heatmap("##faults_heat", spec, heat_.empty() ? nullptr : heat_.data(), int(heat_rows_.size()), int(heat_cols_.size()));
}

void FaultsWorkspace::draw_flipped_images(GuiContext& ctx, float width) {
    const float s = ctx.fonts.scale;
    ImGui::TextUnformatted("Predictions that flipped");
    ImGui::SameLine();
    help_marker("Test images whose answer changed under faults: the clean prediction, then the faulty one "
                "('-' = no answer: NaN/Inf or a detector fired).");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (!snap_ || snap_->campaign.flipped.empty()) {
        ImGui::TextDisabled(snap_ ? "No prediction changed yet." : "Nothing measured yet.");
        ImGui::Dummy(ImVec2(width, 40 * s));
        return;
    }
    const auto& shape = snap_->sample_shape;
    const bool image = shape.size() == 3;
    const int h = image ? shape[0] : 0, wpx = image ? shape[1] : 0;
    const float px = 2.0f * s;
    const float cell_w = image ? float(wpx) * px + 12 * s : width;
    const int per_row = std::max(1, int(width / std::max(1.0f, cell_w)));
    const auto& names = snap_->class_names;
    auto name = [&](int c) { return c < 0 ? std::string("-") : (c < int(names.size()) ? names[size_t(c)] : std::to_string(c)); };
    const int n_show = std::min<int>(int(snap_->campaign.flipped.size()), image ? per_row * 2 : 8);
    const int64_t sample = models::shape_size(shape);
    for (int i = 0; i < n_show; ++i) {
        const auto& f = snap_->campaign.flipped[size_t(i)];
        if (image) {
            if (i % per_row != 0) ImGui::SameLine();
            ImGui::BeginGroup();
            const ImVec2 p = ImGui::GetCursorScreenPos();
            const float* pix = snap_->flipped_pixels.data() + int64_t(i) * sample;
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < wpx; ++x) {
                    const float v = std::clamp(pix[(y * wpx + x) * shape[2]], 0.0f, 1.0f);
                    const auto g = static_cast<int>(v * 255);
                    if (g < 8) continue;
                    dl->AddRectFilled(ImVec2(p.x + float(x) * px, p.y + float(y) * px),
                                      ImVec2(p.x + float(x + 1) * px, p.y + float(y + 1) * px), IM_COL32(g, g, g, 255));
                }
            dl->AddRect(p, ImVec2(p.x + float(wpx) * px, p.y + float(h) * px), chart_theme().border);
            ImGui::Dummy(ImVec2(float(wpx) * px, float(h) * px));
            ImGui::PushFont(ctx.fonts.small ? ctx.fonts.small : ImGui::GetFont());
            ImGui::TextUnformatted(name(f.clean_prediction).substr(0, 9).c_str());
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(chart_theme().bad), "%s", name(f.faulty_prediction).substr(0, 9).c_str());
            ImGui::PopFont();
            ImGui::EndGroup();
            if (ImGui::IsItemHovered()) {
                char t[200];
                std::snprintf(t, sizeof t, "test image %d, true class %s: %s before, %s under faults (BER %.1e, trial %d)",
                              f.index, name(f.label).c_str(), name(f.clean_prediction).c_str(),
                              name(f.faulty_prediction).c_str(), f.ber, f.trial);
                ImGui::SetTooltip("%s", t);
            }
        } else {
            ImGui::TextWrapped("point %d (true %s): %s -> %s at BER %.1e", f.index, name(f.label).c_str(),
                        name(f.clean_prediction).c_str(), name(f.faulty_prediction).c_str(), f.ber);
        }
    }
}

void FaultsWorkspace::draw_pe_grid(GuiContext& ctx, float width) {
    const float s = ctx.fonts.scale;
    ImGui::TextUnformatted("Faulty PE and the outputs it corrupts");
    ImGui::SameLine();
    help_marker("The systolic array with the chosen PE in red, and for the first dense/conv layer one map per output "
                "channel: red pixels are outputs that PE computes under the dataflow (os: a strided grid, ws: whole "
                "channels, is: whole pixels).");
    const int R = settings.array_rows, C = settings.array_cols;
    const int pr = std::min(pe_row_, R - 1), pc = std::min(pe_col_, C - 1);
    const float cell = 12.0f * s;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const Theme& th = chart_theme();
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c) {
            const ImVec2 a(p.x + float(c) * cell, p.y + float(r) * cell);
            const ImVec2 b(a.x + cell - 2 * s, a.y + cell - 2 * s);
            dl->AddRectFilled(a, b, r == pr && c == pc ? th.bad : with_alpha(th.text_dim, 0.35f));
        }
    ImGui::Dummy(ImVec2(float(C) * cell, float(R) * cell));
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Text("PE (%d, %d) of %dx%d, %s", pr, pc, R, C, settings.dataflow.c_str());
    // The first matrix layer of the model in view.
    models::Workload wl;
    if (ctx.session && ctx.session->model()) wl = ctx.session->model()->workload();
    else if (snap_ && !snap_->model_name.empty()) {
        if (auto sp = models::preset_spec(snap_->model_name); sp.ok())
            if (auto w = models::make_workload(*sp); w.ok()) wl = *w;
    }
    const models::WorkloadLayer* L = nullptr;
    for (const auto& l : wl.layers)
        if (models::is_matrix_op(l.op)) {
            L = &l;
            break;
        }
    if (!L) {
        ImGui::TextDisabled("No model: its first layer's outputs appear here.");
        ImGui::EndGroup();
        return;
    }
    auto df = sim::accel::parse_dataflow(settings.dataflow);
    const sim::accel::GemmDims g{int64_t(L->out_h) * L->out_w, L->out_c, L->gemm_k};
    int64_t hit = 0;
    for (int64_t m = 0; m < g.m; ++m)
        for (int64_t n = 0; n < g.n; ++n)
            if (faults::pe_touches_output(*df, R, C, pr, pc, g, m, n)) ++hit;
    ImGui::Text("%s: %lld of %lld outputs per image", L->name.c_str(), static_cast<long long>(hit),
                static_cast<long long>(g.m * g.n));
    metric_tooltip("Outputs of one image that pass through the faulty PE: each is corrupted in the chosen bit.");
    ImGui::EndGroup();
    // One small map per output channel (up to 16).
    const int n_maps = std::min<int>(int(g.n), 16);
    const float mpx = std::max(1.0f, std::min(2.0f * s, (width / 8 - 4 * s) / float(std::max(1, L->out_w))));
    const float map_w = float(L->out_w) * mpx, map_h = float(L->out_h) * mpx;
    const int per_row = std::max(1, int(width / (map_w + 4 * s)));
    for (int n = 0; n < n_maps; ++n) {
        if (n % per_row != 0) ImGui::SameLine(0, 4 * s);
        const ImVec2 q = ImGui::GetCursorScreenPos();
        dl->AddRectFilled(q, ImVec2(q.x + map_w, q.y + map_h), with_alpha(th.text_dim, 0.15f));
        for (int y = 0; y < L->out_h; ++y)
            for (int x = 0; x < L->out_w; ++x)
                if (faults::pe_touches_output(*df, R, C, pr, pc, g, int64_t(y) * L->out_w + x, n))
                    dl->AddRectFilled(ImVec2(q.x + float(x) * mpx, q.y + float(y) * mpx),
                                      ImVec2(q.x + float(x + 1) * mpx, q.y + float(y + 1) * mpx), th.bad);
        ImGui::Dummy(ImVec2(map_w, map_h));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("output channel %d of %s", n, L->name.c_str());
    }
}

void FaultsWorkspace::draw_cost_table(GuiContext& ctx) {
    (void)ctx;
    ImGui::Spacing();
    ImGui::TextUnformatted("Protections and their cost");
    ImGui::SameLine();
    help_marker("Extra memory (share of the weight memory), extra arithmetic (share of the MACs) and extra latency on "
                "the systolic array (from sim/accel's fold plans) for batch-1 inference. Run the campaign with each "
                "protection to see the accuracy it recovers.");
    if (!snap_ || snap_->costs.empty()) {
        ImGui::TextDisabled("Run a campaign to price the protections on this model.");
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("##faults_costs", 6, flags)) return;
    ImGui::TableSetupColumn("protection");
    ImGui::TableSetupColumn("memory");
    ImGui::TableSetupColumn("memory %");
    ImGui::TableSetupColumn("compute %");
    ImGui::TableSetupColumn("latency %");
    ImGui::TableSetupColumn("what it does", ImGuiTableColumnFlags_WidthStretch, 4.0f);
    ImGui::TableHeadersRow();
    for (const auto& c : snap_->costs) {
        ImGui::TableNextRow();
        const bool current = settings.protect == faults::to_string(c.protection);
        if (current) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, with_alpha(chart_theme().accent, 0.25f));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(faults::to_string(c.protection));
        ImGui::TableNextColumn();
        ImGui::Text("%lld B", static_cast<long long>(c.extra_memory_bytes));
        ImGui::TableNextColumn();
        ImGui::Text("%.1f%%", 100 * c.memory_overhead);
        ImGui::TableNextColumn();
        ImGui::Text("%.1f%%", 100 * c.compute_overhead);
        ImGui::TableNextColumn();
        ImGui::Text("%.1f%%", 100 * c.latency_overhead);
        metric_tooltip("Extra cycles over the batch-1 inference on the array, from the fold plans of every dense/conv GEMM.");
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", c.what.c_str());
    }
    ImGui::EndTable();
    if (!snap_->campaign.points.empty()) {
        faults::ProtectionCounters total;
        for (const auto& p : snap_->campaign.points) total += p.counters;
        ImGui::Text("this run: ECC corrected %lld, detected %lld; parity detected %lld; TMR outvoted %lld; ABFT corrected "
                    "%lld, detected %lld; range clamped %lld",
                    static_cast<long long>(total.ecc_corrected), static_cast<long long>(total.ecc_detected),
                    static_cast<long long>(total.parity_detected), static_cast<long long>(total.tmr_masked),
                    static_cast<long long>(total.abft_corrected), static_cast<long long>(total.abft_detected),
                    static_cast<long long>(total.range_clamped));
    }
}

}  // namespace mlsys::gui
