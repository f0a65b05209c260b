// The Optimize workspace: edits the session's OptimizeSettings (technique and knobs), starts and cancels the
// optimization jobs, and draws the variant table, the accuracy-vs-size/latency Pareto chart, per-layer weight
// histograms before and after, and the per-layer sensitivity — all from session::OptimizeWorkspaceState. It
// never quantizes, prunes or measures anything itself. Split by area: optimize_workspace.cpp (frame, controls,
// demo, help), optimize_table.cpp, optimize_charts.cpp.
#pragma once

#include "app/gui/workspace.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mlsys::session {
class Session;
struct OptimizeWorkspaceState;
}  // namespace mlsys::session

namespace mlsys::gui {

class OptimizeWorkspace final : public Workspace {
public:
    OptimizeWorkspace();
    ~OptimizeWorkspace() override;

    void update(GuiContext& ctx) override;
    void draw(GuiContext& ctx) override;
    bool on_start_pause(GuiContext& ctx) override;  // Space: Apply
    bool on_export(GuiContext& ctx) override;       // Ctrl+E: the selected variant's files
    bool start_demo(GuiContext& ctx, const std::string& name, std::string& error) override;
    void running_jobs(std::vector<JobView>& out) const override;
    void draw_help(GuiContext& ctx) override;
    nlohmann::json save_state() const override;
    void restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) override;

    // Commands behind the buttons (also driven by tests). Failures go to the error modal, or to *error.
    bool apply(GuiContext& ctx, std::string* error = nullptr);
    bool make_current(GuiContext& ctx, int index, std::string* error = nullptr);
    bool run_sensitivity(GuiContext& ctx, std::string* error = nullptr);
    // Trains the cnn briefly (the Train workspace's settings, a short run) when there is no model.
    bool train_briefly(GuiContext& ctx, std::string* error = nullptr);
    // The session's optimize state (after the first update; null before).
    session::OptimizeWorkspaceState* state() const;
    bool demo_running() const { return demo_stage_ != DemoStage::None && demo_stage_ != DemoStage::Done; }

    // Screen rectangles of the last frame's views (empty when not drawn), for tests.
    struct Rect {
        ImVec2 min{0, 0}, max{0, 0};
        bool drawn() const { return max.x > min.x && max.y > min.y; }
    };
    struct Layout {
        Rect controls, table, pareto, histograms, sensitivity;
    };
    const Layout& last_layout() const { return layout_; }

private:
    enum class DemoStage { None, Training, Measuring, Int8, Prune, Sensitivity, Done };
    void step_demo(GuiContext& ctx, session::OptimizeWorkspaceState& st);

    // optimize_workspace.cpp
    void draw_controls(GuiContext& ctx, session::Session& s, session::OptimizeWorkspaceState& st, float width, float height);
    void draw_technique_knobs(GuiContext& ctx, session::OptimizeWorkspaceState& st, float label_w);
    void draw_job(GuiContext& ctx, session::OptimizeWorkspaceState& st);
    void draw_no_model(GuiContext& ctx, session::Session& s, float width);
    // optimize_table.cpp
    void draw_table(GuiContext& ctx, session::Session& s, session::OptimizeWorkspaceState& st, float width, float height);
    // optimize_charts.cpp
    void draw_pareto(GuiContext& ctx, session::OptimizeWorkspaceState& st, float width, float height);
    void draw_histograms(GuiContext& ctx, session::OptimizeWorkspaceState& st, float width, float height);
    void draw_sensitivity(GuiContext& ctx, session::OptimizeWorkspaceState& st, float width, float height);

    session::Session* session_ = nullptr;  // seen at the last update (outlives every workspace)
    nlohmann::json pending_state_;          // saved settings waiting for the first update
    Layout layout_;
    std::string histogram_layer_;           // the layer whose histograms are shown ("" = the first)
    bool histogram_log_ = true;             // log count axis (a pruned layer's zero bin dwarfs the rest)
    std::string open_path_;                 // the "open a model file" field
    std::vector<std::string> recent_models_;
    bool recent_scanned_ = false;
    std::vector<std::pair<std::string, std::string>> devices_;  // device profiles (id, name), read once
    std::string last_device_;               // re-estimate when the device changes
    DemoStage demo_stage_ = DemoStage::None;
};

}  // namespace mlsys::gui
