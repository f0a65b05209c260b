// Memory workspace views: the hierarchy as boxes sized by capacity with hit rates and bytes moved, energy
// per layer stacked by level (with compute), the roofline with each layer as a point, DRAM traffic per
// layer, and the training-memory breakdown.
#include "app/gui/panels/memory_workspace.hpp"

#include "app/gui/widgets/bar_chart.hpp"
#include "app/gui/widgets/plot.hpp"
#include "app/gui/widgets/stacked_meter.hpp"
#include "app/gui/widgets/tooltip.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {

namespace {

std::string bytes_text(double b) {
    char buf[32];
    if (b >= 1e9) std::snprintf(buf, sizeof buf, "%.3g GB", b / 1e9);
    else if (b >= 1e6) std::snprintf(buf, sizeof buf, "%.3g MB", b / 1e6);
    else if (b >= 1e3) std::snprintf(buf, sizeof buf, "%.3g KB", b / 1e3);
    else std::snprintf(buf, sizeof buf, "%.0f B", b);
    return buf;
}

std::string energy_text(double pj) {
    char buf[32];
    if (pj >= 1e6) std::snprintf(buf, sizeof buf, "%.3g uJ", pj / 1e6);
    else if (pj >= 1e3) std::snprintf(buf, sizeof buf, "%.3g nJ", pj / 1e3);
    else std::snprintf(buf, sizeof buf, "%.3g pJ", pj);
    return buf;
}

}  // namespace

void MemoryWorkspace::rebuild_views(const session::MemoryStudy& m) {
    view_of_ = &m;
    const auto& r = m.result;
    layer_names_.clear();
    energy_labels_.clear();
    energy_by_level_.clear();
    dram_kb_.clear();
    l1_misses_k_.clear();
    point_x_.clear();
    point_y_.clear();
    point_labels_.clear();
    // Layers that do something (flatten is a view).
    std::vector<size_t> shown;
    for (size_t i = 0; i < r.layers.size(); ++i)
        if (r.layers[i].accesses > 0) shown.push_back(i);
    for (size_t i : shown) layer_names_.push_back(r.layers[i].name);
    energy_labels_.push_back("compute");
    for (const auto& l : m.hierarchy.levels) energy_labels_.push_back(l.name);
    energy_labels_.push_back(m.hierarchy.main.name);
    energy_by_level_.assign(energy_labels_.size(), std::vector<float>(shown.size(), 0.0f));
    for (size_t j = 0; j < shown.size(); ++j) {
        const auto& l = r.layers[shown[j]];
        energy_by_level_[0][j] = float(l.compute_energy_pj * 1e-6);
        for (size_t k = 0; k < l.stats.levels.size(); ++k) energy_by_level_[k + 1][j] = float(l.stats.levels[k].energy_pj * 1e-6);
        energy_by_level_.back()[j] = float(l.stats.main.energy_pj * 1e-6);
        dram_kb_.push_back(float(double(l.stats.main.bytes_read + l.stats.main.bytes_written) / 1e3));
        // A scratchpad never misses: its second bar is the cycles spent waiting for DMA instead.
        const bool spm = !l.stats.levels.empty() && l.stats.levels[0].scratchpad;
        l1_misses_k_.push_back(l.stats.levels.empty() ? 0.0f
                               : spm                  ? float(l.stats.stall_cycles / 1e3)
                                                      : float(double(l.stats.levels[0].misses) / 1e3));
        if (l.roofline.intensity > 0) {
            point_x_.push_back(float(l.roofline.intensity));
            point_y_.push_back(float(l.roofline.attainable_flops_per_s * 1e-9));
            point_labels_.push_back(l.name);
        }
    }
    // The roof: min(peak, I x bandwidth), sampled on a log grid from 0.01 to 10^4 FLOP/byte.
    roof_x_.clear();
    roof_y_.clear();
    for (int i = 0; i <= 120; ++i) {
        const double x = std::pow(10.0, -2.0 + 6.0 * i / 120.0);
        roof_x_.push_back(float(x));
        roof_y_.push_back(float(std::min(r.roofline.peak_flops_per_s, x * r.roofline.bandwidth_bytes_per_s) * 1e-9));
    }
}

