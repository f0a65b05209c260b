// The lab view's step column: the step list with progress and reset, the step text, predictions (committed
// before the measurement, locked after), the Run step button, questions with feedback, the check status,
// hints one at a time, and Next. Everything it does goes through labs::LabRunner.
#include "app/gui/panels/labs_workspace.hpp"

#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"

#include <cstdio>

namespace mlsys::gui {

namespace {

std::string show_value(const nlohmann::json& v, const std::vector<std::string>& choices, const std::string& unit) {
    if (v.is_null()) return "—";
    if (!choices.empty() && v.is_number_integer() && v.get<size_t>() < choices.size()) return choices[v.get<size_t>()];
    return labs::format_value(v) + (unit.empty() ? "" : " " + unit);
}

// A number entry or a choice list; returns the value to submit.
nlohmann::json entry(const std::string& id, labs::AnswerKind kind, const std::vector<std::string>& choices,
                     std::map<std::string, double>& numbers, std::map<std::string, int>& picks, float width) {
    ImGui::PushID(id.c_str());
    nlohmann::json value;
    if (kind == labs::AnswerKind::Number) {
        double& v = numbers[id];
        ImGui::SetNextItemWidth(width);
        ImGui::InputDouble("##n", &v, 0, 0, "%.6g");
        value = v;
    } else {
        int& pick = picks.try_emplace(id, -1).first->second;
        for (size_t c = 0; c < choices.size(); ++c)
            if (ImGui::RadioButton(choices[c].c_str(), pick == static_cast<int>(c))) pick = static_cast<int>(c);
        value = pick;
    }
    ImGui::PopID();
    return value;
}

}  // namespace

void LabsWorkspace::draw_step_column(GuiContext& ctx, float width, float height) {
    (void)height;
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    labs::LabRunner& r = *runner_;
    const labs::Lab& lab = r.lab();
    const int i = viewed_step_;
    const labs::Step& step = lab.steps[i];
    const labs::StepProgress* sp = r.progress().steps.count(step.id) ? &r.progress().steps.at(step.id) : nullptr;

    // ---- header: lab, step picker, reset ----
    if (ImGui::SmallButton("< Catalog")) {
        close_lab();
        return;
    }
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    ImGui::Text("Chapter %d · %s", lab.chapter, lab.title.c_str());
    ImGui::PopStyleColor();
    char label[160];
    std::snprintf(label, sizeof label, "Step %d of %d: %s", i + 1, r.n_steps(), step.title.c_str());
    ImGui::SetNextItemWidth(width - 24 * sc);
    if (ImGui::BeginCombo("##step", label)) {
        for (int k = 0; k < r.n_steps(); ++k) {
            const auto& sk = lab.steps[k];
            const bool passed = r.progress().steps.count(sk.id) && r.progress().steps.at(sk.id).passed;
            char item[200];
            std::snprintf(item, sizeof item, "%d. %s%s", k + 1, sk.title.c_str(), passed ? "  (passed)" : k > r.unlocked() ? "  (locked)" : "");
            ImGui::BeginDisabled(k > r.unlocked());
            if (ImGui::Selectable(item, k == i)) go_to_step(ctx, k);
            ImGui::EndDisabled();
        }
        ImGui::EndCombo();
    }
    // Progress dots: one per step, filled when passed.
    {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float d = 9 * sc, gap = 5 * sc;
        for (int k = 0; k < r.n_steps(); ++k) {
            const auto& sk = lab.steps[k];
            const bool passed = r.progress().steps.count(sk.id) && r.progress().steps.at(sk.id).passed;
            const ImVec2 c(p.x + d * 0.5f + k * (d + gap), p.y + d * 0.5f + 2 * sc);
            if (passed) dl->AddCircleFilled(c, d * 0.5f, t.good);
            else dl->AddCircle(c, d * 0.5f, k == i ? t.accent : t.text_dim, 0, 1.5f * sc);
        }
        ImGui::Dummy(ImVec2(r.n_steps() * (d + gap), d + 4 * sc));
        ImGui::SameLine();
        if (ImGui::SmallButton("Reset to this step")) ImGui::OpenPopup("##reset");
        if (ImGui::BeginPopup("##reset")) {
            ImGui::Text("Clear your work on step %d and every step after it?", i + 1);
            if (ImGui::Button("Reset")) {
                if (auto st = r.reset_to(i); !st) ctx.show_error("Cannot reset", st.error());
                for (int k = i; k < r.n_steps(); ++k) {
                    for (const auto& pr : lab.steps[k].predictions) number_inputs_.erase(pr.id), choice_inputs_.erase(pr.id);
                    for (const auto& q : lab.steps[k].questions) feedback_.erase(q.id);
                }
                show_completion_ = false;
                go_to_step(ctx, r.current());
                ImGui::CloseCurrentPopup();
            }
            ImGui::SameLine();
            if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
            ImGui::EndPopup();
        }
    }
    ImGui::Separator();

    ImGui::BeginChild("##step_body", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() - 6 * sc), false);
    ImGui::PushFont(ctx.fonts.heading);
    ImGui::TextWrapped("%s", step.title.c_str());
    ImGui::PopFont();
    draw_lab_text(ctx, step.text);

