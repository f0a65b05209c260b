// mlsyslab: one executable. No arguments (or GUI flags such as --screenshot) opens the desktop app;
// a subcommand runs headless through the command line.
#include "app/cli/cli.hpp"
#include "app/gui/gui_main.hpp"

int main(int argc, char** argv) {
    if (mlsys::gui::is_gui_invocation(argc, argv)) return mlsys::gui::gui_main(argc, argv);
    return mlsys::cli::run_cli(argc, argv);
}
