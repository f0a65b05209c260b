// Faults workspace: pick a fault model, a target, a rate and a protection; run a campaign on the current
// model as a job; watch accuracy fall with the bit-error rate (log axis, confidence band), per-bit and
// layer x bit vulnerability, the images whose answers flipped, the protections' price list and the faulty
// PE on the array. State lives in session::FaultsSettings; the campaign in session::FaultsJob.
#pragma once

#include "app/gui/workspace.hpp"
#include "app/session/faults_state.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mlsys::gui {

class FaultsWorkspace : public Workspace {
public:
    FaultsWorkspace();
    ~FaultsWorkspace() override;
    void update(GuiContext& ctx) override;
    void draw(GuiContext& ctx) override;
    bool on_start_pause(GuiContext& ctx) override;
    bool start_demo(GuiContext& ctx, const std::string& name, std::string& error) override;
    void running_jobs(std::vector<JobView>& out) const override;
    void draw_help(GuiContext& ctx) override;
    nlohmann::json save_state() const override;
    void restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) override;

    // The settings the panel edits (labs set them too).
    session::FaultsSettings settings;
    const session::FaultsSnapshot* snapshot() const { return snap_.get(); }
    bool is_running() const { return job_ && !job_->is_done(); }

private:
    // faults_workspace.cpp
    void draw_settings(GuiContext& ctx);
    void draw_target(GuiContext& ctx);
    bool start(GuiContext& ctx, std::string& error);
    void sync_target_from_ui();
    void load_target_into_ui();
    // faults_charts.cpp
    void draw_results(GuiContext& ctx);
    void draw_ber_chart(GuiContext& ctx, float width, float height);
    void draw_bit_bars(GuiContext& ctx, float width, float height);
    void draw_layer_bit_heatmap(GuiContext& ctx, float width, float height);
    void draw_flipped_images(GuiContext& ctx, float width);
    void draw_cost_table(GuiContext& ctx);
    void draw_pe_grid(GuiContext& ctx, float width);
    void rebuild_series();

    std::unique_ptr<session::FaultsJob> job_;
    std::shared_ptr<const session::FaultsSnapshot> snap_;
    std::string last_error_;
    // UI-side choices that compose settings.target.
    int target_kind_ = 0;  // weights, activations, buffer, pe
    int layer_index_ = -1; // -1: all (weights) / first matrix layer
    int buffer_kind_ = 0;
    int pe_row_ = 0, pe_col_ = 0;
    int ber_lo_exp_ = -7, ber_hi_exp_ = -2;
    std::vector<std::string> layer_names_;  // of the current model
    std::vector<int> matrix_layers_;
    models::Shape layer_out_shape_;         // per-sample output of the PE view's layer
    // Chart arrays rebuilt when the snapshot changes.
    std::vector<float> ber_x_, acc_, acc_lo_, acc_hi_, sdc_, sdc_lo_, sdc_hi_, det_;
    std::vector<std::string> bit_labels_;
    std::vector<float> bit_critical_;
    std::vector<float> heat_;
    std::vector<std::string> heat_rows_, heat_cols_;
    std::string demo_;
    bool shared_seen_ = false;  // our settings were written to the session's Faults state at least once
};

}  // namespace mlsys::gui
