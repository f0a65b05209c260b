// `mlsyslab runs tag|rename|note|rm|restore|trash|rerun|export`: changing what the user owns about runs
// (user.json, the trash), re-running, exporting. Nothing is deleted except by `runs trash --empty --yes`.
#include "app/cli/runs_commands.hpp"

#include "app/session/runs_export.hpp"
#include "app/session/runs_rerun.hpp"
#include "app/session/runs_store.hpp"

#include <cmath>
#include <cstdio>
#include <memory>

namespace mlsys::cli::runs {
namespace {
using nlohmann::json;

core::Result<std::filesystem::path> resolve(const CommandContext& ctx, const std::string& id) {
    return session::find_run(root(ctx), id);
}

int run_tag(const std::string& id, const std::vector<std::string>& tags, bool remove, const CommandContext& ctx) {
    auto dir = resolve(ctx, id);
    if (!dir) return usage_error("runs tag", dir.error());
    auto st = remove ? session::remove_run_tags(*dir, tags) : session::add_run_tags(*dir, tags);
    if (!st) return usage_error("runs tag", st.error());
    auto user = session::read_run_user(*dir);
    if (ctx.json) print_json({{"id", dir->filename().string()}, {"tags", user ? user->tags : std::vector<std::string>{}}});
    else {
        std::string t;
        for (const auto& x : user->tags) t += (t.empty() ? "" : ", ") + x;
        std::printf("%s: tags %s\n", dir->filename().c_str(), t.empty() ? "(none)" : t.c_str());
    }
    return kExitOk;
}

int run_rename(const std::string& id, const std::string& name, const CommandContext& ctx) {
    auto dir = resolve(ctx, id);
    if (!dir) return usage_error("runs rename", dir.error());
    if (auto st = session::set_run_name(*dir, name); !st) return usage_error("runs rename", st.error());
    if (ctx.json) print_json({{"id", dir->filename().string()}, {"name", name}});
    else std::printf("%s: named '%s' (the directory keeps its id)\n", dir->filename().c_str(), name.c_str());
    return kExitOk;
}

int run_note(const std::string& id, const std::string& note, const CommandContext& ctx) {
    auto dir = resolve(ctx, id);
    if (!dir) return usage_error("runs note", dir.error());
    if (auto st = session::set_run_note(*dir, note); !st) return usage_error("runs note", st.error());
    if (ctx.json) print_json({{"id", dir->filename().string()}, {"note", note}});
    else std::printf("%s: note saved\n", dir->filename().c_str());
    return kExitOk;
}

int run_rm(const std::vector<std::string>& ids, const CommandContext& ctx) {
    std::vector<std::filesystem::path> dirs;
    for (const auto& id : ids) {  // resolve all first: a typo in the third id moves nothing
        auto dir = resolve(ctx, id);
        if (!dir) return usage_error("runs rm", dir.error());
        dirs.push_back(*dir);
    }
    json moved = json::array();
    for (const auto& d : dirs) {
        if (auto st = session::move_to_trash(root(ctx), d.filename().string()); !st) return run_failed("runs rm", st.error());
        moved.push_back(d.filename().string());
        if (!ctx.json) std::printf("moved to the trash: %s\n", d.filename().c_str());
    }
    if (ctx.json) print_json({{"trashed", moved}});
    else std::printf("restore with `mlsyslab runs restore ID`; delete for good with `mlsyslab runs trash --empty --yes`\n");
    return kExitOk;
}

int run_restore(const std::vector<std::string>& ids, const CommandContext& ctx) {
    for (const auto& id : ids)
        if (auto st = session::restore_from_trash(root(ctx), id); !st) return usage_error("runs restore", st.error());
    if (ctx.json) print_json({{"restored", ids}});
    else for (const auto& id : ids) std::printf("restored: %s\n", id.c_str());
    return kExitOk;
}

int run_trash(bool empty, bool yes, const CommandContext& ctx) {
    const auto ids = session::list_trash(root(ctx));
    if (empty) {
        if (!yes) return usage_error("runs trash", "--empty deletes " + std::to_string(ids.size()) + " run(s) for good; add --yes to confirm");
        auto n = session::empty_trash(root(ctx));
        if (!n) return run_failed("runs trash", n.error());
        if (ctx.json) print_json({{"deleted", *n}});
        else std::printf("deleted %d run(s) from the trash\n", *n);
        return kExitOk;
    }
    if (ctx.json) print_json({{"trash", ids}});
    else if (ids.empty()) std::printf("the trash is empty\n");
    else for (const auto& id : ids) std::printf("%s\n", id.c_str());
    return kExitOk;
}

// Epoch lines on stderr while a re-run trains.
class RerunObserver final : public session::TrainObserver {
public:
    explicit RerunObserver(bool quiet) : quiet_(quiet) {}
    void on_epoch(const models::EpochResult& e, double val_acc, double) override {
        if (!quiet_) std::fprintf(stderr, "epoch %d: train loss %.4f, accuracy %.2f%%%s\n", e.epoch, e.train_loss, 100 * e.train_accuracy,
                                  std::isnan(val_acc) ? "" : (", validation " + std::to_string(100 * val_acc).substr(0, 5) + "%").c_str());
    }

private:
    bool quiet_;
};

int run_rerun(const std::string& id, const CommandContext& ctx) {
    auto dir = resolve(ctx, id);
    if (!dir) return usage_error("runs rerun", dir.error());
    auto rec = models::read_run(*dir, {.metrics = false, .events = false, .artifacts = false});
    if (!rec) return usage_error("runs rerun", rec.error());
    auto req = session::rerun_request(*rec, root(ctx).string());
    if (!req) return usage_error("runs rerun", req.error());
    core::JobControl control;
    RerunObserver observer(ctx.json);
    auto out = session::run_training(*req, control, &observer);
    if (!out) return run_failed("runs rerun", out.error());
    if (ctx.json) print_json({{"rerun_of", rec->id}, {"run_dir", out->run_dir}, {"test_accuracy", out->test.accuracy}});
    else std::printf("re-ran %s: test accuracy %.2f%%\nrun: %s\n", rec->id.c_str(), 100 * out->test.accuracy, out->run_dir.c_str());
    return kExitOk;
}

struct ExportOptions {
    std::string format;
    std::vector<std::string> ids;
    std::string out;
    bool all = false;
    FilterOptions filter;
};

int run_export(const ExportOptions& o, const CommandContext& ctx) {
    auto format = session::parse_export_format(o.format);
    if (!format) return usage_error("runs export", format.error());
    std::vector<std::filesystem::path> dirs;
    for (const auto& id : o.ids) {
        auto dir = resolve(ctx, id);
        if (!dir) return usage_error("runs export", dir.error());
        dirs.push_back(*dir);
    }
    if (o.all) {
        auto filter = make_filter(o.filter);
        if (!filter) return usage_error("runs export", filter.error());
        auto index = open_index(ctx);
        if (!index) return run_failed("runs export", index.error());
        auto list = index->list(*filter, false);
        if (!list) return run_failed("runs export", list.error());
        for (const auto& r : *list) dirs.push_back(r.dir);
    }
    if (dirs.empty()) return usage_error("runs export", o.all ? "no runs match the filters" : "give run ids, or --all (with filters)");
    auto rep = session::export_runs(dirs, *format, o.out);
    if (!rep) return run_failed("runs export", rep.error());
    for (const auto& w : rep->warnings) std::fprintf(stderr, "damaged (exported what is readable): %s\n", w.c_str());
    if (ctx.json) print_json({{"format", o.format}, {"path", rep->path.string()}, {"runs", rep->n_runs}, {"warnings", rep->warnings}});
    else std::printf("exported %d run(s) as %s to %s\n", rep->n_runs, o.format.c_str(), rep->path.c_str());
    return kExitOk;
}

}  // namespace

void setup_edit_commands(CLI::App& runs_cmd, CommandContext& ctx) {
    struct TagArgs {
        std::string id;
        std::vector<std::string> tags;
        bool remove = false;
    };
    auto ta = std::make_shared<TagArgs>();
    CLI::App* tag = runs_cmd.add_subcommand("tag", "Add (or --remove) tags on a run");
    tag->add_option("id", ta->id, "Run id")->required();
    tag->add_option("tags", ta->tags, "Tags (no spaces or commas)")->required();
    tag->add_flag("--remove", ta->remove, "Remove these tags instead");
    add_common_flags(*tag, ctx);
    tag->callback([ta, &ctx] { ctx.exit_code = run_tag(ta->id, ta->tags, ta->remove, ctx); });

    auto rn = std::make_shared<std::pair<std::string, std::string>>();
    CLI::App* rename = runs_cmd.add_subcommand("rename", "Give a run a display name (its directory keeps its id)");
    rename->add_option("id", rn->first, "Run id")->required();
    rename->add_option("name", rn->second, "New name")->required();
    add_common_flags(*rename, ctx);
    rename->callback([rn, &ctx] { ctx.exit_code = run_rename(rn->first, rn->second, ctx); });

    auto nt = std::make_shared<std::pair<std::string, std::string>>();
    CLI::App* note = runs_cmd.add_subcommand("note", "Set a run's note (\"\" clears it)");
    note->add_option("id", nt->first, "Run id")->required();
    note->add_option("text", nt->second, "The note")->required();
    add_common_flags(*note, ctx);
    note->callback([nt, &ctx] { ctx.exit_code = run_note(nt->first, nt->second, ctx); });

    auto rm_ids = std::make_shared<std::vector<std::string>>();
    CLI::App* rm = runs_cmd.add_subcommand("rm", "Move runs to the trash (restorable until the trash is emptied)");
    rm->add_option("ids", *rm_ids, "Run ids")->required();
    add_common_flags(*rm, ctx);
    rm->callback([rm_ids, &ctx] { ctx.exit_code = run_rm(*rm_ids, ctx); });

    auto rs_ids = std::make_shared<std::vector<std::string>>();
    CLI::App* restore = runs_cmd.add_subcommand("restore", "Move runs back from the trash");
    restore->add_option("ids", *rs_ids, "Run ids (exact, as `runs trash` lists them)")->required();
    add_common_flags(*restore, ctx);
    restore->callback([rs_ids, &ctx] { ctx.exit_code = run_restore(*rs_ids, ctx); });

    auto tr = std::make_shared<std::pair<bool, bool>>(false, false);
    CLI::App* trash = runs_cmd.add_subcommand("trash", "List the trash, or --empty --yes to delete it for good");
    trash->add_flag("--empty", tr->first, "Delete every run in the trash permanently");
    trash->add_flag("--yes", tr->second, "Confirm --empty");
    add_common_flags(*trash, ctx);
    trash->callback([tr, &ctx] { ctx.exit_code = run_trash(tr->first, tr->second, ctx); });

    auto rr = std::make_shared<std::string>();
    CLI::App* rerun = runs_cmd.add_subcommand("rerun", "Run again with the same config (seed included) as a new run");
    rerun->add_option("id", *rr, "Run id")->required();
    add_common_flags(*rerun, ctx);
    rerun->callback([rr, &ctx] { ctx.exit_code = run_rerun(*rr, ctx); });

    auto eo = std::make_shared<ExportOptions>();
    CLI::App* exp = runs_cmd.add_subcommand("export", "Export runs as csv, widecsv, jsonl, tfevents, zip or html");
    exp->add_option("--format", eo->format, "csv (final metrics + configs), widecsv (time series), jsonl, tfevents, zip, html")->required();
    exp->add_option("ids", eo->ids, "Run ids");
    exp->add_option("--out", eo->out, "Output file (tfevents: a new directory)")->required();
    exp->add_flag("--all", eo->all, "Export every run matching the filter options");
    add_filter_options(*exp, eo->filter);
    add_common_flags(*exp, ctx);
    exp->callback([eo, &ctx] { ctx.exit_code = run_export(*eo, ctx); });
}

}  // namespace mlsys::cli::runs
