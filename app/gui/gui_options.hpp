// Command-line flags of the desktop app (`mlsyslab` with no subcommand, or with GUI flags such as
// --screenshot) and the test that tells main() whether to open the GUI or run a CLI subcommand. Pure.
#pragma once

#include "models/core/result.hpp"

#include <string>
#include <vector>

namespace mlsys::gui {

struct GuiOptions {
    std::string screenshot_path;   // --screenshot FILE.png: write the window as PNG after `frames` frames, then exit
    int frames = 0;                // --frames N: run N frames, then exit (0: run until the user quits)
    double job_progress = 0;       // --job-progress P: with --frames, also wait until a job reaches progress P
                                   // (0..1) or ends, so a screenshot shows the same stage on a slow machine
    std::string workspace;         // --workspace ID: start on this workspace (default: the saved one)
    std::string demo;              // --demo NAME: start the workspace's demo (e.g. the Train demo "spiral")
    int width = 0, height = 0;     // --size WxH: window size in screen coordinates (0: saved size)
    std::string theme;             // --theme dark|light (default: the saved theme)
    std::string frame_stats_path;  // --frame-stats FILE.json: write frame-time statistics at exit
    std::vector<std::string> show;  // --show help,overlay,about,gallery: windows open at start (screenshots)
    std::string runs_dir;          // --runs DIR: where Runs are read and written (default: the XDG folder;
                                   // scripted runs without it use a scratch folder deleted at exit)
    bool help = false;             // --help
    // Screenshot and fixed-frame runs are reproducible: they neither read nor write the user's settings.
    bool is_scripted() const { return !screenshot_path.empty() || frames > 0; }
};

// True when argv asks for the GUI: no arguments, the word "gui", or a first argument that is a GUI flag.
bool is_gui_invocation(int argc, const char* const* argv);

// Parses the arguments after the program name (and after "gui" if present). Errors name the flag and
// value: "--size 12x: expected WIDTHxHEIGHT, e.g. 1280x800".
core::Result<GuiOptions> parse_gui_options(const std::vector<std::string>& args);

// The usage text for `mlsyslab gui --help`.
std::string gui_usage();

}  // namespace mlsys::gui
