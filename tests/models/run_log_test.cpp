// RunWriter round trips through read_run(): directory layout and id, config.json, metrics (exact values,
// blanks, segments when new names appear), events, artifacts, summary, unique ids, and the lock that tells
// a running run from an incomplete one.
#include "models/io/run_log.hpp"
#include "models/io/run_reader.hpp"

#include "models/core/files.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

using namespace mlsys::models;
namespace fs = std::filesystem;

TEST_SUITE_BEGIN("models.runs");

namespace {
fs::path fresh_root(const std::string& name) {
    const fs::path dir = fs::path(MLSYS_TEST_TMP_DIR) / ("runlog-" + name);
    fs::remove_all(dir);
    return dir;
}

std::string slurp(const fs::path& p) {
    auto text = mlsys::core::read_file(p);
    REQUIRE_MESSAGE(text.ok(), text.error());
    return *text;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

RunWriter make_run(const fs::path& root, const std::string& name = "test run") {
    auto run = RunWriter::create(root, "train", name, {{"model", "mlp"}, {"seed", 7}, {"lr", 0.01}});
    REQUIRE_MESSAGE(run.ok(), run.error());
    return std::move(*run);
}
}  // namespace

TEST_CASE("RunWriter::create makes the directory and id and config.json and empty logs") {
    const fs::path root = fresh_root("create");
    RunWriter run = make_run(root, "MLP on Fashion-MNIST!");
    RunIdParts parts;
    REQUIRE(parse_run_id(run.id(), parts));
    CHECK(parts.kind == "train");
    CHECK(parts.slug == "mlp-on-fashion-mnist");
    CHECK(run.dir() == root / run.id());
    CHECK(fs::is_directory(run.dir() / "artifacts"));
    CHECK(fs::file_size(run.dir() / "metrics.csv") == 0);

    const auto config = nlohmann::json::parse(slurp(run.dir() / "config.json"));
    CHECK(config["format"] == "mlsys-run-config");
    CHECK(config["version"] == 1);
    CHECK(config["id"] == run.id());
    CHECK(config["kind"] == "train");
    CHECK(config["name"] == "MLP on Fashion-MNIST!");
    CHECK(config["config"] == nlohmann::json{{"model", "mlp"}, {"seed", 7}, {"lr", 0.01}});
    const std::string created = config["created"];
    CHECK(created.size() == 24);  // 2025-01-02T03:04:05.678Z
    CHECK(created.back() == 'Z');
    // The id's timestamp is the created time, compacted.
    CHECK(parts.timestamp == created.substr(0, 4) + created.substr(5, 2) + created.substr(8, 2) + "-" +
                                 created.substr(11, 2) + created.substr(14, 2) + created.substr(17, 2));

    const auto events = lines_of(slurp(run.dir() / "events.jsonl"));
    REQUIRE(events.size() == 1);
    const auto started = nlohmann::json::parse(events[0]);
    CHECK(started["type"] == "run_started");
    CHECK(started["time"].get<std::string>().size() == 24);
    CHECK(started["wall_time_s"].is_number());

    auto bad_kind = RunWriter::create(root, "Train Run", "x", nlohmann::json::object());
    REQUIRE_FALSE(bad_kind.ok());
    CHECK(bad_kind.error() == "run kind 'Train Run' must be 1-32 lower-case letters, digits or '_' (e.g. train, memsim)");
    auto bad_config = RunWriter::create(root, "train", "x", nlohmann::json::array({1, 2}));
    REQUIRE_FALSE(bad_config.ok());
    CHECK(bad_config.error() == "run config must be a JSON object");
    CHECK(run_slug("  --Hello, World!! v2 ") == "hello-world-v2");
    CHECK(run_slug("???") == "run");
    CHECK(run_slug(std::string(100, 'a')).size() == 40);
}

TEST_CASE("metrics: the first row fixes the header and values round-trip exactly and blanks read as NaN") {
    const fs::path root = fresh_root("metrics");
    RunWriter run = make_run(root);
    REQUIRE(run.append_metrics(0, {{"loss", 2.302585092994046}, {"acc", 0.1}}).ok());
    REQUIRE(run.append_metrics(1, {{"acc", 1.0 / 3.0}}).ok());  // loss missing: empty field
    REQUIRE(run.append_metrics(2, {{"loss", NAN}, {"acc", INFINITY}}).ok());

    const auto lines = lines_of(slurp(run.dir() / "metrics.csv"));
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "step,wall_time_s,loss,acc");
    CHECK(lines[1].rfind("0,", 0) == 0);
    CHECK(lines[1].ends_with(",2.302585092994046,0.1"));
    CHECK(lines[2].ends_with(",,0.3333333333333333"));
    CHECK(lines[3].ends_with(",nan,inf"));

