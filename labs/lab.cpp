// Lab file parsing and validation: every error is "file:line: key.path: reason", the line found from the
// key path in the original text. Unknown keys are errors (a misspelt "hints" must not silently vanish).
#include "labs/lab.hpp"

#include "labs/json_lines.hpp"

#include "models/core/files.hpp"

#include <set>

namespace mlsys::labs {

using core::fail;
using nlohmann::json;

int Lab::step_index(const std::string& step_id) const {
    for (size_t i = 0; i < steps.size(); ++i)
        if (steps[i].id == step_id) return static_cast<int>(i);
    return -1;
}

namespace {

// Walks the document keeping the key path, so each error knows where it is.
class Reader {
public:
    Reader(const std::string& text, const std::string& file) : text_(text), file_(file) {}

    core::Error error(const std::vector<PathPart>& path, const std::string& why) const {
        const std::string where = path_to_string(path);
        return fail(file_ + ":" + std::to_string(line_of_path(text_, path)) + ": " + (where.empty() ? "" : where + ": ") + why);
    }

private:
    const std::string& text_;
    const std::string& file_;
};

using Path = std::vector<PathPart>;

Path operator/(Path p, PathPart part) {
    p.push_back(std::move(part));
    return p;
}

bool valid_id(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    return true;
}

class LabParser {
public:
    LabParser(const std::string& text, const std::string& file) : r_(text, file) {}

    core::Result<Lab> parse(const json& j) {
        if (!j.is_object()) return r_.error({}, "a lab file must be a JSON object");
        if (auto st = known_keys(j, {}, {"format", "version", "id", "revision", "title", "chapter", "chapter_title", "board",
                                         "minutes", "summary", "objectives", "steps", "solution"});
            !st)
            return fail(st.error());
        if (!j.contains("format") || j["format"] != kLabFormat)
            return r_.error({"format"}, std::string("must be \"") + kLabFormat + "\"");
        if (!j.contains("version") || !j["version"].is_number_integer())
            return r_.error({"version"}, "must be the format version, an integer");
        if (j["version"].get<int>() != kLabFormatVersion)
            return r_.error({"version"}, "format version " + j["version"].dump() + " is not supported (this build reads version " +
                                             std::to_string(kLabFormatVersion) + ")");
        Lab lab;
        if (auto st = str(j, {"id"}, lab.id, true); !st) return fail(st.error());
        if (!valid_id(lab.id)) return r_.error({"id"}, "must be lower-case letters, digits, '-' or '_' (at most 64), got \"" + lab.id + "\"");
        if (auto st = integer(j, {"revision"}, lab.revision, 1, 1000000, false); !st) return fail(st.error());
        if (auto st = str(j, {"title"}, lab.title, true); !st) return fail(st.error());
        if (auto st = integer(j, {"chapter"}, lab.chapter, 0, 100, true); !st) return fail(st.error());
        if (auto st = str(j, {"chapter_title"}, lab.chapter_title, false); !st) return fail(st.error());
        if (auto st = str(j, {"board"}, lab.board, false); !st) return fail(st.error());
        if (auto st = integer(j, {"minutes"}, lab.minutes, 0, 10000, false); !st) return fail(st.error());
        if (auto st = str(j, {"summary"}, lab.summary, false); !st) return fail(st.error());
        if (auto st = strings(j, {"objectives"}, lab.objectives); !st) return fail(st.error());
        if (!j.contains("steps") || !j["steps"].is_array() || j["steps"].empty())
            return r_.error({"steps"}, "must be a non-empty list of steps");
        std::set<std::string> step_ids;
        for (size_t i = 0; i < j["steps"].size(); ++i) {
            auto step = parse_step(j["steps"][i], Path{"steps", i});
            if (!step) return fail(step.error());
            if (!step_ids.insert(step->id).second) return r_.error(Path{"steps", i, "id"}, "step id \"" + step->id + "\" is used twice");
            lab.steps.push_back(std::move(*step));
        }
        if (j.contains("solution")) {
            if (auto st = parse_solution(j["solution"], lab); !st) return fail(st.error());
            lab.solution = j["solution"];
        }
        if (auto st = check_solution_complete(lab); !st) return fail(st.error());
        return lab;
    }

private:
    core::Status known_keys(const json& j, const Path& at, std::initializer_list<const char*> keys) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            bool known = false;
            for (const char* k : keys) known = known || it.key() == k;
            if (!known) {
                std::string list;
                for (const char* k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
                return r_.error(at / it.key(), "unknown key (expected one of: " + list + ")");
            }
        }
        return core::Status::success();
    }
    core::Status str(const json& j, const Path& at, std::string& out, bool required) {
        const std::string& key = std::get<std::string>(at.back());
        if (!j.contains(key)) return required ? core::Status(r_.error(parent(at), "missing \"" + key + "\"")) : core::Status::success();
        if (!j[key].is_string()) return r_.error(at, "must be a string, got " + j[key].dump());
        out = j[key].get<std::string>();
        if (required && out.empty()) return r_.error(at, "must not be empty");
        return core::Status::success();
    }
    core::Status integer(const json& j, const Path& at, int& out, int lo, int hi, bool required) {
        const std::string& key = std::get<std::string>(at.back());
        if (!j.contains(key)) return required ? core::Status(r_.error(parent(at), "missing \"" + key + "\"")) : core::Status::success();
        if (!j[key].is_number_integer() || j[key].get<int64_t>() < lo || j[key].get<int64_t>() > hi)
            return r_.error(at, "must be a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + j[key].dump());
        out = j[key].get<int>();
        return core::Status::success();
    }
    core::Status strings(const json& j, const Path& at, std::vector<std::string>& out) {
        const std::string& key = std::get<std::string>(at.back());
        if (!j.contains(key)) return core::Status::success();
        if (!j[key].is_array()) return r_.error(at, "must be a list of strings");
        for (size_t i = 0; i < j[key].size(); ++i) {
            if (!j[key][i].is_string()) return r_.error(at / i, "must be a string, got " + j[key][i].dump());
            out.push_back(j[key][i].get<std::string>());
        }
        return core::Status::success();
    }
    core::Result<Expression> expr(const json& j, const Path& at) {
        if (!j.is_string()) return r_.error(at, "must be an expression in a string, got " + j.dump());
        auto e = Expression::parse(j.get<std::string>());
        if (!e) return r_.error(at, e.error());
        return e;
    }
    static Path parent(Path p) {
        if (!p.empty()) p.pop_back();
        return p;
    }
    core::Status unique_id(const std::string& id, const Path& at) {
        if (!valid_id(id)) return r_.error(at, "must be lower-case letters, digits, '-' or '_', got \"" + id + "\"");
        if (!ask_ids_.insert(id).second) return r_.error(at, "id \"" + id + "\" is used twice in this lab (prediction and question ids are lab-wide)");
        return core::Status::success();
    }
    core::Status choices(const json& j, const Path& at, AnswerKind kind, std::vector<std::string>& out) {
        if (kind == AnswerKind::Number) {
            if (j.contains("choices")) return r_.error(at / "choices", "only \"kind\": \"choice\" takes choices");
            return core::Status::success();
        }
        if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].size() < 2)
            return r_.error(j.contains("choices") ? at / "choices" : at, "a choice needs \"choices\": a list of at least two strings");
        return strings(j, at / "choices", out);
    }
    core::Result<AnswerKind> kind(const json& j, const Path& at) {
        if (!j.contains("kind")) return r_.error(at, "missing \"kind\" (\"number\" or \"choice\")");
        if (j["kind"] == "number") return AnswerKind::Number;
        if (j["kind"] == "choice") return AnswerKind::Choice;
        return r_.error(at / "kind", "must be \"number\" or \"choice\", got " + j["kind"].dump());
    }

