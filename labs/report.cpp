// Report building: the snapshot from the runner's progress, then Markdown, HTML and PNG charts from the
// snapshot alone (so a saved report.json can be re-rendered).
#include "labs/report.hpp"

#include "labs/markdown.hpp"
#include "labs/png_chart.hpp"

#include "models/io/run_log.hpp"

namespace mlsys::labs {

using core::fail;
using nlohmann::json;

json report_snapshot(const LabRunner& runner) {
    const Lab& lab = runner.lab();
    const LabProgress& p = runner.progress();
    json steps = json::array();
    int n_passed = 0;
    for (size_t i = 0; i < lab.steps.size(); ++i) {
        const Step& s = lab.steps[i];
        auto it = p.steps.find(s.id);
        const StepProgress empty;
        const StepProgress& sp = it == p.steps.end() ? empty : it->second;
        n_passed += sp.passed ? 1 : 0;
        json preds = json::array(), answers = json::array();
        for (const auto& pr : s.predictions) {
            auto e = sp.predictions.find(pr.id);
            json j{{"id", pr.id}, {"prompt", pr.prompt}, {"unit", pr.unit}, {"kind", pr.kind == AnswerKind::Choice ? "choice" : "number"},
                   {"measure", pr.measure.text()}, {"predicted", e == sp.predictions.end() ? json() : e->second.value},
                   {"committed_at", e == sp.predictions.end() ? "" : e->second.at},
                   {"measured", sp.measurements.contains(pr.id) ? sp.measurements[pr.id] : json()}};
            if (pr.kind == AnswerKind::Choice) j["choices"] = pr.choices;
            preds.push_back(j);
        }
        for (const auto& q : s.questions) {
            auto e = sp.answers.find(q.id);
            json j{{"id", q.id}, {"prompt", q.prompt}, {"unit", q.unit}, {"answer", e == sp.answers.end() ? json() : e->second.value},
                   {"correct", e != sp.answers.end() && e->second.is_correct}, {"attempts", e == sp.answers.end() ? 0 : e->second.attempts},
                   {"at", e == sp.answers.end() ? "" : e->second.at}};
            if (q.kind == AnswerKind::Choice) j["choices"] = q.choices;
            answers.push_back(j);
        }
        steps.push_back(json{{"id", s.id}, {"title", s.title}, {"passed", sp.passed}, {"manual", s.is_manual},
                             {"opened_at", sp.opened_at}, {"passed_at", sp.passed_at}, {"hints_used", sp.hints_shown},
                             {"settings", s.set}, {"action", s.action ? json{{"kind", s.action->kind}, {"params", s.action->params}} : json()},
                             {"predictions", preds}, {"answers", answers}, {"measurements", sp.measurements},
                             {"result", sp.result}});
    }
    json state = runner.state_document();
    state.erase("lab");
    return json{{"format", kReportFormat},
                {"version", kReportFormatVersion},
                {"lab", {{"id", lab.id}, {"revision", lab.revision}, {"title", lab.title}, {"chapter", lab.chapter},
                         {"chapter_title", lab.chapter_title}, {"board", lab.board}, {"source", lab.source}}},
                {"started_at", p.started_at},
                {"completed_at", p.completed_at},
                {"generated_at", utc_now_iso()},
                {"n_steps", lab.steps.size()},
                {"n_passed", n_passed},
                {"steps", steps},
                {"final_state", state}};
}

namespace {
std::string cell(const json& v, const json& choices, const std::string& unit) {
    if (v.is_null()) return "—";
    if (choices.is_array() && v.is_number_integer() && v.get<size_t>() < choices.size()) return choices[v.get<size_t>()].get<std::string>();
    std::string s = format_value(v);
    if (!unit.empty()) s += " " + unit;
    return s;
}
std::string md_escape(std::string s) {
    for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
    return s;
}
}  // namespace

std::string report_markdown(const json& snap) {
    const json& lab = snap["lab"];
    std::string md = "# " + lab["title"].get<std::string>() + "\n\n";
    md += "Lab `" + lab["id"].get<std::string>() + "` revision " + std::to_string(lab["revision"].get<int>()) + " · textbook chapter " +
          std::to_string(lab["chapter"].get<int>());
    if (!lab["chapter_title"].get<std::string>().empty()) md += " (" + lab["chapter_title"].get<std::string>() + ")";
    md += "\n\nStarted " + snap["started_at"].get<std::string>() + " · completed " +
          (snap["completed_at"].get<std::string>().empty() ? std::string("not yet") : snap["completed_at"].get<std::string>()) + " · " +
          std::to_string(snap["n_passed"].get<int>()) + " of " + std::to_string(snap["n_steps"].get<int>()) + " steps passed\n\n";
    int k = 0;
    for (const auto& s : snap["steps"]) {
        md += "## " + std::to_string(++k) + ". " + s["title"].get<std::string>() + (s["passed"].get<bool>() ? " ✓" : "") + "\n\n";
        if (!s["predictions"].empty()) {
            md += "| prediction | yours | measured |\n|---|---|---|\n";
            for (const auto& p : s["predictions"])
                md += "| " + md_escape(p["prompt"].get<std::string>()) + " | " + cell(p["predicted"], p.value("choices", json()), p["unit"]) + " | " +
                      cell(p["measured"], p.value("choices", json()), p["unit"]) + " |\n";
            md += "\n";
        }
        if (!s["answers"].empty()) {
            md += "| question | your answer | |\n|---|---|---|\n";
            for (const auto& a : s["answers"])
                md += "| " + md_escape(a["prompt"].get<std::string>()) + " | " + cell(a["answer"], a.value("choices", json()), a["unit"]) + " | " +
                      (a["correct"].get<bool>() ? "right" : a["answer"].is_null() ? "not answered" : "wrong") + " |\n";
            md += "\n";
        }
        if (!s["measurements"].empty()) {
            md += "Measured:";
            for (auto it = s["measurements"].begin(); it != s["measurements"].end(); ++it) md += " " + it.key() + " = " + format_value(it.value()) + ";";
            md.pop_back();
            md += "\n\n";
        }
        if (s["hints_used"].get<int>() > 0) md += "Hints used: " + std::to_string(s["hints_used"].get<int>()) + "\n\n";
    }
    return md;
}

std::map<std::string, std::string> report_charts(const json& snap) {
    std::map<std::string, std::string> out;
    std::vector<std::pair<double, double>> pairs;
    for (const auto& s : snap["steps"])
        for (const auto& p : s["predictions"])
            if (p["predicted"].is_number() && p["measured"].is_number() && p["kind"] == "number")
                pairs.emplace_back(p["predicted"].get<double>(), p["measured"].get<double>());
    if (!pairs.empty()) out["charts/predictions.png"] = paired_bars_png(pairs);
    for (const auto& s : snap["steps"]) {
        const json& r = s["result"];
        if (!r.is_object() || !r.contains("curves") || !r["curves"].is_object()) continue;
        std::vector<std::vector<double>> series;
        for (const auto& [name, values] : r["curves"].items()) {
            if (!values.is_array()) continue;
            std::vector<double> v;
            for (const auto& x : values) v.push_back(x.is_number() ? x.get<double>() : std::nan(""));
            series.push_back(std::move(v));
        }
        if (!series.empty()) out["charts/" + s["id"].get<std::string>() + "-curves.png"] = line_chart_png(series);
    }
    return out;
}

std::string report_html(const json& snap, const std::map<std::string, std::string>& charts) {
    const json& lab = snap["lab"];
    std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html_escape(lab["title"].get<std::string>()) +
                    "</title>\n<style>body{font-family:sans-serif;max-width:52em;margin:2em auto;color:#222}"
                    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
                    ".ok{color:#2a7}.no{color:#c33}img{max-width:100%}.key span{display:inline-block;width:1em;height:.8em;margin:0 .3em}</style>"
                    "</head><body>\n";
    h += "<h1>" + html_escape(lab["title"].get<std::string>()) + "</h1>\n";
    h += "<p>Lab <code>" + html_escape(lab["id"].get<std::string>()) + "</code> revision " + std::to_string(lab["revision"].get<int>()) +
         " · textbook chapter " + std::to_string(lab["chapter"].get<int>()) + " · " + std::to_string(snap["n_passed"].get<int>()) + " of " +
         std::to_string(snap["n_steps"].get<int>()) + " steps passed · started " + html_escape(snap["started_at"].get<std::string>()) +
         " · completed " + html_escape(snap["completed_at"].get<std::string>().empty() ? "not yet" : snap["completed_at"].get<std::string>()) + "</p>\n";
    if (charts.count("charts/predictions.png")) {
        h += "<h2>Predictions and measurements</h2>\n<p class=\"key\"><span style=\"background:#A6C8E8\"></span>your prediction"
             "<span style=\"background:#2F5B8C\"></span>measured (each pair scaled to its larger value; in the order below)</p>\n"
             "<img src=\"charts/predictions.png\" alt=\"predictions beside measurements\">\n";
    }
    int k = 0;
    for (const auto& s : snap["steps"]) {
        h += "<h2>" + std::to_string(++k) + ". " + html_escape(s["title"].get<std::string>()) +
             (s["passed"].get<bool>() ? " <span class=\"ok\">✓</span>" : " <span class=\"no\">(not passed)</span>") + "</h2>\n";
        if (!s["predictions"].empty()) {
            h += "<table><tr><th>prediction</th><th>yours</th><th>measured</th></tr>\n";
            for (const auto& p : s["predictions"])
                h += "<tr><td>" + html_escape(p["prompt"].get<std::string>()) + "</td><td>" + html_escape(cell(p["predicted"], p.value("choices", json()), p["unit"])) +
                     "</td><td>" + html_escape(cell(p["measured"], p.value("choices", json()), p["unit"])) + "</td></tr>\n";
            h += "</table>\n";
        }
        if (!s["answers"].empty()) {
            h += "<table><tr><th>question</th><th>your answer</th><th></th></tr>\n";
            for (const auto& a : s["answers"])
                h += "<tr><td>" + html_escape(a["prompt"].get<std::string>()) + "</td><td>" + html_escape(cell(a["answer"], a.value("choices", json()), a["unit"])) +
                     "</td><td class=\"" + (a["correct"].get<bool>() ? "ok\">right" : "no\">" + std::string(a["answer"].is_null() ? "not answered" : "wrong")) + "</td></tr>\n";
            h += "</table>\n";
        }
        if (!s["measurements"].empty()) {
            h += "<p>Measured:";
            for (auto it = s["measurements"].begin(); it != s["measurements"].end(); ++it)
                h += " <code>" + html_escape(it.key()) + "</code> = " + html_escape(format_value(it.value())) + ";";
            h.pop_back();
            h += "</p>\n";
        }
        const std::string curves = "charts/" + s["id"].get<std::string>() + "-curves.png";
        if (charts.count(curves)) {
            h += "<p>Curves by epoch:";
            if (s["result"].contains("curves"))
                for (const auto& [name, v] : s["result"]["curves"].items()) h += " <code>" + html_escape(name) + "</code>";
            h += " (blue, orange, green, red in this order)</p><img src=\"" + curves + "\" alt=\"curves\">\n";
        }
    }
    h += "</body></html>\n";
    return h;
}

core::Result<std::string> write_report_run(const LabRunner& runner, const std::string& runs_dir) {
    const Lab& lab = runner.lab();
    const json snap = report_snapshot(runner);
    auto run = models::RunWriter::create(runs_dir, "lab", lab.id,
                                         json{{"lab_id", lab.id}, {"revision", lab.revision}, {"title", lab.title}, {"chapter", lab.chapter},
                                              {"path", lab.path}});
    if (!run) return fail(run.error());
    for (const auto& s : snap["steps"]) {
        json ev{{"step", s["id"]}, {"passed", s["passed"]}, {"passed_at", s["passed_at"]}, {"measurements", s["measurements"]}};
        if (auto st = run->append_event("lab_step", ev); !st) return fail(st.error());
    }
    const auto charts = report_charts(snap);
    for (const auto& [name, png] : charts)
        if (auto st = run->write_artifact(name, png); !st) return fail(st.error());
    if (auto st = run->write_artifact("report.json", snap.dump(2) + "\n"); !st) return fail(st.error());
    if (auto st = run->write_artifact("report.md", report_markdown(snap)); !st) return fail(st.error());
    if (auto st = run->write_artifact("report.html", report_html(snap, charts)); !st) return fail(st.error());
    const std::string dir = run->dir().string();
    if (auto st = run->finish(models::RunStatus::Finished, json{{"steps_passed", snap["n_passed"]}, {"n_steps", snap["n_steps"]}}); !st)
        return fail(st.error());
    return dir;
}

}  // namespace mlsys::labs
