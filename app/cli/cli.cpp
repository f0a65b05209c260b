// Subcommand registry and dispatch (CLI11), and the helpers shared by every subcommand.
#include "app/cli/cli.hpp"

#include "app/cli/command.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>

namespace mlsys::cli {
namespace {

std::map<std::string, CommandSetup>& registry() {
    static std::map<std::string, CommandSetup> commands;  // sorted by name: stable --help
    return commands;
}

double now_s() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string format_duration(double s) {
    char buf[32];
    if (s < 0 || s > 360000) return "--:--";
    int t = static_cast<int>(s + 0.5);
    if (t >= 3600) std::snprintf(buf, sizeof buf, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
    else std::snprintf(buf, sizeof buf, "%02d:%02d", t / 60, t % 60);
    return buf;
}

}  // namespace

bool register_command(const std::string& name, CommandSetup setup) {
    registry()[name] = std::move(setup);
    return true;
}

void add_common_flags(CLI::App& sub, CommandContext& ctx) {
    sub.add_flag("--json", ctx.json, "Print the result as one JSON object on stdout (keys: docs/CLI.md)");
    sub.add_option("--runs", ctx.runs_dir, "Directory for Runs (default: $XDG_DATA_HOME/mlsyslab/runs)");
}

int usage_error(const std::string& command, const std::string& message) {
    std::fprintf(stderr, "mlsyslab %s: %s\n", command.c_str(), message.c_str());
    return kExitUsage;
}

int run_failed(const std::string& command, const std::string& message) {
    std::fprintf(stderr, "mlsyslab %s: %s\n", command.c_str(), message.c_str());
    return kExitFailed;
}

void print_json(const nlohmann::json& j) {
    std::cout << j.dump() << std::endl;
}

ProgressBar::ProgressBar(std::string label, int64_t total, bool enabled)
    : label_(std::move(label)), total_(total > 0 ? total : 1), enabled_(enabled), start_s_(now_s()) {}

void ProgressBar::update(int64_t done, const std::string& suffix) {
    if (!enabled_) return;
    const double t = now_s();
    if (last_draw_s_ >= 0 && t - last_draw_s_ < 0.1 && done < total_) return;
    last_draw_s_ = t;
    const double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
    const int width = 24;
    const int filled = static_cast<int>(frac * width);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(width - filled), '.');
    const double elapsed = t - start_s_;
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : -1.0;
    std::fprintf(stderr, "\r%s [%s] %3d%% %.0f/s ETA %s %s\x1b[K", label_.c_str(), bar.c_str(),
                 static_cast<int>(frac * 100), rate, format_duration(eta).c_str(), suffix.c_str());
    std::fflush(stderr);
}

void ProgressBar::finish(const std::string& suffix) {
    if (!enabled_) return;
    last_draw_s_ = -1.0;
    update(total_, suffix);
    std::fprintf(stderr, "\n");
}

int run_cli(int argc, char** argv) {
    CLI::App app{"MLSys Lab: train a real network, then see what it does to memory, accelerators, devices "
                 "and flipped bits.\nWith no subcommand, opens the desktop app."};
    app.set_version_flag("--version", "mlsyslab 0.1.0");
    app.require_subcommand(0, 1);
    CommandContext ctx;
    for (auto& [name, setup] : registry()) setup(app, ctx);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::string msg = e.what();
        std::fprintf(stderr, "mlsyslab: %s (see mlsyslab --help)\n", msg.c_str());
        return kExitUsage;
    }
    if (app.get_subcommands().empty()) {
        std::cout << app.help();
        return kExitOk;
    }
    return ctx.exit_code;
}

}  // namespace mlsys::cli