    const float entry_w = 120 * sc;
    const bool revealed = sp && !sp->result.is_null();
    const bool pending = r.is_pending(i);

    // ---- predictions ----
    if (!step.predictions.empty()) {
        ImGui::PushFont(ctx.fonts.bold);
        ImGui::TextUnformatted("Predict first");
        ImGui::PopFont();
        ImGui::SameLine();
        help_marker("Commit your prediction before the step measures: the report shows it beside the measurement.");
        for (const auto& p : step.predictions) {
            ImGui::TextWrapped("%s%s", p.prompt.c_str(), p.unit.empty() ? "" : (" (" + p.unit + ")").c_str());
            const bool committed = sp && sp->predictions.count(p.id);
            if (!revealed && !pending) {
                const nlohmann::json v = entry(p.id, p.kind, p.choices, number_inputs_, choice_inputs_, entry_w);
                if (p.kind == labs::AnswerKind::Number) ImGui::SameLine();
                ImGui::PushID(p.id.c_str());
                if (ImGui::Button(committed ? "Change" : "Commit")) {
                    if (auto st = r.commit_prediction(i, p.id, v); !st) feedback_[p.id] = st.error();
                    else feedback_.erase(p.id);
                    status_at_s_ = -1;
                }
                ImGui::PopID();
            }
            if (committed) {
                ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
                ImGui::Text("your prediction: %s", show_value(sp->predictions.at(p.id).value, p.choices, p.unit).c_str());
                ImGui::PopStyleColor();
            }
            if (revealed) {
                ImGui::SameLine();
                ImGui::PushStyleColor(ImGuiCol_Text, t.accent);
                ImGui::Text("measured: %s", show_value(r.measured(i, p.id), p.choices, p.unit).c_str());
                ImGui::PopStyleColor();
                metric_tooltip(("Evaluated from the step's result: " + p.measure.text()).c_str());
            }
            if (feedback_.count(p.id)) {
                ImGui::PushStyleColor(ImGuiCol_Text, t.bad);
                ImGui::TextWrapped("%s", feedback_[p.id].c_str());
                ImGui::PopStyleColor();
            }
        }
        ImGui::Spacing();
    }

    // ---- the action ----
    if (step.action) {
        const bool ready = status_.missing_predictions.empty();
        ImGui::BeginDisabled(!ready || pending);
        if (ImGui::Button(revealed ? "Run the step again" : "Run the step", ImVec2(0, 0))) {
            labs::ActionContext actx;
            actx.blocking = false;  // long work becomes a live job in the workspace on the right
            action_error_.clear();
            if (auto st = r.run_action(i, actx); !st) action_error_ = st.error();
            status_at_s_ = -1;
        }
        ImGui::EndDisabled();
        if (!ready) {
            ImGui::SameLine();
            ImGui::TextDisabled("commit your prediction first");
        } else if (pending) {
            ImGui::SameLine();
            ImGui::TextDisabled("running in the %s workspace...", step.workspace.c_str());
        }
        if (!action_error_.empty()) {
            ImGui::PushStyleColor(ImGuiCol_Text, t.bad);
            ImGui::TextWrapped("%s", action_error_.c_str());
            ImGui::PopStyleColor();
        }
        ImGui::Spacing();
    }