    auto rec = read_run(run.dir());
    REQUIRE(rec.ok());
    CHECK(rec->damage.empty());
    CHECK(rec->metrics.columns == std::vector<std::string>{"loss", "acc"});
    REQUIRE(rec->metrics.n_rows() == 3);
    CHECK(rec->metrics.step == std::vector<int64_t>{0, 1, 2});
    const auto& loss = *rec->metrics.column("loss");
    const auto& acc = *rec->metrics.column("acc");
    CHECK(loss[0] == 2.302585092994046);
    CHECK(std::isnan(loss[1]));
    CHECK(std::isnan(loss[2]));
    CHECK(acc[1] == 1.0 / 3.0);
    CHECK(std::isinf(acc[2]));
    CHECK(rec->metrics.wall_time_s[2] >= rec->metrics.wall_time_s[0]);
    CHECK(rec->metrics.column("nope") == nullptr);

    auto st = run.append_metrics(3, {{"a,b", 1.0}});
    REQUIRE_FALSE(st.ok());
    CHECK(st.error() == "metric name 'a,b' contains ',', '\"' or a line break");
    CHECK(run.append_metrics(3, {{"step", 1.0}}).error() == "metric name 'step' is reserved");
    CHECK(run.append_metrics(3, {{"x", 1.0}, {"x", 2.0}}).error() == "metric 'x' appears twice in one row");
}

TEST_CASE("metrics: a new name starts metrics-2.csv and the reader merges the segments") {
    const fs::path root = fresh_root("segments");
    RunWriter run = make_run(root);
    REQUIRE(run.append_metrics(0, {{"loss", 1.5}}).ok());
    REQUIRE(run.append_metrics(1, {{"loss", 1.0}, {"val_acc", 0.75}}).ok());
    REQUIRE(run.append_metrics(2, {{"loss", 0.5}}).ok());
    CHECK(lines_of(slurp(run.dir() / "metrics.csv")).size() == 2);
    const auto seg2 = lines_of(slurp(run.dir() / "metrics-2.csv"));
    REQUIRE(seg2.size() == 3);
    CHECK(seg2[0] == "step,wall_time_s,loss,val_acc");
    CHECK(seg2[1].ends_with(",1,0.75"));
    CHECK(seg2[2].ends_with(",0.5,"));

    auto rec = read_run(run.dir());
    REQUIRE(rec.ok());
    CHECK(rec->damage.empty());
    CHECK(rec->metrics.columns == std::vector<std::string>{"loss", "val_acc"});
    CHECK(rec->metrics.step == std::vector<int64_t>{0, 1, 2});
    CHECK(*rec->metrics.column("loss") == std::vector<double>{1.5, 1.0, 0.5});
    const auto& val = *rec->metrics.column("val_acc");
    CHECK(std::isnan(val[0]));
    CHECK(val[1] == 0.75);
    bool logged = false;
    for (const auto& e : rec->events) logged |= e["type"] == "metrics_segment" && e["file"] == "metrics-2.csv";
    CHECK(logged);
}

TEST_CASE("metrics: declared columns let rows of different rates share one file") {
    const fs::path root = fresh_root("declare");
    RunWriter run = make_run(root);
    REQUIRE(run.declare_metrics({"loss", "val_acc", "lr"}).ok());
    REQUIRE(run.append_metrics(10, {{"loss", 0.25}}).ok());
    REQUIRE(run.append_metrics(20, {{"val_acc", 0.5}, {"loss", 0.125}}).ok());
    const auto lines = lines_of(slurp(run.dir() / "metrics.csv"));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "step,wall_time_s,loss,val_acc,lr");
    CHECK(lines[1].ends_with(",0.25,,"));
    CHECK(lines[2].ends_with(",0.125,0.5,"));
    CHECK_FALSE(fs::exists(run.dir() / "metrics-2.csv"));
    CHECK(run.declare_metrics({"x"}).error() == "run " + run.id() + ": declare_metrics must come before the first metrics row");

    RunWriter other = make_run(root);
    CHECK(other.declare_metrics({"a", "a"}).error() == "metric name 'a' is declared twice");
    CHECK(other.declare_metrics({"wall_time_s"}).error() == "metric name 'wall_time_s' is reserved");
}

