// Runs workspace, the comparison of the ticked runs: every metric's curves overlaid on shared axes (one
// colour per run, the same in every chart), the config keys whose values differ, and the final metrics
// side by side. Draws what session::config_diff and compare_final_metrics compute.
#include "app/gui/panels/runs_workspace.hpp"

#include "app/gui/widgets/plot.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "app/session/runs_compare.hpp"

#include <cmath>
#include <cstdio>
#include <set>

namespace mlsys::gui {

void RunsWorkspace::draw_compare(GuiContext& ctx) {
    const auto runs = browser_->selected_records();
    if (runs.size() < 2) {
        ImGui::TextDisabled("Tick two or more runs in the list to compare them.");
        return;
    }
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    std::vector<std::string> labels;
    for (size_t i = 0; i < runs.size(); ++i) {
        const session::RunListing* l = browser_->find(runs[i]->id);
        const std::string name = l ? l->name : runs[i]->name;
        labels.push_back("[" + std::to_string(i + 1) + "] " + name);
        if (i) ImGui::SameLine(0, 18 * sc);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float h = ImGui::GetTextLineHeight();
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + h * 0.2f), ImVec2(p.x + h * 0.6f, p.y + h * 0.8f),
                                                  t.series[i % t.series.size()]);
        ImGui::Dummy(ImVec2(h * 0.7f, h));
        ImGui::SameLine();
        ImGui::TextUnformatted(labels.back().c_str());
        metric_tooltip(runs[i]->id.c_str());
    }

    // Charts: the union of metric names in first-seen order, three to a row.
    std::vector<std::string> metrics;
    std::set<std::string> seen;
    for (const auto* r : runs)
        for (const auto& c : r->metrics.columns)
            if (seen.insert(c).second) metrics.push_back(c);
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float avail = ImGui::GetContentRegionAvail().x;
    const int per_row = avail > 900 * sc ? 3 : 2;
    const float w = (avail - (per_row - 1) * ImGui::GetStyle().ItemSpacing.x) / per_row;
    const float chart_h = 175 * sc;
    int k = 0;
    for (const auto& metric : metrics) {
        PlotSpec spec;
        spec.title = metric.c_str();
        spec.help = "Each run's curve for this metric on shared axes (same colours as the legend above). Curves that "
                    "differ only where the config differs show what that setting does.";
        spec.size = ImVec2(w, chart_h);
        spec.x = AxisSpec{"step", false, AxisFit::Tight};
        spec.y = AxisSpec{metric, false, AxisFit::Nice};
        spec.legend = false;
        spec.empty_text = "not logged";
        Plot plot("##cmp", spec);
        for (size_t i = 0; i < runs.size(); ++i) {
            const Curves& c = curves_of(*runs[i]);
            auto it = c.by_metric.find(metric);
            if (it == c.by_metric.end()) continue;
            LineSeries s;
            s.label = labels[i].c_str();
            s.x = it->second.first.data();
            s.y = it->second.second.data();
            s.count = static_cast<int>(it->second.first.size());
            s.color = t.series[i % t.series.size()];
            s.markers = s.count <= 30;
            plot.line(s);
        }
        if (k % per_row) ImGui::SameLine();
        ImGui::PushID(metric.c_str());
        plot.draw();
        ImGui::PopID();
        ++k;
    }
    layout_.charts = {start, ImVec2(start.x + avail, ImGui::GetCursorScreenPos().y)};

    // Config diff and final metrics, side by side.
    std::vector<nlohmann::json> configs;
    for (const auto* r : runs) configs.push_back(r->config);
    const auto diff = session::config_diff(configs);
    const auto finals = session::compare_final_metrics(runs);
    const ImVec2 tables_start = ImGui::GetCursorScreenPos();
    const float half = (avail - ImGui::GetStyle().ItemSpacing.x) / 2;
    const float table_h = std::max(80.0f * sc, ImGui::GetContentRegionAvail().y);
    const int n_cols = static_cast<int>(runs.size()) + 1;
    ImGui::BeginChild("##diff", ImVec2(half, table_h), false);
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::Text("Config differences (%zu key%s)", diff.size(), diff.size() == 1 ? "" : "s");
    ImGui::PopFont();
    metric_tooltip("Only the config keys whose values are not the same in every run; everything else was identical.");
    if (diff.empty()) ImGui::TextDisabled("The configs are identical (seed included): the runs should reproduce each other.");
    else if (ImGui::BeginTable("##difftable", n_cols, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthStretch, 2.0f);
        for (size_t i = 0; i < runs.size(); ++i) ImGui::TableSetupColumn(("[" + std::to_string(i + 1) + "]").c_str());
        ImGui::TableHeadersRow();
        for (const auto& row : diff) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.key.c_str());
            for (size_t i = 0; i < row.values.size(); ++i) {
                ImGui::TableNextColumn();
                if (row.values[i].is_null()) ImGui::TextDisabled("-");
                else ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.series[i % t.series.size()]), "%s",
                                        session::config_value_text(row.values[i]).c_str());
            }
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
    layout_.config_diff = {tables_start, ImVec2(tables_start.x + half, tables_start.y + table_h)};
    ImGui::SameLine();
    ImGui::BeginChild("##finals", ImVec2(half, table_h), false);
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("Final metrics");
    ImGui::PopFont();
    metric_tooltip("The run's headline results (summary.json) and the last logged value of every metric.");
    if (ImGui::BeginTable("##finaltable", n_cols, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("metric", ImGuiTableColumnFlags_WidthStretch, 1.6f);
        for (size_t i = 0; i < runs.size(); ++i) ImGui::TableSetupColumn(("[" + std::to_string(i + 1) + "]").c_str());
        ImGui::TableHeadersRow();
        for (size_t m = 0; m < finals.names.size(); ++m) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(finals.names[m].c_str());
            // The best value of the row in bold colour: highest for accuracies, lowest for losses.
            const bool higher_better = finals.names[m].find("acc") != std::string::npos;
            const bool lower_better = finals.names[m].find("loss") != std::string::npos;
            int best = -1;
            for (size_t i = 0; i < runs.size(); ++i) {
                const double v = finals.values[m][i];
                if (std::isnan(v)) continue;
                if (best < 0 || (higher_better && v > finals.values[m][best]) || (lower_better && v < finals.values[m][best]))
                    best = static_cast<int>(i);
            }
            for (size_t i = 0; i < runs.size(); ++i) {
                ImGui::TableNextColumn();
                const double v = finals.values[m][i];
                if (std::isnan(v)) {
                    ImGui::TextDisabled("-");
                    continue;
                }
                if ((higher_better || lower_better) && best == static_cast<int>(i)) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.good), "%.4g", v);
                else ImGui::Text("%.4g", v);
            }
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
}

}  // namespace mlsys::gui
