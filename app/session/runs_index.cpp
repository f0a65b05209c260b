// RunIndex: the SQLite cache of run listings. Schema (docs/RUNS.md, "The index"):
//   meta(key, value)                      schema_version
//   runs(id, dir, kind, name, config_name, created, status, duration_s, headline_metric, headline_value,
//        tags_text, note, damage_text, n_metric_rows, config_json, headline_json, final_json, signature)
//   tags(run_id, tag), config_values(run_id, key, value, num), final_metrics(run_id, metric, value)
// A run's signature is its directory's modification time (every file the run format creates or replaces
// is a new directory entry), the times and sizes of config.json and user.json (which a person may edit in
// place), plus the sizes of its append-only files while it is not finished.
#include "app/session/runs_index.hpp"

#include "app/session/runs_compare.hpp"
#include "app/session/runs_store.hpp"
#include "models/io/run_reader.hpp"

#include <sqlite3.h>

#include <cmath>
#include <algorithm>
#include <map>
#include <thread>
#include <unordered_map>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlsys::session {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct StmtCloser {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtCloser>;

core::Result<Stmt> prepare(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        const std::string msg = sqlite3_errmsg(db);
        sqlite3_finalize(s);
        return core::fail(msg);
    }
    return Stmt(s);
}

core::Status exec(sqlite3* db, const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errmsg(db);
        sqlite3_free(err);
        return core::fail(msg);
    }
    return {};
}

void bind_value(sqlite3_stmt* s, int i, const std::string& v) { sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
void bind_value(sqlite3_stmt* s, int i, double v) {
    if (std::isfinite(v)) sqlite3_bind_double(s, i, v);
    else sqlite3_bind_null(s, i);
}
void bind_value(sqlite3_stmt* s, int i, int64_t v) { sqlite3_bind_int64(s, i, v); }

std::string col_text(sqlite3_stmt* s, int i) {
    const auto* t = sqlite3_column_text(s, i);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(sep, start);
        if (end == std::string::npos) end = text.size();
        if (end > start) out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::string like_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

const char* kSchema = R"SQL(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE runs(id TEXT PRIMARY KEY, dir TEXT, kind TEXT, name TEXT, config_name TEXT, created TEXT,
  status TEXT, duration_s REAL, headline_metric TEXT, headline_value REAL, tags_text TEXT, note TEXT,
  damage_text TEXT, n_metric_rows INTEGER, config_json TEXT, headline_json TEXT, final_json TEXT, signature TEXT);
CREATE TABLE tags(run_id TEXT, tag TEXT, PRIMARY KEY(run_id, tag));
CREATE TABLE config_values(run_id TEXT, key TEXT, value TEXT, num REAL, PRIMARY KEY(run_id, key));
CREATE TABLE final_metrics(run_id TEXT, metric TEXT, value REAL, PRIMARY KEY(run_id, metric));
CREATE INDEX runs_created ON runs(created DESC, id DESC);
CREATE INDEX tags_tag ON tags(tag);
CREATE INDEX config_key ON config_values(key, num);
CREATE INDEX runs_signature ON runs(id, signature, status);
)SQL";

bool unfinished(const std::string& status) { return status != "finished" && status != "failed" && status != "cancelled"; }

