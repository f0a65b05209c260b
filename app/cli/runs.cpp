// `mlsyslab runs list|show|compare|query|reindex`: reading the experiment log through the SQLite index
// (docs/RUNS.md). The editing commands and export are in runs_edit.cpp.
#include "app/cli/runs_commands.hpp"

#include "app/session/runs_compare.hpp"
#include "app/session/runs_export.hpp"
#include "app/session/runs_store.hpp"
#include "models/core/files.hpp"

#include <cmath>
#include <cstdio>
#include <memory>

namespace mlsys::cli {
namespace runs {

std::filesystem::path root(const CommandContext& ctx) {
    return ctx.runs_dir.empty() ? core::default_runs_dir() : std::filesystem::path(ctx.runs_dir);
}

core::Result<session::RunIndex> open_index(const CommandContext& ctx) {
    auto index = session::RunIndex::open(root(ctx));
    if (index)
        for (const auto& n : index->notices()) std::fprintf(stderr, "mlsyslab runs: %s\n", n.c_str());
    return index;
}

void add_filter_options(CLI::App& sub, FilterOptions& f) {
    sub.add_option("--kind", f.kinds, "Only runs of this kind (train, memsim, faults, ...); repeatable");
    sub.add_option("--tag", f.tags, "Only runs with this tag; repeatable (all must match)");
    sub.add_option("--since", f.since, "Only runs started on or after this date (YYYY-MM-DD, UTC)");
    sub.add_option("--until", f.until, "Only runs started on or before this date (YYYY-MM-DD, UTC)");
    sub.add_option("--where", f.where, "Config condition KEY=VALUE (also != < <= > >= ~contains), e.g. lr<0.01; repeatable");
    sub.add_option("--search", f.search, "Text in the id, name, kind, note or tags");
    sub.add_option("--status", f.status, "finished, failed, cancelled, running or incomplete");
    sub.add_flag("--damaged", f.damaged, "Only runs with damaged files");
    sub.add_option("--limit", f.limit, "At most this many runs");
}

core::Result<session::RunFilter> make_filter(const FilterOptions& o) {
    session::RunFilter f;
    f.kinds = o.kinds;
    f.tags = o.tags;
    f.since = o.since;
    f.until = o.until;
    f.text = o.search;
    f.status = o.status;
    f.damaged_only = o.damaged;
    f.limit = o.limit;
    for (const auto& w : o.where) {
        auto c = session::parse_config_condition(w);
        if (!c) return core::fail("--where " + c.error());
        f.config.push_back(*c);
    }
    return f;
}

}  // namespace runs

namespace {
using nlohmann::json;

std::string short_time(const std::string& iso) {
    if (iso.size() < 16) return iso.empty() ? "-" : iso;
    return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

std::string duration_text(double s) {
    if (s < 0) return "-";
    char buf[32];
    if (s < 60) std::snprintf(buf, sizeof buf, "%.1fs", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
    else std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600, static_cast<int>(s) / 60 % 60);
    return buf;
}

std::string number(double v) {
    if (std::isnan(v)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

json listing_json(const session::RunListing& r) {
    return {{"id", r.id},           {"dir", r.dir},
            {"kind", r.kind},       {"name", r.name},
            {"created", r.created}, {"status", r.status},
            {"duration_s", r.duration_s >= 0 ? json(r.duration_s) : json()},
            {"headline_metric", r.headline_metric},
            {"headline_value", r.headline_metric.empty() ? json() : json(r.headline_value)},
            {"tags", r.tags},       {"note", r.note},
            {"damage", r.damage},   {"n_metric_rows", r.n_metric_rows}};
}

// Prints rows as aligned columns.
void print_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width;
    for (const auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i) width.push_back(0);
            width[i] = std::max(width[i], r[i].size());
        }
    for (const auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
        }
        std::printf("%s\n", line.c_str());
    }
}

int run_list(const runs::FilterOptions& o, bool rebuild, const CommandContext& ctx) {
    auto filter = runs::make_filter(o);
    if (!filter) return usage_error("runs list", filter.error());
    auto index = runs::open_index(ctx);
    if (!index) return run_failed("runs list", index.error());
    if (rebuild)
        if (auto r = index->rebuild(); !r) return run_failed("runs list", r.error());
    auto list = index->list(*filter, false);
    if (!list) return run_failed("runs list", list.error());
    if (ctx.json) {
        json arr = json::array();
        for (const auto& r : *list) arr.push_back(listing_json(r));
        print_json({{"root", runs::root(ctx).string()}, {"runs", arr}});
        return kExitOk;
    }
    if (list->empty()) {
        std::printf("no runs in %s%s\n", runs::root(ctx).c_str(), o.kinds.empty() && o.tags.empty() && o.where.empty() && o.search.empty() ? "" : " match");
        return kExitOk;
    }
    std::vector<std::vector<std::string>> rows{{"ID", "KIND", "NAME", "STARTED (UTC)", "DURATION", "HEADLINE", "STATUS", "TAGS"}};
    for (const auto& r : *list) {
        std::string tags;
        for (const auto& t : r.tags) tags += (tags.empty() ? "" : ",") + t;
        std::string status = r.status;
        if (!r.damage.empty()) status += " (damaged)";
        rows.push_back({r.id, r.kind, r.name, short_time(r.created), duration_text(r.duration_s),
                        r.headline_metric.empty() ? "-" : r.headline_metric + " " + number(r.headline_value), status, tags});
    }
    print_table(rows);
    for (const auto& r : *list)
        for (const auto& d : r.damage) std::fprintf(stderr, "damaged: %s: %s\n", r.id.c_str(), d.c_str());
    return kExitOk;
}

int run_show(const std::string& id, const CommandContext& ctx) {
    auto dir = session::find_run(runs::root(ctx), id);
    if (!dir) return usage_error("runs show", dir.error());
    auto rec = models::read_run(*dir);
    if (!rec) return usage_error("runs show", rec.error());
    auto user = session::read_run_user(*dir);
    const auto finals = session::final_metrics(rec->metrics);
    std::vector<std::string> damage;
    for (const auto& d : rec->damage) damage.push_back(d.file + (d.line ? ":" + std::to_string(d.line) : "") + ": " + d.reason);
    if (!user) damage.push_back(user.error());
    const std::string name = user && !user->name.empty() ? user->name : rec->name;
    if (ctx.json) {
        json f = json::object();
        for (const auto& [k, v] : finals) f[k] = v;
        print_json({{"id", rec->id}, {"dir", rec->dir.string()}, {"kind", rec->kind}, {"name", name},
                    {"created", rec->created}, {"status", models::to_string(rec->status)},
                    {"duration_s", rec->duration_s >= 0 ? json(rec->duration_s) : json()},
                    {"config", rec->config}, {"headline", rec->headline}, {"message", rec->message},
                    {"tags", user ? user->tags : std::vector<std::string>{}}, {"note", user ? user->note : ""},
                    {"metrics", rec->metrics.columns}, {"n_metric_rows", rec->metrics.n_rows()}, {"final_metrics", f},
                    {"n_events", rec->events.size()}, {"artifacts", rec->artifacts}, {"damage", damage}});
        return kExitOk;
    }
    std::printf("%s\n  name      %s\n  kind      %s\n  started   %s\n  status    %s\n  duration  %s\n  dir       %s\n",
                rec->id.c_str(), name.c_str(), rec->kind.c_str(), rec->created.c_str(), models::to_string(rec->status),
                duration_text(rec->duration_s).c_str(), rec->dir.c_str());
    if (user && !user->tags.empty()) {
        std::string tags;
        for (const auto& t : user->tags) tags += (tags.empty() ? "" : ", ") + t;
        std::printf("  tags      %s\n", tags.c_str());
    }
    if (user && !user->note.empty()) std::printf("  note      %s\n", user->note.c_str());
    if (!rec->message.empty()) std::printf("  message   %s\n", rec->message.c_str());
    if (rec->headline.is_object() && !rec->headline.empty()) std::printf("headline\n  %s\n", rec->headline.dump().c_str());
    std::printf("config\n");
    for (const auto& [k, v] : session::flatten_config(rec->config)) std::printf("  %s = %s\n", k.c_str(), session::config_value_text(v).c_str());
    std::printf("metrics (%d rows; final values)\n", rec->metrics.n_rows());
    for (const auto& c : rec->metrics.columns) {
        auto it = finals.find(c);
        std::printf("  %s = %s\n", c.c_str(), it == finals.end() ? "-" : number(it->second).c_str());
    }
    std::printf("events: %zu", rec->events.size());
    std::map<std::string, int> types;
    for (const auto& e : rec->events) ++types[e.value("type", "?")];
    std::string sep = " (";
    for (const auto& [t, n] : types) {
        std::printf("%s%s %d", sep.c_str(), t.c_str(), n);
        sep = ", ";
    }
    std::printf("%s\n", types.empty() ? "" : ")");
    std::printf("artifacts: %zu\n", rec->artifacts.size());
    for (const auto& a : rec->artifacts) std::printf("  %s\n", a.c_str());
    if (!damage.empty()) {
        std::printf("damage (everything else above was read):\n");
        for (const auto& d : damage) std::printf("  %s\n", d.c_str());
    }
    return kExitOk;
}

int run_compare(const std::vector<std::string>& ids, const CommandContext& ctx) {
    if (ids.size() < 2) return usage_error("runs compare", "give two or more run ids");
    std::vector<models::RunRecord> recs;
    for (const auto& id : ids) {
        auto dir = session::find_run(runs::root(ctx), id);
        if (!dir) return usage_error("runs compare", dir.error());
        auto rec = models::read_run(*dir, {.metrics = true, .events = false, .artifacts = false});
        if (!rec) return usage_error("runs compare", rec.error());
        recs.push_back(std::move(*rec));
    }
    std::vector<json> configs;
    std::vector<const models::RunRecord*> ptrs;
    for (const auto& r : recs) {
        configs.push_back(r.config);
        ptrs.push_back(&r);
    }
    const auto diff = session::config_diff(configs);
    const auto side = session::compare_final_metrics(ptrs);
    if (ctx.json) {
        json runs_j = json::array(), diff_j = json::array(), metrics_j = json::array();
        for (const auto& r : recs) runs_j.push_back({{"id", r.id}, {"name", r.name}, {"kind", r.kind}});
        for (const auto& row : diff) diff_j.push_back({{"key", row.key}, {"values", row.values}});
        for (size_t m = 0; m < side.names.size(); ++m) {
            json vals = json::array();
            for (double v : side.values[m]) vals.push_back(std::isfinite(v) ? json(v) : json());
            metrics_j.push_back({{"metric", side.names[m]}, {"values", vals}});
        }
        print_json({{"runs", runs_j}, {"config_diff", diff_j}, {"final_metrics", metrics_j}});
        return kExitOk;
    }
    std::vector<std::string> header{""};
    for (size_t i = 0; i < recs.size(); ++i) {
        header.push_back("[" + std::to_string(i + 1) + "]");
        std::printf("[%zu] %s\n", i + 1, recs[i].id.c_str());
    }
    std::printf("\nconfig differences%s\n", diff.empty() ? ": none" : "");
    if (!diff.empty()) {
        std::vector<std::vector<std::string>> rows{header};
        for (const auto& row : diff) {
            std::vector<std::string> r{row.key};
            for (const auto& v : row.values) r.push_back(v.is_null() ? "-" : session::config_value_text(v));
            rows.push_back(r);
        }
        print_table(rows);
    }
    std::printf("\nfinal metrics\n");
    std::vector<std::vector<std::string>> rows{header};
    for (size_t m = 0; m < side.names.size(); ++m) {
        std::vector<std::string> r{side.names[m]};
        for (double v : side.values[m]) r.push_back(number(v));
        rows.push_back(r);
    }
    print_table(rows);
    return kExitOk;
}

int run_query(const std::string& sql, const CommandContext& ctx) {
    auto index = runs::open_index(ctx);
    if (!index) return run_failed("runs query", index.error());
    auto t = index->query(sql);
    if (!t) return usage_error("runs query", t.error());
    if (ctx.json) {
        json rows = json::array();
        for (const auto& r : t->rows) rows.push_back(r);
        print_json({{"columns", t->columns}, {"rows", rows}});
        return kExitOk;
    }
    std::vector<std::vector<std::string>> rows{t->columns};
    rows.insert(rows.end(), t->rows.begin(), t->rows.end());
    print_table(rows);
    return kExitOk;
}

int run_reindex(const CommandContext& ctx) {
    auto index = runs::open_index(ctx);
    if (!index) return run_failed("runs reindex", index.error());
    auto r = index->rebuild();
    if (!r) return run_failed("runs reindex", r.error());
    if (ctx.json) print_json({{"runs", r->n_runs}});
    else std::printf("indexed %d runs in %s\n", r->n_runs, runs::root(ctx).c_str());
    return kExitOk;
}

void setup_runs(CLI::App& app, CommandContext& ctx) {
    CLI::App* runs_cmd = app.add_subcommand("runs", "List, inspect, compare, tag, delete, re-run and export Runs");
    runs_cmd->require_subcommand(1);

    auto lo = std::make_shared<runs::FilterOptions>();
    auto rebuild = std::make_shared<bool>(false);
    CLI::App* list = runs_cmd->add_subcommand("list", "List runs, newest first, with filters");
    runs::add_filter_options(*list, *lo);
    list->add_flag("--rebuild-index", *rebuild, "Re-read every run directory before listing");
    add_common_flags(*list, ctx);
    list->callback([lo, rebuild, &ctx] { ctx.exit_code = run_list(*lo, *rebuild, ctx); });

    auto show_id = std::make_shared<std::string>();
    CLI::App* show = runs_cmd->add_subcommand("show", "Show a run: config, metrics, events, artifacts, damage");
    show->add_option("id", *show_id, "Run id, a unique part of it, or 'latest'")->required();
    add_common_flags(*show, ctx);
    show->callback([show_id, &ctx] { ctx.exit_code = run_show(*show_id, ctx); });

    auto cmp_ids = std::make_shared<std::vector<std::string>>();
    CLI::App* cmp = runs_cmd->add_subcommand("compare", "Config differences and final metrics of two or more runs");
    cmp->add_option("ids", *cmp_ids, "Run ids")->required();
    add_common_flags(*cmp, ctx);
    cmp->callback([cmp_ids, &ctx] { ctx.exit_code = run_compare(*cmp_ids, ctx); });

    auto sql = std::make_shared<std::string>();
    CLI::App* query = runs_cmd->add_subcommand("query", "Run one read-only SQL statement on the runs index");
    query->add_option("sql", *sql, "e.g. \"SELECT kind, count(*) FROM runs GROUP BY kind\" (tables: docs/RUNS.md)")->required();
    add_common_flags(*query, ctx);
    query->callback([sql, &ctx] { ctx.exit_code = run_query(*sql, ctx); });

    CLI::App* reindex = runs_cmd->add_subcommand("reindex", "Rebuild the runs index from the run directories");
    add_common_flags(*reindex, ctx);
    reindex->callback([&ctx] { ctx.exit_code = run_reindex(ctx); });

    runs::setup_edit_commands(*runs_cmd, ctx);
}

}  // namespace

MLSYS_CLI_COMMAND("runs", setup_runs);

}  // namespace mlsys::cli
