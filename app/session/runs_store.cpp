// user.json, the trash and run lookup. Every write is a temporary file plus rename or a directory rename.
#include "app/session/runs_store.hpp"

#include "models/core/files.hpp"
#include "models/io/run_reader.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace mlsys::session {
namespace fs = std::filesystem;
using nlohmann::json;

core::Result<RunUserData> read_run_user(const fs::path& run_dir) {
    const fs::path path = run_dir / kRunUserFile;
    std::error_code ec;
    if (!fs::exists(path, ec)) return RunUserData{};
    auto text = core::read_file(path);
    if (!text) return core::fail(text.error());
    const json j = json::parse(*text, nullptr, false);
    const std::string where = kRunUserFile;
    if (j.is_discarded()) return core::fail(where + ": not valid JSON");
    if (!j.is_object() || j.value("format", "") != kRunUserFormat)
        return core::fail(where + ": not an object with \"format\": \"" + kRunUserFormat + "\"");
    RunUserData d;
    if (j.contains("name")) {
        if (!j["name"].is_string()) return core::fail(where + ": name: must be a string");
        d.name = j["name"].get<std::string>();
    }
    if (j.contains("note")) {
        if (!j["note"].is_string()) return core::fail(where + ": note: must be a string");
        d.note = j["note"].get<std::string>();
    }
    if (j.contains("tags")) {
        if (!j["tags"].is_array()) return core::fail(where + ": tags: must be an array of strings");
        for (size_t i = 0; i < j["tags"].size(); ++i) {
            if (!j["tags"][i].is_string()) return core::fail(where + ": tags[" + std::to_string(i) + "]: must be a string");
            d.tags.push_back(j["tags"][i].get<std::string>());
        }
    }
    return d;
}