// The signature described at the top of the file; empty if the directory cannot be read. Paths are
// resolved from an open descriptor of the runs root (fstatat), which saves walking the root's path
// components for every file: a measurable share of a sync of thousands of runs. With user_absent, the
// last signature said the run had no user.json: creating one is a new directory entry, which the
// directory's time shows, so it is not looked for (most runs never get one).
std::string signature(int root_fd, const std::string& id, bool is_unfinished, bool user_absent = false) {
    struct stat st {};
    if (::fstatat(root_fd, id.c_str(), &st, 0) != 0) return "";
    std::string sig = std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
    // user.json is for people (name, tags, note) and may be edited in place, which leaves the directory's
    // time alone. config.json is written once, atomically (a new directory entry), so the directory's
    // time covers it; watching it too would cost a third more system calls per sync.
    struct stat fst {};
    const std::string user = id + "/" + kRunUserFile;
    sig += !user_absent && ::fstatat(root_fd, user.c_str(), &fst, 0) == 0
               ? ":" + std::to_string(fst.st_mtim.tv_nsec) + "/" + std::to_string(fst.st_size)
               : ":-";
    if (is_unfinished) {
        for (const char* f : {models::kRunEventsFile, models::kRunMetricsFile}) {
            struct stat ust {};
            sig += ::fstatat(root_fd, (id + "/" + f).c_str(), &ust, 0) == 0 ? "/" + std::to_string(ust.st_size) : "/-";
        }
    }
    return sig;
}

// An open O_DIRECTORY descriptor, closed on scope exit.
struct DirFd {
    int fd = -1;
    explicit DirFd(const fs::path& p) : fd(::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {}
    ~DirFd() {
        if (fd >= 0) ::close(fd);
    }
    DirFd(const DirFd&) = delete;
    DirFd& operator=(const DirFd&) = delete;
};

// "YYYYMMDD-HHMMSS" -> "YYYY-MM-DDTHH:MM:SSZ".
std::string iso_from_compact(const std::string& t) {
    return t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2) + "T" + t.substr(9, 2) + ":" + t.substr(11, 2) +
           ":" + t.substr(13, 2) + "Z";
}

bool is_number(const std::string& s, double& out) {
    if (s.empty()) return false;
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end && *end == '\0';
}

}  // namespace

void RunIndex::Closer::operator()(sqlite3* db) const { sqlite3_close(db); }

core::Result<ConfigCondition> parse_config_condition(const std::string& text) {
    static const char* kOps[] = {"<=", ">=", "!=", "=", "<", ">", "~"};
    size_t best = std::string::npos;
    std::string op;
    for (const char* o : kOps) {
        const size_t p = text.find(o);
        if (p != std::string::npos && (p < best || (p == best && std::string(o).size() > op.size()))) {
            best = p;
            op = o;
        }
    }
    if (best == std::string::npos || best == 0)
        return core::fail("'" + text + "': expected KEY=VALUE (or !=, <, <=, >, >=, ~ for contains)");
    ConfigCondition c{text.substr(0, best), op, text.substr(best + op.size())};
    while (!c.key.empty() && c.key.back() == ' ') c.key.pop_back();
    while (!c.value.empty() && c.value.front() == ' ') c.value.erase(0, 1);
    return c;
}

RunIndex::RunIndex(RunIndex&&) noexcept = default;
RunIndex& RunIndex::operator=(RunIndex&&) noexcept = default;
RunIndex::~RunIndex() = default;

