// The step engine and the headless --auto runner. Progress is saved after each change that a student
// would be upset to lose (a prediction, an answer, a passed step).
#include "labs/runner.hpp"

#include "labs/report.hpp"

#include <cmath>
#include <cstdio>

namespace mlsys::labs {

using core::fail;
using nlohmann::json;

std::string StepStatus::waiting_for() const {
    if (passed) return "";
    std::string out;
    auto add = [&](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
    for (const auto& p : missing_predictions) add("your prediction " + p);
    if (needs_action) add("running the step");
    for (const auto& q : open_questions) add("question " + q);
    if (has_check && !check_ok) add(check_error.empty() ? "the check to hold" : "the check (" + check_error + ")");
    return "waiting for: " + out;
}

LabRunner::LabRunner(Lab lab, LabProgress progress, LabHost& host, std::filesystem::path progress_dir)
    : lab_(std::move(lab)), progress_(std::move(progress)), host_(host), progress_dir_(std::move(progress_dir)) {
    progress_.lab_id = lab_.id;
    progress_.lab_revision = lab_.revision;
    if (progress_.started_at.empty()) progress_.started_at = utc_now_iso();
    if (progress_.current_step >= n_steps()) progress_.current_step = n_steps() - 1;
    if (progress_.current_step > unlocked()) progress_.current_step = unlocked();
}

int LabRunner::unlocked() const {
    int i = 0;
    while (i < n_steps() - 1) {
        auto it = progress_.steps.find(lab_.steps[i].id);
        if (it == progress_.steps.end() || !it->second.passed) break;
        ++i;
    }
    return i;
}

core::Status LabRunner::save() {
    if (progress_dir_.empty()) return core::Status::success();
    return save_progress(progress_dir_, progress_);
}

core::Status LabRunner::open_step(int i) {
    if (i < 0 || i >= n_steps()) return fail("step " + std::to_string(i + 1) + " does not exist (the lab has " + std::to_string(n_steps()) + ")");
    if (i > unlocked()) return fail("step " + std::to_string(i + 1) + " is locked: pass step " + std::to_string(unlocked() + 1) + " first");
    const Step& s = lab_.steps[i];
    if (!s.set.empty()) {
        if (auto st = host_.apply_settings(s.set); !st) return fail("step \"" + s.id + "\": " + st.error());
    }
    progress_.current_step = i;
    auto& sp = progress_.step(s.id);
    if (sp.opened_at.empty()) sp.opened_at = utc_now_iso();
    return save();
}

core::Status LabRunner::commit_prediction(int i, const std::string& id, const json& value) {
    const Step& s = lab_.steps.at(i);
    for (const auto& p : s.predictions) {
        if (p.id != id) continue;
        auto& sp = progress_.step(s.id);
        if (!sp.result.is_null() || pending_.count(s.id)) return fail("the measurement is already revealed: predictions are committed before the step runs (reset the step to predict again)");
        if (p.kind == AnswerKind::Number && (!value.is_number() || !std::isfinite(value.get<double>())))
            return fail("prediction " + id + ": enter a number");
        if (p.kind == AnswerKind::Choice && (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<size_t>() >= p.choices.size()))
            return fail("prediction " + id + ": pick one of the " + std::to_string(p.choices.size()) + " choices");
        Entry& e = sp.predictions[id];
        e.value = value;
        e.attempts += 1;
        e.at = utc_now_iso();
        return save();
    }
    return fail("step \"" + s.id + "\" has no prediction \"" + id + "\"");
}

json LabRunner::scope_local(int i) const {
    auto it = progress_.steps.find(lab_.steps.at(i).id);
    if (it == progress_.steps.end() || !it->second.result.is_object()) return json::object();
    return it->second.result;
}

core::Result<json> LabRunner::evaluate_in_step(int i, const std::string& expression) const {
    auto e = Expression::parse(expression);
    if (!e) return fail(e.error());
    const json local = scope_local(i);
    const json state = state_document();
    return e->evaluate(Scope{&local, &state});
}

json LabRunner::measured(int i, const std::string& prediction_id) const {
    auto it = progress_.steps.find(lab_.steps.at(i).id);
    if (it == progress_.steps.end()) return nullptr;
    const json& m = it->second.measurements;
    return m.contains(prediction_id) ? m[prediction_id] : json();
}

json LabRunner::state_document() const {
    json state = host_.state();
    if (!state.is_object()) state = json::object();
    json answers = json::object(), predictions = json::object(), steps = json::object();
    for (const auto& [id, sp] : progress_.steps) {
        for (const auto& [qid, e] : sp.answers) answers[qid] = e.value;
        for (const auto& [pid, e] : sp.predictions) predictions[pid] = e.value;
        if (!sp.result.is_null()) steps[id] = sp.result;
    }
    state["lab"] = json{{"id", lab_.id}, {"answers", answers}, {"predictions", predictions}, {"steps", steps}};
    return state;
}

void LabRunner::record_measurements(int i, const json& state) {
    const Step& s = lab_.steps.at(i);
    auto& sp = progress_.step(s.id);
    const json local = scope_local(i);
    const Scope scope{&local, &state};
    for (const auto& p : s.predictions) {
        auto v = p.measure.evaluate(scope);
        if (!v) continue;
        // A choice's measurement is an index: literals evaluate as doubles, so store 2.0 as 2.
        if (p.kind == AnswerKind::Choice && v->is_number()) *v = static_cast<int64_t>(std::llround(v->get<double>()));
        sp.measurements[p.id] = *v;
    }
    for (const auto& r : s.records) {
        auto v = r.value.evaluate(scope);
        if (v) sp.measurements[r.name] = *v;
    }
}

core::Status LabRunner::run_action(int i, const ActionContext& context) {
    const Step& s = lab_.steps.at(i);
    if (!s.action) return fail("step \"" + s.id + "\" has nothing to run");
    auto& sp = progress_.step(s.id);
    for (const auto& p : s.predictions)
        if (!sp.predictions.count(p.id)) return fail("commit your prediction (" + p.id + ") before running the step");
    if (!host_.has_action(s.action->kind)) return fail("step \"" + s.id + "\": no action \"" + s.action->kind + "\" in this build");
    ActionContext ctx = context;
    ctx.lab_id = lab_.id;
    ctx.step_id = s.id;
    if (pending_.count(s.id)) return fail("step \"" + s.id + "\" is already running");
    auto result = host_.run_action(s.action->kind, s.action->params, ctx);
    if (!result) return fail("step \"" + s.id + "\": " + s.action->kind + ": " + result.error());
    if (result->is_object() && result->value("pending", false)) {
        pending_[s.id] = *result;
        return core::Status::success();
    }
    return store_result(i, *result);
}

core::Status LabRunner::store_result(int i, const json& result) {
    const Step& s = lab_.steps.at(i);
    auto& sp = progress_.step(s.id);
    sp.result = result.is_object() ? result : json{{"value", result}};
    sp.action_at = utc_now_iso();
    record_measurements(i, state_document());
    return save();
}

bool LabRunner::is_pending(int i) const { return pending_.count(lab_.steps.at(i).id) > 0; }

core::Status LabRunner::poll_action(int i) {
    const Step& s = lab_.steps.at(i);
    auto it = pending_.find(s.id);
    if (it == pending_.end() || !s.action) return core::Status::success();
    auto done = host_.poll_action(s.action->kind, s.action->params, it->second);
    if (!done) return core::Status::success();
    pending_.erase(it);
    if (!*done) return fail("step \"" + s.id + "\": " + s.action->kind + ": " + done->error());
    return store_result(i, **done);
}

core::Result<Grade> LabRunner::answer(int i, const std::string& question_id, const json& value) {
    const Step& s = lab_.steps.at(i);
    const Question* q = nullptr;
    for (const auto& cand : s.questions)
        if (cand.id == question_id) q = &cand;
    if (!q) return fail("step \"" + s.id + "\" has no question \"" + question_id + "\"");
    Grade g;
    if (q->kind == AnswerKind::Choice) {
        if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<size_t>() >= q->choices.size())
            return fail("pick one of the " + std::to_string(q->choices.size()) + " choices");
        g.is_correct = value.get<int>() == q->answer_choice;
        g.feedback = g.is_correct ? "right" : "not this one: look again at what the app shows";
    } else {
        if (!value.is_number() || !std::isfinite(value.get<double>())) return fail("enter a number");
        const json local = scope_local(i);
        const json state = state_document();
        auto expected = q->answer.number(Scope{&local, &state});
        if (!expected) return fail("this question can be answered once the step has run (" + expected.error() + ")");
        const double tol = std::max(q->tolerance * std::fabs(*expected), q->abs_tolerance);
        const double got = value.get<double>();
        g.is_correct = std::fabs(got - *expected) <= tol;
        g.feedback = g.is_correct ? "right" : (got < *expected ? "too low" : "too high");
        if (g.is_correct) progress_.step(s.id).measurements[q->id] = *expected;
    }
    if (g.is_correct && !q->explain.empty()) g.feedback += ": " + q->explain;
    Entry& e = progress_.step(s.id).answers[q->id];
    e.value = value;
    e.is_correct = g.is_correct;
    e.attempts += 1;
    e.at = utc_now_iso();
    if (auto st = save(); !st) return fail(st.error());
    return g;
}

core::Status LabRunner::mark_manual_done(int i) {
    const Step& s = lab_.steps.at(i);
    if (!s.is_manual) return fail("step \"" + s.id + "\" is not a manual step: it passes by its check");
    auto& sp = progress_.step(s.id);
    if (!sp.passed) {
        sp.passed = true;
        sp.passed_at = utc_now_iso();
    }
    return save();
}

int LabRunner::reveal_hint(int i) {
    const Step& s = lab_.steps.at(i);
    auto& sp = progress_.step(s.id);
    if (sp.hints_shown < static_cast<int>(s.hints.size())) {
        sp.hints_shown += 1;
        (void)save();
    }
    return sp.hints_shown;
}

StepStatus LabRunner::evaluate(int i) {
    const Step& s = lab_.steps.at(i);
    StepStatus st;
    const auto it = progress_.steps.find(s.id);
    const StepProgress empty;
    const StepProgress& sp = it == progress_.steps.end() ? empty : it->second;
    for (const auto& p : s.predictions)
        if (!sp.predictions.count(p.id)) st.missing_predictions.push_back(p.id);
    st.needs_action = s.action.has_value() && sp.result.is_null();
    for (const auto& q : s.questions) {
        auto a = sp.answers.find(q.id);
        if (a == sp.answers.end() || !a->second.is_correct) st.open_questions.push_back(q.id);
    }
    const json state = state_document();
    st.has_check = !s.check.empty();
    if (st.has_check) {
        const json local = scope_local(i);
        auto ok = s.check.test(Scope{&local, &state});
        st.check_ok = ok && *ok;
        if (!ok) st.check_error = ok.error();
        else if (!*ok) st.check_error = s.check.text() + " is false";
    }
    st.passed = st.missing_predictions.empty() && !st.needs_action && st.open_questions.empty() && (!st.has_check || st.check_ok);
    if (st.passed && !sp.passed) {
        auto& w = progress_.step(s.id);
        w.passed = true;
        w.passed_at = utc_now_iso();
        record_measurements(i, state);
        (void)save();
    }
    return st;
}

core::Status LabRunner::next() {
    const int i = progress_.current_step;
    auto it = progress_.steps.find(lab_.steps[i].id);
    if (it == progress_.steps.end() || !it->second.passed) return fail("step " + std::to_string(i + 1) + " has not passed yet");
    if (i + 1 >= n_steps()) {
        if (progress_.completed_at.empty()) progress_.completed_at = utc_now_iso();
        return save();
    }
    return open_step(i + 1);
}

core::Status LabRunner::reset_to(int i) {
    if (i < 0 || i >= n_steps()) return fail("step " + std::to_string(i + 1) + " does not exist");
    for (int k = i; k < n_steps(); ++k) {
        progress_.steps.erase(lab_.steps[k].id);
        pending_.erase(lab_.steps[k].id);
    }
    progress_.completed_at.clear();
    progress_.current_step = std::min(i, unlocked());
    return open_step(progress_.current_step);
}

AutoResult run_auto(const Lab& lab, LabHost& host, const AutoOptions& options) {
    AutoResult r;
    LabProgress fresh;
    LabRunner runner(lab, fresh, host);
    auto log = [&](const std::string& s) {
        if (options.log) options.log(s);
    };
    const json answers = lab.solution.value("answers", json::object());
    auto fail_at = [&](int i, const std::string& why) {
        r.ok = false;
        r.message = "step " + std::to_string(i + 1) + " \"" + lab.steps[i].id + "\": " + why;
        return r;
    };
    for (int i = 0; i < runner.n_steps(); ++i) {
        const Step& s = lab.steps[i];
        if (auto st = runner.open_step(i); !st) return fail_at(i, st.error());
        if (s.is_manual) {
            // A manual step (watching the GUI, dragging a slider) cannot run headless: --auto marks it done.
            r.n_skipped += 1;
            log("step " + std::to_string(i + 1) + " \"" + s.id + "\": manual, skipped");
            if (auto st = runner.mark_manual_done(i); !st) return fail_at(i, st.error());
            if (auto st = runner.next(); !st) return fail_at(i, st.error());
            continue;
        }
        for (const auto& p : s.predictions) {
            json value = answers.at(p.id);
            if (value.is_string()) {
                auto v = runner.evaluate_in_step(i, value.get<std::string>());
                if (!v) return fail_at(i, "prediction " + p.id + ": the solution's " + value.dump() + ": " + v.error());
                value = *v;
            }
            if (auto st = runner.commit_prediction(i, p.id, value); !st) return fail_at(i, st.error());
        }
        if (s.action) {
            ActionContext ctx;
            ctx.blocking = true;
            if (auto st = runner.run_action(i, ctx); !st) return fail_at(i, st.error());
        }
        for (const auto& q : s.questions) {
            // A string in the solution is what the student reads off the app, as an expression.
            json value = answers.at(q.id);
            if (value.is_string()) {
                auto v = runner.evaluate_in_step(i, value.get<std::string>());
                if (!v) return fail_at(i, "question " + q.id + ": the solution's " + value.dump() + ": " + v.error());
                value = *v;
            }
            auto g = runner.answer(i, q.id, value);
            if (!g) return fail_at(i, "question " + q.id + ": " + g.error());
            if (!g->is_correct) {
                const json local = runner.progress().steps.at(s.id).result;
                const json state = runner.state_document();
                auto expected = q.kind == AnswerKind::Number ? q.answer.evaluate(Scope{&local, &state}) : core::Result<json>(json(q.answer_choice));
                return fail_at(i, "question " + q.id + ": the solution's answer " + format_value(value) +
                                      " is graded wrong (expected " + (expected ? format_value(*expected) : expected.error()) + ")");
            }
        }
        const StepStatus st = runner.evaluate(i);
        if (!st.passed) return fail_at(i, st.waiting_for());
        std::string line = "step " + std::to_string(i + 1) + " \"" + s.id + "\": passed";
        for (auto it = runner.progress().steps.at(s.id).measurements.begin(); it != runner.progress().steps.at(s.id).measurements.end(); ++it)
            line += "  " + it.key() + "=" + format_value(it.value());
        log(line);
        r.n_passed += 1;
        if (auto n = runner.next(); !n) return fail_at(i, n.error());
    }
    r.ok = true;
    r.message = "all " + std::to_string(runner.n_steps()) + " steps passed" +
                (r.n_skipped ? " (" + std::to_string(r.n_skipped) + " manual steps skipped)" : "");
    r.report = report_snapshot(runner);
    if (!options.runs_dir.empty()) {
        auto dir = write_report_run(runner, options.runs_dir);
        if (!dir) {
            r.ok = false;
            r.message = "writing the report: " + dir.error();
            return r;
        }
        r.run_dir = *dir;
    }
    return r;
}

}  // namespace mlsys::labs
