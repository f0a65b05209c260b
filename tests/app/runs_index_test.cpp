// The run store: SQLite index listing and filters, rebuild equal to the original, a corrupt index moved
// aside and rebuilt, damaged runs listed with reasons, user.json edits, the trash, lookup, config diffs.
#include "app/session/runs_compare.hpp"
#include "app/session/runs_index.hpp"
#include "app/session/runs_store.hpp"
#include "models/core/files.hpp"
#include "models/io/run_log.hpp"
#include "process.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace mlsys;
using namespace mlsys::session;
namespace fs = std::filesystem;
using nlohmann::json;

TEST_SUITE_BEGIN("app.runs");

namespace {
fs::path fresh(const std::string& name) {
    const fs::path p = fs::path(MLSYS_TEST_TMP_DIR) / ("runs-" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

// A finished run whose config.json "created" is set to `created` so the order is known.
std::string make_run(const fs::path& root, const std::string& kind, const std::string& name, const json& config,
                     const std::string& created, double lr_scale) {
    auto w = models::RunWriter::create(root, kind, name, config);
    REQUIRE_MESSAGE(w.ok(), w.error());
    for (int s = 0; s < 4; ++s) REQUIRE(w->append_metrics(s, {{"loss", lr_scale * (4 - s)}, {"accuracy", 0.2 * s}}).ok());
    REQUIRE(w->finish(models::RunStatus::Finished, {{"test_accuracy", 0.5 + lr_scale / 10}}).ok());
    const fs::path cfg = w->dir() / "config.json";
    json j = json::parse(*core::read_file(cfg));
    j["created"] = created;
    REQUIRE(core::write_file_atomic(cfg, j.dump(2)).ok());
    return w->id();
}

struct Fixture {
    fs::path root;
    std::string a, b, c;
    explicit Fixture(const std::string& name) : root(fresh(name)) {
        a = make_run(root, "train", "mlp spiral", {{"dataset", "spiral"}, {"train", {{"lr", 0.1}, {"batch", 32}}}},
                     "2025-03-01T08:00:00.000Z", 1.0);
        b = make_run(root, "train", "mlp xor", {{"dataset", "xor"}, {"train", {{"lr", 0.01}, {"batch", 32}}}},
                     "2025-03-02T08:00:00.000Z", 2.0);
        c = make_run(root, "memsim", "cache sweep", {{"cache", {{"size_bytes", 4096}}}}, "2025-03-03T08:00:00.000Z", 3.0);
    }
};

std::vector<std::string> ids(const std::vector<RunListing>& l) {
    std::vector<std::string> out;
    for (const auto& r : l) out.push_back(r.id);
    return out;
}
}  // namespace

TEST_CASE("index lists runs newest first with listing fields") {
    Fixture f("list");
    auto index = RunIndex::open(f.root);
    REQUIRE_MESSAGE(index.ok(), index.error());
    CHECK(index->notices().empty());
    auto all = index->list();
    REQUIRE(all.ok());
    CHECK(ids(*all) == std::vector<std::string>{f.c, f.b, f.a});
    const RunListing& b = (*all)[1];
    CHECK(b.kind == "train");
    CHECK(b.name == "mlp xor");
    CHECK(b.status == "finished");
    CHECK(b.created == "2025-03-02T08:00:00.000Z");
    CHECK(b.headline_metric == "test_accuracy");
    CHECK(b.headline_value == doctest::Approx(0.7));
    CHECK(b.n_metric_rows == 4);
    CHECK(b.final_metrics.at("loss") == 2.0);    // 2 x (4 - 3)
    CHECK(b.final_metrics.at("accuracy") == doctest::Approx(0.6));
    CHECK(b.config["train"]["lr"] == 0.01);
    CHECK(b.damage.empty());
    CHECK(index->kinds() == std::vector<std::string>{"memsim", "train"});
}

TEST_CASE("index filters by kind tag date text and config value") {
    Fixture f("filter");
    REQUIRE(add_run_tags(f.root / f.a, {"baseline", "hw1"}).ok());
    REQUIRE(add_run_tags(f.root / f.b, {"hw1"}).ok());
    auto index = RunIndex::open(f.root);
    REQUIRE(index.ok());
    auto q = [&](auto edit) {
        RunFilter filter;
        edit(filter);
        auto l = index->list(filter);
        REQUIRE_MESSAGE(l.ok(), l.error());
        return ids(*l);
    };
    CHECK(q([&](RunFilter& r) { r.kinds = {"memsim"}; }) == std::vector<std::string>{f.c});
    CHECK(q([&](RunFilter& r) { r.tags = {"hw1"}; }) == std::vector<std::string>{f.b, f.a});
    CHECK(q([&](RunFilter& r) { r.tags = {"hw1", "baseline"}; }) == std::vector<std::string>{f.a});
    CHECK(q([&](RunFilter& r) { r.since = "2025-03-02"; }) == std::vector<std::string>{f.c, f.b});
    CHECK(q([&](RunFilter& r) { r.until = "2025-03-02"; }) == std::vector<std::string>{f.b, f.a});
    CHECK(q([&](RunFilter& r) { r.since = "2025-03-02"; r.until = "2025-03-02"; }) == std::vector<std::string>{f.b});
    CHECK(q([&](RunFilter& r) { r.text = "XOR"; }) == std::vector<std::string>{f.b});
    CHECK(q([&](RunFilter& r) { r.text = "baseline"; }) == std::vector<std::string>{f.a});
    auto cond = [](const std::string& t) { return *parse_config_condition(t); };
    CHECK(q([&](RunFilter& r) { r.config = {cond("train.lr=0.1")}; }) == std::vector<std::string>{f.a});
    CHECK(q([&](RunFilter& r) { r.config = {cond("lr<0.05")}; }) == std::vector<std::string>{f.b});  // by the key's last part
    CHECK(q([&](RunFilter& r) { r.config = {cond("lr>=0.01")}; }) == std::vector<std::string>{f.b, f.a});
    CHECK(q([&](RunFilter& r) { r.config = {cond("dataset=spiral")}; }) == std::vector<std::string>{f.a});
    CHECK(q([&](RunFilter& r) { r.config = {cond("dataset~pir")}; }) == std::vector<std::string>{f.a});
    CHECK(q([&](RunFilter& r) { r.config = {cond("cache.size_bytes>1000")}; }) == std::vector<std::string>{f.c});
    CHECK(q([&](RunFilter& r) { r.config = {cond("batch=32"), cond("dataset!=spiral")}; }) == std::vector<std::string>{f.b});
    CHECK(q([&](RunFilter& r) { r.limit = 1; }) == std::vector<std::string>{f.c});
    auto bad = parse_config_condition("no operator");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == "'no operator': expected KEY=VALUE (or !=, <, <=, >, >=, ~ for contains)");
    auto le = parse_config_condition("a.b<=3");
    CHECK((le->key == "a.b" && le->op == "<=" && le->value == "3"));
}

TEST_CASE("index rebuilt from the directories equals the original") {
    Fixture f("rebuild");
    REQUIRE(add_run_tags(f.root / f.a, {"x"}).ok());
    REQUIRE(set_run_note(f.root / f.b, "lr too low").ok());
    auto index = RunIndex::open(f.root);
    REQUIRE(index.ok());
    auto before = index->list();
    REQUIRE(before.ok());
    auto raw_before = index->query("SELECT run_id, key, value, num FROM config_values ORDER BY run_id, key");
    REQUIRE(raw_before.ok());
    auto r = index->rebuild();
    REQUIRE(r.ok());
    CHECK(r->n_added == 3);
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1) {  // and from nothing: the file deleted
            index = mlsys::core::Result<RunIndex>(mlsys::core::fail("closed"));  // release the database first
            fs::remove(f.root / kRunIndexFile);
            index = RunIndex::open(f.root);
            REQUIRE(index.ok());
        }
        auto after = index->list();
        REQUIRE(after.ok());
        REQUIRE(after->size() == before->size());
        for (size_t i = 0; i < before->size(); ++i) {
            const auto &x = (*before)[i], &y = (*after)[i];
            CHECK(x.id == y.id);
            CHECK(x.name == y.name);
            CHECK(x.created == y.created);
            CHECK(x.status == y.status);
            CHECK(x.duration_s == y.duration_s);
            CHECK(x.tags == y.tags);
            CHECK(x.note == y.note);
            CHECK(x.final_metrics == y.final_metrics);
            CHECK(x.config == y.config);
            CHECK(x.headline == y.headline);
        }
        auto raw_after = index->query("SELECT run_id, key, value, num FROM config_values ORDER BY run_id, key");
        REQUIRE(raw_after.ok());
        CHECK(raw_after->rows == raw_before->rows);
    }
}