core::Status RunIndex::open_db(bool fresh) {
    db_.reset();
    std::error_code ec;
    if (fresh) fs::remove(db_path_, ec);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(db_path_.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) return core::fail(db_path_.string() + ": " + (raw ? sqlite3_errmsg(raw) : "cannot open"));
    sqlite3_busy_timeout(raw, 5000);
    // The index is a cache: losing the last transaction in a power cut only costs a re-read.
    (void)exec(raw, "PRAGMA synchronous=NORMAL; PRAGMA journal_mode=WAL;");
    // Reads through a memory map instead of one pread system call per 4 KiB page: a listing of 10,000
    // runs touches tens of megabytes, and on a VM the system calls were a fifth of its time.
    (void)exec(raw, "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-32768;");
    auto s = prepare(raw, "SELECT value FROM meta WHERE key='schema_version'");
    if (!s) {
        // A new file has no tables yet; anything else (not a database, corrupt) is reported by the caller.
        auto tables = prepare(raw, "SELECT count(*) FROM sqlite_master");
        if (!tables) return core::fail(tables.error());
        if (sqlite3_step(tables->get()) != SQLITE_ROW) return core::fail(sqlite3_errmsg(raw));
        if (sqlite3_column_int(tables->get(), 0) != 0) return core::fail(s.error());
        if (auto st = exec(raw, kSchema); !st) return st;
        return exec(raw, "INSERT INTO meta VALUES('schema_version','" + std::to_string(kRunIndexSchemaVersion) + "')");
    }
    if (sqlite3_step(s->get()) != SQLITE_ROW) return core::fail("no schema_version");
    const std::string v = col_text(s->get(), 0);
    if (v != std::to_string(kRunIndexSchemaVersion))
        return core::fail("schema version " + v + ", this program uses " + std::to_string(kRunIndexSchemaVersion));
    auto check = prepare(raw, "PRAGMA quick_check");
    if (!check) return core::fail(check.error());
    if (sqlite3_step(check->get()) != SQLITE_ROW) return core::fail(sqlite3_errmsg(raw));
    if (col_text(check->get(), 0) != "ok") return core::fail(col_text(check->get(), 0));
    // A sync reads only (id, signature, status): this covering index keeps it off the rows' JSON pages.
    // Indexes the first schema-1 files lacked are added in place; the tables are unchanged.
    return exec(raw, "CREATE INDEX IF NOT EXISTS runs_signature ON runs(id, signature, status)");
}

core::Result<RunIndex> RunIndex::open(const fs::path& root) {
    RunIndex index;
    index.root_ = root;
    index.db_path_ = root / kRunIndexFile;
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) return core::fail(root.string() + ": cannot create the runs directory: " + ec.message());
    if (auto st = index.open_db(false); !st) {
        index.db_.reset();
        const fs::path aside = root / (std::string(kRunIndexFile) + ".corrupt");
        fs::rename(index.db_path_, aside, ec);
        for (const char* suffix : {"-wal", "-shm"}) fs::remove(root / (std::string(kRunIndexFile) + suffix), ec);
        index.notices_.push_back("The runs index " + index.db_path_.string() + " could not be used (" + st.error() +
                                 "); it was moved to " + aside.filename().string() +
                                 " and rebuilt from the run directories, which hold everything.");
        if (auto again = index.open_db(true); !again) return core::fail(index.db_path_.string() + ": " + again.error());
    }
    auto synced = index.sync();
    if (!synced) return core::fail(index.db_path_.string() + ": " + synced.error());
    return index;
}

