// Deploy workspace, the decision board: a devices x metrics table with colour cues (green best, red worst
// among the devices the model fits; red rows do not fit, with the shortfall), the stated assumptions of the
// selected device, and one radar per device.
#include "app/gui/panels/deploy_workspace.hpp"

#include "app/gui/panels/train_views.hpp"
#include "app/gui/widgets/plot_math.hpp"
#include "app/gui/widgets/radar_chart.hpp"
#include "app/gui/widgets/tooltip.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {
namespace {

// Green (rank 0, best) through amber to red (rank 1, worst), translucent so the text stays readable.
ImU32 rank_colour(const Theme& t, double rank) {
    if (std::isnan(rank)) return 0;
    const ImVec4 g = ImGui::ColorConvertU32ToFloat4(t.good), w = ImGui::ColorConvertU32ToFloat4(t.warning),
                 b = ImGui::ColorConvertU32ToFloat4(t.bad);
    const float r = static_cast<float>(std::clamp(rank, 0.0, 1.0));
    auto mix = [](ImVec4 a, ImVec4 c, float u) {
        return ImVec4(a.x + (c.x - a.x) * u, a.y + (c.y - a.y) * u, a.z + (c.z - a.z) * u, 1.0f);
    };
    ImVec4 c = r < 0.5f ? mix(g, w, r * 2) : mix(w, b, (r - 0.5f) * 2);
    c.w = 0.30f;
    return ImGui::ColorConvertFloat4ToU32(c);
}

std::string seconds_text(double s) {
    char buf[32];
    if (s < 1e-3) std::snprintf(buf, sizeof buf, "%.3g µs", s * 1e6);
    else if (s < 1) std::snprintf(buf, sizeof buf, "%.3g ms", s * 1e3);
    else std::snprintf(buf, sizeof buf, "%.3g s", s);
    return buf;
}

std::string joules_text(double j) {
    char buf[32];
    if (j < 1e-3) std::snprintf(buf, sizeof buf, "%.3g µJ", j * 1e6);
    else if (j < 1) std::snprintf(buf, sizeof buf, "%.3g mJ", j * 1e3);
    else std::snprintf(buf, sizeof buf, "%.3g J", j);
    return buf;
}

std::string battery_text(double hours) {
    char buf[32];
    if (hours < 0) return "mains";
    if (hours >= 24 * 365) std::snprintf(buf, sizeof buf, "%.1f years", hours / (24 * 365.25));
    else if (hours >= 48) std::snprintf(buf, sizeof buf, "%.0f days", hours / 24);
    else std::snprintf(buf, sizeof buf, "%.1f h", hours);
    return buf;
}

std::string dollars_text(double usd) {
    char buf[32];
    if (usd < 0.01) std::snprintf(buf, sizeof buf, "$%.2g", usd);
    else std::snprintf(buf, sizeof buf, "$%.2f", usd);
    return buf;
}

const char* kColumnHelp[] = {
    "The device profile (assets/deploy/devices.json; every number has its source). Click a row for its assumptions.",
    "Does the model fit? Weights (in RAM, or run from flash on microcontrollers), the largest layer's input and output "
    "activations, and the runtime's own RAM. A model that does not fit shows how many bytes it is short.",
    "Time for one inference (batch 1): for each layer the larger of its compute time (MACs at the device's peak rate "
    "for this precision x an efficiency factor) and its memory time (bytes / memory bandwidth) — a per-layer roofline. "
    "Cloud rows add the transfer over the chosen link.",
    "Energy per inference on the device that computes: latency x active power.",
    "How long a battery lasts at the chosen inferences per hour (active power while inferring, idle power between). "
    "\"mains\" for devices without a battery.",
    "Cost per million inferences: the rented hourly rate for cloud servers (busy time only); for owned devices the "
    "electricity plus the device's price spread over three years at the chosen duty cycle.",
    "Privacy: whether the raw input (an image, a voice clip) leaves the user's device. On-device inference keeps it; "
    "a cloud server must receive it.",
    "Accuracy measured on the real test set with the weights stored at this precision — not assumed.",
};

}  // namespace

