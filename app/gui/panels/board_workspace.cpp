// Board workspace: registration, the toolbar (ports, connect, virtual board), the layout, commands, the
// demo and saved state. Panels are in board_panels.cpp.
#include "app/gui/panels/board_workspace.hpp"

#include "app/gui/widgets/tooltip.hpp"
#include "app/session/board_ops.hpp"
#include "app/session/motion_lab.hpp"
#include "app/session/session.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

namespace mlsys::gui {

MLSYS_GUI_WORKSPACE((WorkspaceInfo{"board", "", "", 0, ""}), BoardWorkspace);

namespace {
constexpr double kPortScanEveryS = 2.0;
void copy_to(char* buf, size_t n, const std::string& s) { std::snprintf(buf, n, "%s", s.c_str()); }
}  // namespace

BoardWorkspace::BoardWorkspace() : link_(std::make_unique<session::BoardLink>()) {
    copy_to(label_buf_, sizeof label_buf_, settings_.capture_label);
}
BoardWorkspace::~BoardWorkspace() {
    // A motion stage still running (the app is closing) stops at its next sample instead of finishing.
    if (motion_state_ && motion_job_.valid()) {
        motion_state_->cancel = true;
        motion_job_.wait();
        motion_state_->cancel = false;
    }
}

void BoardWorkspace::update(GuiContext& ctx) {
    if (ctx.time_s - ports_listed_at_s_ > kPortScanEveryS && !ctx.scripted) {
        ports_ = hardware::list_serial_ports();
        ports_listed_at_s_ = ctx.time_s;
    }
    link_->set_auto_reconnect(settings_.auto_reconnect);
    if (ctx.session) link_->set_runs_dir(ctx.session->runs_dir());  // captures are recorded as Runs there
    if (!plot_paused_ || !shown_) shown_ = link_->snapshot();
}

void BoardWorkspace::connect(GuiContext& ctx, const std::string& port) {
    if (port.empty()) return ctx.show_error("Connect", "Choose a port (or start the virtual board) first.");
    settings_.port = port;
    link_->send(session::LinkConnect{port, settings_.baud});
}

bool BoardWorkspace::start_virtual(GuiContext& ctx) {
    hardware::VirtualBoardConfig cfg;
    cfg.motion = hardware::kAllMotions[static_cast<size_t>(motion_index_)];
    cfg.seed = 1;
    auto st = link_->start_virtual(cfg);
    if (!st) {
        ctx.show_error("Virtual board", st.error());
        return false;
    }
    settings_.port = link_->virtual_board()->port_path();
    copy_to(port_buf_, sizeof port_buf_, settings_.port);
    // (No toast in scripted runs: a toast raised during --demo before the first frame crashed the shell's
    // toast drawing; the status line says the same.)
    if (!ctx.scripted) ctx.toast("Virtual board started on " + settings_.port + " (the real firmware on a simulated ATmega328P).", ToastKind::Info);
    return true;
}

void BoardWorkspace::deploy(GuiContext& ctx) {
    if (!model_) {
        const std::string path = model_buf_;
        if (path.empty()) return ctx.show_error("Deploy", "Choose an MLB1 model file, or 'Demo model' for a small random one.");
        auto m = session::load_board_model(path);
        if (!m) return ctx.show_error("Deploy", m.error());
        model_ = *m;
        settings_.model_file = path;
    }
    link_->send(session::LinkDeploy{*model_});
}

void BoardWorkspace::run_inference(GuiContext& ctx, int count) {
    if (!model_) return ctx.show_error("Inference", "Deploy a model first.");
    auto in = session::load_infer_inputs("random", *model_, count, static_cast<uint64_t>(ctx.frame + 1));
    if (!in) return ctx.show_error("Inference", in.error());
    link_->send(session::LinkInfer{in->inputs, in->labels});
}

bool BoardWorkspace::start_demo(GuiContext& ctx, const std::string& name, std::string& error) {
    if (name == "motion") {
        // The motion lab on its own virtual board: every stage, then the live classifications in the panel.
        start_motion(ctx, true);
        if (ctx.scripted && motion_job_.valid()) motion_job_.wait_for(std::chrono::seconds(180));
        return true;
    }
    if (name != "virtual") {
        error = "the Board workspace's demos are 'virtual' and 'motion'";
        return false;
    }
    motion_index_ = 3;  // maritime: slow roll, visible in the plotter
    if (!start_virtual(ctx)) {
        error = "cannot start the virtual board";
        return false;
    }
    model_ = hardware::random_board_model({12, 16, 4}, 1);
    model_note_ = "demo model 12-16-4 (random int8 weights)";
    link_->send(session::LinkStream{"imu", 50});
    link_->send(session::LinkCapture{"maritime", 1.0});
    link_->send(session::LinkDeploy{*model_});
    run_inference(ctx, 8);
    link_->send(session::LinkSend{"STATS"});
    if (ctx.scripted) {
        // A screenshot must show data: wait (bounded) until the link has streamed, captured and inferred.
        const auto t0 = std::chrono::steady_clock::now();
        while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 20) {
            auto s = link_->snapshot();
            if (s && s->n_infer >= 8 && s->t_s.size() >= 150 && !s->captures.empty()) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    return true;
}

bool BoardWorkspace::on_export(GuiContext& ctx) {
    if (!shown_ || shown_->t_s.empty()) return false;  // no samples: the shell saves the window as PNG
    export_plot_csv(ctx, *shown_);
    return true;
}

void BoardWorkspace::running_jobs(std::vector<JobView>& out) const {
    if (!shown_ || shown_->state != session::LinkState::Connected) return;
    JobView v;
    v.name = "Board on " + shown_->port;
    v.detail = shown_->streaming ? "streaming" : "idle";
    if (shown_->upload_progress >= 0 && shown_->upload_progress < 1) v.progress = shown_->upload_progress;
    out.push_back(std::move(v));
}

void BoardWorkspace::draw_help(GuiContext& ctx) {
    (void)ctx;
    ImGui::TextWrapped(
        "Board: connect a development board over USB serial, or start the virtual board — the same firmware running "
        "on a simulated ATmega328P at 16 MHz. Boards running the MLSys firmware (docs/PROTOCOL.md) answer HELLO, "
        "stream sensors with their own timestamps, take an int8 model in CRC-checked chunks and report inference "
        "cycles. Any other sketch that prints numbers (Arduino Serial Plotter or Edge Impulse forwarder lines) is "
        "plotted and captured with no handshake. Ctrl+E exports the plotter's data as CSV.");
}

nlohmann::json BoardWorkspace::save_state() const { return session::to_json(settings_); }

void BoardWorkspace::restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) {
    settings_ = session::board_settings_from_json(state, warnings);
    copy_to(port_buf_, sizeof port_buf_, settings_.port);
    copy_to(label_buf_, sizeof label_buf_, settings_.capture_label);
    copy_to(model_buf_, sizeof model_buf_, settings_.model_file);
    if (auto m = hardware::parse_motion(settings_.virtual_motion))
        for (size_t i = 0; i < hardware::kAllMotions.size(); ++i)
            if (hardware::kAllMotions[i] == *m) motion_index_ = static_cast<int>(i);
}

void BoardWorkspace::draw_toolbar(GuiContext& ctx, const session::BoardSnapshot& s) {
    const Theme& t = *ctx.theme;
    ImGui::SetNextItemWidth(190);
    const char* preview = port_buf_[0] ? port_buf_ : "choose a port";
    if (ImGui::BeginCombo("##port", preview)) {
        for (const auto& p : ports_) {
            std::string label = p.path + (p.board.empty() ? "" : "  — " + p.board);
            if (ImGui::Selectable(label.c_str(), p.path == port_buf_)) copy_to(port_buf_, sizeof port_buf_, p.path);
        }
        if (ports_.empty()) ImGui::TextDisabled("no serial ports found");
        if (link_->virtual_board() && ImGui::Selectable(("virtual board  " + link_->virtual_board()->port_path()).c_str()))
            copy_to(port_buf_, sizeof port_buf_, link_->virtual_board()->port_path());
        ImGui::EndCombo();
    }
    metric_tooltip("Serial ports found on this computer (rescanned every 2 s), with boards recognised by their USB "
                   "vendor and product ids. Pseudo-terminals (the virtual board, socat) are not listed by the OS: "
                   "type their path instead.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(150);
    ImGui::InputText("##portpath", port_buf_, sizeof port_buf_);
    ImGui::SameLine();
    const bool connected = s.state == session::LinkState::Connected || s.state == session::LinkState::Lost ||
                           s.state == session::LinkState::Connecting;
    if (!connected) {
        if (ImGui::Button("Connect")) connect(ctx, port_buf_);
    } else if (ImGui::Button("Disconnect")) {
        link_->send(session::LinkDisconnect{});
    }
    ImGui::SameLine();
    ImGui::Checkbox("auto-reconnect", &settings_.auto_reconnect);
    metric_tooltip("When the port disappears (unplugged, simulator stopped) keep trying to open it again every 0.5 s.");
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    static const char* kMotions[] = {"idle", "lift", "terrestrial", "maritime", "anomaly"};
    ImGui::SetNextItemWidth(110);
    if (ImGui::Combo("##motion", &motion_index_, kMotions, 5)) {
        settings_.virtual_motion = kMotions[motion_index_];
        if (link_->virtual_board()) link_->virtual_board()->set_motion(hardware::kAllMotions[static_cast<size_t>(motion_index_)]);
    }
    metric_tooltip("What the virtual board's IMU feels — the textbook motion lab's classes: idle (storage), lift "
                   "(forklift), terrestrial (truck or train vibration), maritime (ship roll), and anomaly (impacts).");
    ImGui::SameLine();
    if (ImGui::Button(link_->virtual_board() ? "Restart virtual board" : "Start virtual board")) start_virtual(ctx);
    metric_tooltip("Runs the board firmware (hardware/firmware) on a simulated ATmega328P at 16 MHz in simavr, behind a "
                   "pseudo-terminal: the app talks to it exactly as to a real Arduino Uno.");
    if (link_->virtual_board()) {
        ImGui::SameLine();
        if (ImGui::Button("Stop")) link_->stop_virtual();
        metric_tooltip("Stops the simulator, as if the board were unplugged mid-stream.");
    }
    // Status line with a coloured dot.
    const ImU32 dot = s.state == session::LinkState::Connected ? t.good
                    : s.state == session::LinkState::Lost      ? t.bad
                    : s.state == session::LinkState::Connecting ? t.warning
                                                                : t.text_dim;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + 6, p.y + ImGui::GetTextLineHeight() * 0.5f + 1), 5, dot);
    ImGui::Dummy(ImVec2(14, ImGui::GetTextLineHeight()));
    ImGui::SameLine();
    ImGui::Text("%s", s.status.empty() ? "Not connected." : s.status.c_str());
}