TEST_CASE("a corrupt index is moved aside and rebuilt without losing runs") {
    Fixture f("corrupt");
    { REQUIRE(RunIndex::open(f.root).ok()); }
    std::ofstream(f.root / kRunIndexFile, std::ios::trunc) << "this is not a database, just garbage bytes.........";
    for (const char* s : {"-wal", "-shm"}) fs::remove(f.root / (std::string(kRunIndexFile) + s));
    auto index = RunIndex::open(f.root);
    REQUIRE_MESSAGE(index.ok(), index.error());
    REQUIRE(index->notices().size() == 1);
    CHECK(index->notices()[0].find("could not be used (file is not a database)") != std::string::npos);
    CHECK(index->notices()[0].find("moved to .index.sqlite.corrupt") != std::string::npos);
    CHECK(fs::exists(f.root / ".index.sqlite.corrupt"));
    CHECK(index->list()->size() == 3);
    CHECK(fs::is_directory(f.root / f.a));
}

TEST_CASE("sync picks up new edited and vanished runs") {
    Fixture f("sync");
    auto index = RunIndex::open(f.root);
    REQUIRE(index.ok());
    REQUIRE(set_run_name(f.root / f.a, "renamed").ok());
    REQUIRE(move_to_trash(f.root, f.c).ok());
    auto s = index->sync();
    REQUIRE(s.ok());
    CHECK(s->n_runs == 2);
    CHECK(s->n_updated == 1);
    CHECK(s->n_removed == 1);
    auto l = index->list();
    CHECK(ids(*l) == std::vector<std::string>{f.b, f.a});
    CHECK((*l)[1].name == "renamed");
    auto again = index->sync();
    CHECK((again->n_added + again->n_updated + again->n_removed) == 0);
}