void MemoryWorkspace::draw_hierarchy(GuiContext& ctx, const session::MemoryStudy* m, float w, float h) {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##memhier", ImVec2(w, h), true);
    if (!m) {
        ImGui::TextDisabled(state_->job ? "Simulating..." : "No simulation yet");
        ImGui::EndChild();
        layout_.hierarchy = {p0, ImVec2(p0.x + w, p0.y + h)};
        return;
    }
    const auto& r = m->result;
    const Theme& th = *ctx.theme;
    draw_replay_controls(ctx, *m);
    // The boxes show the live replay's counts while one runs, else the whole study's.
    const sim::ReplayStats& boxes = replay_h_ ? replay_h_->stats() : r.total;
    // Headline metrics.
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100 * r.movement_share());
    metric_value("data movement", buf,
                 "Share of the energy spent moving data (every cache access and DRAM byte) rather than on "
                 "multiply-accumulates: the memory wall (textbook §4.7.3: off-chip movement costs 100-1000x a FLOP).");
    ImGui::SameLine(0, 30);
    metric_value("energy", energy_text(r.compute_energy_pj + r.total.memory_energy_pj()).c_str(),
                 "Compute (MACs at Horowitz's 45 nm energy per precision) plus every level's access energy and DRAM bytes.");
    ImGui::SameLine(0, 30);
    std::snprintf(buf, sizeof buf, "%.3g ms", r.cycles / m->hierarchy.clock_hz * 1e3);
    metric_value("time", buf, "Per layer the larger of compute cycles (MACs / peak MACs per cycle) and memory cycles "
                              "(latency of every access, or the busiest link's bytes / bandwidth), summed.");
    ImGui::SameLine(0, 30);
    metric_value("DRAM traffic", bytes_text(double(r.total.main.bytes_read + r.total.main.bytes_written)).c_str(),
                 "Bytes moved between the last on-chip level and main memory: line fills and dirty write-backs, or a "
                 "scratchpad's DMA transfers.");
    ImGui::SameLine(0, 30);
    std::snprintf(buf, sizeof buf, "%.3g", double(r.total.accesses));
    metric_value("accesses", buf, "Loads and stores the loop nests issue (split at line boundaries).");
    // Boxes: height by log2 capacity, one per level, then main memory.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 c0 = ImGui::GetCursorScreenPos();
    const float bh_max = std::max(40.0f, ImGui::GetContentRegionAvail().y - 4);
    const size_t n = m->hierarchy.levels.size() + 1;
    const float arrow = 70;
    const float bw = std::min(180.0f, (ImGui::GetContentRegionAvail().x - arrow * float(n - 1)) / float(n));
    float x = c0.x;
    const double log_max = std::log2(std::max<double>(1024.0 * 1024 * 1024, 2.0));
    for (size_t i = 0; i < n; ++i) {
        const bool is_main = i + 1 == n;
        const double size = is_main ? 1024.0 * 1024 * 1024 : double(m->hierarchy.levels[i].size_bytes);
        const float frac = float(std::clamp(std::log2(std::max(size, 2.0)) / log_max, 0.25, 1.0));
        const float bh = bh_max * frac;
        const ImVec2 a(x, c0.y + (bh_max - bh) / 2), b(x + bw, c0.y + (bh_max + bh) / 2);
        const ImU32 col = th.series[i % th.series.size()];
        dl->AddRectFilled(a, b, with_alpha(col, 0.25f), 4);
        dl->AddRect(a, b, col, 4, 0, 2);
        char line1[64], line2[64], line3[64];
        if (!is_main) {
            const auto& lc = m->hierarchy.levels[i];
            const auto& ls = boxes.levels[i];
            std::snprintf(line1, sizeof line1, "%s %s", lc.name.c_str(), bytes_text(double(lc.size_bytes)).c_str());
            if (lc.is_scratchpad) std::snprintf(line2, sizeof line2, "scratchpad, DMA %s", bytes_text(double(ls.bytes_from_below)).c_str());
            else std::snprintf(line2, sizeof line2, "hit %.1f%%", 100 * ls.hit_rate());
            std::snprintf(line3, sizeof line3, "%s", energy_text(ls.energy_pj).c_str());
        } else {
            std::snprintf(line1, sizeof line1, "%s", m->hierarchy.main.name.c_str());
            std::snprintf(line2, sizeof line2, "%s", bytes_text(double(boxes.main.bytes_read + boxes.main.bytes_written)).c_str());
            std::snprintf(line3, sizeof line3, "%s", energy_text(boxes.main.energy_pj).c_str());
        }
        const float lh = ImGui::GetTextLineHeight();
        float ty = (a.y + b.y) / 2 - 1.5f * lh;
        for (const char* t : {line1, line2, line3}) {
            dl->AddText(ImVec2(a.x + 6, ty), th.text, t);
            ty += lh;
        }
        ImGui::SetCursorScreenPos(a);
        ImGui::InvisibleButton(is_main ? "##main" : ("##lvl" + std::to_string(i)).c_str(), ImVec2(bw, std::max(1.0f, bh)));
        if (ImGui::IsItemHovered()) {
            if (!is_main && m->hierarchy.levels[i].is_scratchpad) {
                const auto& ls = boxes.levels[i];
                ImGui::SetTooltip("%s (scratchpad): %lld accesses, all hits - software staged the data, so there are no tags "
                                  "and no misses.\nDMA: %s in, %s out in %lld transfers from the level below; %.4g stall "
                                  "cycles waiting for them%s.",
                                  m->hierarchy.levels[i].name.c_str(), static_cast<long long>(ls.reads + ls.writes),
                                  bytes_text(double(ls.bytes_from_below)).c_str(), bytes_text(double(ls.bytes_to_below)).c_str(),
                                  static_cast<long long>(ls.dma_transfers), boxes.stall_cycles,
                                  m->settings.double_buffer ? " (double-buffered: transfers overlap the previous tile)" : "");
            } else if (!is_main) {
                const auto& ls = boxes.levels[i];
                ImGui::SetTooltip("%s: %lld accesses, %lld hits, %lld misses (%lld compulsory, %lld capacity, %lld conflict),\n"
                                  "%lld evictions (%lld dirty write-backs). Compulsory: first touch; capacity: a fully "
                                  "associative cache\nof this size would miss too; conflict: too many lines mapped to one set.",
                                  m->hierarchy.levels[i].name.c_str(), static_cast<long long>(ls.reads + ls.writes),
                                  static_cast<long long>(ls.hits), static_cast<long long>(ls.misses),
                                  static_cast<long long>(ls.compulsory), static_cast<long long>(ls.capacity),
                                  static_cast<long long>(ls.conflict), static_cast<long long>(ls.evictions),
                                  static_cast<long long>(ls.dirty_evictions));
            } else {
                ImGui::SetTooltip("Main memory (%s): %lld line reads, %lld writes; %.4g pJ per byte.", m->hierarchy.main.kind.c_str(),
                                  static_cast<long long>(boxes.main.reads), static_cast<long long>(boxes.main.writes),
                                  m->hierarchy.main.energy_pj_per_byte);
            }
        }
        if (!is_main) {
            // The link below: bytes moved (fills down-up, write-backs up-down).
            const auto& ls = boxes.levels[i];
            const float ay = c0.y + bh_max / 2;
            dl->AddLine(ImVec2(b.x + 4, ay), ImVec2(b.x + arrow - 4, ay), th.text_dim, 2);
            dl->AddTriangleFilled(ImVec2(b.x + 4, ay), ImVec2(b.x + 12, ay - 5), ImVec2(b.x + 12, ay + 5), th.text_dim);
            const std::string moved = bytes_text(double(ls.bytes_from_below + ls.bytes_to_below));
            dl->AddText(ImVec2(b.x + 6, ay - ImGui::GetTextLineHeight() - 4), th.text_dim, moved.c_str());
        }
        x += bw + arrow;
    }
    ImGui::EndChild();
    layout_.hierarchy = {p0, ImVec2(p0.x + w, p0.y + h)};
}

