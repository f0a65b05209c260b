// Memory-hierarchy replay speed: accesses per second, single-threaded, through the 3-level mobile-lpddr
// hierarchy (64 KB / 512 KB / 4 MB) with and without the 3C split, the trace generator's rate, and - given a
// kernel - cachegrind's time on the same program beside our replay of its lackey trace.
// Usage: bench_memsim [repeats] [matmul_kernel_path]. Prints one line per measurement (median of repeats);
// rates use the thread's CPU time and cachegrind's time is its process's CPU time (user + sys): the
// machine is shared, so wall time would measure the other processes.
#include "sim/memory/hierarchy.hpp"
#include "sim/memory/memsim.hpp"
#include "sim/memory/trace.hpp"
#include "sim/memory/trace_io.hpp"

#include "models/model/model_spec.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <sys/resource.h>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace mlsys;
using namespace mlsys::sim;

namespace {
// Thread CPU time: the machine this runs on is shared, so wall time would measure the other processes.
double cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}
double children_cpu_s() {
    rusage ru{};
    getrusage(RUSAGE_CHILDREN, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
struct CountSink final : TraceSink {
    int64_t n = 0;
    void access(uint64_t, int, bool) override { ++n; }
};

double replay_rate(const HierarchyConfig& c, const std::vector<TraceEntry>& t, bool classify, int repeats, double* seconds = nullptr) {
    std::vector<double> s;
    for (int r = 0; r < repeats; ++r) {
        Hierarchy h(c, classify);
        const double t0 = cpu_s();
        for (const auto& e : t) h.access(e.addr, e.size, e.is_write);
        const double dt = cpu_s() - t0;
        if (h.stats().accesses < int64_t(t.size())) std::abort();
        s.push_back(dt);
    }
    if (seconds) *seconds = median(s);
    return double(t.size()) / median(s);
}
}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 7;
    auto c = load_hierarchy_preset("mobile-lpddr");
    if (!c) {
        std::fprintf(stderr, "%s\n", c.error().c_str());
        return 1;
    }
    auto spec = models::preset_spec("cnn");
    auto w = models::make_workload(*spec);
    TraceOptions o;
    o.batch = 4;
    VectorSink trace;
    for (size_t i = 0; i < w->layers.size(); ++i) generate_layer_trace(*w, i, o, AddressMap{}, trace);
    std::printf("trace: cnn batch 4, fp32, mnk: %zu accesses\n", trace.entries.size());
    std::printf("replay, 3 levels (mobile-lpddr), no 3C: %.1f M accesses/s\n", replay_rate(*c, trace.entries, false, repeats) / 1e6);
    std::printf("replay, 3 levels (mobile-lpddr), with 3C: %.1f M accesses/s\n", replay_rate(*c, trace.entries, true, repeats) / 1e6);
    std::vector<double> gen;
    for (int r = 0; r < repeats; ++r) {
        CountSink s;
        const double t0 = cpu_s();
        for (size_t i = 0; i < w->layers.size(); ++i) generate_layer_trace(*w, i, o, AddressMap{}, s);
        gen.push_back(cpu_s() - t0);
    }
    std::printf("trace generation: %.1f M accesses/s\n", double(trace.entries.size()) / median(gen) / 1e6);

    // End to end (trace generation + replay, no 3C) on the same chip with a cache and with a scratchpad.
    for (const char* name : {"cortex-m7", "cortex-m7-dtcm"}) {
        auto h = load_hierarchy_preset(name);
        if (!h) return 1;
        MemsimOptions mo;
        mo.trace = o;
        mo.classify_misses = false;
        std::vector<double> e2e;
        int64_t accesses = 0;
        for (int r = 0; r < repeats; ++r) {
            const double t0 = cpu_s();
            auto res = simulate_workload(*w, *h, mo);
            e2e.push_back(cpu_s() - t0);
            if (!res) std::abort();
            accesses = res->total.accesses;
        }
        std::printf("simulate_workload cnn batch 4 on %s (generate + replay, no 3C): %.1f M accesses/s\n", name,
                    double(accesses) / median(e2e) / 1e6);
    }

    if (argc > 2) {
        // cachegrind on the compiled kernel vs our replay of the same kernel's lackey data trace.
        const std::string kernel = argv[2];
        const std::string args = " naive 128";
        std::vector<double> cg;
        for (int r = 0; r < std::min(repeats, 3); ++r) {
            const double t0 = children_cpu_s();
            const std::string cmd = "valgrind --tool=cachegrind --cache-sim=yes --D1=32768,8,64 --cachegrind-out-file=/dev/null "
                                    "--log-file=/dev/null " + kernel + args + " > /dev/null";
            if (std::system(cmd.c_str()) != 0) return 1;
            cg.push_back(children_cpu_s() - t0);
        }
        const std::string lk = "/tmp/bench_memsim_lackey.txt";
        if (std::system(("valgrind --tool=lackey --trace-mem=yes --log-file=" + lk + " " + kernel + args + " > /dev/null").c_str()) != 0)
            return 1;
        VectorSink kt;
        TraceReadOptions ro;
        ro.include_instruction_fetches = false;
        auto st = read_lackey_trace(lk, kt, ro);
        std::remove(lk.c_str());
        if (!st) return 1;
        HierarchyConfig d1;
        LevelConfig l;
        l.size_bytes = 32768;
        l.ways = 8;
        d1.levels.push_back(l);
        double ours = 0;
        replay_rate(d1, kt.entries, false, repeats, &ours);
        std::printf("kernel naive 128 (%zu data accesses): cachegrind %.3f s CPU (whole run, D1+I1+LL), mlsyslab replay of its "
                    "data trace through D1 %.4f s CPU (%.0fx less)\n",
                    kt.entries.size(), median(cg), ours, median(cg) / ours);
    }
    return 0;
}
