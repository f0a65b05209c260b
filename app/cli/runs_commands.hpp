// `mlsyslab runs ...`: the pieces shared by runs.cpp (list, show, compare, query, reindex) and
// runs_edit.cpp (tag, rename, note, rm, restore, trash, rerun, export). Not a public API.
#pragma once

#include "app/cli/command.hpp"
#include "app/session/runs_index.hpp"

#include <filesystem>
#include <string>

namespace mlsys::cli::runs {

// The runs root: --runs, else the XDG default.
std::filesystem::path root(const CommandContext& ctx);
// Opens the index, printing its notices (a rebuilt index) on stderr.
core::Result<session::RunIndex> open_index(const CommandContext& ctx);
// Adds the edit, trash, rerun and export subcommands to `runs`.
void setup_edit_commands(CLI::App& runs, CommandContext& ctx);
// Adds --kind, --tag, --since, --until, --where, --search, --status, --damaged to a subcommand.
struct FilterOptions {
    std::vector<std::string> kinds, tags, where;
    std::string since, until, search, status;
    bool damaged = false;
    int limit = 0;
};
void add_filter_options(CLI::App& sub, FilterOptions& f);
// The RunFilter for the options; errors name the bad --where.
core::Result<session::RunFilter> make_filter(const FilterOptions& f);

}  // namespace mlsys::cli::runs