    // ---- questions ----
    for (const auto& q : step.questions) {
        ImGui::PushFont(ctx.fonts.bold);
        ImGui::TextWrapped("%s", q.prompt.c_str());
        ImGui::PopFont();
        const bool right = sp && sp->answers.count(q.id) && sp->answers.at(q.id).is_correct;
        if (!right) {
            const nlohmann::json v = entry(q.id, q.kind, q.choices, number_inputs_, choice_inputs_, entry_w);
            if (q.kind == labs::AnswerKind::Number) ImGui::SameLine();
            ImGui::PushID(q.id.c_str());
            if (ImGui::Button("Check answer")) {
                auto g = r.answer(i, q.id, v);
                feedback_[q.id] = g ? g->feedback : g.error();
                feedback_ok_[q.id] = g && g->is_correct;
                status_at_s_ = -1;
            }
            ImGui::PopID();
        } else {
            ImGui::PushStyleColor(ImGuiCol_Text, t.good);
            ImGui::Text("right: %s", show_value(sp->answers.at(q.id).value, q.choices, q.unit).c_str());
            ImGui::PopStyleColor();
        }
        if (feedback_.count(q.id)) {
            ImGui::PushStyleColor(ImGuiCol_Text, feedback_ok_[q.id] ? t.good : t.warning);
            ImGui::TextWrapped("%s", feedback_[q.id].c_str());
            ImGui::PopStyleColor();
        }
        ImGui::Spacing();
    }

    // ---- check status ----
    ImGui::Separator();
    ImGui::PushStyleColor(ImGuiCol_Text, status_.passed ? t.good : t.warning);
    ImGui::TextUnformatted(status_.passed ? "Check passed" : "Not passed yet");
    ImGui::PopStyleColor();
    if (!step.check_text.empty() || !step.check.empty()) {
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
        ImGui::TextWrapped("%s", step.check_text.empty() ? step.check.text().c_str() : step.check_text.c_str());
        ImGui::PopStyleColor();
        if (!step.check.empty()) metric_tooltip(("The check, evaluated on the app's state: " + step.check.text()).c_str());
    }
    if (!status_.passed) {
        ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
        ImGui::TextWrapped("%s", status_.waiting_for().c_str());
        ImGui::PopStyleColor();
    }
    if (step.is_manual && !status_.passed) {
        if (ImGui::Button("I did this")) {
            (void)r.mark_manual_done(i);
            status_at_s_ = -1;
        }
    }

    // ---- hints ----
    if (!step.hints.empty()) {
        const int shown = sp ? sp->hints_shown : 0;
        for (int h = 0; h < shown && h < static_cast<int>(step.hints.size()); ++h) {
            ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
            ImGui::TextWrapped("Hint %d: %s", h + 1, step.hints[h].c_str());
            ImGui::PopStyleColor();
        }
        if (shown < static_cast<int>(step.hints.size())) {
            char b[64];
            std::snprintf(b, sizeof b, "Show a hint (%d of %zu)", shown + 1, step.hints.size());
            if (ImGui::SmallButton(b)) r.reveal_hint(i);
        }
    }
    ImGui::EndChild();

    // ---- navigation ----
    const bool last = i + 1 >= r.n_steps();
    ImGui::BeginDisabled(!status_.passed);
    if (ImGui::Button(last ? "Finish" : "Next", ImVec2(110 * sc, 0))) {
        if (i != r.current()) go_to_step(ctx, i);
        if (auto st = r.next(); !st) ctx.show_error("Cannot go on", st.error());
        else if (last) show_completion_ = true;
        else go_to_step(ctx, r.current());
    }
    ImGui::EndDisabled();
    if (!status_.passed) metric_tooltip("Next unlocks when the step's check passes.");
    if (!step.workspace.empty()) {
        ImGui::SameLine();
        char b[96];
        std::snprintf(b, sizeof b, "Open %s full size", step.workspace.c_str());
        if (ImGui::Button(b)) ctx.requested_workspace = step.workspace;
    }
}

}  // namespace mlsys::gui
