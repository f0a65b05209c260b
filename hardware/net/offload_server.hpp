// `mlsyslab serve`: an inference server over TCP (SFML network) speaking the offload protocol. One thread
// owns the listener, the clients and the model; it limits concurrent clients and request sizes, answers a
// malformed frame with an error and closes that connection, and keeps serving everyone else.
#pragma once

#include "hardware/net/offload_protocol.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace mlsys::hardware {

struct ServerConfig {
    uint16_t port = 7878;          // 0: any free port (see OffloadServer::port())
    int max_clients = 8;           // more connections are answered "server busy" and closed
    size_t max_request_bytes = 4u << 20;
    double idle_timeout_s = 60;    // a silent client is disconnected after this
};

struct ServerStats {
    std::atomic<int64_t> requests{0};
    std::atomic<int64_t> rejected{0};       // malformed, oversized or shape-mismatched requests
    std::atomic<int64_t> busy_refusals{0};
    std::atomic<int> clients{0};
};

class OffloadServer {
public:
    // Runs the model on one input (n_input floats) and returns its scores; called on the server thread only.
    using InferFn = std::function<std::vector<float>(const std::vector<float>&)>;

    // Binds and starts serving; the error names the port when it cannot bind.
    static core::Result<std::unique_ptr<OffloadServer>> start(const ServerConfig& config, std::string info_json,
                                                              size_t n_input, InferFn infer);
    ~OffloadServer();  // stops and joins
    OffloadServer(const OffloadServer&) = delete;
    OffloadServer& operator=(const OffloadServer&) = delete;

    uint16_t port() const { return port_; }
    const ServerStats& stats() const { return stats_; }
    void stop();

private:
    OffloadServer() = default;
    void run();

    struct Impl;
    std::unique_ptr<Impl> impl_;
    ServerConfig config_;
    std::string info_json_;
    size_t n_input_ = 0;
    InferFn infer_;
    uint16_t port_ = 0;
    ServerStats stats_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace mlsys::hardware
