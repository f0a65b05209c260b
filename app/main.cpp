// mlsyslab: one executable. No arguments opens the desktop app; subcommands run headless.
#include "app/cli/cli.hpp"

int main(int argc, char** argv) { return mlsys::cli::run_cli(argc, argv); }
