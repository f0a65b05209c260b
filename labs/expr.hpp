// The check language of the labs (docs/LABS.md "Checks"): small expressions over a JSON state document,
// e.g. `run.kind == "train" && run.epochs >= 3` or `abs(model.params - 89610) <= 10`. Parsing and
// evaluation are pure; errors give the column (parse) or the name and the values involved (evaluation).
#pragma once

#include "models/core/result.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace mlsys::labs {

// Where names are looked up: a dotted path (`run.test_accuracy`, `layers[2].macs`) is resolved in `local`
// first (the current step's action result), then in `global` (the app's state document). Either may be
// null. The pointers are borrowed for the duration of one evaluation.
struct Scope {
    const nlohmann::json* local = nullptr;
    const nlohmann::json* global = nullptr;
};

struct ExprNode;

class Expression {
public:
    Expression() = default;
    // Parses `text`; the error reads "column C: <reason>" (1-based column).
    static core::Result<Expression> parse(const std::string& text);

    // The value (a JSON number, string, boolean, null, array or object). Errors name the missing name
    // ("run.epochs is not in the state (run has: kind, dataset)") or the operator and its operand types.
    core::Result<nlohmann::json> evaluate(const Scope& scope) const;
    // evaluate() that must give a boolean ("the check gave number 3, not true or false").
    core::Result<bool> test(const Scope& scope) const;
    // evaluate() that must give a number.
    core::Result<double> number(const Scope& scope) const;

    const std::string& text() const { return text_; }
    bool empty() const { return root_ == nullptr; }
    // Every dotted name the expression reads, in order of appearance (for docs and validation).
    std::vector<std::string> names() const;

private:
    std::shared_ptr<const ExprNode> root_;
    std::string text_;
};

// Looks up a dotted path ("a.b[2].c") in a JSON value; null pointer when absent.
const nlohmann::json* find_path(const nlohmann::json& root, const std::string& path);

// A short human form of a value for reports and messages: numbers with up to 6 significant digits,
// strings quoted, booleans as true/false.
std::string format_value(const nlohmann::json& v);

}  // namespace mlsys::labs
