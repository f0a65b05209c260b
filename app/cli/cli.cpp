// Subcommand registry and dispatch (CLI11).
#include "app/cli/cli.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

namespace mlsys::cli {

int run_cli(int argc, char** argv) {
    CLI::App app{"MLSys Lab: train a real network, then see what it does to memory, accelerators, devices "
                 "and flipped bits.\nWith no subcommand, opens the desktop app."};
    app.set_version_flag("--version", "mlsyslab 0.1.0");
    app.require_subcommand(0, 1);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "mlsyslab: %s\n", e.what());
        return kExitUsage;
    }
    if (app.get_subcommands().empty()) {
        std::cout << app.help();
    }
    return kExitOk;
}

}  // namespace mlsys::cli
