// The Board workspace's engine (DESIGN.md "Long work: jobs"): one board connection on its own thread —
// connect, hello, the serial monitor, live samples for the plotter (our protocol or any sketch's plotter
// lines), labelled capture, model deployment, live inference — publishing immutable snapshots; the UI
// sends commands and never blocks. Reconnects by itself when an unplugged port comes back. Can also own
// a virtual board. No GUI code.
#pragma once

#include "app/session/board_ops.hpp"
#include "hardware/virtual/virtual_board.hpp"
#include "models/core/job.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace mlsys::session {

// What the Board workspace keeps between launches and what the CLI/labs can set (a plain struct).
struct BoardSettings {
    std::string port;                 // last port used
    int baud = 115200;
    bool auto_reconnect = true;
    std::string sensor = "imu";
    int rate_hz = 50;
    int plot_window_points = 500;     // the plotter's visible window
    bool plot_auto_y = true;
    double plot_y_min = -2000, plot_y_max = 2000;
    double capture_seconds = 2.0;
    std::string capture_label = "idle";
    std::string model_file;           // MLB1 to deploy
    std::string virtual_motion = "idle";
};
nlohmann::json to_json(const BoardSettings& s);
// Unknown or bad keys keep their defaults and add a warning naming the key.
BoardSettings board_settings_from_json(const nlohmann::json& j, std::vector<std::string>& warnings);

enum class LinkState { Disconnected, Connecting, Connected, Lost };
const char* to_string(LinkState s);

struct MonitorLine {
    double t_s = 0;         // seconds since the link started
    bool from_host = false; // a line we sent
    std::string text;
};

struct CaptureSummary {
    std::string label;
    bool partial = false;    // cut short (the board went away); kept in the Run
    size_t n_samples = 0;
    double duration_ms = 0;
};

struct BoardSnapshot {
    LinkState state = LinkState::Disconnected;
    std::string status;                    // one sentence for the status line
    std::string port;
    bool has_firmware = false;             // answered HELLO (else: raw/plotter mode)
    std::optional<hardware::HelloInfo> hello;
    std::optional<hardware::StatsInfo> stats;
    std::vector<MonitorLine> monitor;      // the newest lines (at most kMonitorLines)
    // Plotter: channel names and the newest points per channel (at most kPlotPoints).
    std::vector<std::string> channels;
    std::vector<std::string> units;
    std::vector<float> t_s;
    std::vector<std::vector<float>> series;
    bool streaming = false;
    hardware::LinkCounters counters;
    int n_reconnects = 0;
    // Deployment and inference.
    double upload_progress = -1;           // 0..1 while uploading, 1 when done, < 0 never
    std::string upload_status;
    std::vector<InferRow> infer_rows;      // the newest results
    int64_t median_cycles = 0, median_micros = 0;
    int n_infer_equal = 0, n_infer = 0;
    // Capture.
    double capture_progress = -1;          // 0..1 while recording
    std::vector<CaptureSummary> captures;
    std::vector<std::vector<float>> last_window;  // the last captured window, per channel (preview)
};

inline constexpr size_t kMonitorLines = 400;
inline constexpr size_t kPlotPoints = 4000;

struct LinkConnect { std::string port; int baud = 115200; };
struct LinkDisconnect {};
struct LinkSend { std::string text; };
struct LinkStream { std::string sensor; int rate_hz = 50; };
struct LinkStop {};
struct LinkDeploy { hardware::BoardModel model; };
struct LinkInfer { std::vector<std::vector<int8_t>> inputs; std::vector<int> labels; };
struct LinkCapture { std::string label; double seconds = 2; };
struct LinkClearPlot {};
using LinkCommand = std::variant<LinkConnect, LinkDisconnect, LinkSend, LinkStream, LinkStop, LinkDeploy, LinkInfer,
                                 LinkCapture, LinkClearPlot>;

class BoardLink {
public:
    BoardLink();
    ~BoardLink();  // stops the thread and any virtual board
    BoardLink(const BoardLink&) = delete;
    BoardLink& operator=(const BoardLink&) = delete;

    void send(LinkCommand c) { commands_.push(std::move(c)); }
    std::shared_ptr<const BoardSnapshot> snapshot() const { return latest_.get(); }
    uint64_t snapshot_version() const { return latest_.version(); }
    void set_auto_reconnect(bool on) { auto_reconnect_ = on; }

    // Starts a virtual board and connects to it (UI thread). Errors name the firmware path.
    [[nodiscard]] core::Status start_virtual(const hardware::VirtualBoardConfig& config);
    void stop_virtual();
    hardware::VirtualBoard* virtual_board() { return virtual_.get(); }

    // Every capture so far (copied under a lock; for export and the motion lab).
    std::vector<hardware::Capture> captures() const;
    // Where captures are recorded: each connection's captures go to one Run (kind "board", docs/RUNS.md)
    // as artifacts/captures/<n>-<label>.csv, created at the first capture; a capture cut short by an
    // unplugged board is kept there as <n>-<label>-partial.csv. Empty: the XDG default.
    void set_runs_dir(const std::string& dir);
    // The current capture Run's directory (empty before the first capture).
    std::string capture_run_dir() const;

private:
    void run();

    core::CommandQueue<LinkCommand> commands_;
    core::Latest<BoardSnapshot> latest_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> auto_reconnect_{true};
    std::unique_ptr<hardware::VirtualBoard> virtual_;
    mutable std::mutex captures_mutex_;
    std::vector<hardware::Capture> captures_;  // written by the worker under captures_mutex_
    std::string runs_dir_;                     // under captures_mutex_
    std::string capture_run_dir_;              // under captures_mutex_
    std::thread thread_;
};

}  // namespace mlsys::session
