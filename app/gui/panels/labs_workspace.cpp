// Labs workspace: registration, per-frame polling of a running step, the catalog grouped by chapter and
// board, opening and closing labs, demos, report export, help and saved state. The step column is drawn in
// labs_step.cpp.
#include "app/gui/panels/labs_workspace.hpp"

#include "app/gui/widgets/tooltip.hpp"
#include "app/session/lab_host.hpp"
#include "app/session/session.hpp"

#include "labs/report.hpp"

#include <algorithm>
#include <cstdio>

namespace mlsys::gui {

MLSYS_GUI_WORKSPACE((WorkspaceInfo{"labs", "", "", 0, ""}), LabsWorkspace);

LabsWorkspace::LabsWorkspace() = default;
LabsWorkspace::~LabsWorkspace() = default;

void LabsWorkspace::reload_catalog() {
    catalog_ = labs::load_default_catalog();
    catalog_loaded_ = true;
    cards_.clear();
    for (const auto& lab : catalog_.labs) {
        CardProgress c;
        auto p = labs::load_progress(labs::default_progress_dir(), lab.id);
        if (p) {
            for (const auto& st : lab.steps) {
                auto it = p->steps.find(st.id);
                if (it != p->steps.end() && it->second.passed) ++c.n_passed;
            }
            c.is_complete = p->is_complete();
            c.is_started = !p->steps.empty();
        }
        cards_[lab.id] = c;
    }
}

bool LabsWorkspace::open_lab(GuiContext& ctx, const std::string& id, bool persist) {
    if (!ctx.session) return false;
    if (!catalog_loaded_) reload_catalog();
    const labs::Lab* lab = catalog_.find(id);
    if (!lab) {
        ctx.show_error("Cannot open the lab", "There is no lab \"" + id + "\" in the catalog.");
        return false;
    }
    labs::LabProgress progress;
    if (persist) {
        auto loaded = labs::load_progress(labs::default_progress_dir(), id);
        if (!loaded) {
            // A damaged progress file is kept for inspection; the student starts over in memory.
            ctx.show_error("Saved progress could not be read", loaded.error() + "\n\nThe lab starts from step 1; the damaged file is left as it is.");
            persist = false;
        } else {
            progress = std::move(*loaded);
        }
    }
    host_ = std::make_unique<session::SessionLabHost>(*ctx.session);
    runner_ = std::make_unique<labs::LabRunner>(*lab, progress, *host_, persist ? labs::default_progress_dir() : std::filesystem::path());
    open_id_ = id;
    show_completion_ = runner_->progress().is_complete();
    number_inputs_.clear();
    choice_inputs_.clear();
    feedback_.clear();
    feedback_ok_.clear();
    action_error_.clear();
    go_to_step(ctx, runner_->current());
    return true;
}

void LabsWorkspace::close_lab() {
    runner_.reset();
    host_.reset();
    open_id_.clear();
    show_completion_ = false;
    reload_catalog();
}

void LabsWorkspace::go_to_step(GuiContext& ctx, int i) {
    if (!runner_) return;
    if (auto st = runner_->open_step(i); !st) {
        ctx.show_error("Cannot open the step", st.error());
        return;
    }
    viewed_step_ = i;
    action_error_.clear();
    status_at_s_ = -1;
    refresh_status();
}

void LabsWorkspace::refresh_status() {
    if (runner_) status_ = runner_->evaluate(viewed_step_);
}

void LabsWorkspace::update(GuiContext& ctx) {
    if (!catalog_loaded_) reload_catalog();
    if (!runner_ && !open_id_.empty() && ctx.session) {
        const std::string id = open_id_;
        if (!open_lab(ctx, id)) open_id_.clear();
    }
    if (!runner_) return;
    if (runner_->is_pending(viewed_step_)) {
        if (auto st = runner_->poll_action(viewed_step_); !st) action_error_ = st.error();
        if (!runner_->is_pending(viewed_step_)) status_at_s_ = -1;  // the measurement arrived: re-check now
    }
    // Checks read the live state (a training the student started by hand counts too): re-evaluate a few
    // times a second, not every frame (the state document is rebuilt each time).
    if (status_at_s_ < 0 || ctx.time_s - status_at_s_ > 0.3) {
        refresh_status();
        status_at_s_ = ctx.time_s;
    }
}

void LabsWorkspace::running_jobs(std::vector<JobView>& out) const {
    if (!runner_ || !runner_->is_pending(viewed_step_)) return;
    JobView v;
    v.name = "Lab step: " + runner_->lab().steps[viewed_step_].title;
    v.detail = "running in the " + runner_->lab().steps[viewed_step_].workspace + " workspace";
    out.push_back(v);
}

std::string LabsWorkspace::export_report(GuiContext& ctx) {
    if (!runner_ || !ctx.session) return "";
    auto dir = labs::write_report_run(*runner_, ctx.session->runs_dir());
    if (!dir) {
        ctx.show_error("Cannot write the report", dir.error());
        return "";
    }
    last_report_dir_ = *dir;
    ctx.toast("Report written: " + *dir + "/artifacts/report.html", ToastKind::Success);
    return *dir;
}

bool LabsWorkspace::on_export(GuiContext& ctx) { return !export_report(ctx).empty(); }

bool LabsWorkspace::complete_with_solution(GuiContext& ctx, int n, std::string& error) {
    const auto& lab = runner_->lab();
    const nlohmann::json answers = lab.solution.value("answers", nlohmann::json::object());
    for (int i = 0; i < n && i < runner_->n_steps(); ++i) {
        go_to_step(ctx, i);
        const labs::Step& s = lab.steps[i];
        if (s.is_manual) {
            (void)runner_->mark_manual_done(i);
        } else {
            for (const auto& p : s.predictions) {
                nlohmann::json v = answers.at(p.id);
                if (v.is_string()) v = runner_->evaluate_in_step(i, v.get<std::string>()).value();
                (void)runner_->commit_prediction(i, p.id, v);
            }
            if (s.action) {
                labs::ActionContext actx;
                actx.blocking = true;
                if (auto st = runner_->run_action(i, actx); !st) {
                    error = st.error();
                    return false;
                }
            }
            for (const auto& q : s.questions) {
                nlohmann::json v = answers.at(q.id);
                if (v.is_string()) {
                    auto r = runner_->evaluate_in_step(i, v.get<std::string>());
                    if (!r) continue;
                    v = *r;
                }
                (void)runner_->answer(i, q.id, v);
            }
        }
        if (!runner_->evaluate(i).passed) {
            error = "step " + std::to_string(i + 1) + " did not pass: " + runner_->evaluate(i).waiting_for();
            return false;
        }
        if (auto st = runner_->next(); !st) {
            error = st.error();
            return false;
        }
    }
    return true;
}

bool LabsWorkspace::start_demo(GuiContext& ctx, const std::string& name, std::string& error) {
    const auto at = name.find('@');
    const std::string id = name.substr(0, at);
    if (!catalog_loaded_) reload_catalog();
    if (!catalog_.find(id)) {
        error = "no lab \"" + id + "\" (run `mlsyslab lab list`)";
        return false;
    }
    if (!open_lab(ctx, id, false)) {
        error = "the lab could not be opened";
        return false;
    }
    if (at == std::string::npos) return true;
    const std::string where = name.substr(at + 1);
    const int n = where == "report" ? runner_->n_steps() : std::atoi(where.c_str()) - 1;
    if (n < 0 || n > runner_->n_steps()) {
        error = "step " + where + " is not in the lab (1 to " + std::to_string(runner_->n_steps()) + ")";
        return false;
    }
    if (!complete_with_solution(ctx, n, error)) return false;
    if (where == "report") {
        show_completion_ = true;
    } else {
        go_to_step(ctx, n);
        // A step in progress: the first prediction typed in but not yet committed.
        const auto& s = runner_->lab().steps[n];
        if (!s.predictions.empty() && s.predictions[0].kind == labs::AnswerKind::Number) number_inputs_[s.predictions[0].id] = 90;
        if (!s.hints.empty()) runner_->reveal_hint(n);
    }
    return true;
}

nlohmann::json LabsWorkspace::save_state() const { return nlohmann::json{{"version", 1}, {"open_lab", open_id_}}; }

void LabsWorkspace::restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) {
    if (!state.is_object()) return;
    if (state.contains("open_lab")) {
        if (state["open_lab"].is_string()) open_id_ = state["open_lab"].get<std::string>();
        else warnings.push_back("workspaces.labs.open_lab: must be a lab id");
    }
}