TEST_CASE("sync sees a user.json created and then edited in place") {
    Fixture f("user_in_place");
    auto index = RunIndex::open(f.root);
    REQUIRE(index.ok());
    // Created (a new directory entry): the run's directory time changes.
    REQUIRE(add_run_tags(f.root / f.b, {"first"}).ok());
    auto s = index->sync();
    REQUIRE(s.ok());
    CHECK(s->n_updated == 1);
    // Edited in place by hand, as a text editor writing in place would: the directory's time stays, the
    // file's size and time change, and only runs that have a user.json are checked for it.
    const fs::path user = f.root / f.b / kRunUserFile;
    std::string text = mlsys::test::slurp(user);
    const size_t at = text.find("\"first\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 7, "\"edited-by-hand\"");
    std::ofstream(user, std::ios::trunc) << text;
    s = index->sync();
    REQUIRE(s.ok());
    CHECK(s->n_updated == 1);
    auto l = index->list();
    REQUIRE(l.ok());
    bool seen = false;
    for (const auto& r : *l)
        if (r.id == f.b) seen = r.tags == std::vector<std::string>{"edited-by-hand"};
    CHECK(seen);
    CHECK(index->sync()->n_updated == 0);
}

TEST_CASE("damaged runs are listed with their reasons") {
    Fixture f("damaged");
    std::ofstream(f.root / f.a / "metrics.csv", std::ios::app) << "4,1.5,0.2";  // no newline: interrupted append
    std::ofstream(f.root / f.b / "config.json", std::ios::trunc) << "{ garbage";
    fs::remove(f.root / f.c / "events.jsonl");
    std::ofstream(f.root / f.c / "user.json") << "[1,2]";
    auto index = RunIndex::open(f.root);
    REQUIRE(index.ok());
    RunFilter damaged;
    damaged.damaged_only = true;
    auto l = index->list(damaged);
    REQUIRE(l.ok());
    REQUIRE(l->size() == 3);
    auto find = [&](const std::string& id) {
        for (const auto& r : *l)
            if (r.id == id) return r;
        FAIL("missing " << id);
        return RunListing{};
    };
    const RunListing a = find(f.a), b = find(f.b), c = find(f.c);
    REQUIRE(a.damage.size() == 1);
    CHECK(a.damage[0].rfind("metrics.csv:6: truncated last line", 0) == 0);
    CHECK(a.n_metric_rows == 4);  // the complete rows are still there
    REQUIRE(b.damage.size() == 1);
    CHECK(b.damage[0].rfind("config.json: ", 0) == 0);
    CHECK(b.kind == "train");  // from the id
    CHECK(b.final_metrics.at("loss") == 2.0);
    REQUIRE(c.damage.size() == 2);
    CHECK(c.damage[0].rfind("events.jsonl: missing", 0) == 0);
    CHECK(c.damage[1] == "user.json: not an object with \"format\": \"mlsys-run-user\"");
    // The damaged user.json is not overwritten by an edit.
    auto st = add_run_tags(f.root / f.c, {"t"});
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().find("was not overwritten") != std::string::npos);
    CHECK(*core::read_file(f.root / f.c / "user.json") == "[1,2]");
}