    core::Result<Prediction> parse_prediction(const json& j, const Path& at) {
        if (!j.is_object()) return r_.error(at, "a prediction must be an object");
        if (auto st = known_keys(j, at, {"id", "prompt", "kind", "choices", "unit", "measure"}); !st) return fail(st.error());
        Prediction p;
        if (auto st = str(j, at / "id", p.id, true); !st) return fail(st.error());
        if (auto st = unique_id(p.id, at / "id"); !st) return fail(st.error());
        if (auto st = str(j, at / "prompt", p.prompt, true); !st) return fail(st.error());
        auto k = kind(j, at);
        if (!k) return fail(k.error());
        p.kind = *k;
        if (auto st = choices(j, at, p.kind, p.choices); !st) return fail(st.error());
        if (auto st = str(j, at / "unit", p.unit, false); !st) return fail(st.error());
        if (!j.contains("measure")) return r_.error(at, "missing \"measure\" (the expression whose value is revealed)");
        auto m = expr(j["measure"], at / "measure");
        if (!m) return fail(m.error());
        p.measure = *m;
        return p;
    }

    core::Result<Question> parse_question(const json& j, const Path& at) {
        if (!j.is_object()) return r_.error(at, "a question must be an object");
        if (auto st = known_keys(j, at, {"id", "prompt", "kind", "choices", "unit", "answer", "tolerance", "abs_tolerance", "explain"}); !st)
            return fail(st.error());
        Question q;
        if (auto st = str(j, at / "id", q.id, true); !st) return fail(st.error());
        if (auto st = unique_id(q.id, at / "id"); !st) return fail(st.error());
        if (auto st = str(j, at / "prompt", q.prompt, true); !st) return fail(st.error());
        auto k = kind(j, at);
        if (!k) return fail(k.error());
        q.kind = *k;
        if (auto st = choices(j, at, q.kind, q.choices); !st) return fail(st.error());
        if (auto st = str(j, at / "unit", q.unit, false); !st) return fail(st.error());
        if (auto st = str(j, at / "explain", q.explain, false); !st) return fail(st.error());
        if (!j.contains("answer")) return r_.error(at, "missing \"answer\"");
        const json& a = j["answer"];
        if (q.kind == AnswerKind::Choice) {
            if (!a.is_number_integer() || a.get<int64_t>() < 0 || a.get<size_t>() >= q.choices.size())
                return r_.error(at / "answer", "must be the 0-based index of the right choice (0 to " + std::to_string(q.choices.size() - 1) + "), got " + a.dump());
            q.answer_choice = a.get<int>();
        } else if (a.is_number()) {
            q.answer = *Expression::parse(a.dump());
        } else {
            auto e = expr(a, at / "answer");
            if (!e) return fail(e.error());
            q.answer = *e;
        }
        for (const char* key : {"tolerance", "abs_tolerance"}) {
            if (!j.contains(key)) continue;
            if (q.kind == AnswerKind::Choice) return r_.error(at / key, "a choice has no tolerance");
            if (!j[key].is_number() || j[key].get<double>() < 0) return r_.error(at / key, "must be a number >= 0, got " + j[key].dump());
            (std::string(key) == "tolerance" ? q.tolerance : q.abs_tolerance) = j[key].get<double>();
        }
        return q;
    }