void LabsWorkspace::draw_help(GuiContext& ctx) {
    (void)ctx;
    ImGui::TextWrapped("Labs: pick a lab in the catalog. Each step tells you what to do, asks you to predict before it "
                       "measures, and checks the result; Next unlocks when the check passes. Hints appear one at a time. "
                       "Progress is saved as you go. Ctrl+E writes the completion report (Markdown, JSON, HTML) into a Run.");
}

void LabsWorkspace::draw(GuiContext& ctx) {
    if (!ctx.session) {
        ImGui::TextDisabled("The lab engine needs the session, which is not available in this build.");
        return;
    }
    if (runner_) draw_lab(ctx);
    else draw_catalog(ctx);
}

// ---- catalog -----------------------------------------------------------------------------------------

void LabsWorkspace::draw_catalog(GuiContext& ctx) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    ImGui::PushFont(ctx.fonts.heading);
    ImGui::TextUnformatted("Guided labs");
    ImGui::PopFont();
    ImGui::SameLine();
    if (ImGui::SmallButton("Reload")) reload_catalog();
    metric_tooltip("Reads the lab folders again (after an instructor added or edited a lab file).");
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    ImGui::TextWrapped("Step-by-step exercises grounded in the textbook. Each step predicts, measures and checks; your "
                       "progress is saved as you go. Instructors add labs as JSON files in %s (docs/LABS.md).",
                       labs::user_labs_dir().string().c_str());
    ImGui::PopStyleColor();
    ImGui::Spacing();
    ImGui::BeginChild("##labs_catalog", ImVec2(0, 0), false);
    // Groups: every chapter in order, then every board.
    std::vector<std::pair<std::string, std::vector<const labs::Lab*>>> groups;
    auto group_for = [&](const std::string& title) -> std::vector<const labs::Lab*>& {
        for (auto& g : groups)
            if (g.first == title) return g.second;
        groups.push_back({title, {}});
        return groups.back().second;
    };
    // One group per chapter number, titled by the first lab that names the chapter.
    std::map<int, std::string> chapter_titles;
    for (const auto& lab : catalog_.labs)
        if (lab.board.empty() && !lab.chapter_title.empty()) chapter_titles.try_emplace(lab.chapter, lab.chapter_title);
    for (const auto& lab : catalog_.labs) {
        if (!lab.board.empty()) continue;
        const auto title = chapter_titles.find(lab.chapter);
        group_for("Chapter " + std::to_string(lab.chapter) + (title == chapter_titles.end() ? "" : " — " + title->second)).push_back(&lab);
    }
    for (const auto& lab : catalog_.labs)
        if (!lab.board.empty()) group_for("Board: " + lab.board).push_back(&lab);
    if (groups.empty()) ImGui::TextDisabled("No labs found in %s.", labs::builtin_labs_dir().string().c_str());
    for (const auto& [title, list] : groups) {
        ImGui::PushFont(ctx.fonts.bold);
        ImGui::TextUnformatted(title.c_str());
        ImGui::PopFont();
        ImGui::Separator();
        for (const labs::Lab* lab : list) {
            ImGui::PushID(lab->id.c_str());
            const CardProgress& c = cards_[lab->id];
            const float row_w = ImGui::GetContentRegionAvail().x;
            ImGui::BeginGroup();
            ImGui::PushFont(ctx.fonts.bold);
            ImGui::TextUnformatted(lab->title.c_str());
            ImGui::PopFont();
            ImGui::SameLine();
            ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
            ImGui::Text("%zu steps · about %d min%s", lab->steps.size(), lab->minutes, lab->source == "user" ? " · your lab" : "");
            ImGui::PopStyleColor();
            ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + row_w * 0.72f);
            ImGui::TextWrapped("%s", lab->summary.c_str());
            ImGui::PopTextWrapPos();
            const float frac = lab->steps.empty() ? 0.0f : static_cast<float>(c.n_passed) / lab->steps.size();
            char overlay[64];
            std::snprintf(overlay, sizeof overlay, "%s%d of %zu steps", c.is_complete ? "completed · " : "", c.n_passed, lab->steps.size());
            ImGui::PushStyleColor(ImGuiCol_PlotHistogram, c.is_complete ? t.good : t.accent);
            ImGui::ProgressBar(frac, ImVec2(row_w * 0.45f, 0), overlay);
            ImGui::PopStyleColor();
            metric_tooltip("Steps whose check passed, saved in your progress file.");
            ImGui::SameLine();
            if (ImGui::Button(c.is_complete ? "Review" : c.is_started ? "Continue" : "Start", ImVec2(110 * sc, 0))) open_lab(ctx, lab->id);
            ImGui::EndGroup();
            ImGui::Spacing();
            ImGui::PopID();
        }
        ImGui::Spacing();
    }
    if (!catalog_.errors.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, t.warning);
        ImGui::TextUnformatted("Lab files that could not be loaded:");
        ImGui::PopStyleColor();
        for (const auto& e : catalog_.errors) ImGui::BulletText("%s", e.c_str());
    }
    ImGui::EndChild();
}

