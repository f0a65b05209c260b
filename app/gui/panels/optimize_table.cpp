// Optimize workspace, the variant table: one row per variant (the original first, marked in amber), with
// measured accuracy, its change, weight bytes, MACs, estimated latency and fit, and "Make current". Clicking
// a row selects it for the histograms. Reads session::OptimizeWorkspaceState; changes only the selection
// and, through the session, the current model.
#include "app/gui/panels/optimize_workspace.hpp"

#include "app/gui/panels/train_views.hpp"
#include "app/gui/widgets/plot_math.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "app/session/optimize_state.hpp"
#include "app/session/session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {
namespace {

struct Column {
    const char* name;
    const char* help;
    float width;  // px at scale 1; 0 = stretch
};

const Column kColumns[] = {
    {"Variant", "The original (amber) and every variant made from it. A name like pruned50+int8 was made from the "
                "variant before the +. Click a row to show its weight histograms.", 122},
    {"Technique", "What was applied, with its knobs in the tooltip.", 0},
    {"Accuracy", "Top-1 accuracy measured on the real test set (integer variants with the integer-only kernels).", 64},
    {"Δ acc", "Change in accuracy from the original, in percentage points. The usual budget for int8 post-training "
              "quantization is about 1 point.", 58},
    {"Weights", "Bytes of the parameters as stored at this precision: fp32 4 B, fp16/bf16 2 B, fp8/int8 1 B per value "
                "(integer variants add scales, int32 biases and requantization multipliers). A pruned variant shows its "
                "CSR size when that is smaller — zeros cost nothing there, but every kept value carries its column "
                "index; the dense size is in the tooltip.", 88},
    {"MACs", "Multiply-accumulates per inference (dense). Structured pruning lowers them; unstructured pruning only "
             "lowers the effective MACs (in the tooltip) on hardware that skips zeros.", 50},
    {"Latency", "Estimated time per inference on the chosen device: a per-layer roofline — the slower of compute "
                "(MACs at the device's throughput for this precision) and memory (bytes moved at its bandwidth).", 62},
    {"Fits", "Whether weights, activations and runtime fit the device's RAM and flash.", 28},
    {"", "Make a variant the session's current model (every other workspace uses it).", 92},
};

std::string percent_points(double delta) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.1f pt", 100 * delta);
    return buf;
}

std::string format_latency(double seconds) {
    char buf[32];
    if (seconds < 1e-3) std::snprintf(buf, sizeof buf, "%.0f µs", seconds * 1e6);
    else if (seconds < 1) std::snprintf(buf, sizeof buf, "%.3g ms", seconds * 1e3);
    else std::snprintf(buf, sizeof buf, "%.3g s", seconds);
    return buf;
}

}  // namespace