TEST_CASE("events and artifacts and finish round-trip and a finished run refuses appends") {
    const fs::path root = fresh_root("finish");
    RunWriter run = make_run(root);
    REQUIRE(run.append_event("epoch_end", {{"epoch", 1}, {"loss", 0.5}, {"note", "line\nbreak \"quoted\""}}).ok());
    CHECK(run.append_event("x", {{"time", 1}}).error() == "event 'x': field 'time' is reserved");
    CHECK(run.append_event("x", nlohmann::json::array()).error() == "event 'x': fields must be a JSON object");

    const std::string model_bytes("\x00\x01model\xff", 9);
    REQUIRE(run.write_artifact("model.mlsys", model_bytes).ok());
    REQUIRE(run.write_artifact("plots/loss.png", "png").ok());
    CHECK(run.write_artifact("../escape", "x").error() == "artifact name '../escape' must not contain '.' or '..'");
    CHECK(run.write_artifact("/abs", "x").error() == "artifact name '/abs' must be a non-empty relative path");
    auto path = run.artifact_path("weights/layer0.bin");
    REQUIRE(path.ok());
    CHECK(*path == run.dir() / "artifacts" / "weights" / "layer0.bin");
    CHECK(fs::is_directory(path->parent_path()));
    CHECK(slurp(run.dir() / "artifacts" / "model.mlsys") == model_bytes);

    CHECK(run.finish(RunStatus::Running).error() == "run " + run.id() + ": finish() takes finished, failed or cancelled, not running");
    REQUIRE(run.finish(RunStatus::Finished, {{"test_accuracy", 0.875}}).ok());
    CHECK(run.is_finished());
    CHECK(run.append_metrics(1, {{"loss", 1.0}}).error() == "run " + run.id() + " is already finished");
    CHECK(run.append_event("late").error() == "run " + run.id() + " is already finished");
    CHECK_FALSE(run.finish(RunStatus::Failed).ok());

    const auto summary = nlohmann::json::parse(slurp(run.dir() / "summary.json"));
    CHECK(summary["format"] == "mlsys-run-summary");
    CHECK(summary["version"] == 1);
    CHECK(summary["status"] == "finished");
    CHECK(summary["headline"]["test_accuracy"] == 0.875);
    CHECK(summary["n_events"] == 5);  // run_started, epoch_end, 2 artifacts, run_finished
    CHECK(summary["duration_s"].get<double>() >= 0.0);

    auto rec = read_run(run.dir());
    REQUIRE(rec.ok());
    CHECK(rec->damage.empty());
    CHECK(rec->status == RunStatus::Finished);
    CHECK(rec->kind == "train");
    CHECK(rec->name == "test run");
    CHECK(rec->format_version == 1);
    CHECK(rec->config["seed"] == 7);
    CHECK(rec->headline["test_accuracy"] == 0.875);
    CHECK(rec->duration_s == summary["duration_s"].get<double>());
    CHECK(rec->artifacts == std::vector<std::string>{"model.mlsys", "plots/loss.png"});
    REQUIRE(rec->events.size() == 5);
    CHECK(rec->events[1]["type"] == "epoch_end");
    CHECK(rec->events[1]["note"] == "line\nbreak \"quoted\"");
    CHECK(rec->events[2]["type"] == "artifact");
    CHECK(rec->events[2]["bytes"] == 9);
    CHECK(rec->events[4]["status"] == "finished");

    RunWriter failed = make_run(root);
    REQUIRE(failed.finish(RunStatus::Failed, nlohmann::json::object(), "dataset missing").ok());
    auto frec = read_run(failed.dir());
    REQUIRE(frec.ok());
    CHECK(frec->status == RunStatus::Failed);
    CHECK(frec->message == "dataset missing");
}

TEST_CASE("runs started in the same second get distinct ids and a live writer reads as running") {
    const fs::path root = fresh_root("unique");
    std::set<std::string> ids;
    std::vector<RunWriter> runs;
    for (int i = 0; i < 40; ++i) {
        runs.push_back(make_run(root, "same name"));
        ids.insert(runs.back().id());
    }
    CHECK(ids.size() == 40);
    CHECK(list_runs(root).size() == 40);

    auto live = read_run(runs[0].dir());
    REQUIRE(live.ok());
    CHECK(live->status == RunStatus::Running);
    CHECK(live->damage.empty());
    const fs::path dir = runs[0].dir();
    runs.clear();  // writers closed without finish(): as after a crash
    auto gone = read_run(dir);
    REQUIRE(gone.ok());
    CHECK(gone->status == RunStatus::Incomplete);
    CHECK(gone->damage.empty());
    CHECK(gone->duration_s >= 0.0);  // from the last event's wall time
    CHECK(std::string(to_string(gone->status)) == "incomplete");
    CHECK(parse_run_status("cancelled") == RunStatus::Cancelled);
    CHECK_FALSE(parse_run_status("done").has_value());
}

TEST_SUITE_END();