core::Status check_tag(const std::string& tag) {
    if (tag.empty() || tag.size() > 64) return core::fail("tag '" + tag + "': must be 1 to 64 characters");
    for (char c : tag)
        if (c == ',' || c == '"' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            return core::fail("tag '" + tag + "': must not contain whitespace, ',' or '\"'");
    return {};
}

core::Status write_run_user(const fs::path& run_dir, const RunUserData& data) {
    std::set<std::string> tags(data.tags.begin(), data.tags.end());
    for (const auto& t : tags)
        if (auto st = check_tag(t); !st) return st;
    const json j{{"format", kRunUserFormat}, {"version", 1}, {"name", data.name},
                 {"tags", std::vector<std::string>(tags.begin(), tags.end())}, {"note", data.note}};
    std::error_code ec;
    if (!fs::is_directory(run_dir, ec)) return core::fail(run_dir.string() + ": not a run directory");
    return core::write_file_atomic(run_dir / kRunUserFile, j.dump(2) + "\n");
}

namespace {
template <class Edit>
core::Status edit_user(const fs::path& run_dir, Edit edit) {
    auto d = read_run_user(run_dir);
    if (!d) return core::fail(run_dir.filename().string() + "/" + d.error() + " (fix or remove the file first; it was not overwritten)");
    if (auto st = edit(*d); !st) return st;
    return write_run_user(run_dir, *d);
}
}  // namespace

core::Status set_run_name(const fs::path& run_dir, const std::string& name) {
    if (name.find('\n') != std::string::npos) return core::fail("name: must be one line");
    return edit_user(run_dir, [&](RunUserData& d) -> core::Status {
        d.name = name;
        return {};
    });
}

core::Status add_run_tags(const fs::path& run_dir, const std::vector<std::string>& tags) {
    for (const auto& t : tags)
        if (auto st = check_tag(t); !st) return st;
    return edit_user(run_dir, [&](RunUserData& d) -> core::Status {
        for (const auto& t : tags)
            if (std::find(d.tags.begin(), d.tags.end(), t) == d.tags.end()) d.tags.push_back(t);
        return {};
    });
}

core::Status remove_run_tags(const fs::path& run_dir, const std::vector<std::string>& tags) {
    return edit_user(run_dir, [&](RunUserData& d) -> core::Status {
        d.tags.erase(std::remove_if(d.tags.begin(), d.tags.end(),
                                    [&](const std::string& t) { return std::find(tags.begin(), tags.end(), t) != tags.end(); }),
                     d.tags.end());
        return {};
    });
}

core::Status set_run_note(const fs::path& run_dir, const std::string& note) {
    return edit_user(run_dir, [&](RunUserData& d) -> core::Status {
        d.note = note;
        return {};
    });
}

fs::path trash_dir(const fs::path& root) { return root / kTrashDirName; }

namespace {
core::Status check_id(const std::string& id) {
    if (id.empty() || id == "." || id == ".." || id.find('/') != std::string::npos || id[0] == '.')
        return core::fail("'" + id + "' is not a run id");
    return {};
}
}  // namespace

core::Status move_to_trash(const fs::path& root, const std::string& id) {
    if (auto st = check_id(id); !st) return st;
    std::error_code ec;
    const fs::path from = root / id, to = trash_dir(root) / id;
    if (!fs::is_directory(from, ec)) return core::fail(id + ": no such run in " + root.string());
    if (fs::exists(to, ec)) return core::fail(id + ": the trash already holds a run with this id; empty the trash first");
    fs::create_directories(trash_dir(root), ec);
    if (ec) return core::fail(trash_dir(root).string() + ": " + ec.message());
    fs::rename(from, to, ec);
    if (ec) return core::fail(id + ": cannot move to the trash: " + ec.message());
    return {};
}

core::Status restore_from_trash(const fs::path& root, const std::string& id) {
    if (auto st = check_id(id); !st) return st;
    std::error_code ec;
    const fs::path from = trash_dir(root) / id, to = root / id;
    if (!fs::is_directory(from, ec)) return core::fail(id + ": not in the trash");
    if (fs::exists(to, ec)) return core::fail(id + ": a run with this id already exists in " + root.string());
    fs::rename(from, to, ec);
    if (ec) return core::fail(id + ": cannot restore: " + ec.message());
    return {};
}

std::vector<std::string> list_trash(const fs::path& root) {
    std::vector<std::string> ids;
    for (const auto& p : models::list_runs(trash_dir(root))) ids.push_back(p.filename().string());
    return ids;
}

core::Result<int> empty_trash(const fs::path& root) {
    const fs::path trash = trash_dir(root);
    std::error_code ec;
    if (!fs::exists(trash, ec)) return 0;
    int n = 0;
    for (const auto& entry : fs::directory_iterator(trash, ec)) {
        fs::remove_all(entry.path(), ec);
        if (ec) return core::fail(entry.path().string() + ": cannot delete: " + ec.message());
        ++n;
    }
    return n;
}

core::Result<fs::path> find_run(const fs::path& root, const std::string& text) {
    if (text.empty()) return core::fail("empty run id");
    std::error_code ec;
    if (text.find('/') != std::string::npos && fs::is_directory(text, ec)) return fs::path(text);
    const auto runs = models::list_runs(root);
    if (text == "latest") {
        if (runs.empty()) return core::fail("no runs in " + root.string());
        return runs.front();
    }
    std::vector<fs::path> prefix, part;
    for (const auto& p : runs) {
        const std::string id = p.filename().string();
        if (id == text) return p;
        if (id.rfind(text, 0) == 0) prefix.push_back(p);
        else if (id.find(text) != std::string::npos) part.push_back(p);
    }
    const auto& hits = prefix.empty() ? part : prefix;
    if (hits.size() == 1) return hits.front();
    if (hits.empty()) return core::fail("no run matches '" + text + "' in " + root.string());
    std::string msg = "'" + text + "' matches " + std::to_string(hits.size()) + " runs:";
    for (size_t i = 0; i < hits.size() && i < 5; ++i) msg += " " + hits[i].filename().string();
    if (hits.size() > 5) msg += " ...";
    return core::fail(msg);
}

}  // namespace mlsys::session