TEST_CASE("user edits and the trash") {
    Fixture f("trash");
    REQUIRE(add_run_tags(f.root / f.a, {"b", "a", "b"}).ok());
    CHECK(read_run_user(f.root / f.a)->tags == std::vector<std::string>{"a", "b"});
    REQUIRE(remove_run_tags(f.root / f.a, {"a"}).ok());
    CHECK(read_run_user(f.root / f.a)->tags == std::vector<std::string>{"b"});
    CHECK(add_run_tags(f.root / f.a, {"has space"}).error() == "tag 'has space': must not contain whitespace, ',' or '\"'");
    REQUIRE(move_to_trash(f.root, f.a).ok());
    CHECK_FALSE(fs::exists(f.root / f.a));
    CHECK(list_trash(f.root) == std::vector<std::string>{f.a});
    CHECK(models::list_runs(f.root).size() == 2);  // .trash is not a run
    REQUIRE(restore_from_trash(f.root, f.a).ok());
    CHECK(fs::exists(f.root / f.a / "user.json"));
    REQUIRE(move_to_trash(f.root, f.a).ok());
    REQUIRE(move_to_trash(f.root, f.b).ok());
    CHECK(move_to_trash(f.root, "nope").error() == "nope: no such run in " + f.root.string());
    auto n = empty_trash(f.root);
    REQUIRE(n.ok());
    CHECK(*n == 2);
    CHECK(list_trash(f.root).empty());
    CHECK(fs::exists(f.root / f.c));
}

TEST_CASE("find_run by id prefix part and latest") {
    Fixture f("find");
    CHECK(find_run(f.root, f.a)->filename() == f.a);
    CHECK(find_run(f.root, f.c.substr(f.c.size() - 4))->filename() == f.c);
    CHECK(find_run(f.root, "cache-sweep")->filename() == f.c);
    auto amb = find_run(f.root, "-train-");
    REQUIRE_FALSE(amb.ok());
    CHECK(amb.error().rfind("'-train-' matches 2 runs:", 0) == 0);
    CHECK(find_run(f.root, "zzz").error() == "no run matches 'zzz' in " + f.root.string());
}

TEST_CASE("config diff keeps only what differs") {
    const json a{{"lr", 0.1}, {"model", {{"layers", {8, 16}}}}, {"seed", 1}};
    const json b{{"lr", 0.01}, {"model", {{"layers", {8, 32}}}}, {"seed", 1}, {"extra", true}};
    auto rows = config_diff({a, b});
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].key == "extra");
    CHECK(rows[0].values[0].is_null());
    CHECK(rows[1].key == "lr");
    CHECK(rows[2].key == "model.layers[1]");
    CHECK(rows[2].values == std::vector<json>{16, 32});
    CHECK(flatten_config(a).size() == 4);
}

TEST_CASE("runs query runs read-only SQL") {
    Fixture f("query");
    auto index = RunIndex::open(f.root);
    REQUIRE(index.ok());
    auto q = index->query("SELECT kind, count(*) AS n FROM runs GROUP BY kind ORDER BY kind");
    REQUIRE_MESSAGE(q.ok(), q.error());
    CHECK(q->columns == std::vector<std::string>{"kind", "n"});
    CHECK(q->rows == std::vector<std::vector<std::string>>{{"memsim", "1"}, {"train", "2"}});
    auto w = index->query("DELETE FROM runs");
    REQUIRE_FALSE(w.ok());
    CHECK(w.error() == "attempt to write a readonly database");
    CHECK(index->query("SELEC 1").error() == "near \"SELEC\": syntax error");
    CHECK(index->list()->size() == 3);
}
