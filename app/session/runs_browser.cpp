// RunsBrowser: index + listing + cached run records + edits for the Runs workspace.
#include "app/session/runs_browser.hpp"

#include "app/session/runs_rerun.hpp"
#include "app/session/runs_store.hpp"

#include <algorithm>

namespace mlsys::session {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
const char* view_name(RunsView v) {
    switch (v) {
    case RunsView::List: return "list";
    case RunsView::Run: return "run";
    case RunsView::Compare: return "compare";
    }
    return "list";
}
}  // namespace

json to_json(const RunsViewState& s) {
    return {{"search", s.search}, {"kind", s.kind},   {"tag", s.tag},
            {"since", s.since},   {"until", s.until}, {"where", s.where},
            {"damaged_only", s.damaged_only}, {"view", view_name(s.view)}, {"export_format", s.export_format}};
}

RunsViewState parse_runs_view_state(const json& j, std::vector<std::string>& warnings) {
    RunsViewState s;
    if (!j.is_object()) {
        if (!j.is_null()) warnings.push_back("runs: saved state is not an object; using defaults");
        return s;
    }
    for (auto [key, field] : {std::pair<const char*, std::string*>{"search", &s.search}, {"kind", &s.kind}, {"tag", &s.tag},
                              {"since", &s.since}, {"until", &s.until}, {"where", &s.where}, {"export_format", &s.export_format}}) {
        if (!j.contains(key)) continue;
        if (j[key].is_string()) *field = j[key].get<std::string>();
        else warnings.push_back(std::string("runs.") + key + ": must be a string; kept the default");
    }
    if (j.contains("damaged_only")) {
        if (j["damaged_only"].is_boolean()) s.damaged_only = j["damaged_only"].get<bool>();
        else warnings.push_back("runs.damaged_only: must be true or false; kept the default");
    }
    if (j.contains("view")) {
        const std::string v = j["view"].is_string() ? j["view"].get<std::string>() : "";
        if (v == "list") s.view = RunsView::List;
        else if (v == "compare") s.view = RunsView::Compare;
        else if (v != "run") warnings.push_back("runs.view: '" + j["view"].dump() + "' is not list, run or compare; kept the default");
        // "run" needs an open run, which is not saved: show the list.
    }
    if (!parse_export_format(s.export_format)) {
        warnings.push_back("runs.export_format: '" + s.export_format + "' is not a format; kept html");
        s.export_format = "html";
    }
    return s;
}

core::Result<RunFilter> make_run_filter(const RunsViewState& s) {
    RunFilter f;
    f.text = s.search;
    if (!s.kind.empty()) f.kinds = {s.kind};
    if (!s.tag.empty()) f.tags = {s.tag};
    f.since = s.since;
    f.until = s.until;
    f.damaged_only = s.damaged_only;
    size_t start = 0;
    while (start <= s.where.size()) {
        size_t end = s.where.find(';', start);
        if (end == std::string::npos) end = s.where.size();
        std::string part = s.where.substr(start, end - start);
        while (!part.empty() && part.front() == ' ') part.erase(0, 1);
        while (!part.empty() && part.back() == ' ') part.pop_back();
        if (!part.empty()) {
            auto c = parse_config_condition(part);
            if (!c) return core::fail(c.error());
            f.config.push_back(*c);
        }
        start = end + 1;
    }
    return f;
}

RunsBrowser::RunsBrowser(fs::path root) : root_(std::move(root)) {}

core::Status RunsBrowser::refresh(bool sync) {
    auto fail_with = [&](const std::string& msg) {
        last_error_ = msg;
        return core::Status(core::fail(msg));
    };
    if (!index_) {
        auto opened = RunIndex::open(root_);
        if (!opened) return fail_with(opened.error());
        index_.emplace(std::move(*opened));
        for (const auto& n : index_->notices()) notices_.push_back(n);
    } else if (sync) {
        if (auto s = index_->sync(); !s) return fail_with(s.error());
    }
    auto filter = make_run_filter(state);
    if (!filter) return fail_with(filter.error());
    auto list = index_->list(*filter, true);
    if (!list) return fail_with(list.error());
    listing_ = std::move(*list);
    kinds_ = index_->kinds();
    tags_ = index_->tags();
    last_error_.clear();
    // Forget cached records whose listing changed (a running run grew, a summary appeared).
    for (auto it = records_.begin(); it != records_.end();) {
        const RunListing* l = find(it->first);
        const std::string key = l ? l->status + "/" + std::to_string(l->n_metric_rows) + "/" + std::to_string(l->duration_s) : "";
        if (l && key != it->second.key) it = records_.erase(it);
        else ++it;
    }
    return {};
}