void DeployWorkspace::draw_board(GuiContext& ctx, float width, float height) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##deploy_board", ImVec2(width, height), true, ImGuiWindowFlags_NoScrollbar);
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("Decision board");
    ImGui::PopFont();
    ImGui::SameLine();
    help_marker("Every device profile with the current model at the chosen precision. Colours rank each column among "
                "the devices the model fits: green is the best of them, red the worst, on a log scale (the devices "
                "differ by orders of magnitude). \"There is no best system, only the right trade-offs.\"");
    ImGui::SameLine(0, 12 * sc);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "variant %s", settings_.variant.c_str());
    const session::DeployEvaluation* ev = eval_.get();
    if (!ev) {
        ImGui::TextDisabled("%s", eval_job_ ? eval_job_->status().c_str() : "Evaluating…");
        ImGui::EndChild();
        layout_.board = {p0, ImVec2(p0.x + width, p0.y + height)};
        return;
    }
    // The rows of the chosen variant, device by device.
    std::vector<const sim::DeviceEstimate*> rows;
    std::vector<std::string> names;
    for (size_t i = 0; i < ev->device_ids.size(); ++i)
        if (const auto* e = ev->estimate(settings_.variant, ev->device_ids[i])) {
            rows.push_back(e);
            // "Raspberry Pi 5 (8 GB)" -> "Raspberry Pi 5": the details are in the row's tooltip.
            const std::string& full = ev->device_names[i];
            names.push_back(full.substr(0, full.find(" (")));
        }
    std::vector<double> lat, energy, cost;
    std::vector<bool> fits;
    for (const auto* e : rows) {
        lat.push_back(e->latency_s);
        energy.push_back(e->energy_j);
        cost.push_back(e->cost_per_million_usd);
        fits.push_back(e->fits);
    }
    const auto lat_rank = session::log_rank(lat, fits), energy_rank = session::log_rank(energy, fits),
               cost_rank = session::log_rank(cost, fits);
    const float assumptions_h = 4.6f * ImGui::GetTextLineHeightWithSpacing();
    const float table_h = std::max(80 * sc, ImGui::GetContentRegionAvail().y - assumptions_h);
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("##board", 8, flags, ImVec2(0, table_h))) {
        const char* headers[] = {"Device", "Fits (RAM)", "Latency", "Energy", "Battery", "$/M inf.", "Raw input", "Accuracy"};
        const float weights[] = {2.0f, 1.25f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f};
        ImGui::TableSetupScrollFreeze(0, 1);
        for (int c = 0; c < 8; ++c) ImGui::TableSetupColumn(headers[c], ImGuiTableColumnFlags_WidthStretch, weights[c]);
        ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
        for (int c = 0; c < 8; ++c) {
            ImGui::TableSetColumnIndex(c);
            ImGui::TableHeader(headers[c]);
            metric_tooltip(kColumnHelp[c]);
        }
        for (size_t i = 0; i < rows.size(); ++i) {
            const sim::DeviceEstimate& e = *rows[i];
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            const bool selected = e.device_id == selected_device_;
            if (ImGui::Selectable((names[i] + "##" + e.device_id).c_str(), selected, ImGuiSelectableFlags_SpanAllColumns))
                selected_device_ = e.device_id;
            if (ImGui::IsItemHovered()) {
                ImGui::BeginTooltip();
                ImGui::TextUnformatted(ev->device_names[std::find(ev->device_ids.begin(), ev->device_ids.end(), e.device_id) -
                                                        ev->device_ids.begin()].c_str());
                ImGui::TextDisabled("How each number was computed:");
                for (const auto& a : e.assumptions) ImGui::BulletText("%s", a.c_str());
                ImGui::EndTooltip();
            }
            // Fits: RAM use, or the shortfall.
            ImGui::TableSetColumnIndex(1);
            char buf[96];
            if (e.fits) {
                const double share = e.ram_available_bytes > 0
                                         ? 100.0 * static_cast<double>(e.ram_needed_bytes) / static_cast<double>(e.ram_available_bytes)
                                         : 0.0;
                std::snprintf(buf, sizeof buf, "yes %.2g%%", share);
                ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, with_alpha(t.good, 0.22f));
            } else {
                std::snprintf(buf, sizeof buf, "no: -%s", format_bytes(static_cast<double>(e.shortfall_bytes)).c_str());
                ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, with_alpha(t.bad, 0.35f));
            }
            ImGui::TextUnformatted(buf);
            if (ImGui::IsItemHovered()) {
                std::snprintf(buf, sizeof buf, "RAM: needs %s of %s; storage: needs %s of %s",
                              format_bytes(static_cast<double>(e.ram_needed_bytes)).c_str(),
                              format_bytes(static_cast<double>(e.ram_available_bytes)).c_str(),
                              format_bytes(static_cast<double>(e.storage_needed_bytes)).c_str(),
                              format_bytes(static_cast<double>(e.storage_available_bytes)).c_str());
                metric_tooltip(e.fits ? buf : (e.fit_reason + ". " + buf).c_str());
            }
            auto ranked = [&](int col, const std::string& text, double rank, const char* help) {
                ImGui::TableSetColumnIndex(col);
                if (!e.fits) {
                    ImGui::TextDisabled("—");
                    return;
                }
                if (ImU32 c = rank_colour(t, rank)) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, c);
                ImGui::TextUnformatted(text.c_str());
                if (help) metric_tooltip(help);
            };
            std::string lat_help;
            if (e.transfer_s > 0) lat_help = "compute " + seconds_text(e.latency_s - e.transfer_s) + " + transfer " + seconds_text(e.transfer_s);
            ranked(2, seconds_text(e.latency_s), lat_rank[i], lat_help.empty() ? nullptr : lat_help.c_str());
            ranked(3, joules_text(e.energy_j), energy_rank[i], nullptr);
            ImGui::TableSetColumnIndex(4);
            if (e.fits) ImGui::TextUnformatted(battery_text(e.battery_life_h).c_str());
            else ImGui::TextDisabled("—");
            ranked(5, dollars_text(e.cost_per_million_usd), cost_rank[i], nullptr);
            ImGui::TableSetColumnIndex(6);
            if (e.raw_input_leaves_device) {
                ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, with_alpha(t.warning, 0.30f));
                ImGui::TextUnformatted("leaves");
            } else {
                ImGui::TextUnformatted("stays");
            }
            ImGui::TableSetColumnIndex(7);
            if (std::isnan(e.accuracy)) {
                ImGui::TextDisabled("not meas.");
                metric_tooltip("No test set to measure it on.");
            } else {
                ImGui::Text("%.1f%%", 100 * e.accuracy);
            }
        }
        ImGui::EndTable();
    }
    // The selected device's stated assumptions.
    const sim::DeviceEstimate* sel = ev->estimate(settings_.variant, selected_device_);
    if (sel) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "Assumptions for %s (%s):", selected_device_.c_str(),
                           settings_.variant.c_str());
        ImGui::BeginChild("##assumptions", ImVec2(0, 0), false);
        ImGui::PushTextWrapPos(0.0f);
        ImGui::PushFont(ctx.fonts.small);
        ImGui::TextUnformatted(sel->fit_reason == "fits" ? "fits" : ("does not fit: " + sel->fit_reason).c_str());
        for (const auto& a : sel->assumptions) ImGui::TextUnformatted(a.c_str());
        if (!std::isnan(sel->accuracy))
            ImGui::Text("accuracy: measured on %d %s test samples", ev->accuracy_samples, ev->dataset.c_str());
        for (const auto& n : ev->report.notes)
            if (n.rfind(settings_.variant + ":", 0) == 0 || n.rfind("profile", 0) == 0) ImGui::TextUnformatted(n.c_str());
        ImGui::PopFont();
        ImGui::PopTextWrapPos();
        ImGui::EndChild();
    }
    ImGui::EndChild();
    layout_.board = {p0, ImVec2(p0.x + width, p0.y + height)};
}

