// The offload client: sends real inputs to `mlsyslab serve` and measures real round trips, with a link
// shaper that adds a link profile's round-trip time and serialisation delay so a loopback measurement can be
// put beside the deployment estimator's prediction for Wi-Fi, LTE, BLE...
#pragma once

#include "hardware/net/offload_protocol.hpp"

#include <memory>
#include <string>

namespace mlsys::hardware {

// What the shaper adds around one exchange (0 rates: no serialisation delay).
struct LinkShape {
    double rtt_s = 0;
    double uplink_bytes_per_s = 0;
    double downlink_bytes_per_s = 0;
    double loss_rate = 0;  // delays are inflated by 1 / (1 - loss), the expected cost of retransmissions
};

// Sleeps for `seconds` with sub-100-microsecond precision (sleep, then spin for the last stretch).
void precise_delay(double seconds);

class OffloadClient {
public:
    // Connects within timeout_s; the error names host and port.
    static core::Result<std::unique_ptr<OffloadClient>> connect(const std::string& host, uint16_t port,
                                                                double timeout_s = 5.0);
    ~OffloadClient();
    OffloadClient(const OffloadClient&) = delete;
    OffloadClient& operator=(const OffloadClient&) = delete;

    // The server's model description (JSON text).
    core::Result<std::string> info();
    // One unshaped round trip in seconds (the loopback path's own latency).
    core::Result<double> ping();

    struct InferResult {
        std::vector<float> scores;
        double round_trip_s = 0;       // measured, shaping included
        double server_compute_s = 0;   // as reported by the server
    };
    core::Result<InferResult> infer(const std::vector<float>& input, const LinkShape& shape = {});

    // Sends raw bytes and waits for one response (tests use it to send malformed frames).
    core::Result<Response> exchange_raw(const std::string& bytes, double timeout_s = 5.0);

private:
    OffloadClient();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mlsys::hardware