// ---- lab view ----------------------------------------------------------------------------------------

void LabsWorkspace::draw_driven(GuiContext& ctx, const std::string& workspace_id) {
    Workspace* ws = ctx.find_workspace && !workspace_id.empty() ? ctx.find_workspace(workspace_id) : nullptr;
    if (!ws || ws == this) {
        ImGui::TextDisabled("This step works in the lab column alone.");
        return;
    }
    if (!ws->is_available()) {
        ImGui::TextDisabled("The %s workspace is not available in this build.", workspace_id.c_str());
        return;
    }
    ws->draw(ctx);
}

void LabsWorkspace::draw_lab(GuiContext& ctx) {
    if (show_completion_) {
        draw_completion(ctx);
        return;
    }
    const float sc = ctx.fonts.scale;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const labs::Step& step = runner_->lab().steps[viewed_step_];
    const bool drives = !step.workspace.empty() && ctx.find_workspace;
    const float col_w = drives ? std::min(430.0f * sc, avail.x * 0.4f) : avail.x;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, 0);
    ImGui::BeginChild("##lab_step", ImVec2(col_w, avail.y), true);
    draw_step_column(ctx, col_w, avail.y);
    ImGui::EndChild();
    if (drives) {
        ImGui::SameLine(0, 10 * sc);
        ImGui::BeginChild("##lab_driven", ImVec2(0, avail.y), false, ImGuiWindowFlags_NoScrollbar);
        draw_driven(ctx, step.workspace);
        ImGui::EndChild();
    }
    ImGui::PopStyleColor();
}

