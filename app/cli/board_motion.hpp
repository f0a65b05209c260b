// `mlsyslab board motion [PORT]`: the motion lab end to end from the command line (docs/BOARDS.md).
#pragma once

#include "app/cli/command.hpp"

namespace mlsys::cli {

// Adds the "motion" subcommand to `board`.
void setup_board_motion(CLI::App& board, CommandContext& ctx);

}  // namespace mlsys::cli