std::vector<std::string> RunsBrowser::take_notices() {
    std::vector<std::string> out;
    out.swap(notices_);
    return out;
}

const RunListing* RunsBrowser::find(const std::string& id) const {
    for (const auto& l : listing_)
        if (l.id == id) return &l;
    return nullptr;
}

const models::RunRecord* RunsBrowser::record(const std::string& id) {
    if (auto it = records_.find(id); it != records_.end()) return &it->second.record;
    std::error_code ec;
    const fs::path dir = root_ / id;
    if (id.empty() || !fs::is_directory(dir, ec)) return nullptr;
    auto rec = models::read_run(dir);
    if (!rec) return nullptr;
    const RunListing* l = find(id);
    Cached c{l ? l->status + "/" + std::to_string(l->n_metric_rows) + "/" + std::to_string(l->duration_s) : "", std::move(*rec)};
    return &records_.insert_or_assign(id, std::move(c)).first->second.record;
}

std::vector<const models::RunRecord*> RunsBrowser::selected_records() {
    std::vector<const models::RunRecord*> out;
    for (const auto& id : state.selected)
        if (const auto* r = record(id)) out.push_back(r);
    return out;
}

void RunsBrowser::toggle_selected(const std::string& id) {
    auto it = std::find(state.selected.begin(), state.selected.end(), id);
    if (it == state.selected.end()) state.selected.push_back(id);
    else state.selected.erase(it);
}

core::Status RunsBrowser::rebuild_index() {
    if (index_) {
        if (auto r = index_->rebuild(); !r) {
            last_error_ = r.error();
            return core::fail(r.error());
        }
    }
    records_.clear();
    return refresh();
}

bool RunsBrowser::is_selected(const std::string& id) const {
    return std::find(state.selected.begin(), state.selected.end(), id) != state.selected.end();
}

core::Status RunsBrowser::after_edit(const std::string& id, core::Status st) {
    if (!st) return st;
    records_.erase(id);
    if (index_) (void)index_->refresh(id);
    return refresh();
}

core::Status RunsBrowser::rename(const std::string& id, const std::string& name) { return after_edit(id, set_run_name(root_ / id, name)); }
core::Status RunsBrowser::add_tag(const std::string& id, const std::string& tag) { return after_edit(id, add_run_tags(root_ / id, {tag})); }
core::Status RunsBrowser::remove_tag(const std::string& id, const std::string& tag) {
    return after_edit(id, remove_run_tags(root_ / id, {tag}));
}
core::Status RunsBrowser::set_note(const std::string& id, const std::string& note) { return after_edit(id, set_run_note(root_ / id, note)); }

core::Status RunsBrowser::trash(const std::string& id) {
    auto st = move_to_trash(root_, id);
    if (!st) return st;
    records_.erase(id);
    state.selected.erase(std::remove(state.selected.begin(), state.selected.end(), id), state.selected.end());
    if (state.open_id == id) {
        state.open_id.clear();
        if (state.view == RunsView::Run) state.view = RunsView::List;
    }
    return refresh();
}

core::Status RunsBrowser::restore(const std::string& id) {
    auto st = restore_from_trash(root_, id);
    if (!st) return st;
    return refresh();
}

core::Result<int> RunsBrowser::empty_trash() { return session::empty_trash(root_); }
std::vector<std::string> RunsBrowser::trash_ids() const { return list_trash(root_); }

core::Result<ExportReport> RunsBrowser::export_selected(ExportFormat format, const fs::path& out) {
    std::vector<fs::path> dirs;
    for (const auto& id : state.selected) dirs.push_back(root_ / id);
    if (dirs.empty() && !state.open_id.empty()) dirs.push_back(root_ / state.open_id);
    return export_runs(dirs, format, out);
}

core::Result<TrainRequest> RunsBrowser::rerun_request(const std::string& id) {
    const models::RunRecord* r = record(id);
    if (!r) return core::fail(id + ": no such run in " + root_.string());
    return session::rerun_request(*r, root_.string());
}

}  // namespace mlsys::session
