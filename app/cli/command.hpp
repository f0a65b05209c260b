// How a subcommand plugs into `mlsyslab`: each app/cli/<name>.cpp defines a setup function and registers it
// with MLSYS_CLI_COMMAND; no shared file lists the subcommands. Also the helpers every subcommand uses for
// --json, --runs, errors (exit code 2) and progress.
#pragma once

#include "app/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace mlsys::cli {

// Flags every subcommand shares, and its exit code (set by the subcommand's callback).
struct CommandContext {
    bool json = false;       // --json: print one JSON object on stdout instead of tables and progress
    std::string runs_dir;    // --runs DIR: where Runs go (default: the XDG data directory)
    int exit_code = kExitOk;
};

// Adds the subcommand(s) to `app`; the callbacks it installs set ctx.exit_code.
using CommandSetup = std::function<void(CLI::App& app, CommandContext& ctx)>;

// Registers a subcommand (called at static initialisation through MLSYS_CLI_COMMAND). Returns true.
bool register_command(const std::string& name, CommandSetup setup);

// Adds --json and --runs to a subcommand.
void add_common_flags(CLI::App& sub, CommandContext& ctx);

// Prints "mlsyslab <command>: <message>" on stderr and returns kExitUsage (2).
int usage_error(const std::string& command, const std::string& message);
// Prints "mlsyslab <command>: <message>" on stderr and returns kExitFailed (1).
int run_failed(const std::string& command, const std::string& message);

// Prints a JSON object on stdout (one line) — the --json output.
void print_json(const nlohmann::json& j);

// A one-line terminal progress bar with rate and ETA, redrawn in place on stderr; silent under --json.
class ProgressBar {
public:
    ProgressBar(std::string label, int64_t total, bool enabled);
    // Redraws at most ~10 times a second; `suffix` is appended (e.g. "loss 0.41").
    void update(int64_t done, const std::string& suffix = "");
    void finish(const std::string& suffix = "");

private:
    std::string label_;
    int64_t total_;
    bool enabled_;
    double start_s_;
    double last_draw_s_ = -1.0;
};

}  // namespace mlsys::cli

#define MLSYS_CLI_CONCAT2(a, b) a##b
#define MLSYS_CLI_CONCAT(a, b) MLSYS_CLI_CONCAT2(a, b)
// MLSYS_CLI_COMMAND("train", setup_train); at namespace scope in the subcommand's .cpp.
#define MLSYS_CLI_COMMAND(name, setup) \
    static const bool MLSYS_CLI_CONCAT(mlsys_cli_registered_, __LINE__) = ::mlsys::cli::register_command(name, setup)
