// Board jobs shared by the CLI, the Board workspace and the labs: loading an int8 board model, capturing
// sensor data (our protocol or a foreign sketch's plotter lines), deploying, and running inference on the
// board beside the desktop's integer reference. Synchronous; callers put them on a thread when needed.
#pragma once

#include "hardware/boards/board_client.hpp"
#include "hardware/boards/board_model.hpp"
#include "hardware/boards/capture.hpp"
#include "models/core/result.hpp"

#include <functional>
#include <string>
#include <vector>

namespace mlsys::session {

// Reads an MLB1 file (docs/PROTOCOL.md "Model format") or an MLQ8 int8 image (docs/INT8_FORMAT.md) of a
// dense model, converted; errors name the file.
[[nodiscard]] core::Result<hardware::BoardModel> load_board_model(const std::string& path);
[[nodiscard]] core::Status save_board_model(const hardware::BoardModel& m, const std::string& path);

struct CaptureRequest {
    std::string sensor = "imu";
    int rate_hz = 50;
    double seconds = 2.0;  // of the board's time
    std::string label;
};
// Streams `seconds` of board time from a board running our firmware; `on_sample` sees each row as it comes
// (return false to stop early — what was captured is kept).
[[nodiscard]] core::Result<hardware::Capture> capture_from_board(
    hardware::BoardClient& client, const CaptureRequest& request,
    const std::function<bool(const hardware::Capture&)>& on_sample = {});
// Reads `seconds` of wall time of Arduino Serial Plotter / Edge Impulse forwarder lines from any sketch;
// lines that are not numbers are counted and skipped.
[[nodiscard]] core::Result<hardware::Capture> capture_plotter_lines(hardware::BoardClient& client, double seconds,
                                                                     const std::string& label = "");

struct InferRow {
    std::vector<int8_t> input;
    std::vector<int8_t> board;    // the board's int8 outputs
    std::vector<int8_t> desktop;  // the desktop integer reference
    int label = -1;               // -1 when unknown
    int board_class = 0;
    int64_t cycles = 0;
    int64_t micros = 0;
};
struct InferComparison {
    std::vector<InferRow> rows;
    int n_equal = 0;        // rows whose board outputs equal the desktop's exactly
    int n_correct = -1;     // rows whose board class equals the label (-1 without labels)
    int64_t median_cycles = 0;
    int64_t median_micros = 0;
};
// Runs every input on the board and on the desktop reference.
[[nodiscard]] core::Result<InferComparison> compare_inference(hardware::BoardClient& client, const hardware::BoardModel& m,
                                                               const std::vector<std::vector<int8_t>>& inputs,
                                                               const std::vector<int>& labels = {});

// Inputs for inference: "random" (seeded int8 vectors) or a CSV dataset of float features (quantized with
// the model's input scale; the label column becomes the labels). Takes at most `count` rows.
struct InferInputs {
    std::vector<std::vector<int8_t>> inputs;
    std::vector<int> labels;
};
[[nodiscard]] core::Result<InferInputs> load_infer_inputs(const std::string& dataset, const hardware::BoardModel& m,
                                                          int count, uint64_t seed);

}  // namespace mlsys::session