void LabsWorkspace::draw_completion(GuiContext& ctx) {
    const Theme& t = *ctx.theme;
    const labs::Lab& lab = runner_->lab();
    const nlohmann::json snap = labs::report_snapshot(*runner_);
    ImGui::PushFont(ctx.fonts.heading);
    ImGui::Text("%s — completed", lab.title.c_str());
    ImGui::PopFont();
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    ImGui::Text("Chapter %d · %d of %d steps passed · started %s · completed %s", lab.chapter, snap["n_passed"].get<int>(),
                snap["n_steps"].get<int>(), snap["started_at"].get<std::string>().c_str(), snap["completed_at"].get<std::string>().c_str());
    ImGui::PopStyleColor();
    if (ImGui::Button("Export report")) export_report(ctx);
    metric_tooltip("Writes report.md, report.json, report.html and the charts as PNG into a Run of kind \"lab\".");
    ImGui::SameLine();
    if (ImGui::Button("Back to the steps")) show_completion_ = false;
    ImGui::SameLine();
    if (ImGui::Button("Catalog")) {
        close_lab();
        return;
    }
    if (!last_report_dir_.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("last report: %s", last_report_dir_.c_str());
    }
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("Your predictions beside the measurements");
    ImGui::PopFont();
    if (ImGui::BeginTable("##predictions", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("step");
        ImGui::TableSetupColumn("prediction");
        ImGui::TableSetupColumn("yours");
        ImGui::TableSetupColumn("measured");
        ImGui::TableHeadersRow();
        for (const auto& s : snap["steps"])
            for (const auto& p : s["predictions"]) {
                auto show = [&](const nlohmann::json& v) {
                    if (v.is_null()) return std::string("—");
                    if (p.contains("choices") && v.is_number_integer() && v.get<size_t>() < p["choices"].size()) return p["choices"][v.get<size_t>()].get<std::string>();
                    return labs::format_value(v) + (p["unit"].get<std::string>().empty() ? "" : " " + p["unit"].get<std::string>());
                };
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(s["title"].get<std::string>().c_str());
                ImGui::TableNextColumn();
                ImGui::TextWrapped("%s", p["prompt"].get<std::string>().c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(show(p["predicted"]).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(show(p["measured"]).c_str());
            }
        ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("Answers and measurements by step");
    ImGui::PopFont();
    if (ImGui::BeginTable("##steps", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("step");
        ImGui::TableSetupColumn("answers");
        ImGui::TableSetupColumn("measured");
        ImGui::TableHeadersRow();
        for (const auto& s : snap["steps"]) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushStyleColor(ImGuiCol_Text, s["passed"].get<bool>() ? t.good : t.warning);
            ImGui::TextUnformatted(s["passed"].get<bool>() ? "passed" : "open");
            ImGui::PopStyleColor();
            ImGui::SameLine();
            ImGui::TextUnformatted(s["title"].get<std::string>().c_str());
            ImGui::TableNextColumn();
            std::string answers;
            for (const auto& a : s["answers"])
                answers += a["id"].get<std::string>() + ": " + labs::format_value(a["answer"]) + (a["correct"].get<bool>() ? " (right)  " : " (wrong)  ");
            ImGui::TextWrapped("%s", answers.empty() ? "—" : answers.c_str());
            ImGui::TableNextColumn();
            std::string m;
            for (auto it = s["measurements"].begin(); it != s["measurements"].end(); ++it) m += it.key() + " = " + labs::format_value(it.value()) + "  ";
            ImGui::TextWrapped("%s", m.empty() ? "—" : m.c_str());
        }
        ImGui::EndTable();
    }
}

}  // namespace mlsys::gui
