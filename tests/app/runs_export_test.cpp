// Export round trips: runs written with RunWriter, exported in every format, read back and compared value
// by value (CSV and wide CSV parsed, JSON Lines parsed, event files decoded, the zip unpacked); temporary
// paths never left behind; damaged runs exported with warnings.
#include "app/session/runs_export.hpp"
#include "app/session/runs_store.hpp"
#include "models/core/files.hpp"
#include "models/io/run_log.hpp"
#include "models/io/tfevents.hpp"
#include "models/io/zip_file.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace mlsys;
using namespace mlsys::session;
namespace fs = std::filesystem;
using nlohmann::json;

TEST_SUITE_BEGIN("app.runs");

namespace {
fs::path fresh(const std::string& name) {
    const fs::path p = fs::path(MLSYS_TEST_TMP_DIR) / ("export-" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

// RFC 4180 reader for the tests.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false, any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(field), field.clear();
        } else if (c == '\n') {
            rows.back().push_back(field), field.clear();
            rows.emplace_back();
        } else {
            field += c;
        }
        any = true;
    }
    if (any && rows.back().empty()) rows.pop_back();
    return rows;
}

struct Runs {
    fs::path root;
    std::vector<fs::path> dirs;
};

// Two runs: loss every step, val_accuracy every other step (empty fields between), tags and a note.
Runs make_runs(const std::string& name) {
    Runs r{fresh(name), {}};
    for (int k = 0; k < 2; ++k) {
        auto w = models::RunWriter::create(r.root / "runs", "train", "net " + std::to_string(k),
                                           {{"lr", k == 0 ? 0.1 : 0.01}, {"model", {{"units", 8}}}, {"seed", 7}});
        REQUIRE(w.ok());
        REQUIRE(w->declare_metrics({"loss", "val_accuracy"}).ok());
        for (int s = 0; s < 5; ++s) {
            std::vector<models::MetricValue> v{{"loss", 1.0 / (s + 1) + k}};
            if (s % 2 == 1) v.push_back({"val_accuracy", 0.1 * s + 0.05 * k});
            REQUIRE(w->append_metrics(s * 10, v).ok());
        }
        REQUIRE(w->write_artifact("model.bin", std::string("\0\1\2weights", 10)).ok());
        REQUIRE(w->finish(models::RunStatus::Finished, {{"test_accuracy", 0.9 - k * 0.1}}).ok());
        r.dirs.push_back(w->dir());
    }
    REQUIRE(add_run_tags(r.dirs[0], {"baseline"}).ok());
    REQUIRE(set_run_note(r.dirs[0], "first try, \"quoted\"\nsecond line").ok());
    return r;
}

void check_no_temporaries(const fs::path& dir) {
    for (const auto& e : fs::directory_iterator(dir)) CHECK_MESSAGE(e.path().filename().string().find(".tmp") == std::string::npos, e.path());
}
}  // namespace

TEST_CASE("export csv of final metrics and configs round trips") {
    Runs r = make_runs("csv");
    const fs::path out = r.root / "runs.csv";
    auto rep = export_runs(r.dirs, ExportFormat::Csv, out);
    REQUIRE_MESSAGE(rep.ok(), rep.error());
    CHECK(rep->n_runs == 2);
    CHECK(rep->warnings.empty());
    auto rows = parse_csv(*core::read_file(out));
    REQUIRE(rows.size() == 3);
    const std::vector<std::string> header{"id", "kind", "name", "created", "status", "duration_s", "tags", "note",
                                          "headline.test_accuracy", "final.loss", "final.val_accuracy",
                                          "config.lr", "config.model.units", "config.seed"};
    CHECK(rows[0] == header);
    CHECK(rows[1][0] == r.dirs[0].filename().string());
    CHECK(rows[1][2] == "net 0");
    CHECK(rows[1][4] == "finished");
    CHECK(rows[1][6] == "baseline");
    CHECK(rows[1][7] == "first try, \"quoted\"\nsecond line");
    CHECK(std::stod(rows[1][8]) == 0.9);
    CHECK(std::stod(rows[1][9]) == 1.0 / 5);        // last loss, step 40
    CHECK(std::stod(rows[1][10]) == 0.1 * 3);       // last val_accuracy, step 30
    CHECK(std::stod(rows[2][11]) == 0.01);
    CHECK(rows[2][12] == "8");
    check_no_temporaries(r.root);
}

