// A guided lab as data (docs/LABS.md): its metadata, its steps (text, workspace settings, the action that
// measures, predictions, questions, the check, hints, what it records) and the solution block that
// `--auto` uses. parse_lab() validates everything and names the file, line, key and reason of a problem.
#pragma once

#include "labs/expr.hpp"

#include "models/core/result.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlsys::labs {

inline constexpr const char* kLabFormat = "mlsys-lab";
inline constexpr int kLabFormatVersion = 1;

enum class AnswerKind { Number, Choice };

// A prediction the student commits before the step's measurement is revealed. Not graded: the report
// shows it beside the measured value (`measure`, evaluated after the step's action ran).
struct Prediction {
    std::string id;
    std::string prompt;
    AnswerKind kind = AnswerKind::Number;
    std::vector<std::string> choices;  // Choice: the options
    std::string unit;                  // shown after the entry box ("%", "params")
    Expression measure;                // the measurement to reveal; for Choice it gives the choice index
};

// A graded question. Number: the answer is a number or an expression over the state (what the student
// reads off the app), accepted within max(tolerance x |answer|, abs_tolerance). Choice: a 0-based index.
struct Question {
    std::string id;
    std::string prompt;
    AnswerKind kind = AnswerKind::Number;
    std::vector<std::string> choices;
    std::string unit;
    Expression answer;         // Number
    int answer_choice = -1;    // Choice
    double tolerance = 0.02;   // relative
    double abs_tolerance = 0;  // absolute floor (for answers near 0)
    std::string explain;       // shown once answered correctly
};

// What a step asks the app to do: a registered action (e.g. "train", "inspect_model") with parameters.
struct Action {
    std::string kind;
    nlohmann::json params = nlohmann::json::object();
};

// A named measurement the step records into the report and the lab's Run.
struct Record {
    std::string name;
    Expression value;
};

struct Step {
    std::string id;
    std::string title;
    std::string text;        // markdown subset (labs/markdown.hpp)
    std::string workspace;   // the workspace the step opens ("train", "memory", ...); empty: stay
    nlohmann::json set = nlohmann::json::object();  // {section: settings} applied when the step opens
    std::optional<Action> action;
    std::vector<Prediction> predictions;
    std::vector<Question> questions;
    Expression check;        // empty: passes once the action ran and the questions are answered
    std::string check_text;  // what the check means in words, shown beside its status
    std::vector<std::string> hints;
    std::vector<Record> records;
    bool is_manual = false;  // needs the GUI (watching, dragging): --auto skips it
};

struct Lab {
    std::string id;          // lower-case letters, digits and '-'; the file name without .json
    int revision = 1;        // the content's own version, bumped when steps change
    std::string title;
    int chapter = 0;         // textbook chapter
    std::string chapter_title;
    std::string board;       // for board labs ("nicla-vision"); empty otherwise
    int minutes = 0;         // estimated time
    std::string summary;
    std::vector<std::string> objectives;
    std::vector<Step> steps;
    nlohmann::json solution = nlohmann::json::object();  // {"answers": {id: value}} — never shown in the GUI
    std::string path;        // where it was loaded from
    std::string source;      // "built-in" or "user"

    // The step index with this id, or -1.
    int step_index(const std::string& step_id) const;
};

// Parses a lab file's text. `file` names it in errors: "labs/content/x.json:12: steps[1].check: column 5:
// expected a value, got '>='". Every problem is reported with the line of the offending key.
core::Result<Lab> parse_lab(const std::string& text, const std::string& file);
core::Result<Lab> load_lab(const std::filesystem::path& path);

}  // namespace mlsys::labs
