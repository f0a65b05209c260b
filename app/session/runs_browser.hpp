// The Runs workspace's state and engine, shared by the GUI (which draws it) and tests: the filter and
// selection as a plain struct with a JSON view, and RunsBrowser, which owns the index, the current
// listing, the runs opened for viewing or comparison, and the user's edits. No GUI types.
#pragma once

#include "app/session/runs_export.hpp"
#include "app/session/runs_index.hpp"
#include "app/session/train_job.hpp"
#include "models/io/run_reader.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlsys::session {

enum class RunsView { List, Run, Compare };

// What the user chose in the Runs workspace. Saved between launches (filters, not the selection).
struct RunsViewState {
    std::string search;
    std::string kind;    // "" for every kind
    std::string tag;     // "" for any
    std::string since, until;  // "YYYY-MM-DD" or ""
    std::string where;   // config conditions separated by ';', e.g. "lr<0.01; dataset=spiral"
    bool damaged_only = false;
    std::vector<std::string> selected;  // ids ticked for comparison and export, in tick order
    std::string open_id;                // the run shown in the Run view
    RunsView view = RunsView::List;
    std::string export_format = "html";
};
nlohmann::json to_json(const RunsViewState& s);
// Reads what to_json wrote; unknown or bad keys keep their defaults and add a warning naming the key.
RunsViewState parse_runs_view_state(const nlohmann::json& j, std::vector<std::string>& warnings);
// The index filter for the state; the error names a bad condition in `where`.
core::Result<RunFilter> make_run_filter(const RunsViewState& s);

class RunsBrowser {
public:
    explicit RunsBrowser(std::filesystem::path root);

    RunsViewState state;

    const std::filesystem::path& root() const { return root_; }
    // Opens the index if needed, syncs it with the directories (unless sync is false: a filter changed,
    // and the index is queried as it is) and lists with the state's filter. An error (a bad filter, an
    // unusable directory) is returned and kept in last_error().
    core::Status refresh(bool sync = true);
    // Drops the index's rows and re-reads every run directory (after files were overwritten in place by
    // another program), then lists as refresh() does.
    core::Status rebuild_index();
    const std::vector<RunListing>& listing() const { return listing_; }
    const std::vector<std::string>& kinds() const { return kinds_; }
    const std::vector<std::string>& tags() const { return tags_; }
    const std::string& last_error() const { return last_error_; }
    // Messages about the index (rebuilt, and why) not shown yet.
    std::vector<std::string> take_notices();
    // The listing entry with this id, or null.
    const RunListing* find(const std::string& id) const;

    // The full run (metrics, events, artifacts), read once and kept until refresh() sees it changed.
    const models::RunRecord* record(const std::string& id);
    // The selected runs that still exist, read.
    std::vector<const models::RunRecord*> selected_records();
    void toggle_selected(const std::string& id);
    bool is_selected(const std::string& id) const;

    // Edits (user.json), the trash and export; each returns the error to show.
    core::Status rename(const std::string& id, const std::string& name);
    core::Status add_tag(const std::string& id, const std::string& tag);
    core::Status remove_tag(const std::string& id, const std::string& tag);
    core::Status set_note(const std::string& id, const std::string& note);
    core::Status trash(const std::string& id);
    core::Status restore(const std::string& id);
    core::Result<int> empty_trash();
    std::vector<std::string> trash_ids() const;
    core::Result<ExportReport> export_selected(ExportFormat format, const std::filesystem::path& out);
    // The training request that re-runs `id` (the caller starts the job).
    core::Result<TrainRequest> rerun_request(const std::string& id);

private:
    core::Status after_edit(const std::string& id, core::Status st);
    std::filesystem::path root_;
    std::optional<RunIndex> index_;
    std::vector<RunListing> listing_;
    std::vector<std::string> kinds_, tags_, notices_;
    std::string last_error_;
    struct Cached {
        std::string key;  // status + rows + duration when read: a change re-reads
        models::RunRecord record;
    };
    std::map<std::string, Cached> records_;
};

}  // namespace mlsys::session