void MemoryWorkspace::draw_replay_controls(GuiContext& ctx, const session::MemoryStudy& m) {
    // Play one layer's trace through the hierarchy: play, pause, step, speed; live hit rates and bytes/s.
    std::vector<const char*> names;
    for (const auto& l : m.workload.layers) names.push_back(l.name.c_str());
    int layer = replay_layer_;
    ImGui::SetNextItemWidth(150);
    const char* preview = layer >= 0 && layer < int(names.size()) ? names[size_t(layer)] : "replay a layer...";
    if (ImGui::BeginCombo("##replaylayer", preview)) {
        for (int i = 0; i < int(names.size()); ++i)
            if (m.workload.layers[size_t(i)].op != models::OpKind::Reshape && ImGui::Selectable(names[size_t(i)], i == layer)) {
                std::string err;
                if (!select_replay_layer(i, &err)) ctx.toast(err, ToastKind::Warning);
                else replay_playing_ = true;
            }
        ImGui::EndCombo();
    }
    metric_tooltip("Replay one layer's exact trace through the hierarchy (cold caches) and watch the boxes count live.");
    if (!replay_h_) return;
    ImGui::SameLine();
    if (ImGui::SmallButton(replay_playing_ ? "pause" : "play")) replay_playing_ = !replay_playing_;
    ImGui::SameLine();
    if (ImGui::SmallButton("step")) replay_step(1000);
    metric_tooltip("Advance 1,000 accesses.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(160);
    ImGui::SliderFloat("accesses/s", &replay_speed_, 1e3f, 1e7f, "%.3g", ImGuiSliderFlags_Logarithmic);
    ImGui::SameLine();
    const auto& s = replay_h_->stats();
    const double sim_s = s.cycles() / m.hierarchy.clock_hz;
    const double moved = double(s.main.bytes_read + s.main.bytes_written);
    ImGui::TextDisabled("%lld / %lld accesses, DRAM %s/s simulated", static_cast<long long>(replay_pos_),
                        static_cast<long long>(replay_trace_.size()), bytes_text(sim_s > 0 ? moved / sim_s : 0).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("close")) {
        replay_h_.reset();
        replay_trace_.clear();
        replay_playing_ = false;
        replay_layer_ = -1;
    }
}

void MemoryWorkspace::draw_energy(GuiContext&, const session::MemoryStudy* m, float w, float h) {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##memenergy", ImVec2(w, h), false);
    BarSpec spec;
    spec.title = "Energy per layer";
    spec.help = "Each layer's energy: compute (MACs) and every memory level's accesses stacked. The memory wall is the "
                "gap between the compute segment and the rest.";
    spec.size = ImVec2(w, h - 4);
    spec.categories = &layer_names_;
    spec.value_label = "energy (uJ)";
    spec.stacked = true;
    std::vector<BarSeries> series;
    if (m)
        for (size_t i = 0; i < energy_labels_.size(); ++i) series.push_back({energy_labels_[i].c_str(), energy_by_level_[i].data(), 0});
    bar_chart("##energy", spec, series.data(), int(series.size()));
    ImGui::EndChild();
    layout_.energy = {p0, ImVec2(p0.x + w, p0.y + h)};
}

void MemoryWorkspace::draw_roofline(GuiContext& ctx, const session::MemoryStudy* m, float w, float h) {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##memroof", ImVec2(w, h), false);
    PlotSpec spec;
    spec.title = "Roofline";
    spec.help = "Attainable performance = min(peak compute, arithmetic intensity x memory bandwidth) (textbook §11.4: "
                "T_mem = bytes / bandwidth vs T_compute = FLOPs / peak). Left of the ridge a layer is memory-bound. "
                "Intensity counts inputs, parameters and outputs once each; batch size and precision move the points.";
    spec.size = ImVec2(w, h - 4);
    spec.x = AxisSpec{"arithmetic intensity (FLOP/byte)", true, AxisFit::Fixed, 0.01, 10000};
    spec.y = AxisSpec{"GFLOP/s", true, AxisFit::Nice};
    Plot plot("##roofline", spec);
    if (m && !roof_x_.empty()) {
        plot.line({"roof", roof_x_.data(), roof_y_.data(), int(roof_x_.size()), 0, ctx.theme->text_dim, 2.0f, false});
        ScatterSeries pts;
        pts.label = "layers";
        pts.x = point_x_.data();
        pts.y = point_y_.data();
        pts.count = int(point_x_.size());
        pts.radius = 5;
        pts.point_labels = point_labels_.data();
        plot.scatter(pts);
        char ridge[48];
        std::snprintf(ridge, sizeof ridge, "ridge %.3g", m->result.roofline.ridge_intensity());
        plot.ref_line({m->result.roofline.ridge_intensity(), true, ridge, ctx.theme->warning, false});
    }
    plot.draw();
    ImGui::EndChild();
    layout_.roofline = {p0, ImVec2(p0.x + w, p0.y + h)};
}

void MemoryWorkspace::draw_traffic(GuiContext&, const session::MemoryStudy* m, float w, float h) {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##memtraffic", ImVec2(w, h), false);
    BarSpec spec;
    spec.title = "Traffic per layer";
    spec.help = "DRAM bytes each layer moves (line fills and write-backs, KB) and its L1 misses (thousands). Loop order and "
                "tiling change these without changing the arithmetic.";
    spec.size = ImVec2(w, h - 4);
    spec.categories = &layer_names_;
    spec.value_label = "KB / thousand misses";
    const bool spm = m && !m->hierarchy.levels.empty() && m->hierarchy.levels.front().is_scratchpad;
    if (spm) {
        spec.help = "DRAM bytes each layer moves (the scratchpad's DMA in and out, KB) and the cycles it stalls waiting for "
                    "those transfers (thousands). A scratchpad has no misses; tiling decides the traffic, double "
                    "buffering hides the stalls.";
        spec.value_label = "KB / thousand cycles";
    }
    BarSeries s[2] = {{"DRAM KB", dram_kb_.data(), 0}, {spm ? "DMA stall (k cycles)" : "L1 misses (k)", l1_misses_k_.data(), 0}};
    bar_chart("##traffic", spec, s, m ? 2 : 0);
    ImGui::EndChild();
    layout_.traffic = {p0, ImVec2(p0.x + w, p0.y + h)};
}

void MemoryWorkspace::draw_training(GuiContext& ctx, const session::MemoryStudy* m, float w, float h) {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##memtrain", ImVec2(w, h), true);
    ImGui::TextUnformatted("Training memory");
    ImGui::SameLine();
    help_marker("What one training step holds: weights, the fp32 master copy (mixed precision), gradients, optimizer state "
                "(momentum one copy, Adam two) and every layer's activations for the backward pass (textbook §3.5: batch 32 "
                "of 784-128-256-128-10 keeps 16,704 values). int8 shows inference: weights and the largest live activations.");
    if (m) {
        const auto& t = m->training;
        const Theme& th = *ctx.theme;
        std::vector<MeterPart> parts = {
            {"weights", t.weights_bytes, bytes_text(t.weights_bytes), th.series[0], "The parameters the arithmetic uses."},
            {"master (fp32)", t.master_weights_bytes, bytes_text(t.master_weights_bytes), th.series[1],
             "Mixed precision keeps an fp32 copy so small updates are not lost."},
            {"gradients", t.gradient_bytes, bytes_text(t.gradient_bytes), th.series[2], "One gradient per parameter."},
            {"optimizer", t.optimizer_bytes, bytes_text(t.optimizer_bytes), th.series[3], "Momentum: 4 B/param; Adam: 8 B/param (fp32)."},
            {"activations", t.activation_bytes, bytes_text(t.activation_bytes), th.series[4],
             "Outputs kept for the backward pass; grows with the batch."}};
        stacked_meter("##trainmem", parts, ImGui::GetContentRegionAvail().x);
        ImGui::Text("total %s for %lld parameters at batch %d", bytes_text(t.total_bytes()).c_str(), static_cast<long long>(t.params),
                    m->settings.batch);
        ImGui::Text("%lld activation values kept", static_cast<long long>(t.activation_values));
        if (t.checkpoint_segments > 0)
            ImGui::Text("checkpointing: %lld segments, activations %s instead of %s, +%.3g MACs recomputed",
                        static_cast<long long>(t.checkpoint_segments), bytes_text(t.activation_bytes).c_str(),
                        bytes_text(t.activation_bytes_without_checkpointing).c_str(), double(t.recompute_macs));
    } else {
        ImGui::TextDisabled("No simulation yet");
    }
    ImGui::EndChild();
    layout_.training = {p0, ImVec2(p0.x + w, p0.y + h)};
}

}  // namespace mlsys::gui
