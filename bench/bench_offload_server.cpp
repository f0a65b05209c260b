// Offload server throughput on loopback: `mlsyslab serve`'s OffloadServer hosts a model and C concurrent
// clients (default 4) each send real Fashion-MNIST test images back to back, unshaped, for a fixed number of
// requests. Prints requests/s (all clients together) and the median round trip, the median of several runs,
// for the `mlp` and `cnn` presets and for a ping (no model work: the protocol and TCP path alone).
// Usage: bench_offload_server [repeats=7] [requests_per_client=2000] [clients=4] [--port P]
// With --port, only pings are sent, to a server already listening on 127.0.0.1:P (the Python reference,
// bench/reference/offload_ping_server.py).
#include "hardware/net/offload_client.hpp"
#include "hardware/net/offload_server.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace mlsys;

namespace {

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct RunResult {
    double requests_per_s = 0;
    double median_round_trip_s = 0;
    bool ok = true;
};

using Connections = std::vector<std::unique_ptr<hardware::OffloadClient>>;

// The clients connect once and stay connected for the warm-up and every run (a server that limits its
// clients would refuse new connections while it has not yet seen the old ones close).
bool connect_all(uint16_t port, int clients, Connections& conns) {
    for (int c = 0; c < clients; ++c) {
        auto conn = hardware::OffloadClient::connect("127.0.0.1", port);
        if (!conn) {
            std::fprintf(stderr, "%s\n", conn.error().c_str());
            return false;
        }
        conns.push_back(std::move(*conn));
    }
    return true;
}

// One run: all clients send `n` requests each, back to back, as fast as the server answers.
RunResult run_once(Connections& conns, const models::Dataset& test, int n, bool ping_only) {
    const int clients = static_cast<int>(conns.size());
    std::vector<std::vector<double>> rtts(static_cast<size_t>(clients));
    std::atomic<bool> failed{false};
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            auto& conn = *conns[static_cast<size_t>(c)];
            auto& out = rtts[static_cast<size_t>(c)];
            out.reserve(static_cast<size_t>(n));
            ++ready;
            while (!go) std::this_thread::yield();
            for (int i = 0; i < n && !failed; ++i) {
                const int idx = (c * 7919 + i) % test.size();
                if (ping_only) {
                    auto r = conn.ping();
                    if (!r) failed = true;
                    else out.push_back(*r);
                } else {
                    const float* p = test.sample(idx);
                    auto r = conn.infer(std::vector<float>(p, p + test.sample_size()));
                    if (!r) failed = true;
                    else out.push_back(r->round_trip_s);
                }
            }
        });
    }
    while (ready < clients) std::this_thread::yield();
    const double t0 = now_s();
    go = true;
    for (auto& t : threads) t.join();
    const double elapsed = now_s() - t0;
    if (failed) return {0, 0, false};
    std::vector<double> all;
    for (const auto& v : rtts) all.insert(all.end(), v.begin(), v.end());
    return {static_cast<double>(all.size()) / elapsed, median(all), true};
}

}  // namespace

int main(int argc, char** argv) {
    int external_port = 0;
    if (argc > 5 && std::string(argv[4]) == "--port") {
        external_port = std::atoi(argv[5]);
        argc = 4;
    }
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 7;
    const int per_client = argc > 2 ? std::atoi(argv[2]) : 2000;
    const int clients = argc > 3 ? std::atoi(argv[3]) : 4;
    if (repeats < 1 || per_client < 1 || clients < 1 || clients > 64) {
        std::fprintf(stderr, "usage: bench_offload_server [repeats>=1] [requests_per_client>=1] [clients 1-64]\n");
        return 2;
    }
    models::DatasetOptions dopt;
    dopt.val_fraction = 0;
    dopt.test_limit = 1000;
    auto data = models::load_dataset("fashion-mnist", dopt);
    if (!data) {
        std::fprintf(stderr, "%s\n", data.error().c_str());
        return 1;
    }
    if (external_port > 0) {
        Connections conns;
        if (!connect_all(static_cast<uint16_t>(external_port), clients, conns)) return 1;
        (void)run_once(conns, data->test, std::max(1, per_client / 10), true);
        std::vector<double> rates, rtts;
        for (int r = 0; r < repeats; ++r) {
            const RunResult res = run_once(conns, data->test, per_client, true);
            if (!res.ok) return 1;
            rates.push_back(res.requests_per_s);
            rtts.push_back(res.median_round_trip_s);
        }
        std::printf("ping to port %d, %d clients x %d requests: %.0f requests/s (min %.0f, max %.0f), median round trip "
                    "%.1f us (median of %d runs)\n", external_port, clients, per_client, median(rates),
                    *std::min_element(rates.begin(), rates.end()), *std::max_element(rates.begin(), rates.end()),
                    1e6 * median(rtts), repeats);
        return 0;
    }
    for (const char* preset : {"ping", "mlp", "cnn"}) {
        const bool ping_only = std::string(preset) == "ping";
        auto model = models::Model::build(*models::preset_spec(ping_only ? "mlp" : preset), 1);
        if (!model) {
            std::fprintf(stderr, "%s\n", model.error().c_str());
            return 1;
        }
        auto shared = std::make_shared<models::Model>(std::move(*model));
        const models::Shape shape = shared->spec().input_shape;
        hardware::ServerConfig cfg;
        cfg.port = 0;
        cfg.max_clients = clients;
        auto server = hardware::OffloadServer::start(
            cfg, nlohmann::json{{"model", shared->spec().name}}.dump(), static_cast<size_t>(models::shape_size(shape)),
            [shared, shape](const std::vector<float>& x) {
                models::Tensor t(models::batched(1, shape));
                std::copy(x.begin(), x.end(), t.data.begin());
                const models::Tensor& y = shared->forward(t, false);
                return std::vector<float>(y.data.begin(), y.data.end());
            });
        if (!server) {
            std::fprintf(stderr, "%s\n", server.error().c_str());
            return 1;
        }
        // One short warm-up run (page faults, first allocations), then the measured runs.
        Connections conns;
        if (!connect_all((*server)->port(), clients, conns)) return 1;
        (void)run_once(conns, data->test, std::max(1, per_client / 10), ping_only);
        std::vector<double> rates, rtts;
        for (int r = 0; r < repeats; ++r) {
            const RunResult res = run_once(conns, data->test, per_client, ping_only);
            if (!res.ok) {
                std::fprintf(stderr, "run failed (a request was refused or timed out)\n");
                return 1;
            }
            rates.push_back(res.requests_per_s);
            rtts.push_back(res.median_round_trip_s);
        }
        std::printf("%-5s %d clients x %d requests: %.0f requests/s (min %.0f, max %.0f), median round trip %.1f us "
                    "(median of %d runs)\n",
                    preset, clients, per_client, median(rates), *std::min_element(rates.begin(), rates.end()),
                    *std::max_element(rates.begin(), rates.end()), 1e6 * median(rtts), repeats);
        std::fflush(stdout);
    }
    return 0;
}