core::Status RunIndex::index_run(const fs::path& dir) {
    // Both signatures are taken before reading, so a change during the read shows at the next sync.
    const DirFd root_fd(dir.parent_path());
    const std::string id = dir.filename().string();
    const std::string sig_unfinished = signature(root_fd.fd, id, true), sig_finished = signature(root_fd.fd, id, false);
    auto rec = models::read_run(dir);
    if (!rec) return core::fail(rec.error());
    const models::RunRecord& r = *rec;
    const std::string& sig = unfinished(models::to_string(r.status)) ? sig_unfinished : sig_finished;
    std::vector<std::string> damage;
    for (const auto& d : r.damage) damage.push_back(d.file + (d.line > 0 ? ":" + std::to_string(d.line) : "") + ": " + d.reason);
    auto user = read_run_user(dir);
    if (!user) damage.push_back(user.error());
    const RunUserData u = user ? *user : RunUserData{};
    const auto finals = final_metrics(r.metrics);
    const HeadlineMetric hm = headline_metric(r.headline, finals, r.metrics.columns);
    std::string created = r.created;
    models::RunIdParts parts;
    if (created.empty() && models::parse_run_id(r.id, parts)) created = iso_from_compact(parts.timestamp);
    std::string tags_text, damage_text;
    for (const auto& t : u.tags) tags_text += (tags_text.empty() ? "" : " ") + t;
    for (const auto& d : damage) damage_text += (damage_text.empty() ? "" : "\n") + d;
    json final_json = json::object();
    for (const auto& [k, v] : finals) final_json[k] = v;

    sqlite3* db = db_.get();
    for (const char* table : {"tags", "config_values", "final_metrics"}) {
        auto del = prepare(db, std::string("DELETE FROM ") + table + " WHERE run_id=?");
        if (!del) return core::fail(del.error());
        bind_value(del->get(), 1, r.id);
        if (sqlite3_step(del->get()) != SQLITE_DONE) return core::fail(sqlite3_errmsg(db));
    }
    auto ins = prepare(db, "INSERT OR REPLACE INTO runs VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!ins) return core::fail(ins.error());
    sqlite3_stmt* s = ins->get();
    bind_value(s, 1, r.id);
    bind_value(s, 2, dir.string());
    bind_value(s, 3, r.kind);
    bind_value(s, 4, u.name.empty() ? r.name : u.name);
    bind_value(s, 5, r.name);
    bind_value(s, 6, created);
    bind_value(s, 7, std::string(models::to_string(r.status)));
    bind_value(s, 8, r.duration_s);
    bind_value(s, 9, hm.name);
    bind_value(s, 10, hm.value);
    bind_value(s, 11, tags_text);
    bind_value(s, 12, u.note);
    bind_value(s, 13, damage_text);
    bind_value(s, 14, static_cast<int64_t>(r.metrics.n_rows()));
    bind_value(s, 15, r.config.dump());
    bind_value(s, 16, r.headline.dump());
    bind_value(s, 17, final_json.dump());
    bind_value(s, 18, sig);
    if (sqlite3_step(s) != SQLITE_DONE) return core::fail(sqlite3_errmsg(db));
    auto tag = prepare(db, "INSERT OR IGNORE INTO tags VALUES(?,?)");
    if (!tag) return core::fail(tag.error());
    for (const auto& t : u.tags) {
        sqlite3_reset(tag->get());
        bind_value(tag->get(), 1, r.id);
        bind_value(tag->get(), 2, t);
        if (sqlite3_step(tag->get()) != SQLITE_DONE) return core::fail(sqlite3_errmsg(db));
    }
    auto cv = prepare(db, "INSERT OR REPLACE INTO config_values VALUES(?,?,?,?)");
    if (!cv) return core::fail(cv.error());
    for (const auto& [k, v] : flatten_config(r.config)) {
        sqlite3_reset(cv->get());
        bind_value(cv->get(), 1, r.id);
        bind_value(cv->get(), 2, k);
        bind_value(cv->get(), 3, config_value_text(v));
        if (v.is_number()) bind_value(cv->get(), 4, v.get<double>());
        else if (v.is_boolean()) bind_value(cv->get(), 4, v.get<bool>() ? 1.0 : 0.0);
        else sqlite3_bind_null(cv->get(), 4);
        if (sqlite3_step(cv->get()) != SQLITE_DONE) return core::fail(sqlite3_errmsg(db));
    }
    auto fm = prepare(db, "INSERT OR REPLACE INTO final_metrics VALUES(?,?,?)");
    if (!fm) return core::fail(fm.error());
    for (const auto& [k, v] : finals) {
        sqlite3_reset(fm->get());
        bind_value(fm->get(), 1, r.id);
        bind_value(fm->get(), 2, k);
        bind_value(fm->get(), 3, v);
        if (sqlite3_step(fm->get()) != SQLITE_DONE) return core::fail(sqlite3_errmsg(db));
    }
    return {};
}

core::Result<RunIndexSync> RunIndex::sync() {
    sqlite3* db = db_.get();
    std::unordered_map<std::string, std::pair<std::string, std::string>> known;  // id -> (signature, status)
    {
        auto s = prepare(db, "SELECT id, signature, status FROM runs");
        if (!s) return core::fail(s.error());
        known.reserve(count_hint_ + 16);
        while (sqlite3_step(s->get()) == SQLITE_ROW) known[col_text(s->get(), 0)] = {col_text(s->get(), 1), col_text(s->get(), 2)};
    }
    if (auto st = exec(db, "BEGIN IMMEDIATE"); !st) return core::fail(st.error());
    RunIndexSync out;
    const DirFd root_fd(root_);
    struct Candidate {
        fs::path dir;
        std::string id, sig;
        bool known = false, is_unfinished = true, user_absent = false;
    };
    std::vector<Candidate> candidates;
    candidates.reserve(known.size() + 16);
    // readdir on the open root (not std::filesystem's iterator, which builds a path and may stat per entry):
    // the entry type comes with the name on the file systems runs live on.
    if (DIR* d = root_fd.fd >= 0 ? ::fdopendir(::dup(root_fd.fd)) : nullptr) {
        while (const dirent* e = ::readdir(d)) {
            if (e->d_name[0] == '.' || e->d_name[0] == '\0') continue;
            std::string id = e->d_name;
            if (e->d_type != DT_DIR) {
                struct stat st {};
                if (e->d_type != DT_UNKNOWN || ::fstatat(root_fd.fd, e->d_name, &st, 0) != 0 || !S_ISDIR(st.st_mode)) continue;
            }
            models::RunIdParts parts;
            if (!models::parse_run_id(id, parts) &&
                ::faccessat(root_fd.fd, (id + "/" + models::kRunConfigFile).c_str(), F_OK, 0) != 0)
                continue;
            auto it = known.find(id);
            const bool is_known = it != known.end();
            // The stored signature is "<dir time>:<user.json time/size or ->[/<sizes>]".
            const bool user_absent = is_known && it->second.first.find(":-") != std::string::npos;
            candidates.push_back({root_ / id, std::move(id), {}, is_known, !is_known || unfinished(it->second.second), user_absent});
        }
        ::closedir(d);
    }
    // The signatures are system calls (about 5 µs each on a VM): for thousands of runs they are most
    // of a sync, so they are taken on all cores. Each thread writes only its own candidates.
    {
        const size_t n = candidates.size();
        const size_t n_threads = n < 2000 ? 1 : std::max<size_t>(1, std::min<size_t>(4, std::thread::hardware_concurrency()));
        auto work = [&](size_t t) {
            for (size_t i = t * n / n_threads; i < (t + 1) * n / n_threads; ++i)
                candidates[i].sig = signature(root_fd.fd, candidates[i].id, candidates[i].is_unfinished, candidates[i].user_absent);
        };
        std::vector<std::thread> threads;
        for (size_t t = 1; t < n_threads; ++t) threads.emplace_back(work, t);
        work(0);
        for (auto& th : threads) th.join();
    }
    for (const Candidate& c : candidates) {
        ++out.n_runs;
        if (c.known) {
            auto it = known.find(c.id);
            const bool same = it->second.first == c.sig;
            known.erase(it);
            if (same) continue;
            ++out.n_updated;
        } else {
            ++out.n_added;
        }
        if (auto st = index_run(c.dir); !st) {
            (void)exec(db, "ROLLBACK");
            return core::fail(c.id + ": " + st.error());
        }
    }
    for (const auto& [id, unused] : known) {
        for (const char* sql : {"DELETE FROM runs WHERE id=?", "DELETE FROM tags WHERE run_id=?",
                                "DELETE FROM config_values WHERE run_id=?", "DELETE FROM final_metrics WHERE run_id=?"}) {
            auto s = prepare(db, sql);
            if (!s) {
                (void)exec(db, "ROLLBACK");
                return core::fail(s.error());
            }
            bind_value(s->get(), 1, id);
            sqlite3_step(s->get());
        }
        ++out.n_removed;
    }
    if (auto st = exec(db, "COMMIT"); !st) return core::fail(st.error());
    count_hint_ = out.n_runs;
    return out;
}

core::Result<RunIndexSync> RunIndex::rebuild() {
    if (auto st = exec(db_.get(), "DELETE FROM runs; DELETE FROM tags; DELETE FROM config_values; DELETE FROM final_metrics;"); !st)
        return core::fail(st.error());
    return sync();
}

core::Status RunIndex::refresh(const std::string& id) {
    const fs::path dir = root_ / id;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        auto s = sync();
        return s ? core::Status{} : core::Status(core::fail(s.error()));
    }
    if (auto st = exec(db_.get(), "BEGIN IMMEDIATE"); !st) return st;
    auto st = index_run(dir);
    (void)exec(db_.get(), st ? "COMMIT" : "ROLLBACK");
    return st;
}

