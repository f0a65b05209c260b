// read_run() on damaged fixtures (truncated last lines, garbage lines, garbage or missing JSON files,
// leftover temporaries): each problem reported with file, line and reason, everything else still read.
// Also list_runs() ordering and parse_run_id().
#include "models/io/run_log.hpp"
#include "models/io/run_reader.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace mlsys::models;
namespace fs = std::filesystem;

TEST_SUITE_BEGIN("models.runs");

namespace {
fs::path fresh_root(const std::string& name) {
    const fs::path dir = fs::path(MLSYS_TEST_TMP_DIR) / ("runlog-" + name);
    fs::remove_all(dir);
    return dir;
}

void append_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::app | std::ios::binary) << text; }
void replace_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::trunc | std::ios::binary) << text; }

// A closed, unfinished run with rows steps 0..n-1 (loss = step / 4) and one "tick" event per row.
fs::path closed_run(const fs::path& root, int n) {
    auto run = RunWriter::create(root, "train", "fixture", {{"seed", 1}});
    REQUIRE_MESSAGE(run.ok(), run.error());
    for (int i = 0; i < n; ++i) {
        REQUIRE(run->append_metrics(i, {{"loss", i / 4.0}}).ok());
        REQUIRE(run->append_event("tick", {{"step", i}}).ok());
    }
    return run->dir();
}

bool has_damage(const RunRecord& r, const std::string& file, int line, const std::string& reason_start) {
    for (const auto& d : r.damage)
        if (d.file == file && d.line == line && d.reason.rfind(reason_start, 0) == 0) return true;
    return false;
}
}  // namespace

TEST_CASE("damage: a truncated last line in metrics.csv and events.jsonl is reported and skipped") {
    const fs::path dir = closed_run(fresh_root("trunc"), 5);
    append_text(dir / "metrics.csv", "5,0.01,1.2");        // an append cut short: no newline
    append_text(dir / "events.jsonl", "{\"type\":\"ti");  // likewise
    auto r = read_run(dir);
    REQUIRE(r.ok());
    CHECK(r->status == RunStatus::Incomplete);
    CHECK(r->metrics.n_rows() == 5);  // 1.2 would have parsed: detection is by the missing newline
    CHECK(r->metrics.step.back() == 4);
    CHECK(r->events.size() == 6);  // run_started + 5 ticks
    REQUIRE(r->damage.size() == 2);
    CHECK(has_damage(*r, "metrics.csv", 7, "truncated last line (10 bytes without a newline"));
    CHECK(has_damage(*r, "events.jsonl", 7, "truncated last line (11 bytes"));
    CHECK(r->is_damaged());
}

TEST_CASE("damage: bad lines in the middle are reported with their line numbers and later lines still read") {
    const fs::path dir = closed_run(fresh_root("middle"), 2);
    append_text(dir / "metrics.csv", "2,0.5\n3,0.5,abc\n4,x,1\n5,0.5,1.25\n");
    append_text(dir / "events.jsonl", "not json\n[1,2]\n{\"type\":\"ok\"}\n");
    auto r = read_run(dir);
    REQUIRE(r.ok());
    CHECK(r->metrics.step == std::vector<int64_t>{0, 1, 5});
    CHECK(r->metrics.column("loss")->back() == 1.25);
    CHECK(has_damage(*r, "metrics.csv", 4, "2 fields, header has 3; row skipped"));
    CHECK(has_damage(*r, "metrics.csv", 5, "column 'loss': 'abc' is not a number; row skipped"));
    CHECK(has_damage(*r, "metrics.csv", 6, "wall_time_s 'x' is not a number; row skipped"));
    CHECK(has_damage(*r, "events.jsonl", 4, "not valid JSON; event skipped"));
    CHECK(has_damage(*r, "events.jsonl", 5, "not an object with a string \"type\"; event skipped"));
    CHECK(r->events.back()["type"] == "ok");
    CHECK(r->damage.size() == 5);
}