void DeployWorkspace::draw_radars(GuiContext& ctx, float width, float height) {
    const Theme& t = *ctx.theme;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const session::DeployEvaluation* ev = eval_.get();
    ImGui::BeginGroup();
    // Small multiples: one-letter labels at the rim, their key above the grid, full names in the read-out.
    static const std::vector<std::string> axes{"L", "E", "A", "M", "$", "P"};
    static const std::vector<std::string> titles{"latency", "energy per inference", "accuracy (measured)",
                                                 "memory headroom", "cost per inference", "privacy"};
    ImGui::PushFont(ctx.fonts.small);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim),
                       "L latency · E energy · A accuracy · M memory · $ cost · P privacy");
    ImGui::PopFont();
    metric_tooltip("Each radar scores one device on six axes among the devices compared: the rim is the best of them, the "
                   "centre the worst. Latency, energy and cost on a log scale; accuracy as measured; memory headroom is the "
                   "share of RAM or flash left free; privacy is full when the raw input stays on the device. A device the "
                   "model does not fit collapses to its privacy score and gets a red frame.");
    height -= ImGui::GetItemRectSize().y + ImGui::GetStyle().ItemSpacing.y;
    const int n = ev ? static_cast<int>(ev->device_ids.size()) : 8;
    const int cols = 4;
    const int rows = std::max(1, (n + cols - 1) / cols);
    const float gap = 6 * ctx.fonts.scale;
    const float cw = std::floor((width - (cols - 1) * gap) / cols), ch = std::floor((height - (rows - 1) * gap) / rows);
    std::vector<const sim::DeviceEstimate*> est;
    if (ev)
        for (const auto& id : ev->device_ids) est.push_back(ev->estimate(settings_.variant, id));
    const bool complete = ev && std::all_of(est.begin(), est.end(), [](const auto* e) { return e != nullptr; });
    const auto scores = complete ? session::radar_scores(est) : std::vector<session::RadarScores>{};
    for (int i = 0; i < n; ++i) {
        if (i % cols != 0) ImGui::SameLine(0, gap);
        const std::string id = ev ? ev->device_ids[static_cast<size_t>(i)] : "device " + std::to_string(i);
        RadarSpec spec;
        spec.title = id.c_str();
        spec.help = "The device's profile for this model, each axis scored among the devices compared: 1 (rim) is the "
                    "best of them, 0 the worst. Latency, energy and cost on a log scale; accuracy as measured; memory "
                    "headroom is the share of RAM or flash left free; privacy is 1 when the raw input stays on the device. "
                    "A device the model does not fit collapses to its privacy score and gets a red frame.";
        spec.size = ImVec2(cw, ch);
        spec.axes = &axes;
        spec.axis_titles = &titles;
        spec.legend = false;
        spec.empty_text = "Evaluating…";
        std::vector<std::string> text;
        RadarSeries s;
        if (complete) {
            const sim::DeviceEstimate& e = *est[static_cast<size_t>(i)];
            s.label = settings_.variant.c_str();
            s.values = scores[static_cast<size_t>(i)].data();
            s.color = e.fits ? t.series[0] : t.bad;
            text = {seconds_text(e.latency_s), joules_text(e.energy_j),
                    std::isnan(e.accuracy) ? "not measured" : format_si(100 * e.accuracy) + "%",
                    e.fits ? format_bytes(static_cast<double>(e.ram_available_bytes - e.ram_needed_bytes)) + " RAM free" : e.fit_reason,
                    dollars_text(e.cost_per_million_usd) + " / M", e.raw_input_leaves_device ? "input leaves" : "input stays"};
            s.value_text = text.data();
            if (!e.fits) spec.frame_color = with_alpha(t.bad, 0.8f);
        }
        radar_chart(("##radar_" + id).c_str(), spec, &s, complete ? 1 : 0);
    }
    ImGui::EndGroup();
    layout_.radars = {p0, ImVec2(p0.x + width, p0.y + height)};
}

}  // namespace mlsys::gui
