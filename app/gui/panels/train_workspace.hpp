// The Train workspace: edits the session's TrainSettings (dataset, model or layer list, hyperparameters),
// starts, pauses and stops the session's training job, and draws its newest snapshot — curves, confusion
// matrix, test-image grid, decision boundary, neuron thumbnails and the systems strip. It never trains,
// never waits on the job and keeps no model: everything it shows comes from session::TrainSnapshot.
// The class is split by area: train_workspace.cpp (frame, commands, layout), train_settings_panel.cpp,
// train_layer_editor.cpp, train_systems.cpp, train_charts.cpp, train_files.cpp.
#pragma once

#include "app/gui/panels/train_views.hpp"
#include "app/gui/workspace.hpp"
#include "app/session/train_job.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mlsys::session {
class Session;
class TrainJob;
}  // namespace mlsys::session

namespace mlsys::gui {

// Row helpers shared by the settings column's files: a dim label with a tooltip, after which the next
// widget fills the rest of the row; and a bold section heading with a rule under it.
void settings_label(const Theme& t, const char* label, const char* help, float label_w);
void settings_heading(GuiContext& ctx, const char* title);

class TrainWorkspace final : public Workspace {
public:
    TrainWorkspace();
    ~TrainWorkspace() override;

    void update(GuiContext& ctx) override;
    void draw(GuiContext& ctx) override;
    bool on_start_pause(GuiContext& ctx) override;
    bool on_save_model(GuiContext& ctx) override;
    bool start_demo(GuiContext& ctx, const std::string& name, std::string& error) override;
    void running_jobs(std::vector<JobView>& out) const override;
    void draw_help(GuiContext& ctx) override;
    nlohmann::json save_state() const override;
    void restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) override;

    // Commands behind the buttons and shortcuts (also driven by the tests). start() shows a failure in the
    // error modal, or returns it in *error when error is not null.
    bool start(GuiContext& ctx, std::string* error = nullptr);
    void toggle_pause(GuiContext& ctx);
    void stop(GuiContext& ctx);
    // Sets the learning rate in the settings and, while a job runs, sends it to the job (next step on).
    void set_learning_rate(GuiContext& ctx, double learning_rate);
    // Chooses a dataset; switching between images and 2-D points also switches to a fitting preset and
    // hyperparameters (with a toast saying so), and a custom layer list is re-fitted to the new data.
    void select_dataset(GuiContext& ctx, const std::string& dataset);
    // Saves the current model / opens a model file through the session; a toast on success, the error
    // modal on failure. Return whether it worked.
    bool save_model_to(GuiContext& ctx, const std::string& path);
    bool open_model_from(GuiContext& ctx, const std::string& path);
    // Applies the settings of a demo ("spiral", "fashion") to the session; false for an unknown name.
    static bool apply_demo_settings(session::TrainSettings& settings, const std::string& name);

    // Screen rectangles of the last frame's views (empty when not drawn), for tests and PNG export.
    struct Rect {
        ImVec2 min{0, 0}, max{0, 0};
        bool drawn() const { return max.x > min.x && max.y > min.y; }
    };
    struct Layout {
        Rect settings, toolbar, systems, loss, accuracy, confusion, images, boundary, neurons;
    };
    const Layout& last_layout() const { return layout_; }

private:
    // Derived from the newest snapshot, rebuilt only when it changes.
    struct View {
        std::shared_ptr<const session::TrainSnapshot> snap;
        uint64_t version = 0;  // bumped at every rebuild: texture uploads follow it
        std::vector<float> loss_smooth, acc_pct, acc_smooth_pct, val_acc_pct;
        std::vector<float> confusion;  // rows x cols, row-major
        int n_classes = 0;
        std::vector<int> confusion_diagonal;
        std::vector<uint32_t> boundary;
        std::vector<uint32_t> images;
        int images_w = 0, images_h = 0, images_cols = 8;
        std::vector<uint32_t> neurons;
        int neurons_w = 0, neurons_h = 0;
        std::vector<uint32_t> point_palette;
        std::vector<float> point_x, point_y;  // the training points, split from points_xy for the scatter
    };
    void rebuild_view(std::shared_ptr<const session::TrainSnapshot> snap);
    void track_job(GuiContext& ctx, session::Session& s);
    void update_job_view(session::Session& s);
    void apply_state(session::Session& s, const nlohmann::json& state, std::vector<std::string>& warnings);

    // train_workspace.cpp
    void draw_toolbar(GuiContext& ctx, session::Session& s);
    // train_settings_panel.cpp
    void draw_settings(GuiContext& ctx, session::Session& s, float width, float height);
    void draw_dataset_section(GuiContext& ctx, session::Session& s);
    void draw_hyperparameters(GuiContext& ctx, session::Session& s);
    void draw_learning_rate(GuiContext& ctx, session::Session& s);
    // train_layer_editor.cpp
    void draw_model_section(GuiContext& ctx, session::Session& s);
    void draw_layer_list(GuiContext& ctx, session::Session& s, bool editable);
    void draw_layer_fields(GuiContext& ctx, session::Session& s, models::LayerSpec& layer);
    void draw_totals(GuiContext& ctx);
    const ModelTotals& totals(const session::TrainSettings& settings);
    // train_systems.cpp
    void draw_systems(GuiContext& ctx, float width);
    // train_charts.cpp
    void draw_curves(GuiContext& ctx, float width, float height);
    void draw_confusion(GuiContext& ctx, float width, float height);
    void draw_image_grid(GuiContext& ctx, float width, float height);
    void draw_boundary(GuiContext& ctx, float width, float height);
    void draw_neurons(GuiContext& ctx, float width, float height);
    // train_files.cpp
    void open_save_dialog(GuiContext& ctx, session::Session& s);
    void open_load_dialog(GuiContext& ctx);
    void draw_file_dialogs(GuiContext& ctx, session::Session& s);

    // The app's session, seen at the last update (it outlives every workspace); null before the first.
    session::Session* session_ = nullptr;
    nlohmann::json pending_state_;  // saved settings waiting for the first update
    JobView job_view_;              // the running job as the status bar shows it
    bool has_job_view_ = false;

    View view_;
    Layout layout_;
    ModelTotals totals_;
    std::string totals_key_;
    int selected_layer_ = -1;

    // The job being watched: its identity (compared, never dereferenced after it ends), the training time
    // seen while it ran (for the estimate of the time left), and whether its end was announced.
    const session::TrainJob* job_seen_ = nullptr;
    bool job_running_ = false;
    double job_active_s_ = 0;
    double last_update_s_ = -1;

    // File dialogs.
    bool want_save_dialog_ = false, want_load_dialog_ = false;
    std::string file_path_;
    std::vector<std::string> recent_models_;  // found under the data dir when a dialog opens
};

}  // namespace mlsys::gui