TEST_CASE("damage: garbage config.json is reported with the parser reason and the rest stays readable") {
    const fs::path dir = closed_run(fresh_root("config"), 3);
    replace_text(dir / "config.json", "{\"format\": \"mlsys-run-config\", \"version\": 1, \"config\": {");
    auto r = read_run(dir);
    REQUIRE(r.ok());
    REQUIRE(r->damage.size() == 1);
    CHECK(r->damage[0].file == "config.json");
    CHECK(r->damage[0].line == 0);
    CHECK(r->damage[0].reason.rfind("not valid JSON ([json.exception.parse_error.101] parse error at line 1", 0) == 0);
    CHECK(r->kind == "train");  // from the id
    CHECK(r->name == "fixture");
    CHECK(r->metrics.n_rows() == 3);
    CHECK(r->config.empty());

    replace_text(dir / "config.json", "{\"format\": \"something-else\"}");
    r = read_run(dir);
    REQUIRE(r.ok());
    CHECK(has_damage(*r, "config.json", 0, "\"format\" is not \"mlsys-run-config\""));

    replace_text(dir / "config.json",
                 R"({"format": "mlsys-run-config", "version": 2, "kind": "memsim", "name": "n", "config": {"a": 1}})");
    r = read_run(dir);
    REQUIRE(r.ok());
    CHECK(has_damage(*r, "config.json", 0, "format version 2 is newer than this reader (1)"));
    CHECK(r->kind == "memsim");
    CHECK(r->config["a"] == 1);

    fs::remove(dir / "config.json");
    r = read_run(dir);
    REQUIRE(r.ok());
    CHECK(has_damage(*r, "config.json", 0, "missing or unreadable"));
}

TEST_CASE("damage: garbage summary.json and missing logs and leftover temporaries are reported") {
    const fs::path root = fresh_root("summary");
    const fs::path dir = closed_run(root, 1);
    replace_text(dir / "summary.json", "garbage");
    auto r = read_run(dir);
    REQUIRE(r.ok());
    CHECK(r->status == RunStatus::Incomplete);
    CHECK(has_damage(*r, "summary.json", 0, "not valid JSON"));

    replace_text(dir / "summary.json", R"({"format": "mlsys-run-summary", "version": 1, "status": "exploded"})");
    r = read_run(dir);
    REQUIRE(r.ok());
    CHECK(has_damage(*r, "summary.json", 0, "\"status\" must be finished, failed or cancelled"));

    fs::remove(dir / "summary.json");
    fs::remove(dir / "metrics.csv");
    fs::remove(dir / "events.jsonl");
    replace_text(dir / "artifacts" / "model.mlsys.tmp4242", "half");
    replace_text(dir / "artifacts" / "model.mlsys", "whole");
    r = read_run(dir);
    REQUIRE(r.ok());
    CHECK(has_damage(*r, "metrics.csv", 0, "missing"));
    CHECK(has_damage(*r, "events.jsonl", 0, "missing or unreadable"));
    CHECK(has_damage(*r, "artifacts/model.mlsys.tmp4242", 0, "leftover temporary file"));
    CHECK(r->artifacts == std::vector<std::string>{"model.mlsys"});
    CHECK(r->status == RunStatus::Incomplete);
    CHECK(r->duration_s == -1.0);

    auto not_dir = read_run(root / "nope");
    REQUIRE_FALSE(not_dir.ok());
    CHECK(not_dir.error() == (root / "nope").string() + ": not a run directory");
}

TEST_CASE("list_runs: newest first by the id time with hidden and stray entries skipped") {
    const fs::path root = fresh_root("list");
    CHECK(list_runs(root).empty());
    for (const char* id : {"20240101-120000-train-a-00aa", "20250301-080000-memsim-b-00bb",
                           "20240101-120001-faults-c-00cc", ".trash", "notes", "20240101-bad"}) {
        fs::create_directories(root / id);
    }
    std::ofstream(root / "README.txt") << "not a run";
    fs::create_directories(root / "renamed-run");
    std::ofstream(root / "renamed-run" / "config.json") << "{}";  // written now: newer than the rest
    const auto runs = list_runs(root);
    REQUIRE(runs.size() == 4);
    CHECK(runs[0].filename() == "renamed-run");
    CHECK(runs[1].filename() == "20250301-080000-memsim-b-00bb");
    CHECK(runs[2].filename() == "20240101-120001-faults-c-00cc");
    CHECK(runs[3].filename() == "20240101-120000-train-a-00aa");
}

TEST_CASE("parse_run_id accepts exactly the documented form") {
    RunIdParts p;
    REQUIRE(parse_run_id("20250301-080000-memsim-my-cache-sweep-0f3a", p));
    CHECK(p.timestamp == "20250301-080000");
    CHECK(p.kind == "memsim");
    CHECK(p.slug == "my-cache-sweep");
    CHECK(p.suffix == "0f3a");
    CHECK(parse_run_id("20250301-080000-lab_2-x-abcd", p));
    CHECK_FALSE(parse_run_id("20250301-080000-memsim-0f3a", p));        // no slug
    CHECK_FALSE(parse_run_id("20250301-080000-memsim-x-0F3A", p));      // upper-case hex
    CHECK_FALSE(parse_run_id("2025030-0800000-memsim-x-0f3a", p));      // misplaced dash
    CHECK_FALSE(parse_run_id("20250301-080000-Mem-x-0f3a", p));         // kind not lower-case
    CHECK_FALSE(parse_run_id("", p));
}

TEST_SUITE_END();