void OptimizeWorkspace::draw_table(GuiContext& ctx, session::Session& s, session::OptimizeWorkspaceState& st, float width,
                                   float height) {
    (void)s;
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##optimize_table_panel", ImVec2(width, height), true, ImGuiWindowFlags_NoScrollbar);
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("Variants");
    ImGui::PopFont();
    ImGui::SameLine();
    help_marker("Every variant of the current model, measured beside the original: accuracy on the test set, size, "
                "MACs and latency on the chosen device. Each one is recorded as a Run (the Runs workspace).");
    if (!st.variants.empty() && !st.variants[0].metrics.device.empty()) {
        ImGui::SameLine();
        ImGui::PushFont(ctx.fonts.small);
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "· latency on %s · accuracy on %d test images",
                           st.variants[0].metrics.device.c_str(), st.variants[0].metrics.n_test);
        ImGui::PopFont();
    }
    if (!st.variants.empty()) {  // export, right-aligned on the title row
        const float bw = 118 * sc;
        ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - bw));
        ImGui::PushFont(ctx.fonts.small);
        if (ImGui::SmallButton("Export selected")) on_export(ctx);
        ImGui::PopFont();
        metric_tooltip("Write the selected variant under the exports folder (Ctrl+E): an integer variant as its int8 "
                       "image (.mlq8, what `mlsyslab board deploy` uploads) and a C header with the arrays and "
                       "quantization parameters for microcontroller firmware; a float variant as a .mlsys model file.");
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_PadOuterX;
    const int n_cols = static_cast<int>(sizeof kColumns / sizeof kColumns[0]);
    if (ImGui::BeginTable("##optimize_variants", n_cols, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const Column& c : kColumns)
            ImGui::TableSetupColumn(c.name, c.width > 0 ? ImGuiTableColumnFlags_WidthFixed : ImGuiTableColumnFlags_WidthStretch,
                                    c.width * sc);
        ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
        for (int i = 0; i < n_cols; ++i) {
            ImGui::TableSetColumnIndex(i);
            ImGui::TableHeader(kColumns[i].name);
            metric_tooltip(kColumns[i].help);
        }
        const double base_acc = st.variants.empty() ? NAN : st.variants[0].metrics.accuracy;
        for (int i = 0; i < static_cast<int>(st.variants.size()); ++i) {
            const session::OptimizeVariant& v = st.variants[size_t(i)];
            const session::VariantMetrics& m = v.metrics;
            ImGui::PushID(i);
            ImGui::TableNextRow();
            if (m.is_original) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, with_alpha(t.warning, 0.16f));
            // Variant name: a selectable spanning the row selects it.
            ImGui::TableNextColumn();
            const ImU32 name_col = m.is_original ? t.warning : v.is_baseline ? t.text_dim : t.text;
            ImGui::PushStyleColor(ImGuiCol_Text, name_col);
            const std::string label = (m.is_original ? "● " : v.is_baseline ? "· " : "") + m.name;
            if (ImGui::Selectable(label.c_str(), st.selected == i, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
                st.selected = i;
            ImGui::PopStyleColor();
            if (ImGui::IsItemHovered()) {
                std::string tip = m.is_original ? "The original: the model every variant is compared with (" + v.detail + ")."
                                                : v.technique + ": " + v.detail + ". Made from " + v.derived_from + ".";
                if (v.is_baseline) tip += " A comparison baseline: measured, not kept as a model.";
                if (!v.run_dir.empty()) tip += "\nRun: " + v.run_dir;
                metric_tooltip(tip.c_str());
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(v.technique.c_str());
            if (!v.detail.empty() && !m.is_original) metric_tooltip(v.detail.c_str());
            // Accuracy and its change.
            ImGui::TableNextColumn();
            if (std::isfinite(m.accuracy)) ImGui::Text("%.2f%%", 100 * m.accuracy);
            else ImGui::TextDisabled("–");
            ImGui::TableNextColumn();
            if (m.is_original) {
                ImGui::TextDisabled("baseline");
            } else if (std::isfinite(m.accuracy) && std::isfinite(base_acc)) {
                const double d = m.accuracy - base_acc;
                const ImU32 c = d >= -0.01 ? t.good : d >= -0.05 ? t.warning : t.bad;
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(c), "%s", percent_points(d).c_str());
            }
            // Weights: the smaller stored form.
            ImGui::TableNextColumn();
            const bool csr = m.compressed_bytes > 0 && m.compressed_bytes < m.size_bytes;
            ImGui::TextUnformatted(format_bytes(double(csr ? m.compressed_bytes : m.size_bytes)).c_str());
            if (csr) {
                ImGui::SameLine(0, 3 * sc);
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "CSR");
            }
            if (ImGui::IsItemHovered()) {
                char tip[300];
                std::snprintf(tip, sizeof tip, "%s parameters at %s: %s dense%s; %.1f%% of the weights are zero; %.1f%% of the "
                              "original's bytes.", format_count(m.n_params).c_str(), m.precision.c_str(),
                              format_bytes(double(m.size_bytes)).c_str(),
                              csr ? (", " + format_bytes(double(m.compressed_bytes)) + " as CSR").c_str() : "", 100 * m.sparsity,
                              st.variants[0].metrics.size_bytes > 0
                                  ? 100.0 * double(csr ? m.compressed_bytes : m.size_bytes) / double(st.variants[0].metrics.size_bytes)
                                  : 100.0);
                metric_tooltip(tip);
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(format_si(double(m.macs)).c_str());
            if (m.effective_macs < m.macs) {
                const std::string tip = format_si(double(m.effective_macs)) + " MACs skipping the zero weights";
                metric_tooltip(tip.c_str());
            }
            ImGui::TableNextColumn();
            if (std::isfinite(m.latency_s)) ImGui::TextUnformatted(format_latency(m.latency_s).c_str());
            else ImGui::TextDisabled("–");
            ImGui::TableNextColumn();
            if (!m.device.empty()) {
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(m.fits ? t.good : t.bad), "%s", m.fits ? "✓" : "✗");
                if (!m.fit_reason.empty()) metric_tooltip(m.fit_reason.c_str());
            }
            // Make current.
            ImGui::TableNextColumn();
            if (st.current == i) {
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.accent), "● current");
                metric_tooltip("This variant is the session's current model.");
            } else if (v.model) {
                ImGui::BeginDisabled(st.is_busy());
                if (ImGui::SmallButton("Make current")) make_current(ctx, i);
                ImGui::EndDisabled();
                metric_tooltip(v.int8 ? "Make this the session's current model. Other workspaces run float models, so it "
                                        "becomes the float model with its weights rounded to the integer grid (the "
                                        "integer-only image is the Run's model.mlq8, for a board)."
                                      : "Make this the session's current model for every workspace; apply another "
                                        "technique to chain them.");
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
    layout_.table = {p0, ImVec2(p0.x + width, p0.y + height)};
}

}  // namespace mlsys::gui