TEST_CASE("export wide csv of time series round trips") {
    Runs r = make_runs("wide");
    const fs::path out = r.root / "series.csv";
    REQUIRE(export_runs(r.dirs, ExportFormat::WideCsv, out).ok());
    auto rows = parse_csv(*core::read_file(out));
    REQUIRE(rows.size() == 1 + 10);
    CHECK(rows[0] == std::vector<std::string>{"run", "wall_time", "step", "loss", "val_accuracy"});
    for (int k = 0; k < 2; ++k) {
        const auto run = models::read_run(r.dirs[k]);
        const double start = parse_iso_utc(run->created);
        REQUIRE(std::isfinite(start));
        for (int s = 0; s < 5; ++s) {
            const auto& row = rows[1 + k * 5 + s];
            CHECK(row[0] == run->id);
            CHECK(std::stod(row[1]) == start + run->metrics.wall_time_s[s]);
            CHECK(row[2] == std::to_string(s * 10));
            CHECK(std::stod(row[3]) == 1.0 / (s + 1) + k);
            if (s % 2 == 1) CHECK(std::stod(row[4]) == 0.1 * s + 0.05 * k);
            else CHECK(row[4].empty());
        }
    }
    CHECK(parse_iso_utc("2025-03-01T08:30:15.123Z") == 1740817815.123);
    CHECK(std::isnan(parse_iso_utc("yesterday")));
}

TEST_CASE("export jsonl round trips") {
    Runs r = make_runs("jsonl");
    const fs::path out = r.root / "runs.jsonl";
    REQUIRE(export_runs(r.dirs, ExportFormat::Jsonl, out).ok());
    const std::string text = *core::read_file(out);
    std::vector<json> lines;
    size_t start = 0;
    for (size_t p; (p = text.find('\n', start)) != std::string::npos; start = p + 1) lines.push_back(json::parse(text.substr(start, p - start)));
    REQUIRE(lines.size() == 2);
    const json& j = lines[0];
    CHECK(j["id"] == r.dirs[0].filename().string());
    CHECK(j["tags"] == json::array({"baseline"}));
    CHECK(j["config"]["lr"] == 0.1);
    CHECK(j["headline"]["test_accuracy"] == 0.9);
    CHECK(j["metrics"]["step"] == json::array({0, 10, 20, 30, 40}));
    CHECK(j["metrics"]["values"]["loss"][2].get<double>() == 1.0 / 3);
    CHECK(j["metrics"]["values"]["val_accuracy"][0].is_null());
    CHECK(j["metrics"]["values"]["val_accuracy"][1].get<double>() == 0.1);
    CHECK(j["final_metrics"]["loss"].get<double>() == 0.2);
    CHECK(j["artifacts"] == json::array({"model.bin"}));
    CHECK(j["events"][0]["type"] == "run_started");
}

