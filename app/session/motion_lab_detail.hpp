// Helpers the motion lab's stages share (motion_lab.cpp defines them; motion_lab_board.cpp uses them too).
// Internal to app/session: not part of the motion lab's interface.
#pragma once

#include "app/session/motion_lab.hpp"

#include "hardware/boards/board_model.hpp"
#include "hardware/boards/capture.hpp"
#include "models/data/dataset.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::session::motion_detail {

// Board units to SI-ish ones: mg -> g, mdps -> deg/s.
double unit_scale(const hardware::Capture& cap, size_t ch);
// The capture's columns of the named axes, or the axis that is missing.
core::Result<std::vector<size_t>> axis_columns(const hardware::Capture& cap, const std::vector<std::string>& axes);
std::string capture_csv(const hardware::Capture& cap);
std::string runs_root(const std::string& runs_dir);
// Connects to the configured port, or starts the virtual board, if not connected yet.
core::Status ensure_board(MotionLabState& st);
// Puts the (virtual) board into a motion, or prompts the person holding a real one.
core::Status feel(MotionLabState& st, const std::string& motion, const MotionPrompt& prompt);
// Streams the IMU for `seconds`; `partial` holds what arrived if the stream breaks off.
core::Result<hardware::Capture> stream(MotionLabState& st, double seconds, const std::string& label, hardware::Capture& partial);
std::vector<float> quantized_scores(const hardware::BoardModel& m, const std::vector<int8_t>& q);
models::Dataset make_dataset(const MotionLabState& st, bool test);
nlohmann::json confusion_json(const std::vector<std::vector<int64_t>>& c);
// Features (float) as the K-means code takes them (double).
inline std::vector<double> as_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

}  // namespace mlsys::session::motion_detail
