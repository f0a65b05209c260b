// Lab files: a good file parses to the expected structure; broken fixtures are reported with the exact
// file, line and reason; the catalog loads the good labs beside the broken ones.
#include "labs/catalog.hpp"
#include "labs/json_lines.hpp"
#include "labs/lab.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace mlsys::labs;

TEST_SUITE_BEGIN("labs.format");

namespace {
const std::filesystem::path kFixtures = std::filesystem::path(MLSYS_SOURCE_DIR) / "tests/labs/fixtures";

std::string load_error(const std::string& name) {
    auto lab = load_lab(kFixtures / name);
    REQUIRE_FALSE(lab.ok());
    const std::string prefix = (kFixtures / name).string() + ":";
    REQUIRE(lab.error().rfind(prefix, 0) == 0);
    return lab.error().substr(prefix.size());
}
}  // namespace

TEST_CASE("a good lab file parses into steps, predictions, questions and the solution") {
    auto lab = load_lab(kFixtures / "good-lab.json");
    REQUIRE_MESSAGE(lab.ok(), lab.error());
    CHECK(lab->id == "good-lab");
    CHECK(lab->revision == 2);
    CHECK(lab->chapter == 3);
    CHECK(lab->minutes == 5);
    REQUIRE(lab->steps.size() == 3);
    const Step& s = lab->steps[0];
    CHECK(s.workspace == "train");
    CHECK(s.set["train"]["epochs"] == 2);
    REQUIRE(s.action.has_value());
    CHECK(s.action->kind == "fake");
    REQUIRE(s.predictions.size() == 1);
    CHECK(s.predictions[0].measure.text() == "value");
    CHECK(s.hints.size() == 2);
    REQUIRE(s.records.size() == 1);
    CHECK(s.records[0].name == "doubled");
    CHECK(lab->steps[1].questions[1].answer_choice == 2);
    CHECK(lab->steps[1].questions[0].tolerance == 0);
    CHECK(lab->steps[2].is_manual);
    CHECK(lab->step_index("ask") == 1);
    CHECK(lab->solution["answers"]["q-value"] == 21);
}

TEST_CASE("broken lab files name the line and the reason") {
    CHECK(load_error("bad-syntax.json") ==
          "9: not valid JSON: syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal");
    CHECK(load_error("bad-check.json") == "12: steps[0].check: column 15: expected an operand after '>=', got the end of the expression");
    CHECK(load_error("bad-key.json") ==
          "13: steps[1].hint: unknown key (expected one of: id, title, text, workspace, set, action, predict, questions, check, "
          "check_text, hints, record, manual)");
    CHECK(load_error("bad-solution.json") == "12: steps[0].questions: the solution block has no answer for question \"q1\" (needed by --auto)");
    CHECK(load_error("bad-choice.json") == "14: steps[0].questions[0].answer: must be the 0-based index of the right choice (0 to 1), got 2");
    CHECK(load_error("wrong-name.json") == "4: id: \"another-name\" must match the file name \"wrong-name\"");
}

TEST_CASE("format and version are checked first") {
    CHECK(parse_lab("{\"format\": \"other\"}", "x.json").error() == "x.json:1: format: must be \"mlsys-lab\"");
    CHECK(parse_lab("{\n\"format\": \"mlsys-lab\",\n\"version\": 9\n}", "x.json").error() ==
          "x.json:3: version: format version 9 is not supported (this build reads version 1)");
    CHECK(parse_lab("[1, 2]", "x.json").error() == "x.json:1: a lab file must be a JSON object");
    CHECK(parse_lab("{\"format\": \"mlsys-lab\", \"version\": 1, \"id\": \"Bad Id\"}", "x.json").error() ==
          "x.json:1: id: must be lower-case letters, digits, '-' or '_' (at most 64), got \"Bad Id\"");
}

TEST_CASE("line_of_path finds keys and array elements") {
    const std::string text = "{\n  \"a\": [\n    1,\n    {\"b\": \"x\\\"]\"},\n    3\n  ],\n  \"c\": {}\n}";
    CHECK(line_of_path(text, {std::string("a")}) == 2);
    CHECK(line_of_path(text, {std::string("a"), size_t(1), std::string("b")}) == 4);
    CHECK(line_of_path(text, {std::string("a"), size_t(2)}) == 5);  // the escaped quote and ']' do not confuse it
    CHECK(line_of_path(text, {std::string("c")}) == 7);
    CHECK(line_of_path(text, {std::string("c"), std::string("missing")}) == 7);  // the deepest prefix found
    CHECK(line_of_offset("a\nb\nc", 4) == 3);
    CHECK(path_to_string({std::string("steps"), size_t(2), std::string("check")}) == "steps[2].check");
}

TEST_CASE("the catalog loads good labs and reports each broken file") {
    const auto cat = load_catalog({kFixtures});
    REQUIRE(cat.labs.size() == 1);
    CHECK(cat.labs[0].id == "good-lab");
    CHECK(cat.labs[0].source == "built-in");
    CHECK(cat.errors.size() == 6);
    CHECK(cat.find("good-lab") != nullptr);
    CHECK(cat.find("bad-key") == nullptr);
}

TEST_CASE("every shipped lab parses") {
    const auto cat = load_catalog({std::filesystem::path(MLSYS_SOURCE_DIR) / "labs/content"});
    for (const auto& e : cat.errors) FAIL_CHECK(e);
}

TEST_SUITE_END();
