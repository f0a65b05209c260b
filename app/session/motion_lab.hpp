// The motion lab's pipeline (textbook lab "Motion Classification and Anomaly Detection", docs/BOARDS.md
// "Motion classification"): capture IMU windows of each class from a board over the real serial stream
// (the virtual board switches its simulated motion per class; on a real board the student moves it), compute
// spectral features (models/features), train a small dense classifier and a K-means anomaly model on the
// desktop, quantize to int8, deploy to the board, then classify live: stream a window, compute its features
// on the desktop, run the int8 model on the board (INFER) and flag the window when its K-means score exceeds
// the student's threshold. Each stage records a Run. Used by the lab actions (lab_actions/motion_actions.cpp)
// and `mlsyslab board motion`. Synchronous; no GUI code.
#pragma once

#include "app/session/board_ops.hpp"
#include "hardware/virtual/virtual_board.hpp"
#include "models/features/kmeans.hpp"
#include "models/features/spectral.hpp"
#include "models/model/model.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mlsys::session {

class Session;

// What the "motion" state section shows and sets, and `mlsyslab board motion` fills from its flags.
struct MotionSettings {
    std::string port;                   // empty: start a virtual board
    std::vector<std::string> classes = {"idle", "lift", "terrestrial", "maritime"};
    std::string unseen = "anomaly";     // a motion never captured for training (virtual board: impacts)
    int rate_hz = 50;                   // the textbook's accelerometer rate
    double window_s = 2.0;              // the textbook's window
    double stride_s = 0.25;             // window increase
    double train_s = 5.0;               // per class: seconds of continuous capture for training windows
    double test_s = 3.0;                // per class: the following seconds, for test windows only
    std::vector<std::string> axes = {"ax", "ay", "az"};
    int fft_length = 16;
    bool hann = true;
    bool log_power = true;
    bool skew_kurtosis = false;
    std::vector<int> hidden = {16};     // dense layers between the features and the classes (ReLU)
    int epochs = 40;
    int batch_size = 8;
    double learning_rate = 0.005;       // the textbook's
    int kmeans_clusters = 8;
    double anomaly_threshold = 1.0;     // a window scoring above it is an anomaly (chosen by the student)
    uint64_t seed = 1;
    double virtual_speed = 0;           // the virtual board: 0 runs as fast as the host can, 1 is real time
    double prompt_s = 5;                // a real board: seconds to get ready before each class is recorded
};
nlohmann::json to_json(const MotionSettings& s);
// Applies the keys present; an unknown key or a wrong type is an error naming it ("motion.epochs: ...").
[[nodiscard]] core::Status apply_json(MotionSettings& s, const nlohmann::json& j);
models::features::SpectralConfig spectral_config(const MotionSettings& s);

// One window's features, before and after standardisation.
struct MotionWindow {
    int label = -1;                     // class index, -1 for the unseen motion
    std::string label_name;
    bool test = false;
    double t_start_ms = 0;
    std::vector<float> raw;
    std::vector<float> features;        // standardised (what the classifier and K-means see)
};

// One live classification.
struct MotionLive {
    std::string motion;                 // what the board felt (the virtual board's mode, or the label asked for)
    int expected = -1;                  // its class, -1 when it is not one of the classes
    int board_class = -1;
    std::vector<float> scores;          // the board's dequantized class scores
    std::vector<int8_t> board_q, desktop_q;
    double anomaly_score = 0;
    bool anomaly = false;
    int64_t cycles = 0, micros = 0;
    std::vector<std::vector<float>> window;  // per axis, for the preview
};

// The lab's state: settings, the board connection (kept between stages), the dataset and the models.
struct MotionLabState {
    MotionSettings settings;
    std::unique_ptr<hardware::VirtualBoard> vb;
    std::unique_ptr<hardware::BoardClient> client;
    std::optional<hardware::HelloInfo> hello;
    std::vector<std::string> feature_names;
    std::vector<MotionWindow> windows;  // known classes, train and test
    models::features::FeatureScaler scaler;
    std::optional<models::Model> model;
    std::optional<models::features::KMeansModel> kmeans;
    std::optional<hardware::BoardModel> board_model;
    bool deployed = false;
    std::vector<MotionLive> live;       // newest last
    std::string capture_run, train_run, deploy_run, live_run;
    nlohmann::json last;                // the last stage's result
    nlohmann::json results = nlohmann::json::object();  // each stage's newest result: capture, train, deploy, classify
    std::string status = "idle";
    mutable std::mutex mutex;           // held while a stage runs (the GUI reads with try_lock)
    std::atomic<bool> cancel{false};    // set to stop a running stage at the next sample ("cancelled")

    MotionLabState() = default;
    ~MotionLabState();  // cancels a stage still running in `pending` and waits for it
    MotionLabState(const MotionLabState&) = delete;
    MotionLabState& operator=(const MotionLabState&) = delete;

    // What the board is feeling or the person at a real board must do now ("Move the board: lift ..."),
    // readable while a stage runs (its own lock).
    void set_activity(const std::string& text) {
        std::lock_guard<std::mutex> lock(activity_mutex_);
        activity_ = text;
    }
    std::string activity() const {
        std::lock_guard<std::mutex> lock(activity_mutex_);
        return activity_;
    }

    // A stage started by a non-blocking lab action (the GUI), polled by the lab; joined first on destruction.
    std::future<core::Result<nlohmann::json>> pending;

private:
    mutable std::mutex activity_mutex_;
    std::string activity_;
};

// Called with one-line messages for the person at the board ("Move the board: lift — recording in 5 s").
using MotionPrompt = std::function<void(const std::string&)>;

// Each stage returns the JSON the lab checks read (keys documented in docs/BOARDS.md) and records a Run under
// runs_dir (kind "board"). Stages refuse to run out of order with a message naming the missing one.
[[nodiscard]] core::Result<nlohmann::json> motion_capture(MotionLabState& st, const std::string& runs_dir,
                                                          const MotionPrompt& prompt = {});
[[nodiscard]] core::Result<nlohmann::json> motion_train(MotionLabState& st, const std::string& runs_dir);
[[nodiscard]] core::Result<nlohmann::json> motion_deploy(MotionLabState& st, const std::string& runs_dir);
// motions: what to feel, one window each (default: every class, then the unseen motion).
[[nodiscard]] core::Result<nlohmann::json> motion_classify(MotionLabState& st, const std::string& runs_dir,
                                                           std::vector<std::string> motions, int windows_per_motion,
                                                           const MotionPrompt& prompt = {});
// Closes the board connection and stops a virtual board.
void motion_disconnect(MotionLabState& st);

// The session's motion state (one per Session, like the other workspaces' states).
MotionLabState& motion_lab(const Session& s);
// The "motion" state section: settings, status, the dataset's size and the last stage's results.
nlohmann::json motion_state_json(const MotionLabState& st);

// Features of every window of a capture: windows of window_s every stride_s from t_from_ms up to t_to_ms
// (board time since the first sample). Errors name a missing axis.
[[nodiscard]] core::Result<std::vector<std::vector<float>>> capture_window_features(
    const hardware::Capture& cap, const MotionSettings& s, double t_from_ms, double t_to_ms, std::vector<double>* starts_ms = nullptr);

}  // namespace mlsys::session