void BoardWorkspace::draw(GuiContext& ctx) {
    if (!shown_) shown_ = link_->snapshot();
    const std::shared_ptr<const session::BoardSnapshot> shown_ptr = shown_;
    static const session::BoardSnapshot kEmpty;
    const session::BoardSnapshot& s = shown_ptr ? *shown_ptr : kEmpty;
    const std::shared_ptr<const session::BoardSnapshot> live_ptr = link_->snapshot();  // keeps it alive this frame
    const session::BoardSnapshot& live = live_ptr ? *live_ptr : kEmpty;
    if (ctx.fonts.heading) ImGui::PushFont(ctx.fonts.heading);
    ImGui::TextUnformatted("Board");
    if (ctx.fonts.heading) ImGui::PopFont();
    draw_toolbar(ctx, live);
    ImGui::Separator();
    const float left_w = 380 * ctx.fonts.scale;
    if (ImGui::BeginChild("##board_left", ImVec2(left_w, 0), false)) {
        // Without a connection the motion lab (which opens its own) comes first: the other panels need one.
        const bool connected = live.state == session::LinkState::Connected;
        if (!connected) draw_motion(ctx);
        draw_info(ctx, live);
        draw_deploy(ctx, live);
        draw_stream_capture(ctx, live);
        if (connected) draw_motion(ctx);
    }
    ImGui::EndChild();
    ImGui::SameLine();
    if (ImGui::BeginChild("##board_right", ImVec2(0, 0), false)) {
        draw_plotter(ctx, s);
        draw_monitor(ctx, live);
    }
    ImGui::EndChild();
}

}  // namespace mlsys::gui