TEST_CASE("export tfevents round trips through the event-file reader") {
    Runs r = make_runs("tfevents");
    const fs::path out = r.root / "tb";
    REQUIRE(export_runs(r.dirs, ExportFormat::TfEvents, out).ok());
    for (int k = 0; k < 2; ++k) {
        const auto run = models::read_run(r.dirs[k]);
        const fs::path sub = out / run->id;
        REQUIRE(fs::is_directory(sub));
        std::vector<fs::path> files(fs::directory_iterator(sub), fs::directory_iterator{});
        REQUIRE(files.size() == 1);
        CHECK(files[0].filename().string().rfind("events.out.tfevents.", 0) == 0);
        auto ev = models::read_tfevents(*core::read_file(files[0]));
        REQUIRE_MESSAGE(ev.ok(), ev.error());
        CHECK(ev->file_version == "brain.Event:2");
        REQUIRE(ev->points.size() == 5 + 2);  // 5 losses, 2 validation values
        const double start = parse_iso_utc(run->created);
        CHECK(ev->points[0].tag == "loss");
        CHECK(ev->points[0].value == 1.0f + k);
        CHECK(ev->points[0].wall_time_s == start + run->metrics.wall_time_s[0]);
        CHECK(ev->points[2].tag == "val_accuracy");
        CHECK(ev->points[2].step == 10);
        CHECK(ev->points[2].value == static_cast<float>(0.1 + 0.05 * k));
    }
    // A second export into the same, non-empty directory is refused and changes nothing.
    auto again = export_runs(r.dirs, ExportFormat::TfEvents, out);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error() == out.string() + ": already exists; tfevents export writes a new directory (choose another --out)");
    check_no_temporaries(r.root);
}

TEST_CASE("export zip bundle holds every file of every run") {
    Runs r = make_runs("zip");
    const fs::path out = r.root / "bundle.zip";
    REQUIRE(export_runs(r.dirs, ExportFormat::Zip, out).ok());
    auto entries = models::read_zip(*core::read_file(out));
    REQUIRE_MESSAGE(entries.ok(), entries.error());
    int n_files = 0;
    for (const auto& d : r.dirs)
        for (const auto& e : fs::recursive_directory_iterator(d))
            if (e.is_regular_file()) ++n_files;
    CHECK(entries->size() == static_cast<size_t>(n_files));
    for (const auto& e : *entries) {
        const fs::path original = r.root / "runs" / e.name;
        CHECK_MESSAGE(e.bytes == *core::read_file(original), e.name);
    }
    check_no_temporaries(r.root);
}

TEST_CASE("export html report embeds charts and the config diff") {
    Runs r = make_runs("html");
    const fs::path out = r.root / "report.html";
    REQUIRE(export_runs(r.dirs, ExportFormat::Html, out).ok());
    const std::string html = *core::read_file(out);
    size_t n_images = 0;
    for (size_t p = 0; (p = html.find("src=\"data:image/png;base64,iVBORw0KGgo", p)) != std::string::npos; ++p) ++n_images;
    CHECK(n_images == 2 + 2 * 2);  // two overlaid comparison charts, then two charts per run
    CHECK(html.find("<td><code>lr</code></td><td>0.1</td><td>0.01</td>") != std::string::npos);
    CHECK(html.find("<code>seed</code>") == std::string::npos);  // equal values are not in the diff
    CHECK(html.find("first try, &quot;quoted&quot;") != std::string::npos);
}

TEST_CASE("damaged runs export what is readable with warnings") {
    Runs r = make_runs("damaged");
    std::ofstream(r.dirs[1] / "metrics.csv", std::ios::app) << "50,9.9,0.1";  // cut short
    auto rep = export_runs(r.dirs, ExportFormat::WideCsv, r.root / "w.csv");
    REQUIRE(rep.ok());
    REQUIRE(rep->warnings.size() == 1);
    CHECK(rep->warnings[0].rfind(r.dirs[1].filename().string() + ": metrics.csv:7: truncated last line", 0) == 0);
    CHECK(parse_csv(*core::read_file(r.root / "w.csv")).size() == 11);
    CHECK(parse_export_format("xls").error() == "unknown export format 'xls' (csv, widecsv, jsonl, tfevents, zip or html)");
    auto missing = export_runs({r.root / "nope"}, ExportFormat::Csv, r.root / "x.csv");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error() == (r.root / "nope").string() + ": not a run directory");
    CHECK_FALSE(fs::exists(r.root / "x.csv"));
}
