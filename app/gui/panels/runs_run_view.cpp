// Runs workspace, one run: name, id, status and damage; rename, tags, note, re-run and delete (with
// confirmation, into the trash); tabs with a chart of every metric, the config, the events and the
// artifacts. Draws the RunRecord the browser read; edits go through the browser.
#include "app/gui/panels/runs_workspace.hpp"

#include "app/gui/widgets/plot.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "app/session/runs_compare.hpp"

#include <algorithm>
#include <cstdio>

namespace mlsys::gui {
namespace {

void copy_to(char* buf, size_t n, const std::string& s) { std::snprintf(buf, n, "%s", s.c_str()); }

}  // namespace

void RunsWorkspace::draw_run_actions(GuiContext& ctx, const session::RunListing& l) {
    const float sc = ctx.fonts.scale;
    if (edit_for_ != l.id) {  // fill the buffers from the run when another run is opened
        edit_for_ = l.id;
        copy_to(name_buf_, sizeof name_buf_, l.name);
        copy_to(note_buf_, sizeof note_buf_, l.note);
        tag_buf_[0] = '\0';
        confirm_delete_.clear();
    }
    ImGui::SetNextItemWidth(260 * sc);
    ImGui::InputText("##name", name_buf_, sizeof name_buf_);
    ImGui::SameLine();
    if (ImGui::Button("Rename")) {
        if (auto st = browser_->rename(l.id, name_buf_); !st) ctx.show_error("Rename failed", st.error());
        else ctx.toast("Renamed (the folder keeps its id).", ToastKind::Success);
        return;  // the listing was rebuilt: `l` is stale
    }
    metric_tooltip("A display name kept in the run's user.json; the folder and its id do not change.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120 * sc);
    const bool enter = ImGui::InputTextWithHint("##tag", "new tag", tag_buf_, sizeof tag_buf_, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button("Add tag") || enter) && tag_buf_[0]) {
        if (auto st = browser_->add_tag(l.id, tag_buf_); !st) ctx.show_error("Tag not added", st.error());
        tag_buf_[0] = '\0';
        return;
    }
    for (const auto& tag : l.tags) {
        ImGui::SameLine();
        ImGui::PushID(tag.c_str());
        const std::string label = tag + " x";
        if (ImGui::SmallButton(label.c_str())) {
            if (auto st = browser_->remove_tag(l.id, tag); !st) ctx.show_error("Tag not removed", st.error());
            ImGui::PopID();
            return;
        }
        metric_tooltip("Remove this tag.");
        ImGui::PopID();
    }
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    const bool can_rerun = l.kind == "train" && !rerun_job_;
    if (!can_rerun) ImGui::BeginDisabled();
    if (ImGui::Button("Re-run")) start_rerun(ctx, l.id);
    if (!can_rerun) ImGui::EndDisabled();
    metric_tooltip(l.kind == "train" ? "Train again with exactly this config (seed included) as a new run. Same seed, same "
                                       "data order: the curves should match — a check that the result is reproducible."
                                     : "Only training runs can be re-run from here.");
    ImGui::SameLine();
    if (confirm_delete_ != l.id) {
        if (ImGui::Button("Delete...")) confirm_delete_ = l.id;
        metric_tooltip("Move this run to the trash (restorable from Trash until you empty it).");
    } else {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme->warning), "Move to the trash?");
        ImGui::SameLine();
        if (ImGui::Button("Move to trash")) {
            const std::string id = l.id;
            confirm_delete_.clear();
            if (auto st = browser_->trash(id); !st) ctx.show_error("Delete failed", st.error());
            else ctx.toast("Moved " + id + " to the trash.", ToastKind::Info);
            return;
        }
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) confirm_delete_.clear();
    }
    ImGui::SetNextItemWidth(-90 * sc);
    ImGui::InputTextMultiline("##note", note_buf_, sizeof note_buf_, ImVec2(-90 * sc, 44 * sc));
    ImGui::SameLine();
    if (ImGui::Button("Save note")) {
        if (auto st = browser_->set_note(l.id, note_buf_); !st) ctx.show_error("Note not saved", st.error());
        else ctx.toast("Note saved.", ToastKind::Success);
    }
}

