// Captured sensor data from a board (our protocol's samples or a foreign sketch's plotter lines) and its
// exports: Edge Impulse's CSV (timestamp in ms first, one column per axis) and 16-bit PCM WAV for audio.
#pragma once

#include "models/core/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::hardware {

struct Capture {
    std::string sensor;                  // "imu", or "plotter" for foreign sketches
    std::string label;                   // the class being recorded (data capture), may be empty
    std::vector<std::string> channels;
    std::vector<std::string> units;      // empty when unknown
    std::vector<double> t_ms;            // per sample, from the board's clock (or the host's for plotter lines)
    std::vector<std::vector<double>> rows;

    size_t n_samples() const { return rows.size(); }
    double duration_ms() const { return t_ms.size() < 2 ? 0.0 : t_ms.back() - t_ms.front(); }
    // Mean sample rate over the capture (what Edge Impulse infers for forwarder data).
    double rate_hz() const;
};

// Turns the board's 32-bit microsecond stamps (wrapping every ~71.6 min) into a monotonic count.
class TimestampUnwrapper {
public:
    uint64_t unwrap(uint32_t t_us);

private:
    bool has_last_ = false;
    uint32_t last_ = 0;
    uint64_t high_ = 0;
};

// "timestamp,<channels...>" with the timestamp in ms since the first sample. Written to a temporary name
// and renamed.
[[nodiscard]] core::Status write_edge_impulse_csv(const Capture& c, const std::string& path);
// One channel as mono 16-bit PCM at the capture's mean rate; values are clamped to int16.
[[nodiscard]] core::Status write_wav(const Capture& c, size_t channel, const std::string& path);

}  // namespace mlsys::hardware
