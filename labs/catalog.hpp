// The lab catalog: every lab file from the built-in folder (labs/content) and the user's folder
// (data_dir()/labs), with each broken file reported (file, line, reason) instead of stopping the others.
#pragma once

#include "labs/lab.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mlsys::labs {

struct Catalog {
    std::vector<Lab> labs;            // sorted by chapter, then title
    std::vector<std::string> errors;  // one "file:line: reason" per file that failed to load

    // The lab with this id, or nullptr.
    const Lab* find(const std::string& id) const;
};

// The shipped labs: $MLSYS_LABS_DIR if set, else this source tree's labs/content.
std::filesystem::path builtin_labs_dir();
// Instructors' labs: data_dir()/labs (not created here).
std::filesystem::path user_labs_dir();

// Loads every *.json in `dirs` (missing folders are skipped). A user lab with a built-in lab's id
// replaces it (reported in errors as a note, so an instructor knows which one is in use).
Catalog load_catalog(const std::vector<std::filesystem::path>& dirs);
// load_catalog({builtin_labs_dir(), user_labs_dir()}).
Catalog load_default_catalog();

}  // namespace mlsys::labs