    core::Result<Step> parse_step(const json& j, const Path& at) {
        if (!j.is_object()) return r_.error(at, "a step must be an object");
        if (auto st = known_keys(j, at, {"id", "title", "text", "workspace", "set", "action", "predict", "questions", "check",
                                         "check_text", "hints", "record", "manual"});
            !st)
            return fail(st.error());
        Step s;
        if (auto st = str(j, at / "id", s.id, true); !st) return fail(st.error());
        if (!valid_id(s.id)) return r_.error(at / "id", "must be lower-case letters, digits, '-' or '_', got \"" + s.id + "\"");
        if (auto st = str(j, at / "title", s.title, true); !st) return fail(st.error());
        if (auto st = str(j, at / "text", s.text, true); !st) return fail(st.error());
        if (auto st = str(j, at / "workspace", s.workspace, false); !st) return fail(st.error());
        if (auto st = str(j, at / "check_text", s.check_text, false); !st) return fail(st.error());
        if (j.contains("set")) {
            if (!j["set"].is_object()) return r_.error(at / "set", "must be an object of {section: settings}, e.g. {\"train\": {\"epochs\": 3}}");
            for (auto it = j["set"].begin(); it != j["set"].end(); ++it)
                if (!it.value().is_object()) return r_.error(at / "set" / it.key(), "must be an object of settings");
            s.set = j["set"];
        }
        if (j.contains("action")) {
            const json& a = j["action"];
            if (!a.is_object() || !a.contains("kind") || !a["kind"].is_string() || a["kind"].get<std::string>().empty())
                return r_.error(at / "action", "must be {\"kind\": \"<action>\", \"params\": {...}}");
            if (auto st = known_keys(a, at / "action", {"kind", "params"}); !st) return fail(st.error());
            Action act;
            act.kind = a["kind"].get<std::string>();
            if (a.contains("params")) {
                if (!a["params"].is_object()) return r_.error(at / "action" / "params", "must be an object");
                act.params = a["params"];
            }
            s.action = act;
        }
        for (const char* key : {"predict", "questions"}) {
            if (!j.contains(key)) continue;
            if (!j[key].is_array()) return r_.error(at / key, "must be a list");
            for (size_t i = 0; i < j[key].size(); ++i) {
                if (std::string(key) == "predict") {
                    auto p = parse_prediction(j[key][i], at / key / i);
                    if (!p) return fail(p.error());
                    s.predictions.push_back(std::move(*p));
                } else {
                    auto q = parse_question(j[key][i], at / key / i);
                    if (!q) return fail(q.error());
                    s.questions.push_back(std::move(*q));
                }
            }
        }
        if (!s.predictions.empty() && !s.action)
            return r_.error(at / "predict", "a prediction needs an \"action\" in the same step: it is committed before the action measures");
        if (j.contains("check")) {
            auto c = expr(j["check"], at / "check");
            if (!c) return fail(c.error());
            s.check = *c;
        }
        if (auto st = strings(j, at / "hints", s.hints); !st) return fail(st.error());
        if (j.contains("record")) {
            if (!j["record"].is_object()) return r_.error(at / "record", "must be an object of {name: expression}");
            for (auto it = j["record"].begin(); it != j["record"].end(); ++it) {
                auto e = expr(it.value(), at / "record" / it.key());
                if (!e) return fail(e.error());
                s.records.push_back({it.key(), *e});
            }
        }
        if (j.contains("manual")) {
            if (!j["manual"].is_boolean()) return r_.error(at / "manual", "must be true or false");
            s.is_manual = j["manual"].get<bool>();
        }
        return s;
    }

