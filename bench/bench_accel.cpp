// The accelerator simulator's speed: the whole of ResNet-50 on a 128x128 array in each dataflow (CALC
// mode with SCALE-Sim's exact write-buffer replay, and without the vector layers, as SCALE-Sim runs it),
// and the full 8x8..256x256 design-space sweep (324 points). Prints the median of several runs and the
// cycle totals, so a SCALE-Sim run of the same files can be compared (docs/BENCHMARKS.md).
// Usage: bench_accel [repeats=7] [sweep_repeats=3]
#include "sim/accel/accel_sim.hpp"
#include "sim/accel/builtin_topologies.hpp"
#include "sim/accel/sweep.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace mlsys::sim::accel;

namespace {
double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
    const int sweep_repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    auto topo = load_builtin_topology("resnet50");
    if (!topo) {
        std::fprintf(stderr, "%s\n", topo.error().c_str());
        return 1;
    }
    const auto& w = topo->workload;
    SimOptions opt;
    opt.include_vector_layers = false;  // SCALE-Sim's accounting
    for (Dataflow df : {Dataflow::OutputStationary, Dataflow::WeightStationary, Dataflow::InputStationary}) {
        AccelConfig c;
        c.array_rows = c.array_cols = 128;
        c.dataflow = df;
        std::vector<double> times;
        int64_t total = 0;
        double util = 0;
        for (int r = 0; r < repeats; ++r) {
            const double t0 = now_s();
            auto net = simulate_workload(w, c, opt);
            times.push_back(now_s() - t0);
            if (!net) {
                std::fprintf(stderr, "%s\n", net.error().c_str());
                return 1;
            }
            total = net->scalesim_total_cycles;
            util = net->overall_util_pct();
        }
        std::printf("resnet50 128x128 %s: %.3f ms per run (median of %d); SCALE-Sim total cycles %lld, util %.2f%%\n",
                    to_string(df), 1e3 * median(times), repeats, static_cast<long long>(total), util);
    }
    AccelConfig base;
    std::vector<double> times;
    size_t points = 0;
    for (int r = 0; r < sweep_repeats; ++r) {
        const double t0 = now_s();
        auto res = run_sweep(w, base, default_sweep_spec(), opt);
        times.push_back(now_s() - t0);
        if (!res) {
            std::fprintf(stderr, "%s\n", res.error().c_str());
            return 1;
        }
        points = res->points.size();
    }
    std::printf("resnet50 sweep 8x8..256x256 x 3 dataflows x 3 SRAM sizes: %zu points in %.3f s (median of %d), "
                "%.2f ms per point\n",
                points, median(times), sweep_repeats, 1e3 * median(times) / double(points));
    return 0;
}
