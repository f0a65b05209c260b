// The Memory workspace: the current model's (or a preset's) memory traffic replayed through a cache
// hierarchy — the hierarchy drawn as boxes sized by capacity with hit rates and bytes moved, per-layer
// energy stacked by level beside the compute energy, the roofline (log-log) with each layer as a point,
// traffic per layer, and the training-memory breakdown. Every knob change re-simulates in a job
// (session::MemoryStudyJob) so the UI never freezes. State: session::MemoryWorkspaceState.
// Split by area: memory_workspace.cpp (state, settings panel, layout, help), memory_views.cpp (the views).
#pragma once

#include "app/gui/workspace.hpp"
#include "app/session/memory_state.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mlsys::gui {

class MemoryWorkspace final : public Workspace {
public:
    MemoryWorkspace();
    ~MemoryWorkspace() override;

    void update(GuiContext& ctx) override;
    void draw(GuiContext& ctx) override;
    bool start_demo(GuiContext& ctx, const std::string& name, std::string& error) override;
    void running_jobs(std::vector<JobView>& out) const override;
    void draw_help(GuiContext& ctx) override;
    nlohmann::json save_state() const override;
    void restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) override;

    // The state the panels edit (null before the first update with a session).
    session::MemoryWorkspaceState* state() { return state_; }
    // Re-simulates with the current settings (what every knob change does).
    void resimulate();

    // The live replay of one layer's trace (play, pause, step, speed): the hierarchy boxes then show its
    // running counts. select_replay_layer builds the trace (cold caches); false with a reason when the layer
    // is too large to animate.
    bool select_replay_layer(int layer, std::string* error = nullptr);
    void replay_step(int64_t accesses);
    void set_replay_playing(bool on) { replay_playing_ = on; }
    bool replay_playing() const { return replay_playing_; }
    int64_t replay_position() const { return int64_t(replay_pos_); }
    int64_t replay_length() const { return int64_t(replay_trace_.size()); }
    const sim::Hierarchy* replay_hierarchy() const { return replay_h_.get(); }

    struct Rect {
        ImVec2 min{0, 0}, max{0, 0};
        bool drawn() const { return max.x > min.x && max.y > min.y; }
    };
    struct Layout {
        Rect settings, hierarchy, energy, roofline, traffic, training;
    };
    const Layout& last_layout() const { return layout_; }

private:
    void draw_settings(GuiContext& ctx, float w, float h);
    void draw_hierarchy(GuiContext& ctx, const session::MemoryStudy* m, float w, float h);
    void draw_energy(GuiContext& ctx, const session::MemoryStudy* m, float w, float h);
    void draw_roofline(GuiContext& ctx, const session::MemoryStudy* m, float w, float h);
    void draw_traffic(GuiContext& ctx, const session::MemoryStudy* m, float w, float h);
    void draw_training(GuiContext& ctx, const session::MemoryStudy* m, float w, float h);
    void rebuild_views(const session::MemoryStudy& m);
    void draw_replay_controls(GuiContext& ctx, const session::MemoryStudy& m);

    session::MemoryWorkspaceState* state_ = nullptr;
    nlohmann::json pending_state_;
    bool dirty_ = true;           // settings changed: start a job on the next update
    bool shown_ = false;          // drawn at least once: until then nothing is simulated
    double dirty_since_s_ = 0;    // debounce slider drags
    bool use_current_model_ = true;
    std::string current_spec_path_;
    std::string model_label_seen_ = "\x01";
    const session::MemoryStudy* view_of_ = nullptr;
    Layout layout_;
    // Chart arrays rebuilt when a new study arrives.
    std::vector<std::string> layer_names_;
    std::vector<std::vector<float>> energy_by_level_;  // [level (+ main, + compute)][layer], µJ
    std::vector<std::string> energy_labels_;
    std::vector<float> dram_kb_, l1_misses_k_;
    std::vector<float> roof_x_, roof_y_, point_x_, point_y_;
    std::vector<std::string> point_labels_;
    // Live replay.
    int replay_layer_ = -1;
    bool replay_playing_ = false;
    float replay_speed_ = 2e5f;  // accesses per second of wall time
    std::vector<sim::TraceEntry> replay_trace_;
    size_t replay_pos_ = 0;
    std::unique_ptr<sim::Hierarchy> replay_h_;
    double last_time_s_ = -1;
};

}  // namespace mlsys::gui
