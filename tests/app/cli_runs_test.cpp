// `mlsyslab runs ...` end to end through the built executable, on runs made by `mlsyslab train` on the
// playground spiral: list and filters, show, compare, tag/rename/note, export, query, the trash, re-run,
// a corrupt index and bad input.
#include "process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using mlsys::test::run_command;
using nlohmann::json;

TEST_SUITE_BEGIN("app.cli");

namespace {
const std::string kExe = MLSYS_EXE;

struct CliRuns {
    fs::path dir;
    std::string runs_flag;
    std::vector<std::string> ids;  // oldest first
    json cli(const std::string& args, int expect = 0) {
        auto r = run_command(kExe + " runs " + args + " --json" + runs_flag, dir / "io");
        REQUIRE_MESSAGE(r.exit_code == expect, args << "\n" << r.err);
        return expect == 0 ? json::parse(r.out) : json();
    }
};

// Three small training runs with learning rates 0.003, 0.01 and 0.03 (well under a second each), in a
// directory of the test's own: CTest runs each test case as its own process, possibly in parallel.
CliRuns fixture(const std::string& name) {
    return [&] {
        CliRuns c;
        c.dir = fs::path(MLSYS_TEST_TMP_DIR) / ("cli-runs-" + name);
        fs::remove_all(c.dir);
        fs::create_directories(c.dir / "io");
        c.runs_flag = " --runs " + (c.dir / "runs").string();
        for (const char* lr : {"0.003", "0.01", "0.03"}) {
            auto r = run_command(kExe + " train --model playground --dataset spiral --samples 200 --epochs 2 --lr " + lr +
                                     " --json" + c.runs_flag, c.dir / "io");
            REQUIRE_MESSAGE(r.exit_code == 0, r.err);
            c.ids.push_back(fs::path(json::parse(r.out)["run_dir"].get<std::string>()).filename().string());
        }
        return c;
    }();
}
}  // namespace

TEST_CASE("runs list shows training runs newest first and filters them") {
    CliRuns f = fixture("list");
    json all = f.cli("list");
    REQUIRE(all["runs"].size() == 3);
    CHECK(all["runs"][0]["id"] == f.ids[2]);
    CHECK(all["runs"][2]["id"] == f.ids[0]);
    CHECK(all["runs"][0]["kind"] == "train");
    CHECK(all["runs"][0]["status"] == "finished");
    CHECK(all["runs"][0]["headline_metric"] == "test_accuracy");
    CHECK(all["runs"][0]["duration_s"].get<double>() > 0);
    json lr = f.cli("list --where learning_rate=0.01");
    REQUIRE(lr["runs"].size() == 1);
    CHECK(lr["runs"][0]["id"] == f.ids[1]);
    CHECK(f.cli("list --where \"learning_rate>0.005\"")["runs"].size() == 2);
    CHECK(f.cli("list --kind memsim")["runs"].empty());
    CHECK(f.cli("list --since 2000-01-01 --search spiral")["runs"].size() == 3);
    auto table = run_command(kExe + " runs list" + f.runs_flag, f.dir / "io");
    CHECK(table.exit_code == 0);
    CHECK(table.out.rfind("ID ", 0) == 0);
    CHECK(table.out.find(f.ids[1]) != std::string::npos);
}

TEST_CASE("runs tag rename note and show") {
    CliRuns f = fixture("tag");
    CHECK(f.cli("tag " + f.ids[0] + " slow baseline")["tags"] == json::array({"baseline", "slow"}));
    f.cli("rename " + f.ids[0] + " \"lr sweep low\"");
    f.cli("note " + f.ids[0] + " \"too slow to converge\"");
    json tagged = f.cli("list --tag slow");
    REQUIRE(tagged["runs"].size() == 1);
    CHECK(tagged["runs"][0]["name"] == "lr sweep low");
    json show = f.cli("show " + f.ids[0]);
    CHECK(show["note"] == "too slow to converge");
    CHECK(show["config"]["train"]["optimizer"]["learning_rate"] == 0.003);
    CHECK(show["metrics"].size() >= 2);
    CHECK(show["artifacts"] == json::array({"model.mlsys"}));
    CHECK(show["damage"].empty());
    f.cli("tag " + f.ids[0] + " slow --remove");
    CHECK(f.cli("list --tag slow")["runs"].empty());
    auto bad = run_command(kExe + " runs tag " + f.ids[0] + " \"two words\"" + f.runs_flag, f.dir / "io");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "mlsyslab runs tag: tag 'two words': must not contain whitespace, ',' or '\"'\n");
}

TEST_CASE("runs compare shows only differing config and final metrics") {
    CliRuns f = fixture("compare");
    json c = f.cli("compare " + f.ids[0] + " " + f.ids[1] + " " + f.ids[2]);
    REQUIRE(c["config_diff"].size() == 1);
    CHECK(c["config_diff"][0]["key"] == "train.optimizer.learning_rate");
    CHECK(c["config_diff"][0]["values"] == json::array({0.003, 0.01, 0.03}));
    bool has_test_accuracy = false;
    for (const auto& m : c["final_metrics"])
        if (m["metric"] == "test_accuracy") has_test_accuracy = m["values"].size() == 3;
    CHECK(has_test_accuracy);
    auto one = run_command(kExe + " runs compare " + f.ids[0] + f.runs_flag, f.dir / "io");
    CHECK(one.exit_code == 2);
}

