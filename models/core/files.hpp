// File helpers every layer uses: read a whole file, write one crash-safely (temporary name, fsync,
// rename), and the XDG directories where the app keeps its data and settings.
#pragma once

#include "models/core/result.hpp"

#include <filesystem>
#include <string>

namespace mlsys::core {

// Reads a whole file; the error names the path and the reason.
Result<std::string> read_file(const std::filesystem::path& path);

// Writes `content` to `path` through a temporary file in the same directory, flushed and renamed, so a
// crash leaves either the old or the new file, never a torn one. Creates parent directories.
Status write_file_atomic(const std::filesystem::path& path, const std::string& content);

// $XDG_DATA_HOME/mlsyslab (default ~/.local/share/mlsyslab); not created here.
std::filesystem::path data_dir();
// $XDG_CONFIG_HOME/mlsyslab (default ~/.config/mlsyslab); not created here.
std::filesystem::path config_dir();
// data_dir()/runs, the default root of the experiment log.
std::filesystem::path default_runs_dir();
// The read-only assets shipped with the source (device profiles, topologies, hierarchy presets):
// $MLSYS_ASSETS_DIR if set, else the repository's assets/ folder this build was configured from.
std::filesystem::path assets_dir();

}  // namespace mlsys::core