core::Result<std::vector<RunListing>> RunIndex::list(const RunFilter& f, bool with_details) const {
    // The JSON columns are only read (and parsed) with details: they are most of the bytes.
    std::string sql = std::string("SELECT id, dir, kind, name, created, status, duration_s, headline_metric, headline_value, "
                                  "tags_text, note, damage_text, n_metric_rows") +
                      (with_details ? ", final_json, config_json, headline_json" : "") + " FROM runs WHERE 1";
    std::vector<std::pair<bool, std::string>> params;  // (is_number, text)
    auto param = [&](const std::string& v) { params.push_back({false, v}); };
    if (!f.text.empty()) {
        sql += " AND (id LIKE ?1x ESCAPE '\\' OR name LIKE ?1x ESCAPE '\\' OR kind LIKE ?1x ESCAPE '\\' OR note LIKE ?1x "
               "ESCAPE '\\' OR tags_text LIKE ?1x ESCAPE '\\')";
        const std::string like = "%" + like_escape(f.text) + "%";
        // One parameter per placeholder keeps the numbering simple.
        std::string expanded;
        for (size_t p = 0; p < sql.size(); ++p) {
            if (sql.compare(p, 3, "?1x") == 0) {
                expanded += "?";
                param(like);
                p += 2;
            } else {
                expanded += sql[p];
            }
        }
        sql = expanded;
    }
    if (!f.kinds.empty()) {
        sql += " AND kind IN (";
        for (size_t i = 0; i < f.kinds.size(); ++i) {
            sql += i ? ",?" : "?";
            param(f.kinds[i]);
        }
        sql += ")";
    }
    for (const auto& t : f.tags) {
        sql += " AND EXISTS (SELECT 1 FROM tags t WHERE t.run_id = runs.id AND t.tag = ?)";
        param(t);
    }
    if (!f.since.empty()) {
        sql += " AND created >= ?";
        param(f.since);
    }
    if (!f.until.empty()) {
        sql += " AND substr(created, 1, ?) <= ?";
        params.push_back({true, std::to_string(f.until.size())});
        param(f.until);
    }
    if (!f.status.empty()) {
        sql += " AND status = ?";
        param(f.status);
    }
    if (f.damaged_only) sql += " AND damage_text != ''";
    for (const auto& c : f.config) {
        sql += " AND EXISTS (SELECT 1 FROM config_values c WHERE c.run_id = runs.id AND (c.key = ? OR c.key LIKE ? ESCAPE '\\') AND ";
        param(c.key);
        param("%." + like_escape(c.key));
        double num = 0;
        const bool numeric = is_number(c.value, num);
        if (c.op == "~") {
            sql += "c.value LIKE ? ESCAPE '\\')";
            param("%" + like_escape(c.value) + "%");
        } else if (numeric) {
            sql += "c.num " + c.op + " ?)";
            params.push_back({true, c.value});
        } else {
            sql += "c.value " + c.op + " ?)";
            param(c.value);
        }
    }
    sql += " ORDER BY created DESC, id DESC";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    auto s = prepare(db_.get(), sql);
    if (!s) return core::fail(s.error());
    for (size_t i = 0; i < params.size(); ++i) {
        if (params[i].first) sqlite3_bind_double(s->get(), static_cast<int>(i + 1), std::strtod(params[i].second.c_str(), nullptr));
        else bind_value(s->get(), static_cast<int>(i + 1), params[i].second);
    }
    std::vector<RunListing> out;
    out.reserve(f.limit > 0 ? std::min<size_t>(count_hint_, static_cast<size_t>(f.limit)) : count_hint_);
    int rc;
    while ((rc = sqlite3_step(s->get())) == SQLITE_ROW) {
        sqlite3_stmt* r = s->get();
        RunListing l;
        l.id = col_text(r, 0);
        l.dir = col_text(r, 1);
        l.kind = col_text(r, 2);
        l.name = col_text(r, 3);
        l.created = col_text(r, 4);
        l.status = col_text(r, 5);
        l.duration_s = sqlite3_column_type(r, 6) == SQLITE_NULL ? -1.0 : sqlite3_column_double(r, 6);
        l.headline_metric = col_text(r, 7);
        l.headline_value = sqlite3_column_double(r, 8);
        l.tags = split(col_text(r, 9), ' ');
        l.note = col_text(r, 10);
        l.damage = split(col_text(r, 11), '\n');
        l.n_metric_rows = sqlite3_column_int64(r, 12);
        if (!with_details) {
            out.push_back(std::move(l));
            continue;
        }
        const json finals = json::parse(col_text(r, 13), nullptr, false);
        if (finals.is_object())
            for (auto it = finals.begin(); it != finals.end(); ++it)
                if (it->is_number()) l.final_metrics[it.key()] = it->get<double>();
        l.config = json::parse(col_text(r, 14), nullptr, false);
        if (!l.config.is_object()) l.config = json::object();
        l.headline = json::parse(col_text(r, 15), nullptr, false);
        if (!l.headline.is_object()) l.headline = json::object();
        out.push_back(std::move(l));
    }
    if (rc != SQLITE_DONE) return core::fail(sqlite3_errmsg(db_.get()));
    return out;
}

