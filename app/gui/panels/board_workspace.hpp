// The Board workspace: port picker with auto-detect, connect/disconnect, "Start virtual board", the serial
// monitor, the serial plotter, labelled data capture, deploying an int8 model and live on-board inference
// with the board-measured latency. Draws session::BoardSnapshot only; all serial work happens on the
// session's BoardLink thread. Split: board_workspace.cpp (frame, toolbar, commands), board_panels.cpp
// (plotter, monitor, capture, deploy/infer panels), board_motion.cpp (the motion lab: stages, live results).
#pragma once

#include "app/gui/workspace.hpp"
#include "app/session/board_link.hpp"

#include "hardware/serial/serial_port.hpp"

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlsys::session {
struct MotionLabState;
}

namespace mlsys::gui {

class BoardWorkspace final : public Workspace {
public:
    BoardWorkspace();
    ~BoardWorkspace() override;

    void update(GuiContext& ctx) override;
    void draw(GuiContext& ctx) override;
    bool start_demo(GuiContext& ctx, const std::string& name, std::string& error) override;
    bool on_export(GuiContext& ctx) override;
    void running_jobs(std::vector<JobView>& out) const override;
    void draw_help(GuiContext& ctx) override;
    nlohmann::json save_state() const override;
    void restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) override;

    // Commands behind the buttons (also used by the demo and tests).
    void connect(GuiContext& ctx, const std::string& port);
    bool start_virtual(GuiContext& ctx);
    void deploy(GuiContext& ctx);
    void run_inference(GuiContext& ctx, int count);

private:
    void draw_toolbar(GuiContext& ctx, const session::BoardSnapshot& s);
    void draw_info(GuiContext& ctx, const session::BoardSnapshot& s);
    void draw_stream_capture(GuiContext& ctx, const session::BoardSnapshot& s);
    void draw_deploy(GuiContext& ctx, const session::BoardSnapshot& s);
    void draw_plotter(GuiContext& ctx, const session::BoardSnapshot& s);
    void draw_monitor(GuiContext& ctx, const session::BoardSnapshot& s);
    void export_plot_csv(GuiContext& ctx, const session::BoardSnapshot& s);
    void export_captures(GuiContext& ctx);
    // The motion lab's panel (board_motion.cpp): its stages on a worker thread, the live classifications.
    void draw_motion(GuiContext& ctx);
    void start_motion(GuiContext& ctx, bool all_stages);

    session::BoardSettings settings_;
    std::unique_ptr<session::BoardLink> link_;
    std::shared_ptr<const session::BoardSnapshot> shown_;  // frozen while the plotter is paused
    std::vector<hardware::SerialPortInfo> ports_;
    double ports_listed_at_s_ = -1e9;
    bool plot_paused_ = false;
    bool show_timestamps_ = true;
    bool autoscroll_ = true;
    int motion_index_ = 0;
    char port_buf_[256] = {};
    char send_buf_[256] = {};
    char label_buf_[64] = {};
    char model_buf_[512] = {};
    std::optional<hardware::BoardModel> model_;  // the model to deploy (file or demo)
    std::string model_note_;
    std::future<core::Result<nlohmann::json>> motion_job_;
    session::MotionLabState* motion_state_ = nullptr;  // the session's, while motion_job_ may run (to cancel it)
    std::string motion_message_;
    double uno_int8_macs_per_s_ = -1;  // the deployment estimator's atmega328p profile (0: unavailable)
};

}  // namespace mlsys::gui
