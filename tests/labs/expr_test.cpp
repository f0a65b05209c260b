// The check language: known results for every operator and function, and the exact error messages of
// parse and evaluation failures.
#include "labs/expr.hpp"

#include <doctest/doctest.h>

using namespace mlsys::labs;
using nlohmann::json;

TEST_SUITE_BEGIN("labs.expr");

namespace {
const json kState = json::parse(R"({
  "model": {"name": "mlp", "params": 101770, "layers": [{"macs": 100352}, {"macs": 1280}]},
  "run": {"kind": "train", "epochs": 3, "test_accuracy": 0.853, "valid": true},
  "train": {"learning_rate": 0.01}
})");

json eval(const std::string& text, const json* local = nullptr) {
    auto e = Expression::parse(text);
    REQUIRE_MESSAGE(e.ok(), e.error());
    auto v = e->evaluate(Scope{local, &kState});
    REQUIRE_MESSAGE(v.ok(), v.error());
    return *v;
}
std::string parse_error(const std::string& text) {
    auto e = Expression::parse(text);
    REQUIRE_FALSE(e.ok());
    return e.error();
}
std::string eval_error(const std::string& text) {
    auto e = Expression::parse(text);
    REQUIRE_MESSAGE(e.ok(), e.error());
    auto v = e->evaluate(Scope{nullptr, &kState});
    REQUIRE_FALSE(v.ok());
    return v.error();
}
}  // namespace

TEST_CASE("checks from the issue evaluate against the state") {
    CHECK(eval("run.test_accuracy >= 0.85") == true);
    CHECK(eval("model.params <= 20000") == false);
    CHECK(eval("run.kind == \"train\" && run.epochs >= 3") == true);
    CHECK(eval("run.kind == 'eval' || run.epochs > 3") == false);
}

TEST_CASE("arithmetic precedence and unary operators") {
    CHECK(eval("1 + 2 * 3").get<double>() == 7);
    CHECK(eval("(1 + 2) * 3").get<double>() == 9);
    CHECK(eval("10 - 4 - 3").get<double>() == 3);  // left-associative
    CHECK(eval("8 / 4 / 2").get<double>() == 1);
    CHECK(eval("-2 * -3").get<double>() == 6);
    CHECK(eval("!(1 < 2)") == false);
    CHECK(eval("1 < 2 == true") == true);  // relational binds tighter than equality
    CHECK(eval("true || false && false") == true);  // && binds tighter than ||
    CHECK(eval("\"ab\" + \"cd\"") == "abcd");
    CHECK(eval("\"abc\" < \"abd\"") == true);
    CHECK(eval("3 == 3.0") == true);
    CHECK(eval("null == null") == true);
    CHECK(eval("1.5e3").get<double>() == 1500);
}

TEST_CASE("paths with indices and functions") {
    CHECK(eval("model.layers[0].macs + model.layers[1].macs").get<double>() == 101632);
    CHECK(eval("len(model.layers)").get<double>() == 2);
    CHECK(eval("len(model.name)").get<double>() == 3);
    CHECK(eval("abs(0.5 - 0.75)").get<double>() == 0.25);
    CHECK(eval("min(3, 1, 2)").get<double>() == 1);
    CHECK(eval("max(3, 1, 2)").get<double>() == 3);
    CHECK(eval("round(0.8537, 2)").get<double>() == doctest::Approx(0.85));
    CHECK(eval("round(2.5)").get<double>() == 3);
    CHECK(eval("exists(run.test_accuracy) && !exists(run.val_loss)") == true);
    CHECK(eval("if(run.test_accuracy > 0.8, 1, missing.name)").get<double>() == 1);  // the other branch is not evaluated
    CHECK(eval("if(run.epochs > 5, \"long\", \"short\")") == "short");
}

TEST_CASE("names resolve in the step result before the app state") {
    const json local = json::parse(R"({"test_accuracy": 0.42, "run": {"epochs": 9}})");
    CHECK(eval("test_accuracy", &local).get<double>() == doctest::Approx(0.42));
    CHECK(eval("run.epochs", &local).get<double>() == 9);
    CHECK(eval("run.kind", &local) == "train");  // not in the result: falls through to the state
}

TEST_CASE("parse errors give the column and the reason") {
    CHECK(parse_error("") == "column 1: the expression is empty");
    CHECK(parse_error("run.epochs >=") == "column 14: expected an operand after '>=', got the end of the expression");
    CHECK(parse_error("a >= >= 3") == "column 6: expected an operand after '>=', got '>='");
    CHECK(parse_error("(1 + 2") == "column 7: expected ')' to close the '(' at column 1, got the end of the expression");
    CHECK(parse_error("a = 3") == "column 3: '=' is not an operator here; compare with '=='");
    CHECK(parse_error("a & b") == "column 3: use '&&' for logical and");
    CHECK(parse_error("a and b") == "column 3: use '&&' instead of 'and'");
    CHECK(parse_error("not a") == "column 1: use '!' instead of 'not'");
    CHECK(parse_error("\"open") == "column 1: string is not closed (missing \")");
    CHECK(parse_error("sqrt(4)") == "column 1: unknown function 'sqrt' (functions: abs, min, max, len, exists, round, if)");
    CHECK(parse_error("abs(1, 2)") == "column 1: abs() takes one argument, got 2");
    CHECK(parse_error("if(true, 1)") == "column 1: if() takes three arguments (condition, then, else), got 2");
    CHECK(parse_error("exists(1)") == "column 1: exists() takes a name, e.g. exists(run.test_accuracy)");
    CHECK(parse_error("a[x]") == "column 2: an index must be a whole number in [ ]");
    CHECK(parse_error("3 4") == "column 3: expected an operator or the end, got '4'");
    CHECK(parse_error("2abc") == "column 1: malformed number '2a'");
    CHECK(parse_error("a # b") == "column 3: unexpected character '#'");
}

TEST_CASE("evaluation errors name the missing key and the operand types") {
    CHECK(eval_error("run.epoch >= 3") == "run.epoch is not in the state (run has: epochs, kind, test_accuracy, valid)");
    CHECK(eval_error("memory.hits > 0") == "memory.hits is not in the state");
    CHECK(eval_error("model.layers[5].macs") == "model.layers[5].macs is not in the state (model.layers has 2 items)");
    CHECK(eval_error("run.kind >= 3") == "'>=' needs two numbers (or two strings), got string \"train\" and number 3");
    CHECK(eval_error("run.epochs && true") == "'&&' needs true or false on its left, got number 3");
    CHECK(eval_error("1 / 0") == "division by zero (1 / 0)");
    CHECK(eval_error("-run.kind") == "'-' needs a number, got string \"train\"");
    CHECK(eval_error("abs(run.kind)") == "abs() needs a number, got string \"train\"");
    auto e = Expression::parse("run.epochs + 1");
    REQUIRE(e.ok());
    CHECK(e->test(Scope{nullptr, &kState}).error() == "the check gave number 4, not true or false");
}

TEST_CASE("short-circuit skips the right side") {
    // The right side would fail (a missing name), but is never evaluated.
    CHECK(eval("false && missing.name > 1") == false);
    CHECK(eval("true || missing.name > 1") == true);
}

TEST_CASE("names lists every path read") {
    auto e = Expression::parse("run.kind == \"train\" && abs(model.params - 5) < len(model.layers)");
    REQUIRE(e.ok());
    CHECK(e->names() == std::vector<std::string>{"run.kind", "model.params", "model.layers"});
}

TEST_SUITE_END();
