// The runs index: a SQLite database (<root>/.index.sqlite) of every run's listing fields, tags, flattened
// config values and final metrics, for fast listing, filtering and `mlsyslab runs query`. It holds nothing
// the run directories do not: sync() brings it up to date from them, and a missing, corrupt or outdated
// index is moved aside and rebuilt. Never modifies a run directory.
#pragma once

#include "models/core/result.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct sqlite3;

namespace mlsys::session {

inline constexpr const char* kRunIndexFile = ".index.sqlite";
inline constexpr int kRunIndexSchemaVersion = 1;

// One run as the index lists it.
struct RunListing {
    std::string id;
    std::string dir;
    std::string kind;
    std::string name;         // display name: user.json's name, else config.json's
    std::string created;      // UTC ISO 8601 (empty when unknown)
    std::string status;       // running, finished, failed, cancelled, incomplete
    double duration_s = -1;   // -1 when unknown
    std::string headline_metric;  // e.g. "test_accuracy"; empty when none
    double headline_value = 0;
    std::vector<std::string> tags;
    std::string note;
    std::vector<std::string> damage;  // "file:line: reason" (line omitted for whole files)
    int64_t n_metric_rows = 0;
    std::map<std::string, double> final_metrics;
    nlohmann::json config = nlohmann::json::object();
    nlohmann::json headline = nlohmann::json::object();
};

// A condition on a config value: key path (as flatten_config writes it, or its last components, so
// "learning_rate" finds "train.optimizer.learning_rate"), an operator and a value.
struct ConfigCondition {
    std::string key;
    std::string op;  // one of = != < <= > >= ~ (contains)
    std::string value;
};
// Parses "train.batch_size>=64", "dataset=spiral", "model.name~mlp"; the error names the text.
core::Result<ConfigCondition> parse_config_condition(const std::string& text);

struct RunFilter {
    std::string text;                     // case-insensitive part of the id, name, kind, note or tags
    std::vector<std::string> kinds;       // any of
    std::vector<std::string> tags;        // all of
    std::string since, until;             // "YYYY-MM-DD" (or any prefix of an ISO time), inclusive
    std::vector<ConfigCondition> config;  // all of
    std::string status;                   // exact, empty for any
    bool damaged_only = false;
    int limit = 0;                        // 0: all
};

// What sync() did.
struct RunIndexSync {
    int n_runs = 0, n_added = 0, n_updated = 0, n_removed = 0;
};

// The result of a raw SQL query.
struct QueryTable {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;  // NULL as ""
};

class RunIndex {
public:
    // Opens (or creates) <root>/.index.sqlite and syncs it with the run directories. A file that is not a
    // SQLite database, is corrupt or has another schema version is renamed to .index.sqlite.corrupt and
    // rebuilt; notices() says so. root need not exist yet.
    static core::Result<RunIndex> open(const std::filesystem::path& root);

    RunIndex(RunIndex&&) noexcept;
    RunIndex& operator=(RunIndex&&) noexcept;
    ~RunIndex();

    const std::filesystem::path& root() const { return root_; }
    // Messages for the user about what happened to the index (rebuilt, and why).
    const std::vector<std::string>& notices() const { return notices_; }

    // Re-reads runs whose directory changed since the last sync (new files, user.json, summary.json; for
    // runs still running, appended metrics and events) and drops runs that are gone.
    core::Result<RunIndexSync> sync();
    // Drops everything and reads every run again.
    core::Result<RunIndexSync> rebuild();
    // Re-reads one run now (after an edit).
    core::Status refresh(const std::string& id);

    // Matching runs, newest first. Without details, final_metrics, config and headline are left empty
    // (parsing them dominates listing thousands of runs).
    core::Result<std::vector<RunListing>> list(const RunFilter& filter = {}, bool with_details = true) const;
    // Every distinct kind and tag, sorted (for filter menus).
    std::vector<std::string> kinds() const;
    std::vector<std::string> tags() const;

    // Runs one SQL statement on a read-only connection to the index (tables runs, tags, config_values,
    // final_metrics; docs/RUNS.md). The error is SQLite's message.
    core::Result<QueryTable> query(const std::string& sql) const;

private:
    RunIndex() = default;
    core::Status open_db(bool fresh);
    core::Status index_run(const std::filesystem::path& dir);
    std::filesystem::path root_;
    std::filesystem::path db_path_;
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    std::unique_ptr<sqlite3, Closer> db_;
    std::vector<std::string> notices_;
    size_t count_hint_ = 0;  // runs at the last sync: sizes the sync's and the listing's containers
};

}  // namespace mlsys::session
