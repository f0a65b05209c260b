// The headless command line: `mlsyslab <subcommand> ...`. Every subcommand accepts --json (one JSON object
// on stdout) and --help; bad flags, values or files give a one-line error and exit code 2.
#pragma once

namespace mlsys::cli {

// Exit codes: 0 success, 1 the work ran but failed (e.g. a lab check failed), 2 bad usage or input.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

int run_cli(int argc, char** argv);

}  // namespace mlsys::cli
