// Catalog loading: a directory scan in name order, one parse per file, errors collected.
#include "labs/catalog.hpp"

#include "models/core/files.hpp"

#include <algorithm>
#include <cstdlib>

#ifndef MLSYS_DEFAULT_LABS_DIR
#define MLSYS_DEFAULT_LABS_DIR "labs/content"
#endif

namespace mlsys::labs {

const Lab* Catalog::find(const std::string& id) const {
    for (const auto& lab : labs)
        if (lab.id == id) return &lab;
    return nullptr;
}

std::filesystem::path builtin_labs_dir() {
    if (const char* env = std::getenv("MLSYS_LABS_DIR"); env && *env) return env;
    return MLSYS_DEFAULT_LABS_DIR;
}

std::filesystem::path user_labs_dir() { return core::data_dir() / "labs"; }

Catalog load_catalog(const std::vector<std::filesystem::path>& dirs) {
    Catalog c;
    for (size_t d = 0; d < dirs.size(); ++d) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dirs[d], ec)) continue;
        std::vector<std::filesystem::path> files;
        for (const auto& e : std::filesystem::directory_iterator(dirs[d], ec))
            if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            auto lab = load_lab(f);
            if (!lab) {
                c.errors.push_back(lab.error());
                continue;
            }
            lab->source = d == 0 ? "built-in" : "user";
            auto same = std::find_if(c.labs.begin(), c.labs.end(), [&](const Lab& l) { return l.id == lab->id; });
            if (same != c.labs.end()) {
                c.errors.push_back(f.string() + ": note: replaces the lab \"" + lab->id + "\" from " + same->path);
                *same = std::move(*lab);
            } else {
                c.labs.push_back(std::move(*lab));
            }
        }
    }
    std::stable_sort(c.labs.begin(), c.labs.end(), [](const Lab& a, const Lab& b) {
        return a.chapter != b.chapter ? a.chapter < b.chapter : a.title < b.title;
    });
    return c;
}

Catalog load_default_catalog() { return load_catalog({builtin_labs_dir(), user_labs_dir()}); }

}  // namespace mlsys::labs
