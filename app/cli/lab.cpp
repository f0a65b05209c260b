// `mlsyslab lab list|validate|run`: the lab catalog, checking a lab file (format, expressions, and that its
// actions and settings sections exist in this build), and running a lab headless with --auto (every
// automatable step with the solution block's answers; exit 1 naming the failing step).
#include "app/cli/command.hpp"
#include "app/session/lab_host.hpp"
#include "app/session/session.hpp"

#include "labs/catalog.hpp"
#include "labs/runner.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace mlsys::cli {
namespace {

using nlohmann::json;

// Checks what only the app knows: every action kind and settings section the lab uses is registered.
std::string check_against_app(const labs::Lab& lab) {
    session::Session s;
    session::SessionLabHost host(s);
    std::vector<std::string> settable;
    for (const auto& sec : session::lab_state_sections())
        if (sec.set) settable.push_back(sec.section);
    for (size_t i = 0; i < lab.steps.size(); ++i) {
        const auto& step = lab.steps[i];
        const std::string where = lab.path + ": steps[" + std::to_string(i) + "] \"" + step.id + "\": ";
        if (step.action && !host.has_action(step.action->kind)) {
            std::string names;
            for (const auto& a : session::lab_actions()) names += (names.empty() ? "" : ", ") + a.kind;
            return where + "action.kind: no action \"" + step.action->kind + "\" in this build (actions: " + names + ")";
        }
        for (auto it = step.set.begin(); it != step.set.end(); ++it)
            if (std::find(settable.begin(), settable.end(), it.key()) == settable.end())
                return where + "set." + it.key() + ": no settings section \"" + it.key() + "\" in this build";
    }
    return "";
}

core::Result<labs::Lab> find_lab(const std::string& id_or_path) {
    if (id_or_path.size() > 5 && id_or_path.substr(id_or_path.size() - 5) == ".json") return labs::load_lab(id_or_path);
    const auto cat = labs::load_default_catalog();
    if (const auto* lab = cat.find(id_or_path)) return *lab;
    std::string ids;
    for (const auto& l : cat.labs) ids += (ids.empty() ? "" : ", ") + l.id;
    std::string msg = "no lab \"" + id_or_path + "\" (labs: " + ids + ")";
    for (const auto& e : cat.errors) msg += "\n  " + e;
    return core::fail(msg);
}

int run_list(const CommandContext& ctx) {
    const auto cat = labs::load_default_catalog();
    if (ctx.json) {
        json labs_j = json::array();
        for (const auto& l : cat.labs)
            labs_j.push_back(json{{"id", l.id}, {"title", l.title}, {"chapter", l.chapter}, {"board", l.board}, {"minutes", l.minutes},
                                  {"steps", l.steps.size()}, {"revision", l.revision}, {"source", l.source}, {"path", l.path}});
        print_json(json{{"labs", labs_j}, {"errors", cat.errors}});
        return kExitOk;
    }
    std::printf("%-28s %-4s %-6s %-6s %s\n", "id", "ch.", "steps", "min", "title");
    for (const auto& l : cat.labs)
        std::printf("%-28s %-4d %-6zu %-6d %s%s\n", l.id.c_str(), l.chapter, l.steps.size(), l.minutes, l.title.c_str(),
                    l.source == "user" ? "  (user)" : "");
    for (const auto& e : cat.errors) std::fprintf(stderr, "%s\n", e.c_str());
    return kExitOk;
}

int run_validate(const std::vector<std::string>& files, const CommandContext& ctx) {
    int bad = 0;
    json results = json::array();
    for (const auto& f : files) {
        auto lab = labs::load_lab(f);
        std::string error = lab ? check_against_app(*lab) : lab.error();
        if (error.empty()) {
            if (!ctx.json) std::printf("%s: ok (%zu steps)\n", f.c_str(), lab->steps.size());
        } else {
            ++bad;
            if (!ctx.json) std::fprintf(stderr, "%s\n", error.c_str());
        }
        results.push_back(json{{"file", f}, {"ok", error.empty()}, {"error", error}});
    }
    if (ctx.json) print_json(json{{"results", results}});
    return bad ? kExitFailed : kExitOk;
}

int run_lab(const std::string& id, bool is_auto, const CommandContext& ctx) {
    if (!is_auto) return usage_error("lab run", "interactive labs run in the GUI (./run.sh, Labs workspace); use --auto to run the solution headless");
    auto lab = find_lab(id);
    if (!lab) return usage_error("lab run", lab.error());
    if (auto err = check_against_app(*lab); !err.empty()) return run_failed("lab run", err);
    session::Session s(ctx.runs_dir);
    session::SessionLabHost host(s);
    labs::AutoOptions opt;
    opt.runs_dir = s.runs_dir();
    if (!ctx.json) opt.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    if (!ctx.json) std::fprintf(stderr, "lab %s: %s (%zu steps)\n", lab->id.c_str(), lab->title.c_str(), lab->steps.size());
    const auto r = labs::run_auto(*lab, host, opt);
    if (ctx.json) print_json(json{{"lab", lab->id}, {"ok", r.ok}, {"message", r.message}, {"steps_passed", r.n_passed},
                                  {"steps_skipped", r.n_skipped}, {"run_dir", r.run_dir}});
    if (!r.ok) return run_failed("lab run", lab->id + ": " + r.message);
    if (!ctx.json) {
        std::printf("%s: %s\n", lab->id.c_str(), r.message.c_str());
        if (!r.run_dir.empty()) std::printf("report: %s/artifacts/report.html\n", r.run_dir.c_str());
    }
    return kExitOk;
}

void setup_lab(CLI::App& app, CommandContext& ctx) {
    CLI::App* lab = app.add_subcommand("lab", "Guided labs: list them, validate a lab file, run one headless");
    lab->require_subcommand(1);

    CLI::App* list = lab->add_subcommand("list", "The lab catalog (built-in and user labs) and any broken lab files");
    add_common_flags(*list, ctx);
    list->callback([&ctx] { ctx.exit_code = run_list(ctx); });

    auto files = std::make_shared<std::vector<std::string>>();
    CLI::App* validate = lab->add_subcommand("validate", "Check lab files: format, checks, and actions this build has");
    validate->add_option("files", *files, "Lab files (.json)")->required();
    add_common_flags(*validate, ctx);
    validate->callback([files, &ctx] { ctx.exit_code = run_validate(*files, ctx); });

    auto id = std::make_shared<std::string>();
    auto is_auto = std::make_shared<bool>(false);
    CLI::App* run = lab->add_subcommand("run", "Run a lab; --auto runs every automatable step headless with the solution");
    run->add_option("id", *id, "Lab id (see `lab list`) or a lab file")->required();
    run->add_flag("--auto", *is_auto, "Run headless with the lab's solution answers; exit 1 if a check fails");
    add_common_flags(*run, ctx);
    run->callback([id, is_auto, &ctx] { ctx.exit_code = run_lab(*id, *is_auto, ctx); });
}

}  // namespace

MLSYS_CLI_COMMAND("lab", setup_lab);

}  // namespace mlsys::cli
