// Board benchmarks on the virtual board (docs/BENCHMARKS.md "Boards"): serial throughput of IMU samples at
// real-time pacing and unpaced, and on-board int8 inference cycles per model size (the simulated
// ATmega328P's cycle counter; deterministic). Usage: bench_board [repeats]
#include "hardware/boards/board_client.hpp"
#include "hardware/boards/board_model.hpp"
#include "hardware/virtual/virtual_board.hpp"
#include "models/core/rng.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace mlsys;
using namespace mlsys::hardware;

namespace {
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Samples per wall second while streaming imu at `rate` for `seconds` of wall time.
double throughput(double speed, int rate, double seconds) {
    VirtualBoardConfig cfg;
    cfg.speed = speed;
    auto vb = VirtualBoard::start(cfg);
    if (!vb) { std::fprintf(stderr, "%s\n", vb.error().c_str()); std::exit(1); }
    auto c = BoardClient::open((*vb)->port_path());
    if (!c || !(*c)->hello().ok() || !(*c)->start_stream("imu", rate).ok()) { std::fprintf(stderr, "no board\n"); std::exit(1); }
    int64_t n = 0;
    const auto t0 = std::chrono::steady_clock::now();
    (void)(*c)->read_samples(static_cast<int>(seconds * 1000), [&](const SampleLine&) { ++n; return true; });
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return static_cast<double>(n) / dt;
}
}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 3;
    std::printf("== serial throughput: imu samples/s received (virtual board, 115200 baud simulated) ==\n");
    for (int rate : {50, 200}) {
        std::vector<double> rt, fast;
        for (int r = 0; r < repeats; ++r) {
            rt.push_back(throughput(1.0, rate, 3.0));
            fast.push_back(throughput(0.0, rate, 3.0));
        }
        std::printf("rate %3d Hz: real-time %.1f samples/s, unpaced %.1f samples/s (median of %d)\n", rate, median(rt),
                    median(fast), repeats);
    }
    std::printf("== on-board int8 inference (ATmega328P at 16 MHz, avr-g++ -O2) ==\n");
    VirtualBoardConfig cfg;
    cfg.speed = 0;
    auto vb = VirtualBoard::start(cfg);
    auto c = BoardClient::open((*vb)->port_path());
    if (!c || !(*c)->hello().ok()) return 1;
    for (const auto& widths : std::vector<std::vector<int>>{{6, 16, 3}, {12, 16, 4}, {16, 24, 4}, {32, 16, 4}}) {
        const BoardModel m = random_board_model(widths, 1);
        if (!(*c)->upload_model(write_board_model(m)).ok()) return 1;
        core::Rng rng(2);
        std::vector<double> cycles;
        int equal = 0;
        for (int t = 0; t < 20; ++t) {
            std::vector<int8_t> x(static_cast<size_t>(m.n_inputs()));
            for (auto& v : x) v = static_cast<int8_t>(static_cast<int>(rng.uniform_int(256)) - 128);
            auto r = (*c)->infer(x, m.n_outputs());
            if (!r) return 1;
            cycles.push_back(static_cast<double>(r->cycles));
            equal += r->scores == infer_board_model(m, x) ? 1 : 0;
        }
        const double med = median(cycles);
        std::printf("%2d-%2d-%d: %5zu bytes, %4lld MACs, median %7.0f cycles = %6.3f ms, %.1f cycles/MAC, min %.0f max %.0f, %d/20 bit-exact\n",
                    widths[0], widths[1], widths[2], write_board_model(m).size(), static_cast<long long>(m.n_macs()), med,
                    med / 16000.0, med / static_cast<double>(m.n_macs()), *std::min_element(cycles.begin(), cycles.end()),
                    *std::max_element(cycles.begin(), cycles.end()), equal);
    }
    return 0;
}
