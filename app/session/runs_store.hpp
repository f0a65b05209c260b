// The run store's user-facing operations on Run directories: a run's user metadata (display name, tags,
// note) kept in its own user.json, the trash (<root>/.trash/), and finding a run by id or prefix. The
// directories stay the source of truth; nothing here deletes a run except empty_trash(), on request.
#pragma once

#include "models/core/result.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mlsys::session {

inline constexpr const char* kRunUserFile = "user.json";
inline constexpr const char* kRunUserFormat = "mlsys-run-user";
inline constexpr const char* kTrashDirName = ".trash";

// What the user added to a run after it was written (docs/RUNS.md, "user.json").
struct RunUserData {
    std::string name;               // display name; empty: the name in config.json
    std::vector<std::string> tags;  // sorted, unique, each non-empty without ',' or whitespace
    std::string note;
};

// Reads <run>/user.json; an absent file is empty data. Garbage is an error naming the file and reason.
core::Result<RunUserData> read_run_user(const std::filesystem::path& run_dir);
// Writes <run>/user.json atomically (temporary file and rename). Tags are normalised (sorted, unique).
core::Status write_run_user(const std::filesystem::path& run_dir, const RunUserData& data);

// A tag must be 1-64 characters without whitespace, ',' or '"'; the error names the tag.
core::Status check_tag(const std::string& tag);

// Edits that read user.json, change one thing and write it back. A damaged user.json is not overwritten:
// the error says so, so nothing the user wrote is lost.
core::Status set_run_name(const std::filesystem::path& run_dir, const std::string& name);
core::Status add_run_tags(const std::filesystem::path& run_dir, const std::vector<std::string>& tags);
core::Status remove_run_tags(const std::filesystem::path& run_dir, const std::vector<std::string>& tags);
core::Status set_run_note(const std::filesystem::path& run_dir, const std::string& note);

// <root>/.trash
std::filesystem::path trash_dir(const std::filesystem::path& root);
// Moves <root>/<id> into the trash (a rename; nothing is deleted). Fails if the trash already holds that id.
core::Status move_to_trash(const std::filesystem::path& root, const std::string& id);
// Moves <root>/.trash/<id> back. Fails if <root>/<id> exists.
core::Status restore_from_trash(const std::filesystem::path& root, const std::string& id);
// The ids in the trash, newest first.
std::vector<std::string> list_trash(const std::filesystem::path& root);
// Permanently deletes everything in the trash; returns how many runs were deleted.
core::Result<int> empty_trash(const std::filesystem::path& root);

// Finds a run directory under root by its id, a unique prefix of it, a unique part of it, or "latest"
// (the newest run). The error lists up to five candidates when the text is ambiguous.
core::Result<std::filesystem::path> find_run(const std::filesystem::path& root, const std::string& id_or_prefix);

}  // namespace mlsys::session
