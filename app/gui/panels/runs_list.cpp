// Runs workspace, the list: the filter row (search, kind, tag, dates, config conditions, damaged) and the
// table of runs, newest first, with a tick box for comparison and export. Draws RunsBrowser's listing.
#include "app/gui/panels/runs_workspace.hpp"

#include "app/gui/widgets/tooltip.hpp"

#include <cstdio>

namespace mlsys::gui {
namespace {

std::string duration_text(double s) {
    if (s < 0) return "-";
    char buf[32];
    if (s < 60) std::snprintf(buf, sizeof buf, "%.1f s", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%d min %02d s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
    else std::snprintf(buf, sizeof buf, "%d h %02d min", static_cast<int>(s) / 3600, static_cast<int>(s) / 60 % 60);
    return buf;
}

std::string when_text(const std::string& iso) {
    return iso.size() >= 16 ? iso.substr(0, 10) + " " + iso.substr(11, 5) : (iso.empty() ? "-" : iso);
}

std::string headline_text(const session::RunListing& l) {
    if (l.headline_metric.empty()) return "-";
    char buf[96];
    const bool pct = l.headline_metric.find("accuracy") != std::string::npos && l.headline_value <= 1.0;
    if (pct) std::snprintf(buf, sizeof buf, "%s %.1f%%", l.headline_metric.c_str(), 100 * l.headline_value);
    else std::snprintf(buf, sizeof buf, "%s %.4g", l.headline_metric.c_str(), l.headline_value);
    return buf;
}

}  // namespace

void RunsWorkspace::draw_filters(GuiContext& ctx) {
    session::RunsViewState& s = browser_->state;
    const float sc = ctx.fonts.scale;
    bool changed = false;
    ImGui::SetNextItemWidth(200 * sc);
    if (ImGui::InputTextWithHint("##search", "Search id, name, note, tag", search_buf_, sizeof search_buf_)) {
        s.search = search_buf_;
        changed = true;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110 * sc);
    if (ImGui::BeginCombo("##kind", s.kind.empty() ? "every kind" : s.kind.c_str())) {
        if (ImGui::Selectable("every kind", s.kind.empty())) s.kind.clear(), changed = true;
        for (const auto& k : browser_->kinds())
            if (ImGui::Selectable(k.c_str(), s.kind == k)) s.kind = k, changed = true;
        ImGui::EndCombo();
    }
    metric_tooltip("What wrote the run: train, memsim, accel, faults, lab, board, ...");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110 * sc);
    if (ImGui::BeginCombo("##tag", s.tag.empty() ? "any tag" : s.tag.c_str())) {
        if (ImGui::Selectable("any tag", s.tag.empty())) s.tag.clear(), changed = true;
        for (const auto& t : browser_->tags())
            if (ImGui::Selectable(t.c_str(), s.tag == t)) s.tag = t, changed = true;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(95 * sc);
    if (ImGui::InputTextWithHint("##since", "since", since_buf_, sizeof since_buf_)) s.since = since_buf_, changed = true;
    metric_tooltip("Runs started on or after this day (YYYY-MM-DD, UTC).");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(95 * sc);
    if (ImGui::InputTextWithHint("##until", "until", until_buf_, sizeof until_buf_)) s.until = until_buf_, changed = true;
    metric_tooltip("Runs started on or before this day (YYYY-MM-DD, UTC).");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(230 * sc);
    if (ImGui::InputTextWithHint("##where", "config, e.g. lr<0.01; dataset=spiral", where_buf_, sizeof where_buf_))
        s.where = where_buf_, changed = true;
    metric_tooltip("Conditions on config values, separated by ';'. A key can be its full path "
                   "(train.optimizer.learning_rate) or its last part (learning_rate). Operators: = != < <= > >= and ~ "
                   "(contains).");
    ImGui::SameLine();
    if (ImGui::Checkbox("damaged", &s.damaged_only)) changed = true;
    metric_tooltip("Only runs with a truncated line, a missing file or unreadable JSON.");
    if (changed) needs_relist_ = true;  // the index as it is: no sync per keystroke
}

void RunsWorkspace::draw_list(GuiContext& ctx) {
    draw_filters(ctx);
    const auto& rows = browser_->listing();
    const Theme& t = *ctx.theme;
    ImGui::TextDisabled("%zu run(s) in %s", rows.size(), browser_->root().c_str());
    if (!browser_->state.selected.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("· %zu ticked", browser_->state.selected.size());
        ImGui::SameLine();
        if (ImGui::SmallButton("Clear ticks")) browser_->state.selected.clear();
    }
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
    if (rows.empty()) {
        ImGui::Spacing();
        ImGui::TextWrapped("No runs%s. Train a model in the Train workspace or run `mlsyslab train`; every job writes "
                           "a run here.", browser_->state.search.empty() && browser_->state.where.empty() ? " yet" : " match the filters");
        return;
    }
    if (ImGui::BeginTable("##runs", 8, flags, ImGui::GetContentRegionAvail())) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 24 * ctx.fonts.scale);
        ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch, 2.4f);
        ImGui::TableSetupColumn("Kind", ImGuiTableColumnFlags_WidthStretch, 0.7f);
        ImGui::TableSetupColumn("Started (UTC)", ImGuiTableColumnFlags_WidthStretch, 1.3f);
        ImGui::TableSetupColumn("Duration", ImGuiTableColumnFlags_WidthStretch, 0.9f);
        ImGui::TableSetupColumn("Headline", ImGuiTableColumnFlags_WidthStretch, 1.6f);
        ImGui::TableSetupColumn("Tags", ImGuiTableColumnFlags_WidthStretch, 1.1f);
        ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(rows.size()));
        std::string to_open;
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const session::RunListing& r = rows[static_cast<size_t>(i)];
                ImGui::PushID(r.id.c_str());
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                bool ticked = browser_->is_selected(r.id);
                if (ImGui::Checkbox("##tick", &ticked)) browser_->toggle_selected(r.id);
                metric_tooltip("Tick to compare or export this run.");
                ImGui::TableNextColumn();
                if (ImGui::Selectable(r.name.c_str(), browser_->state.open_id == r.id, ImGuiSelectableFlags_SpanAllColumns |
                                                                                           ImGuiSelectableFlags_AllowItemOverlap))
                    to_open = r.id;
                if (ImGui::IsItemHovered()) {
                    ImGui::BeginTooltip();
                    ImGui::TextUnformatted(r.id.c_str());
                    if (!r.note.empty()) ImGui::TextWrapped("Note: %s", r.note.c_str());
                    for (const auto& d : r.damage) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.bad), "%s", d.c_str());
                    ImGui::EndTooltip();
                }
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.kind.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(when_text(r.created).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(duration_text(r.duration_s).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(headline_text(r).c_str());
                ImGui::TableNextColumn();
                std::string tags;
                for (const auto& tag : r.tags) tags += (tags.empty() ? "" : " ") + tag;
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.accent), "%s", tags.c_str());
                ImGui::TableNextColumn();
                if (!r.damage.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.bad), "damaged");
                else if (r.status == "failed") ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.bad), "failed");
                else if (r.status == "running") ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.good), "running");
                else ImGui::TextUnformatted(r.status.c_str());
                ImGui::PopID();
            }
        ImGui::EndTable();
        if (!to_open.empty()) open_run(to_open);
    }
    layout_.list = {start, ImVec2(start.x + ImGui::GetContentRegionAvail().x, ImGui::GetCursorScreenPos().y)};
}

}  // namespace mlsys::gui