    core::Status parse_solution(const json& j, const Lab& lab) {
        if (!j.is_object()) return r_.error({"solution"}, "must be an object {\"answers\": {id: value}}");
        if (auto st = known_keys(j, {"solution"}, {"answers"}); !st) return st;
        if (!j.contains("answers")) return core::Status::success();
        if (!j["answers"].is_object()) return r_.error({"solution", "answers"}, "must be an object {id: value}");
        for (auto it = j["answers"].begin(); it != j["answers"].end(); ++it) {
            const Path at{"solution", "answers", it.key()};
            bool found = false;
            for (const auto& step : lab.steps) {
                for (const auto& p : step.predictions)
                    if (p.id == it.key()) {
                        found = true;
                        if (p.kind == AnswerKind::Choice && (!it.value().is_number_integer() || it.value().get<int64_t>() < 0 ||
                                                             it.value().get<size_t>() >= p.choices.size()))
                            return r_.error(at, "must be a choice index (0 to " + std::to_string(p.choices.size() - 1) + "), got " + it.value().dump());
                        if (p.kind == AnswerKind::Number)
                            if (auto st = solution_number(it.value(), at); !st) return st;
                    }
                for (const auto& q : step.questions)
                    if (q.id == it.key()) {
                        found = true;
                        if (q.kind == AnswerKind::Choice && (!it.value().is_number_integer() || it.value().get<int64_t>() < 0 ||
                                                             it.value().get<size_t>() >= q.choices.size()))
                            return r_.error(at, "must be a choice index (0 to " + std::to_string(q.choices.size() - 1) + "), got " + it.value().dump());
                        if (q.kind == AnswerKind::Number)
                            if (auto st = solution_number(it.value(), at); !st) return st;
                    }
            }
            if (!found) return r_.error(at, "no prediction or question has the id \"" + it.key() + "\"");
        }
        return core::Status::success();
    }

    // A number, or an expression in a string for what the student reads off the app ("best_val_epoch").
    core::Status solution_number(const json& v, const Path& at) {
        if (v.is_number()) return core::Status::success();
        if (!v.is_string()) return r_.error(at, "must be a number or an expression in a string, got " + v.dump());
        auto e = Expression::parse(v.get<std::string>());
        if (!e) return r_.error(at, e.error());
        return core::Status::success();
    }

    // --auto needs an answer for every prediction and question of every step it runs.
    core::Status check_solution_complete(const Lab& lab) {
        const json answers = lab.solution.value("answers", json::object());
        for (size_t i = 0; i < lab.steps.size(); ++i) {
            const Step& s = lab.steps[i];
            if (s.is_manual) continue;
            for (const auto& p : s.predictions)
                if (!answers.contains(p.id))
                    return r_.error(Path{"steps", i, "predict"}, "the solution block has no answer for prediction \"" + p.id + "\" (needed by --auto)");
            for (const auto& q : s.questions)
                if (!answers.contains(q.id))
                    return r_.error(Path{"steps", i, "questions"}, "the solution block has no answer for question \"" + q.id + "\" (needed by --auto)");
        }
        return core::Status::success();
    }

    Reader r_;
    std::set<std::string> ask_ids_;
};

}  // namespace

core::Result<Lab> parse_lab(const std::string& text, const std::string& file) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        // nlohmann's message starts "[json.exception.parse_error.101] parse error at line L, column C: ..."
        std::string why = e.what();
        if (const auto colon = why.find(": "); colon != std::string::npos) why = why.substr(colon + 2);
        const size_t at = e.byte > 0 ? e.byte - 1 : 0;
        return fail(file + ":" + std::to_string(line_of_offset(text, at)) + ": not valid JSON: " + why);
    }
    LabParser p(text, file);
    return p.parse(j);
}

core::Result<Lab> load_lab(const std::filesystem::path& path) {
    auto text = core::read_file(path);
    if (!text) return fail(text.error());
    auto lab = parse_lab(*text, path.string());
    if (!lab) return lab;
    lab->path = path.string();
    if (lab->id != path.stem().string())
        return fail(path.string() + ":" + std::to_string(line_of_path(*text, {std::string("id")})) + ": id: \"" + lab->id +
                    "\" must match the file name \"" + path.stem().string() + "\"");
    return lab;
}

}  // namespace mlsys::labs
