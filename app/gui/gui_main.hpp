// Entry point of the desktop app, called by main() when is_gui_invocation() says so.
#pragma once

#include "app/gui/gui_options.hpp"

namespace mlsys::gui {

// Parses the GUI flags, prints usage or errors (exit code 2), and runs the app. Returns the exit code.
int gui_main(int argc, const char* const* argv);

// Opens the window and runs until the user quits or the scripted frames are done. 0 on success; 1 when no
// window could be opened or a screenshot could not be written; 2 for a bad --workspace or --demo.
int run_gui(const GuiOptions& options);

}  // namespace mlsys::gui