void RunsWorkspace::draw_run(GuiContext& ctx) {
    const session::RunListing* l = browser_->find(browser_->state.open_id);
    const models::RunRecord* r = l ? browser_->record(l->id) : nullptr;
    if (!l || !r) {
        ImGui::TextDisabled("Open a run from the list.");
        return;
    }
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    ImGui::PushFont(ctx.fonts.heading);
    ImGui::TextUnformatted(l->name.c_str());
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::TextDisabled("%s · %s · %s · %s", l->id.c_str(), l->kind.c_str(), l->created.c_str(), l->status.c_str());
    if (!r->message.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.warning), "%s", r->message.c_str());
    for (const auto& d : l->damage)
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.bad), "damaged: %s (everything readable is shown)", d.c_str());
    draw_run_actions(ctx, *l);
    l = browser_->find(browser_->state.open_id);  // an action may have rebuilt the listing
    r = l ? browser_->record(l->id) : nullptr;
    if (!l || !r) return;
    ImGui::Separator();
    const char* tabs[] = {"Charts", "Config", "Events", "Artifacts"};
    for (int i = 0; i < 4; ++i) {
        if (i) ImGui::SameLine();
        char label[48];
        const size_t n = i == 0 ? r->metrics.columns.size() : i == 2 ? r->events.size() : i == 3 ? r->artifacts.size() : 0;
        if (i == 1) std::snprintf(label, sizeof label, "%s", tabs[i]);
        else std::snprintf(label, sizeof label, "%s (%zu)", tabs[i], n);
        if (run_tab_ == i) ImGui::PushStyleColor(ImGuiCol_Button, t.accent);
        if (ImGui::Button(label)) run_tab_ = i;
        if (run_tab_ == i) ImGui::PopStyleColor();
    }
    ImGui::BeginChild("##runbody", ImVec2(0, 0), false);
    if (run_tab_ == 0) {
        const Curves& c = curves_of(*r);
        const ImVec2 start = ImGui::GetCursorScreenPos();
        const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
        int k = 0;
        for (const auto& metric : r->metrics.columns) {
            const auto& [xs, ys] = c.by_metric.at(metric);
            PlotSpec spec;
            spec.title = metric.c_str();
            spec.help = "This metric as the run logged it, against the job's step (training: optimizer steps). Right-click "
                        "to save the chart as PNG or copy its data.";
            spec.size = ImVec2(w, 200 * sc);
            spec.x = AxisSpec{"step", false, AxisFit::Tight};
            spec.y = AxisSpec{metric, false, AxisFit::Nice};
            spec.legend = false;
            spec.empty_text = "not logged";
            LineSeries s;
            s.label = metric.c_str();
            s.x = xs.data();
            s.y = ys.data();
            s.count = static_cast<int>(xs.size());
            s.markers = xs.size() <= 30;
            if (k % 2) ImGui::SameLine();
            ImGui::PushID(metric.c_str());
            Plot("##metric", spec).line(s).draw();
            ImGui::PopID();
            ++k;
        }
        if (r->metrics.columns.empty()) ImGui::TextDisabled("This run logged no metrics.");
        layout_.charts = {start, ImVec2(start.x + 2 * w, ImGui::GetCursorScreenPos().y)};
    } else if (run_tab_ == 1) {
        if (ImGui::BeginTable("##config", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
            ImGui::TableSetupColumn("key");
            ImGui::TableSetupColumn("value");
            ImGui::TableHeadersRow();
            for (const auto& [key, value] : session::flatten_config(r->config)) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(key.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(session::config_value_text(value).c_str());
            }
            ImGui::EndTable();
        }
        if (r->headline.is_object() && !r->headline.empty()) ImGui::TextDisabled("headline: %s", r->headline.dump().c_str());
    } else if (run_tab_ == 2) {
        if (ImGui::BeginTable("##events", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
            ImGui::TableSetupColumn("t (s)", ImGuiTableColumnFlags_WidthStretch, 0.5f);
            ImGui::TableSetupColumn("type", ImGuiTableColumnFlags_WidthStretch, 0.8f);
            ImGui::TableSetupColumn("fields", ImGuiTableColumnFlags_WidthStretch, 3.0f);
            ImGui::TableHeadersRow();
            ImGuiListClipper clipper;
            clipper.Begin(static_cast<int>(r->events.size()));
            while (clipper.Step())
                for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                    const auto& e = r->events[static_cast<size_t>(i)];
                    nlohmann::json fields = e;
                    for (const char* k : {"time", "wall_time_s", "type"}) fields.erase(k);
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::Text("%.3f", e.value("wall_time_s", 0.0));
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(e.value("type", "?").c_str());
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(fields.dump().c_str());
                }
            ImGui::EndTable();
        }
    } else {
        for (const auto& a : r->artifacts) ImGui::BulletText("%s", a.c_str());
        if (r->artifacts.empty()) ImGui::TextDisabled("No artifacts.");
        ImGui::TextDisabled("in %s/artifacts", r->dir.c_str());
    }
    ImGui::EndChild();
}

}  // namespace mlsys::gui
