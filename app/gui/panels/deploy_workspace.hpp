// The Deploy workspace: puts the session's current model (or, without one, an untrained preset, said
// plainly) on every device profile and shows each trade-off: the decision board (devices x metrics with colour
// cues, and the stated assumptions of the selected device), a radar per device, the accuracy-latency Pareto
// chart, the split-point chart for every link, and a live loopback offload measured beside the prediction.
// The precision selector switches every view to that variant. All numbers come from session::DeployEvaluation,
// computed on a worker thread (it measures each variant's accuracy on real test data); the offload runs as a
// second job. Split by area: deploy_workspace.cpp (jobs, toolbar, layout, help, state), deploy_board.cpp
// (table, radars, assumptions), deploy_charts.cpp (Pareto, splits, offload).
#pragma once

#include "app/gui/workspace.hpp"
#include "app/session/deploy_state.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlsys::gui {

class DeployWorkspace final : public Workspace {
public:
    DeployWorkspace();
    ~DeployWorkspace() override;

    void update(GuiContext& ctx) override;
    void draw(GuiContext& ctx) override;
    bool start_demo(GuiContext& ctx, const std::string& name, std::string& error) override;
    void running_jobs(std::vector<JobView>& out) const override;
    void draw_help(GuiContext& ctx) override;
    nlohmann::json save_state() const override;
    void restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) override;

    // Commands (also driven by tests and labs).
    // Re-evaluates the current model with the settings (keeps showing the previous result meanwhile).
    void reevaluate(GuiContext& ctx);
    // Starts the live offload measurement over loopback for every link; false with a reason when it cannot.
    bool start_offload(GuiContext& ctx, std::string* error = nullptr);
    session::DeploySettings& settings() { return settings_; }
    const session::DeployEvaluation* evaluation() const { return eval_.get(); }
    const session::OffloadRun* offload() const { return offload_.get(); }

    struct Rect {
        ImVec2 min{0, 0}, max{0, 0};
        bool drawn() const { return max.x > min.x && max.y > min.y; }
    };
    struct Layout {
        Rect toolbar, board, radars, pareto, splits, offload;
    };
    const Layout& last_layout() const { return layout_; }

private:
    // The model being evaluated: the session's, or the fallback preset.
    const models::Model* current_model(GuiContext& ctx, std::string& label, bool& trained, std::string& dataset);
    void poll_jobs(GuiContext& ctx);

    // deploy_workspace.cpp
    void draw_toolbar(GuiContext& ctx);
    // deploy_board.cpp
    void draw_board(GuiContext& ctx, float width, float height);
    void draw_radars(GuiContext& ctx, float width, float height);
    // deploy_charts.cpp
    void draw_pareto(GuiContext& ctx, float width, float height);
    void draw_splits(GuiContext& ctx, float width, float height);
    void draw_offload(GuiContext& ctx, float width, float height);

    session::DeploySettings settings_;
    std::optional<sim::ProfileLibrary> library_;
    std::string library_error_;
    std::unique_ptr<models::Model> fallback_;
    std::shared_ptr<const session::DeployEvaluation> eval_;
    std::unique_ptr<session::DeployEvaluationJob> eval_job_;
    std::string eval_key_;         // the model and settings the shown (or running) evaluation is for
    std::string eval_error_;
    std::shared_ptr<const session::OffloadRun> offload_;
    std::unique_ptr<session::OffloadMeasureJob> offload_job_;
    std::string offload_error_;
    std::string offload_key_;      // the model the offload measurement is for
    bool want_offload_ = false;    // --demo offload: start once the model is known
    nlohmann::json pending_state_;
    std::string selected_device_ = "rpi4";
    int split_metric_ = 0;         // 0 latency, 1 device energy, 2 bytes sent
    Layout layout_;
};

}  // namespace mlsys::gui