TEST_CASE("runs export and query") {
    CliRuns f = fixture("export");
    const fs::path csv = f.dir / "out" / "runs.csv";
    json e = f.cli("export --format csv --all --kind train --out " + csv.string());
    CHECK(e["runs"] == 3);
    std::ifstream in(csv);
    int lines = 0;
    for (std::string l; std::getline(in, l);) ++lines;
    CHECK(lines == 4);
    json z = f.cli("export --format zip " + f.ids[0] + " " + f.ids[1] + " --out " + (f.dir / "out" / "b.zip").string());
    CHECK(z["runs"] == 2);
    json h = f.cli("export --format html " + f.ids[0] + " " + f.ids[1] + " " + f.ids[2] + " --out " + (f.dir / "out" / "r.html").string());
    CHECK(fs::file_size(f.dir / "out" / "r.html") > 10000);
    json q = f.cli("query \"SELECT count(*) AS n FROM runs WHERE kind = 'train'\"");
    CHECK(q["rows"][0][0] == "3");
    auto bad = run_command(kExe + " runs export --format xls " + f.ids[0] + " --out x" + f.runs_flag, f.dir / "io");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "mlsyslab runs export: unknown export format 'xls' (csv, widecsv, jsonl, tfevents, zip or html)\n");
}

TEST_CASE("runs rm moves to the trash and only --empty --yes deletes") {
    CliRuns f = fixture("trash");
    f.cli("rm " + f.ids[2]);
    CHECK(f.cli("list")["runs"].size() == 2);
    CHECK(f.cli("trash")["trash"] == json::array({f.ids[2]}));
    f.cli("restore " + f.ids[2]);
    CHECK(f.cli("list")["runs"].size() == 3);
    // A typo in any id moves nothing.
    auto typo = run_command(kExe + " runs rm " + f.ids[2] + " no-such-run" + f.runs_flag, f.dir / "io");
    CHECK(typo.exit_code == 2);
    CHECK(f.cli("list")["runs"].size() == 3);
    // A scratch run to delete for good.
    auto r = run_command(kExe + " train --model playground --dataset xor --samples 100 --epochs 1 --json" + f.runs_flag, f.dir / "io");
    REQUIRE(r.exit_code == 0);
    const std::string scratch = fs::path(json::parse(r.out)["run_dir"].get<std::string>()).filename().string();
    f.cli("rm " + scratch);
    auto no = run_command(kExe + " runs trash --empty" + f.runs_flag, f.dir / "io");
    CHECK(no.exit_code == 2);
    CHECK(no.err == "mlsyslab runs trash: --empty deletes 1 run(s) for good; add --yes to confirm\n");
    CHECK(f.cli("trash --empty --yes")["deleted"] == 1);
    CHECK(f.cli("list")["runs"].size() == 3);
}

TEST_CASE("runs rerun reproduces a training run") {
    CliRuns f = fixture("rerun");
    json r = f.cli("rerun " + f.ids[1]);
    const std::string new_id = fs::path(r["run_dir"].get<std::string>()).filename().string();
    json c = f.cli("compare " + f.ids[1] + " " + new_id);
    CHECK(c["config_diff"].empty());  // same config, seed included
    for (const auto& m : c["final_metrics"])
        if (m["metric"] == "test_accuracy") CHECK(m["values"][0] == m["values"][1]);  // deterministic training
    f.cli("rm " + new_id);
}

TEST_CASE("a corrupt index and a damaged run still list with messages") {
    CliRuns f = fixture("corrupt");
    const fs::path runs = f.dir / "runs";
    { std::ofstream(runs / ".index.sqlite", std::ios::trunc) << "garbage garbage garbage garbage garbage garbage garbage"; }
    for (const char* s : {"-wal", "-shm"}) fs::remove(runs / (std::string(".index.sqlite") + s));
    auto r = run_command(kExe + " runs list --json" + f.runs_flag, f.dir / "io");
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["runs"].size() == 3);
    CHECK(r.err.find("could not be used (file is not a database)") != std::string::npos);
    CHECK(r.err.find("rebuilt from the run directories") != std::string::npos);
    // A damaged run: config.json replaced by garbage (written aside and renamed over it, as editors and
    // copy tools do); the next listing re-reads the run and shows the reason.
    const fs::path cfg = runs / f.ids[0] / "config.json";
    const std::string saved = mlsys::test::slurp(cfg);
    { std::ofstream(cfg.string() + ".new") << "{ not json"; }
    fs::rename(cfg.string() + ".new", cfg);
    json l = f.cli("list --damaged");
    REQUIRE(l["runs"].size() == 1);
    CHECK(l["runs"][0]["damage"][0].get<std::string>().rfind("config.json: ", 0) == 0);
    auto rerun = run_command(kExe + " runs rerun " + f.ids[0] + f.runs_flag, f.dir / "io");
    CHECK(rerun.exit_code == 2);
    CHECK(rerun.err.find("config.json is damaged") != std::string::npos);
    // Overwritten in place, the file keeps its directory entry: the sync does not look (docs/RUNS.md) and
    // `runs reindex` re-reads every run.
    { std::ofstream(cfg, std::ios::trunc) << saved; }
    CHECK(f.cli("list --damaged")["runs"].size() == 1);
    REQUIRE(run_command(kExe + " runs reindex" + f.runs_flag, f.dir / "io").exit_code == 0);
    CHECK(f.cli("list --damaged")["runs"].empty());
    auto missing = run_command(kExe + " runs show nothing-like-this" + f.runs_flag, f.dir / "io");
    CHECK(missing.exit_code == 2);
    CHECK(missing.err == "mlsyslab runs show: no run matches 'nothing-like-this' in " + runs.string() + "\n");
}
