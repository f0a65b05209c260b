// Accelerator workspace views: the animated PE grid with its fold timeline, the per-layer table and charts,
// the dataflow comparison, buffer and DRAM traffic, the sweep's Pareto chart and the network comparison.
#include "app/gui/panels/accel_workspace.hpp"

#include "app/gui/widgets/bar_chart.hpp"
#include "app/gui/widgets/chart_frame.hpp"
#include "app/gui/widgets/heatmap.hpp"
#include "app/gui/widgets/plot.hpp"
#include "app/gui/widgets/plot_math.hpp"
#include "app/gui/widgets/tooltip.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {

namespace acc = sim::accel;

namespace {

constexpr acc::Dataflow kDataflows[3] = {acc::Dataflow::OutputStationary, acc::Dataflow::WeightStationary,
                                         acc::Dataflow::InputStationary};

const char* kUtilHelp =
    "Overall utilization: MACs / (cycles x PEs). It multiplies how much of the array a fold covers (mapping "
    "efficiency) by how much of each fold's time the PEs compute rather than fill, drain or preload.";
const char* kMapHelp = "Mapping efficiency: the average share of PEs that hold real operands in a fold. A GEMM "
                       "dimension smaller than the array (or not a multiple of it) leaves rows or columns empty.";
const char* kCyclesHelp = "Cycles of the layer: folds x (fill + stream + drain), plus stalls; the same numbers as "
                          "SCALE-Sim v2's Total Cycles + 1 (docs/ACCEL.md).";
const char* kStallHelp = "Cycles the array waits: for DRAM when the bandwidth is limited (USER mode), or for SCALE-Sim's "
                         "ofmap write buffer to drain.";

std::string short_name(const std::string& s, size_t n = 12) { return s.size() <= n ? s : s.substr(0, n - 1) + "…"; }

bool begin_card(const char* id, float w, float h) {
    return ImGui::BeginChild(id, ImVec2(w, h), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
}

void card_rect(AccelWorkspace::Rect& r) {
    r.min = ImGui::GetWindowPos();
    r.max = ImVec2(r.min.x + ImGui::GetWindowSize().x, r.min.y + ImGui::GetWindowSize().y);
}

}  // namespace

// ---- the PE grid -------------------------------------------------------------------------------------

void AccelWorkspace::draw_grid(GuiContext& ctx, float w, float h) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    begin_card("##accel_grid", w, h);
    card_rect(layout_.grid);
    const acc::NetworkResult* net = shown();
    char title[200] = "PE array";
    if (net && selected_layer_ >= 0) {
        const acc::LayerWork& lw = net->layers[size_t(selected_layer_)].work;
        std::snprintf(title, sizeof title, "PE array %dx%d · %s: M %lld N %lld K %lld", net->config.array_rows,
                      net->config.array_cols, short_name(lw.name, 14).c_str(), static_cast<long long>(lw.gemm.m),
                      static_cast<long long>(lw.gemm.n), static_cast<long long>(lw.gemm.k));
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ChartLayout cl = begin_chart("accel_pe_grid", title,
                                       "The array stepped cycle by cycle (sim::accel::SystolicStepper): each cycle every "
                                       "operand moves one PE right or down and partial sums accumulate. Bright: a MAC this "
                                       "cycle; amber: loading the stationary operand (ws/is preload); the colour under it "
                                       "is how many MACs the PE has done so far (viridis). Space plays or pauses.",
                                       avail, {});
    // The menu (save as PNG) belongs to the chart item just reserved; the controls and cells go inside it.
    end_chart(cl, title, nullptr);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p = cl.content_min;
    if (!stepper_) {
        dl->AddText(p, t.text_dim, "No array layer to animate in this network.");
        ImGui::EndChild();
        return;
    }
    // Controls, drawn as widgets at the top of the content.
    ImGui::SetCursorScreenPos(p);
    if (ImGui::SmallButton(playing_ ? "Pause" : "Play")) on_start_pause(ctx);
    ImGui::SameLine();
    if (ImGui::SmallButton("Step")) {
        playing_ = false;
        step_cycles(1);
    }
    metric_tooltip("Advance one clock cycle.");
    ImGui::SameLine();
    if (ImGui::SmallButton("Next fold")) {
        playing_ = false;
        const acc::FoldPlan& plan = stepper_->plan();
        const int64_t end = (stepper_->cycle() / plan.cycles_per_fold + 1) * plan.cycles_per_fold;
        step_cycles(end - stepper_->cycle());
    }
    metric_tooltip("Run to the end of the current fold (tile).");
    ImGui::SameLine();
    if (ImGui::SmallButton("Reset")) {
        stepper_key_.clear();
        playing_ = false;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(40.0f * sc, cl.content_max.x - ImGui::GetCursorScreenPos().x));
    float speed = float(speed_cycles_per_s_);
    if (ImGui::SliderFloat("##speed", &speed, 1.0f, 100000.0f, "%.0f/s", ImGuiSliderFlags_Logarithmic))
        speed_cycles_per_s_ = speed;
    const acc::StepperSnapshot snap = stepper_->snapshot();
    char status[200];
    std::snprintf(status, sizeof status, "cycle %lld / %lld · fold %lld / %lld · %s · %lld MACs done",
                  static_cast<long long>(snap.cycle), static_cast<long long>(snap.total_cycles),
                  static_cast<long long>(std::min(snap.fold + 1, snap.n_folds)), static_cast<long long>(snap.n_folds),
                  snap.phase == acc::StepPhase::Preload ? "preloading the stationary tile"
                  : snap.phase == acc::StepPhase::Done  ? "done"
                                                        : "streaming",
                  static_cast<long long>(snap.macs_done));
    ImGui::PushFont(ctx.fonts.small);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", status);
    ImGui::PopFont();
    // The grid.
    const float timeline_h = 26 * sc;
    const ImVec2 g0 = ImGui::GetCursorScreenPos();
    const float gw = cl.content_max.x - g0.x;
    const float gh = cl.content_max.y - g0.y - timeline_h;
    const int R = snap.rows, C = snap.cols;
    const float cell = std::max(0.5f, std::min(gw / float(C), gh / float(R)));
    const ImVec2 origin(g0.x + (gw - cell * float(C)) / 2, g0.y);
    int64_t max_macs = 1;
    for (int64_t v : snap.mac_counts) max_macs = std::max(max_macs, v);
    const float gap = cell >= 6 ? 1.0f : 0.0f;
    for (int i = 0; i < R; ++i) {
        for (int j = 0; j < C; ++j) {
            const size_t k = size_t(i) * size_t(C) + size_t(j);
            const ImVec2 a(origin.x + float(j) * cell, origin.y + float(i) * cell);
            const ImVec2 b(a.x + cell - gap, a.y + cell - gap);
            const int64_t m = snap.mac_counts[k];
            ImU32 col = m > 0 ? heat_color(ColorScale::Viridis, double(m), 0, double(max_macs)) : with_alpha(t.grid, 0.6f);
            dl->AddRectFilled(a, b, col);
            if (snap.activity[k] == acc::PeActivity::Mac) dl->AddRectFilled(a, b, with_alpha(IM_COL32(255, 255, 255, 255), 0.55f));
            else if (snap.activity[k] == acc::PeActivity::Loading) dl->AddRectFilled(a, b, with_alpha(t.warning, 0.8f));
        }
    }
    if (ImGui::IsMouseHoveringRect(origin, ImVec2(origin.x + cell * float(C), origin.y + cell * float(R)))) {
        const ImVec2 mp = ImGui::GetIO().MousePos;
        const int j = std::clamp(int((mp.x - origin.x) / cell), 0, C - 1);
        const int i = std::clamp(int((mp.y - origin.y) / cell), 0, R - 1);
        const size_t k = size_t(i) * size_t(C) + size_t(j);
        ImGui::BeginTooltip();
        ImGui::Text("PE (%d, %d): %lld MACs so far; last cycle: %s", i, j, static_cast<long long>(snap.mac_counts[k]),
                    snap.activity[k] == acc::PeActivity::Mac       ? "multiply-accumulate"
                    : snap.activity[k] == acc::PeActivity::Loading ? "loading the stationary operand"
                                                                   : "idle");
        ImGui::EndTooltip();
    }
    // Per-fold timeline: one segment per fold coloured by its mapping efficiency; the current fold outlined.
    const acc::FoldPlan& plan = stepper_->plan();
    const ImVec2 t0(cl.content_min.x, cl.content_max.y - timeline_h + 6 * sc);
    const ImVec2 t1(cl.content_max.x, cl.content_max.y - 4 * sc);
    const int64_t nf = plan.n_folds();
    const int64_t segs = std::min<int64_t>(nf, int64_t(std::max(1.0f, (t1.x - t0.x) / 2)));
    const float sw = (t1.x - t0.x) / float(segs);
    for (int64_t s = 0; s < segs; ++s) {
        const int64_t f = s * nf / segs;
        const acc::FoldInfo fi = plan.fold(f);
        const ImVec2 a(t0.x + float(s) * sw, t0.y), b(t0.x + float(s + 1) * sw - (sw > 3 ? 1 : 0), t1.y);
        const bool past = f * plan.cycles_per_fold < snap.cycle;
        dl->AddRectFilled(a, b, with_alpha(heat_color(ColorScale::Viridis, fi.mapping_efficiency, 0, 1), past ? 1.0f : 0.45f));
    }
    const int64_t cur = std::min(snap.fold, nf - 1);
    const float cx = t0.x + float(double(cur) / double(nf)) * (t1.x - t0.x);
    dl->AddRect(ImVec2(cx - 1, t0.y - 2), ImVec2(cx + std::max(sw, 3.0f) + 1, t1.y + 2), t.text, 0, 0, 1.5f * sc);
    if (ImGui::IsMouseHoveringRect(t0, t1)) {
        const float fx = (ImGui::GetIO().MousePos.x - t0.x) / (t1.x - t0.x);
        const int64_t f = std::clamp<int64_t>(int64_t(fx * float(nf)), 0, nf - 1);
        const acc::FoldInfo fi = plan.fold(f);
        ImGui::BeginTooltip();
        ImGui::Text("Fold %lld of %lld (row fold %lld, column fold %lld): %d x %d PEs used, mapping efficiency %.1f%%, "
                    "compute utilization %.1f%%, %lld cycles",
                    static_cast<long long>(f + 1), static_cast<long long>(nf), static_cast<long long>(fi.row_fold),
                    static_cast<long long>(fi.col_fold), fi.rows_used, fi.cols_used, 100 * fi.mapping_efficiency,
                    100 * fi.compute_utilization, static_cast<long long>(fi.cycles));
        ImGui::EndTooltip();
    }
    ImGui::EndChild();
}

// ---- per-layer table ---------------------------------------------------------------------------------

void AccelWorkspace::draw_table(GuiContext& ctx, float w, float h) {
    const Theme& t = *ctx.theme;
    begin_card("##accel_table", w, h);
    card_rect(layout_.table);
    const acc::NetworkResult* net = shown();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::Text("Layers of %s (%s)", net->workload_name.c_str(), acc::long_name(net->config.dataflow));
    ImGui::PopFont();
    char totals[256];
    std::snprintf(totals, sizeof totals, "%s cycles (%s s) · util %.1f%% · %s stall cycles · %s MACs",
                  format_si(double(net->latency_cycles)).c_str(), format_si(net->latency_s()).c_str(),
                  net->overall_util_pct(), format_si(double(net->stall_cycles)).c_str(), format_si(double(net->macs)).c_str());
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", totals);
    metric_tooltip("The whole network: latency in cycles (and seconds at the config's clock), overall utilization of "
                   "the array over the cycles spent on it, stalls, multiply-accumulates.");
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                  ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
    if (ImGui::BeginTable("##layers", 9, flags, ImGui::GetContentRegionAvail())) {
        ImGui::TableSetupScrollFreeze(0, 1);
        const char* heads[] = {"layer", "M", "N", "K", "folds", "cycles", "stalls", "util %", "map %"};
        const char* helps[] = {"The layer; click a row to animate it on the PE grid. Vector-unit layers (pooling, "
                               "activations) are dim.",
                               "GEMM rows: output pixels of a convolution (x batch), 1 for a dense layer per sample.",
                               "GEMM columns: filters / output features.",
                               "Reduction length: kernel height x width x input channels, or input features.",
                               "Tiles the GEMM is cut into to fit the array: ceil(Sr/R) x ceil(Sc/C) (x channels for "
                               "depthwise).",
                               kCyclesHelp, kStallHelp, kUtilHelp, kMapHelp};
        for (int c = 0; c < 9; ++c)
            ImGui::TableSetupColumn(heads[c], c == 0 ? ImGuiTableColumnFlags_WidthFixed : ImGuiTableColumnFlags_WidthFixed,
                                    c == 0 ? 88 * ctx.fonts.scale : 0);
        ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
        for (int c = 0; c < 9; ++c) {
            ImGui::TableSetColumnIndex(c);
            ImGui::TableHeader(heads[c]);
            metric_tooltip(helps[c]);
        }
        for (size_t i = 0; i < net->layers.size(); ++i) {
            const acc::LayerResult& l = net->layers[i];
            if (!l.work.on_array && l.latency_cycles == 0) continue;
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::PushID(int(i));
            if (!l.work.on_array) ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
            if (ImGui::Selectable(l.work.name.c_str(), int(i) == selected_layer_, ImGuiSelectableFlags_SpanAllColumns) &&
                l.work.on_array)
                select_layer(int(i));
            ImGui::PopID();
            auto cell = [](int col, const char* fmt, auto v) {
                ImGui::TableSetColumnIndex(col);
                ImGui::Text(fmt, v);
            };
            if (l.work.on_array) {
                cell(1, "%lld", static_cast<long long>(l.work.gemm.m));
                cell(2, "%lld", static_cast<long long>(l.work.gemm.n));
                cell(3, "%lld", static_cast<long long>(l.work.gemm.k));
                cell(4, "%lld", static_cast<long long>(l.plan.n_folds() * l.work.instances));
                cell(5, "%s", format_si(double(l.latency_cycles)).c_str());
                cell(6, "%s", format_si(double(l.stall_cycles * l.work.instances)).c_str());
                cell(7, "%.1f", l.overall_util_pct);
                cell(8, "%.1f", l.mapping_eff_pct);
            } else {
                cell(1, "%s", "vector");
                cell(5, "%s", format_si(double(l.latency_cycles)).c_str());
                ImGui::PopStyleColor();
            }
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
}

// ---- per-layer charts --------------------------------------------------------------------------------

void AccelWorkspace::draw_layer_charts(GuiContext& ctx, float w, float h) {
    (void)ctx;
    begin_card("##accel_layer_charts", w, h);
    card_rect(layout_.layer_charts);
    const acc::NetworkResult* net = shown();
    std::vector<std::string> cats;
    std::vector<float> compute, stall, util;
    for (const auto& l : net->layers) {
        if (!l.work.on_array) continue;
        cats.push_back(short_name(l.work.name));
        const int64_t st = l.stall_cycles * l.work.instances;
        compute.push_back(float(l.latency_cycles - st));
        stall.push_back(float(st));
        util.push_back(float(l.overall_util_pct));
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float cw = std::floor((avail.x - gap) * 0.5f);
    BarSpec a;
    a.title = "Cycles";
    a.help = "Each array layer's latency: compute (folds x fill+stream+drain) and stall cycles, stacked. The tallest "
             "bars are where the time goes.";
    a.size = ImVec2(cw, avail.y);
    a.categories = &cats;
    a.value_label = "cycles";
    a.stacked = true;
    const BarSeries s1[] = {{"compute", compute.data(), 0}, {"stall", stall.data(), ctx.theme->bad}};
    bar_chart("accel_cycles", a, s1, 2);
    ImGui::SameLine(0, gap);
    BarSpec b;
    b.title = "Utilization %";
    b.help = kUtilHelp;
    b.size = ImVec2(avail.x - cw - gap, avail.y);
    b.categories = &cats;
    b.value_label = "util %";
    b.value_format = "%.1f";
    const BarSeries s2[] = {{"overall util %", util.data(), 0}};
    bar_chart("accel_util", b, s2, 1);
    ImGui::EndChild();
}

// ---- dataflows side by side --------------------------------------------------------------------------

void AccelWorkspace::draw_dataflows(GuiContext& ctx, float w, float h) {
    const Theme& t = *ctx.theme;
    begin_card("##accel_dataflows", w, h);
    card_rect(layout_.dataflows);
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("Dataflows side by side");
    ImGui::PopFont();
    metric_tooltip("The same network on the same array in all three dataflows. Which operand is held stationary decides "
                   "the operand mapping (os: M x N over the array, K streamed; ws: K x N, M streamed; is: K x M, N "
                   "streamed) and so the folds, fill/drain and preload cycles.");
    const auto& m = eval_->main;
    int best = 0;
    for (int d = 1; d < 3; ++d)
        if (m.by_dataflow[size_t(d)].latency_cycles < m.by_dataflow[size_t(best)].latency_cycles) best = d;
    if (ImGui::BeginTable("##dfs", 5, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) {
        const char* heads[] = {"", "cycles", "util %", "DRAM", "energy"};
        const char* helps[] = {"Dataflow", kCyclesHelp, kUtilHelp,
                               "Words moved between DRAM and the three buffers (double-buffered SRAMs of the chosen size).",
                               "Energy per inference: MACs, SRAM and DRAM accesses at 45 nm per-access costs (Horowitz, "
                               "ISSCC 2014)."};
        for (const char* hd : heads) ImGui::TableSetupColumn(hd);
        ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
        for (int c = 0; c < 5; ++c) {
            ImGui::TableSetColumnIndex(c);
            ImGui::TableHeader(heads[c]);
            metric_tooltip(helps[c]);
        }
        for (int d = 0; d < 3; ++d) {
            const acc::NetworkResult& r = m.by_dataflow[size_t(d)];
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            const ImU32 col = d == best ? t.good : t.text;
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(col), "%s%s", acc::to_string(kDataflows[d]), d == best ? " best" : "");
            ImGui::TableSetColumnIndex(1);
            ImGui::Text("%s", format_si(double(r.latency_cycles)).c_str());
            ImGui::TableSetColumnIndex(2);
            ImGui::Text("%.1f", r.overall_util_pct());
            ImGui::TableSetColumnIndex(3);
            ImGui::Text("%s", format_si(double(r.dram_words)).c_str());
            ImGui::TableSetColumnIndex(4);
            ImGui::Text("%.3g µJ", r.energy.total_pj() * 1e-6);
        }
        ImGui::EndTable();
    }
    std::vector<std::string> cats;
    std::vector<float> cyc[3];
    const auto& os_net = m.by_dataflow[0];
    for (size_t i = 0; i < os_net.layers.size(); ++i) {
        if (!os_net.layers[i].work.on_array) continue;
        cats.push_back(short_name(os_net.layers[i].work.name));
        for (int d = 0; d < 3; ++d) cyc[d].push_back(float(m.by_dataflow[size_t(d)].layers[i].latency_cycles));
    }
    BarSpec s;
    s.title = "Cycles by dataflow";
    s.help = "Each array layer in os, ws and is (log scale): a layer with a small M (a dense layer at batch 1) suits "
             "ws/is badly for streaming, a layer with a small K suits os badly for reuse.";
    s.size = ImGui::GetContentRegionAvail();
    s.categories = &cats;
    s.value_label = "cycles";
    s.log_scale = true;
    const BarSeries series[] = {{"os", cyc[0].data(), 0}, {"ws", cyc[1].data(), 0}, {"is", cyc[2].data(), 0}};
    bar_chart("accel_df_layers", s, series, 3);
    ImGui::EndChild();
}

// ---- traffic -----------------------------------------------------------------------------------------

void AccelWorkspace::draw_traffic(GuiContext& ctx, float w, float h) {
    (void)ctx;
    begin_card("##accel_traffic", w, h);
    card_rect(layout_.traffic);
    const acc::NetworkResult* net = shown();
    std::vector<std::string> cats;
    std::vector<float> di, dfl, dofm, si, sf, so;
    for (const auto& l : net->layers) {
        if (!l.work.on_array) continue;
        const float n = float(l.work.instances);
        cats.push_back(short_name(l.work.name));
        di.push_back(float(l.dram.traffic.ifmap_reads) * n);
        dfl.push_back(float(l.dram.traffic.filter_reads) * n);
        dofm.push_back(float(l.dram.traffic.ofmap_writes + l.dram.traffic.ofmap_reads) * n);
        si.push_back(float(l.sram.ifmap_reads) * n);
        sf.push_back(float(l.sram.filter_reads) * n);
        so.push_back(float(l.sram.ofmap_writes + l.sram.ofmap_reads) * n);
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float cw = std::floor((avail.x - gap) * 0.5f);
    BarSpec a;
    a.title = "SRAM accesses";
    a.help = "Words read from the ifmap and filter buffers into the array edge and written to (or read back from) the "
             "ofmap buffer. Each word entering the edge is reused by every PE it passes: that is the systolic array's "
             "saving over fetching operands per MAC.";
    a.size = ImVec2(cw, avail.y);
    a.categories = &cats;
    a.value_label = "words";
    a.stacked = true;
    const BarSeries s1[] = {{"ifmap", si.data(), 0}, {"filter", sf.data(), 0}, {"ofmap", so.data(), 0}};
    bar_chart("accel_sram", a, s1, 3);
    ImGui::SameLine(0, gap);
    BarSpec b = a;
    b.title = "DRAM traffic";
    b.help = "Words moved between DRAM and the buffers, double-buffered with the chosen SRAM size: an operand that "
             "fits is read once; one that does not is re-read per fold; partial sums that do not fit spill and come "
             "back. At 640 pJ per 32-bit word DRAM dominates energy (BOOK §10.5).";
    b.size = ImVec2(avail.x - cw - gap, avail.y);
    const BarSeries s2[] = {{"ifmap", di.data(), 0}, {"filter", dfl.data(), 0}, {"ofmap", dofm.data(), 0}};
    bar_chart("accel_dram", b, s2, 3);
    ImGui::EndChild();
}

// ---- sweep Pareto ------------------------------------------------------------------------------------

void AccelWorkspace::draw_pareto(GuiContext& ctx, float w, float h) {
    const Theme& t = *ctx.theme;
    begin_card("##accel_pareto", w, h);
    card_rect(layout_.pareto);
    std::vector<float> ax, ay, fx, fy;
    std::vector<std::string> labels, front_labels;
    std::string title = "Design space: latency vs area";
    if (sweep_) {
        std::vector<const acc::SweepPoint*> front;
        for (const auto& p : sweep_->points) {
            char b[80];
            std::snprintf(b, sizeof b, "%dx%d %s %lldKiB: util %.1f%%", p.rows, p.cols, acc::to_string(p.dataflow),
                          static_cast<long long>(p.sram_kib), p.util_pct);
            if (p.pareto_latency_area) front.push_back(&p);
            ax.push_back(float(p.area_mm2));
            ay.push_back(float(p.latency_cycles));
            labels.push_back(b);
        }
        std::sort(front.begin(), front.end(), [](auto* a, auto* b) { return a->area_mm2 < b->area_mm2; });
        for (const auto* p : front) {
            fx.push_back(float(p->area_mm2));
            fy.push_back(float(p->latency_cycles));
            char b[80];
            std::snprintf(b, sizeof b, "%dx%d %s %lldKiB", p->rows, p->cols, acc::to_string(p->dataflow),
                          static_cast<long long>(p->sram_kib));
            front_labels.push_back(b);
        }
        title += " (" + sweep_->workload + ", " + std::to_string(sweep_->points.size()) + " designs)";
    }
    PlotSpec spec;
    spec.title = title.c_str();
    spec.help = "Each dot is one design (array shape, dataflow, SRAM size) running the network; the line joins the "
                "Pareto front — designs no other design beats on both latency and area (area proxy at 45 nm: PE "
                "multipliers and adders plus SRAM cells; compare, don't quote).";
    spec.size = ImGui::GetContentRegionAvail();
    spec.x = AxisSpec{"area proxy (mm²)", true, AxisFit::Nice};
    spec.y = AxisSpec{"latency (cycles)", true, AxisFit::Nice};
    spec.empty_text = sweep_running() ? "Sweeping…" : "Press Run sweep to explore 324 designs";
    Plot plot("accel_pareto_plot", spec);
    ScatterSeries all;
    all.label = "designs";
    all.x = ax.data();
    all.y = ay.data();
    all.count = int(ax.size());
    all.color = with_alpha(t.text_dim, 0.6f);
    all.radius = 2.5f;
    all.point_labels = labels.data();
    ScatterSeries fs;
    fs.label = "Pareto front";
    fs.x = fx.data();
    fs.y = fy.data();
    fs.count = int(fx.size());
    fs.color = t.accent;
    fs.radius = 4.0f;
    fs.point_labels = front_labels.data();
    LineSeries fl;
    fl.x = fx.data();
    fl.y = fy.data();
    fl.count = int(fx.size());
    fl.color = with_alpha(t.accent, 0.7f);
    fl.thickness = 1.5f;
    if (!ax.empty()) plot.scatter(all).line(fl).scatter(fs);
    plot.draw();
    ImGui::EndChild();
}

// ---- current model vs a real network ----------------------------------------------------------------

void AccelWorkspace::draw_compare(GuiContext& ctx, float w, float h) {
    const Theme& t = *ctx.theme;
    begin_card("##accel_compare", w, h);
    card_rect(layout_.compare);
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("This network vs a real one");
    ImGui::PopFont();
    if (!eval_->has_compare) {
        ImGui::TextWrapped("Choose a network in the toolbar's 'vs' box to compare.");
        ImGui::EndChild();
        return;
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Swap")) std::swap(settings_.topology, settings_.compare_topology);
    metric_tooltip("Show the other network in the grid, table and charts.");
    const auto& a = eval_->main;
    const auto& b = eval_->compare;
    const acc::NetworkResult* na = shown();
    const acc::NetworkResult& nb = b.result(na->config.dataflow);
    ImGui::PushFont(ctx.fonts.small);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s: %s MACs, %s cycles, util %.1f%%",
                       short_name(a.label, 40).c_str(), format_si(double(na->macs)).c_str(),
                       format_si(double(na->latency_cycles)).c_str(), na->overall_util_pct());
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s: %s MACs, %s cycles, util %.1f%%",
                       short_name(b.label, 40).c_str(), format_si(double(nb.macs)).c_str(),
                       format_si(double(nb.latency_cycles)).c_str(), nb.overall_util_pct());
    ImGui::PopFont();
    static const std::vector<std::string> cats = {"os", "ws", "is"};
    float ua[3], ub[3];
    for (int d = 0; d < 3; ++d) {
        ua[d] = float(a.by_dataflow[size_t(d)].overall_util_pct());
        ub[d] = float(b.by_dataflow[size_t(d)].overall_util_pct());
    }
    BarSpec s;
    s.title = "Array utilization by dataflow (%)";
    s.help = "How busy the same array is for each network. Small layers (a few output channels, a 1 x K dense row) "
             "cover a corner of the array and spend most cycles filling and draining; large convolutions fill it.";
    s.size = ImGui::GetContentRegionAvail();
    s.categories = &cats;
    s.value_label = "util %";
    s.value_format = "%.1f";
    const std::string la = short_name(a.workload.name, 20), lb = short_name(b.workload.name, 20);
    const BarSeries series[] = {{la.c_str(), ua, 0}, {lb.c_str(), ub, 0}};
    bar_chart("accel_compare_util", s, series, 2);
    ImGui::EndChild();
}

}  // namespace mlsys::gui
