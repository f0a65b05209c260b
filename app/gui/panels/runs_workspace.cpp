// Runs workspace: registration, per-frame refresh of the index, the toolbar (views, refresh, export,
// trash), re-run jobs, the demo, help and saved state. The list, run and compare views are drawn in the
// other runs_*.cpp files.
#include "app/gui/panels/runs_workspace.hpp"

#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"
#include "app/session/train_control.hpp"
#include "models/core/files.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace mlsys::gui {

MLSYS_GUI_WORKSPACE((WorkspaceInfo{"runs", "", "", 0, ""}), RunsWorkspace);

RunsWorkspace::RunsWorkspace() = default;
RunsWorkspace::~RunsWorkspace() = default;

namespace {
constexpr double kRefreshEveryS = 2.0;  // the shortest interval between automatic refreshes

void copy_to(char* buf, size_t n, const std::string& s) {
    std::snprintf(buf, n, "%s", s.c_str());
}
}  // namespace

void RunsWorkspace::ensure_browser(GuiContext& ctx) {
    if (browser_) return;
    std::filesystem::path root = ctx.session && !ctx.session->runs_dir().empty() ? std::filesystem::path(ctx.session->runs_dir())
                                                                                 : core::default_runs_dir();
    browser_ = std::make_unique<session::RunsBrowser>(root);
    if (!pending_state_.is_null()) {
        std::vector<std::string> warnings;
        browser_->state = session::parse_runs_view_state(pending_state_, warnings);
        for (const auto& w : warnings) ctx.toast(w, ToastKind::Warning);
        pending_state_ = nullptr;
    }
    const auto& s = browser_->state;
    copy_to(search_buf_, sizeof search_buf_, s.search);
    copy_to(where_buf_, sizeof where_buf_, s.where);
    copy_to(since_buf_, sizeof since_buf_, s.since);
    copy_to(until_buf_, sizeof until_buf_, s.until);
    copy_to(export_buf_, sizeof export_buf_, (ctx.export_dir / "runs-report.html").string());
}

void RunsWorkspace::refresh(GuiContext& ctx, bool sync) {
    needs_relist_ = false;
    if (sync) {
        last_refresh_s_ = ctx.time_s;
        needs_refresh_ = false;
    }
    const auto t0 = std::chrono::steady_clock::now();
    (void)browser_->refresh(sync);  // the error stays in last_error() and is drawn above the list
    // A sync stats every run folder on the UI thread: with thousands of runs it costs a frame or more
    // (docs/BENCHMARKS.md), so automatic refreshes are spaced to keep that under 2% of the time. A
    // changed filter only queries the index.
    const double took_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (sync) refresh_every_s_ = std::max(kRefreshEveryS, 50.0 * took_s);
    for (const auto& n : browser_->take_notices()) ctx.toast(n, ToastKind::Warning);
    // Curves of records that were dropped (changed runs) are rebuilt on demand.
    for (auto it = curves_.begin(); it != curves_.end();) {
        const models::RunRecord* r = browser_->record(it->first);
        if (r != it->second.record) it = curves_.erase(it);
        else ++it;
    }
}

void RunsWorkspace::update(GuiContext& ctx) {
    ensure_browser(ctx);
    if (rerun_job_ && rerun_job_->is_done()) {
        if (rerun_job_->state() == core::JobState::Failed) {
            ctx.show_error("Re-run failed", rerun_of_ + ": " + rerun_job_->error());
        } else if (auto out = rerun_job_->take_outcome()) {
            char buf[256];
            std::snprintf(buf, sizeof buf, "Re-run of %s finished: %.1f%% test accuracy.", rerun_of_.c_str(), 100.0 * out->test.accuracy);
            ctx.toast(buf, ToastKind::Success);
        }
        rerun_job_.reset();
        needs_refresh_ = true;
    }
    if (needs_refresh_ || ctx.time_s - last_refresh_s_ > refresh_every_s_) refresh(ctx);
    else if (needs_relist_) refresh(ctx, false);
}

const RunsWorkspace::Curves& RunsWorkspace::curves_of(const models::RunRecord& r) {
    Curves& c = curves_[r.id];
    if (c.record == &r) return c;
    c.record = &r;
    c.by_metric.clear();
    const auto& m = r.metrics;
    for (size_t k = 0; k < m.columns.size(); ++k) {
        auto& [xs, ys] = c.by_metric[m.columns[k]];
        for (int i = 0; i < m.n_rows(); ++i) {
            const double v = m.values[k][i];
            if (!std::isfinite(v)) continue;  // not logged at this step
            xs.push_back(static_cast<float>(m.step[i]));
            ys.push_back(static_cast<float>(v));
        }
    }
    return c;
}

void RunsWorkspace::open_run(const std::string& id) {
    browser_->state.open_id = id;
    browser_->state.view = session::RunsView::Run;
    run_tab_ = 0;
}

