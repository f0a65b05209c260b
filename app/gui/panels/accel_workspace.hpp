// The Accelerator workspace: maps the current model (or a built-in topology) onto a systolic array and shows
// it — an animated PE grid stepped cycle by cycle by sim::accel::SystolicStepper (step, play, speed, per-fold
// timeline), the per-layer table and bar charts (cycles, stalls, utilization), the three dataflows side by
// side, buffer and DRAM traffic, the design-space sweep's Pareto chart (a job on a worker thread), and the
// current model beside a real network. Settings are session::AccelSettings; results session::AccelEvaluation.
// Split by area: accel_workspace.cpp (state, toolbar, layout, help), accel_views.cpp (the views).
#pragma once

#include "app/gui/workspace.hpp"
#include "app/session/accel_state.hpp"
#include "sim/accel/systolic_stepper.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mlsys::gui {

class AccelWorkspace final : public Workspace {
public:
    AccelWorkspace();
    ~AccelWorkspace() override;

    void update(GuiContext& ctx) override;
    void draw(GuiContext& ctx) override;
    bool on_start_pause(GuiContext& ctx) override;  // Space: play/pause the animation
    bool start_demo(GuiContext& ctx, const std::string& name, std::string& error) override;
    void running_jobs(std::vector<JobView>& out) const override;
    void draw_help(GuiContext& ctx) override;
    nlohmann::json save_state() const override;
    void restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) override;

    // Commands behind the controls (also driven by tests and the labs).
    session::AccelSettings& settings() { return settings_; }
    const session::AccelEvaluation* evaluation() const { return eval_.get(); }
    const std::string& error() const { return eval_error_; }
    bool start_sweep(GuiContext& ctx, std::string* error = nullptr);
    const sim::accel::SweepResult* sweep() const { return sweep_.get(); }
    bool sweep_running() const { return sweep_job_ && !sweep_job_->is_done(); }
    // The layer the PE grid animates (index into the main network's layers; array layers only).
    void select_layer(int index);
    int selected_layer() const { return selected_layer_; }
    void step_cycles(int64_t n);
    void set_playing(bool playing) { playing_ = playing; }
    bool playing() const { return playing_; }
    const sim::accel::SystolicStepper* stepper() const { return stepper_.get(); }

    struct Rect {
        ImVec2 min{0, 0}, max{0, 0};
        bool drawn() const { return max.x > min.x && max.y > min.y; }
    };
    struct Layout {
        Rect toolbar, grid, table, layer_charts, dataflows, traffic, pareto, compare;
    };
    const Layout& last_layout() const { return layout_; }

private:
    void draw_toolbar(GuiContext& ctx);
    void draw_grid(GuiContext& ctx, float w, float h);
    void draw_table(GuiContext& ctx, float w, float h);
    void draw_layer_charts(GuiContext& ctx, float w, float h);
    void draw_dataflows(GuiContext& ctx, float w, float h);
    void draw_traffic(GuiContext& ctx, float w, float h);
    void draw_pareto(GuiContext& ctx, float w, float h);
    void draw_compare(GuiContext& ctx, float w, float h);
    void rebuild_stepper();
    void advance_animation(double dt);
    const sim::accel::NetworkResult* shown() const;  // the main network in the selected dataflow

    session::AccelSettings settings_;
    nlohmann::json pending_state_;
    std::shared_ptr<const session::AccelEvaluation> eval_;
    std::string eval_key_;
    std::string eval_error_;
    std::unique_ptr<session::AccelSweepJob> sweep_job_;
    std::shared_ptr<const sim::accel::SweepResult> sweep_;
    std::string sweep_error_;
    // Current model's workload, rebuilt when the session's model changes.
    const void* model_seen_ = nullptr;
    std::string model_label_seen_;
    std::unique_ptr<models::Workload> current_workload_;
    // Animation.
    int selected_layer_ = -1;
    std::unique_ptr<sim::accel::SystolicStepper> stepper_;
    std::string stepper_key_;
    bool playing_ = false;
    double speed_cycles_per_s_ = 30;
    double cycle_debt_ = 0;
    double last_time_s_ = -1;
    std::vector<float> heat_;  // rows x cols MAC counts, as floats for the heatmap
    Layout layout_;
};

}  // namespace mlsys::gui
