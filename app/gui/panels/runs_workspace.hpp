// The Runs workspace: the experiment log. Lists every Run (newest first, with search and filters), opens
// one (config, a chart of every metric, events, artifacts, damage), compares several (curves overlaid on
// shared axes, config diff, final metrics side by side), and renames, tags, notes, deletes (into the
// trash, with confirmation), re-runs and exports. All state and logic are in session::RunsBrowser; this
// class only draws it. Split by area: runs_workspace.cpp (frame, toolbar, trash, help, state),
// runs_list.cpp (filters and table), runs_run_view.cpp (one run), runs_compare_view.cpp (comparison).
#pragma once

#include "app/gui/workspace.hpp"
#include "app/session/runs_browser.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlsys::session {
class TrainJob;
}

namespace mlsys::gui {

class RunsWorkspace final : public Workspace {
public:
    RunsWorkspace();
    ~RunsWorkspace() override;

    void update(GuiContext& ctx) override;
    void draw(GuiContext& ctx) override;
    bool on_export(GuiContext& ctx) override;
    bool start_demo(GuiContext& ctx, const std::string& name, std::string& error) override;
    void running_jobs(std::vector<JobView>& out) const override;
    void draw_help(GuiContext& ctx) override;
    nlohmann::json save_state() const override;
    void restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) override;

    // The browser (null until the first update with a session).
    session::RunsBrowser* browser() { return browser_.get(); }

    struct Rect {
        ImVec2 min{0, 0}, max{0, 0};
        bool drawn() const { return max.x > min.x && max.y > min.y; }
    };
    struct Layout {
        Rect list, charts, config_diff;
    };
    const Layout& last_layout() const { return layout_; }

private:
    // Per-run float arrays for the Plot widget, rebuilt when the record changes: for each metric, the
    // steps and values of the rows that logged it.
    struct Curves {
        const models::RunRecord* record = nullptr;
        std::map<std::string, std::pair<std::vector<float>, std::vector<float>>> by_metric;
    };
    const Curves& curves_of(const models::RunRecord& r);

    void ensure_browser(GuiContext& ctx);
    void refresh(GuiContext& ctx, bool sync = true);
    void draw_toolbar(GuiContext& ctx);
    void draw_trash_popup(GuiContext& ctx);
    void draw_list(GuiContext& ctx);        // runs_list.cpp
    void draw_filters(GuiContext& ctx);     // runs_list.cpp
    void draw_run(GuiContext& ctx);         // runs_run_view.cpp
    void draw_run_actions(GuiContext& ctx, const session::RunListing& l);  // runs_run_view.cpp
    void draw_compare(GuiContext& ctx);     // runs_compare_view.cpp
    void open_run(const std::string& id);
    void start_rerun(GuiContext& ctx, const std::string& id);
    void do_export(GuiContext& ctx);

    std::unique_ptr<session::RunsBrowser> browser_;
    nlohmann::json pending_state_;
    double last_refresh_s_ = -1e9;
    double refresh_every_s_ = 2.0;  // grows with the cost of a refresh (many runs)
    bool needs_refresh_ = true;
    bool needs_relist_ = false;  // a filter changed: query the index again without a sync
    std::map<std::string, Curves> curves_;
    std::unique_ptr<session::TrainJob> rerun_job_;
    std::string rerun_of_;
    Layout layout_;

    // Edit buffers (the run view) and filter buffers (the list), kept here rather than in statics.
    std::string edit_for_;                 // the run the buffers below were filled from
    char name_buf_[256] = {};
    char note_buf_[2048] = {};
    char tag_buf_[65] = {};
    char search_buf_[256] = {};
    char where_buf_[512] = {};
    char since_buf_[16] = {};
    char until_buf_[16] = {};
    char export_buf_[1024] = {};
    std::string confirm_delete_;           // the run whose delete awaits confirmation
    bool confirm_empty_trash_ = false;
    int run_tab_ = 0;
};

}  // namespace mlsys::gui