void RunsWorkspace::start_rerun(GuiContext& ctx, const std::string& id) {
    if (rerun_job_) {
        ctx.show_error("Re-run", "A re-run is already in progress; wait for it to finish.");
        return;
    }
    auto req = browser_->rerun_request(id);
    if (!req) {
        ctx.show_error("Cannot re-run", req.error());
        return;
    }
    rerun_of_ = id;
    rerun_job_ = std::make_unique<session::TrainJob>(std::move(*req));
    ctx.toast("Re-running " + id + " with the same config; the new run appears here when it starts.", ToastKind::Info);
}

void RunsWorkspace::do_export(GuiContext& ctx) {
    auto format = session::parse_export_format(browser_->state.export_format);
    if (!format) return ctx.show_error("Export", format.error());
    if (browser_->state.selected.empty() && browser_->state.open_id.empty())
        return ctx.show_error("Export", "Tick one or more runs in the list (or open a run) to export.");
    auto rep = browser_->export_selected(*format, export_buf_);
    if (!rep) return ctx.show_error("Export failed", rep.error());
    std::string msg = "Exported " + std::to_string(rep->n_runs) + " run(s) to " + rep->path.string();
    if (!rep->warnings.empty()) msg += " (" + std::to_string(rep->warnings.size()) + " damage warning(s): exported what is readable)";
    ctx.toast(msg, rep->warnings.empty() ? ToastKind::Success : ToastKind::Warning);
}

bool RunsWorkspace::on_export(GuiContext& ctx) {
    if (!browser_) return false;
    do_export(ctx);
    return true;
}

void RunsWorkspace::draw_toolbar(GuiContext& ctx) {
    session::RunsViewState& s = browser_->state;
    const Theme& t = *ctx.theme;
    auto tab = [&](const char* label, session::RunsView v, bool enabled, const char* help) {
        const bool active = s.view == v;
        if (active) ImGui::PushStyleColor(ImGuiCol_Button, t.accent);
        if (!enabled) ImGui::BeginDisabled();
        if (ImGui::Button(label)) s.view = v;
        if (!enabled) ImGui::EndDisabled();
        if (active) ImGui::PopStyleColor();
        metric_tooltip(help);
        ImGui::SameLine();
    };
    tab("List", session::RunsView::List, true, "Every run, newest first, with search and filters.");
    const session::RunListing* open = browser_->find(s.open_id);
    tab("Run", session::RunsView::Run, open != nullptr, "The opened run: config, charts of every metric, events, artifacts.");
    char cmp[48];
    std::snprintf(cmp, sizeof cmp, "Compare (%zu)###compare", s.selected.size());
    tab(cmp, session::RunsView::Compare, s.selected.size() >= 2,
        "Tick two or more runs in the list to compare their curves on shared axes, their config differences and final metrics.");
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    if (ImGui::Button("Refresh")) needs_refresh_ = true;
    metric_tooltip("Re-read run directories that changed. The index also refreshes by itself every two seconds. "
                   "Right-click: Rebuild index, which re-reads every run (after a file was overwritten in place by "
                   "another program).");
    if (ImGui::BeginPopupContextItem("refresh_menu##runs")) {
        if (ImGui::MenuItem("Rebuild index")) {
            (void)browser_->rebuild_index();  // an error stays in last_error() and is drawn above the list
            last_refresh_s_ = ctx.time_s;
        }
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Trash")) ImGui::OpenPopup("Trash##runs");
    metric_tooltip("Deleted runs wait in the trash (the .trash folder of the runs directory) until you empty it.");
    draw_trash_popup(ctx);
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(100 * ctx.fonts.scale);
    if (ImGui::BeginCombo("##format", s.export_format.c_str())) {
        for (const char* f : {"html", "csv", "widecsv", "jsonl", "tfevents", "zip"})
            if (ImGui::Selectable(f, s.export_format == f)) {
                s.export_format = f;
                std::string path = export_buf_;
                const auto dot = path.find_last_of('.');
                const auto slash = path.find_last_of('/');
                if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) path.resize(dot);
                const std::string ext = std::string(f) == "widecsv" ? "-series.csv" : std::string(f) == "tfevents" ? "" : std::string(".") + f;
                if (std::string(f) == "tfevents") path += "-tb";
                copy_to(export_buf_, sizeof export_buf_, path + ext);
            }
        ImGui::EndCombo();
    }
    metric_tooltip("html: a report with the charts, configs and notes; csv: one row per run (final metrics and config, for "
                   "spreadsheets and pandas); widecsv: wall_time, step, metric columns per row; jsonl: everything, one run a "
                   "line; tfevents: a folder for `tensorboard --logdir`; zip: the run folders themselves.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x - 90 * ctx.fonts.scale));
    ImGui::InputText("##exportpath", export_buf_, sizeof export_buf_);
    metric_tooltip("Where to write the export. It is written to a temporary name first and renamed when complete.");
    ImGui::SameLine();
    if (ImGui::Button("Export")) do_export(ctx);
    metric_tooltip("Export the ticked runs (or the opened run). Ctrl+E does the same.");
}

void RunsWorkspace::draw_trash_popup(GuiContext& ctx) {
    if (!ImGui::BeginPopup("Trash##runs")) return;
    const auto ids = browser_->trash_ids();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::Text("Trash: %zu run(s)", ids.size());
    ImGui::PopFont();
    for (const auto& id : ids) {
        ImGui::PushID(id.c_str());
        if (ImGui::SmallButton("Restore")) {
            if (auto st = browser_->restore(id); !st) ctx.show_error("Restore failed", st.error());
            else ctx.toast("Restored " + id, ToastKind::Success);
        }
        ImGui::SameLine();
        ImGui::TextUnformatted(id.c_str());
        ImGui::PopID();
    }
    if (ids.empty()) ImGui::TextDisabled("Nothing here.");
    ImGui::Separator();
    if (!confirm_empty_trash_) {
        if (!ids.empty() && ImGui::Button("Empty trash...")) confirm_empty_trash_ = true;
    } else {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme->bad), "Delete %zu run(s) for good? This cannot be undone.", ids.size());
        if (ImGui::Button("Delete for good")) {
            auto n = browser_->empty_trash();
            if (!n) ctx.show_error("Empty trash failed", n.error());
            else ctx.toast("Deleted " + std::to_string(*n) + " run(s) from the trash.", ToastKind::Info);
            confirm_empty_trash_ = false;
        }
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) confirm_empty_trash_ = false;
    }
    ImGui::EndPopup();
}