namespace {
std::vector<std::string> distinct(sqlite3* db, const char* sql) {
    std::vector<std::string> out;
    auto s = prepare(db, sql);
    if (!s) return out;
    while (sqlite3_step(s->get()) == SQLITE_ROW) out.push_back(col_text(s->get(), 0));
    return out;
}
}  // namespace

std::vector<std::string> RunIndex::kinds() const { return distinct(db_.get(), "SELECT DISTINCT kind FROM runs ORDER BY kind"); }
std::vector<std::string> RunIndex::tags() const { return distinct(db_.get(), "SELECT DISTINCT tag FROM tags ORDER BY tag"); }

core::Result<QueryTable> RunIndex::query(const std::string& sql) const {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(db_path_.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, Closer> ro(raw);
    if (rc != SQLITE_OK) return core::fail(db_path_.string() + ": " + (raw ? sqlite3_errmsg(raw) : "cannot open"));
    sqlite3_busy_timeout(raw, 5000);
    sqlite3_stmt* st = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &st, &tail) != SQLITE_OK) {
        sqlite3_finalize(st);
        return core::fail(sqlite3_errmsg(raw));
    }
    Stmt s(st);
    if (!s) return core::fail("empty query");
    for (const char* p = tail; p && *p; ++p)
        if (*p != ' ' && *p != '\n' && *p != '\t' && *p != ';' && *p != '\r') return core::fail("one SQL statement at a time, please");
    QueryTable out;
    const int n = sqlite3_column_count(st);
    for (int i = 0; i < n; ++i) out.columns.push_back(sqlite3_column_name(st, i));
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int i = 0; i < n; ++i) row.push_back(col_text(st, i));
        out.rows.push_back(std::move(row));
    }
    if (step != SQLITE_DONE) return core::fail(sqlite3_errmsg(raw));
    return out;
}

}  // namespace mlsys::session