void RunsWorkspace::draw(GuiContext& ctx) {
    layout_ = Layout{};
    ensure_browser(ctx);
    draw_toolbar(ctx);
    ImGui::Separator();
    if (!browser_->last_error().empty())
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme->bad), "%s", browser_->last_error().c_str());
    switch (browser_->state.view) {
    case session::RunsView::List: draw_list(ctx); break;
    case session::RunsView::Run: draw_run(ctx); break;
    case session::RunsView::Compare: draw_compare(ctx); break;
    }
}

bool RunsWorkspace::start_demo(GuiContext& ctx, const std::string& name, std::string& error) {
    ensure_browser(ctx);
    refresh(ctx);
    if (name != "compare" && name != "open") {
        error = "the Runs workspace has no demo '" + name + "' (demos: compare, open)";
        return false;
    }
    // Newest training runs first: "compare" ticks the three newest and compares them, "open" opens the newest.
    std::vector<std::string> ids;
    for (const auto& l : browser_->listing())
        if (l.kind == "train" && ids.size() < 3) ids.push_back(l.id);
    if (ids.empty() || (name == "compare" && ids.size() < 2)) {
        error = "needs training runs in " + browser_->root().string() + " (make some with `mlsyslab train`)";
        return false;
    }
    if (name == "open") {
        open_run(ids.front());
        return true;
    }
    browser_->state.selected.assign(ids.rbegin(), ids.rend());  // oldest first: the legend reads in time order
    browser_->state.view = session::RunsView::Compare;
    return true;
}

void RunsWorkspace::running_jobs(std::vector<JobView>& out) const {
    if (!rerun_job_ || rerun_job_->is_done()) return;
    JobView v;
    v.name = "Re-running " + rerun_of_;
    if (auto snap = rerun_job_->snapshot(); snap && snap->total_steps > 0) {
        v.progress = static_cast<double>(snap->step) / static_cast<double>(snap->total_steps);
        v.rate = snap->images_per_s;
        v.rate_unit = "images/s";
    }
    out.push_back(std::move(v));
}

void RunsWorkspace::draw_help(GuiContext& ctx) {
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("The Runs workspace");
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::BulletText("Every job writes a Run: a folder with config.json, metrics.csv, events.jsonl and artifacts "
                      "(docs/RUNS.md). The list shows them newest first; search matches ids, names, notes and tags, and "
                      "the config filter takes conditions like lr<0.01; dataset=spiral.");
    ImGui::BulletText("Click a run to open it: its config, a chart of every metric, its events and artifacts. Damaged "
                      "files are listed in red with the reason; everything readable is still shown.");
    ImGui::BulletText("Tick two or more runs and press Compare: the curves of each metric on shared axes, the config "
                      "keys that differ, and the final metrics side by side.");
    ImGui::BulletText("Rename, tag and note a run in its view (kept in its user.json); Delete moves it to the trash, "
                      "which you can restore from or empty. Re-run trains again with the same config, seed included.");
    ImGui::BulletText("Export writes the ticked runs as an HTML report, CSV, wide CSV, JSON Lines, TensorBoard event "
                      "files or a zip of the folders.");
    ImGui::PopTextWrapPos();
}

nlohmann::json RunsWorkspace::save_state() const {
    if (!browser_) return pending_state_.is_null() ? nlohmann::json(nullptr) : pending_state_;
    return session::to_json(browser_->state);
}

void RunsWorkspace::restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) {
    if (state.is_null()) return;
    if (!state.is_object()) {
        warnings.push_back("workspaces.runs: expected an object; using the defaults");
        return;
    }
    pending_state_ = state;  // applied when the browser is created (the runs folder comes from the session)
}

}  // namespace mlsys::gui
