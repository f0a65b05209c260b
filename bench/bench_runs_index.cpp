// Listing and filtering 10,000 runs through the SQLite runs index (the Runs workspace's refresh and the
// `mlsyslab runs list` path): generates fixture run directories once, builds the index, then times
// (a) sync with nothing changed + list all, (b) sync + a filtered list (kind, tag, config condition, text),
// (c) list only. Prints the median of several repetitions. Run by hand; results in docs/BENCHMARKS.md.
#include "app/session/runs_index.hpp"
#include "app/session/runs_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>
#include <time.h>

namespace fs = std::filesystem;
using namespace mlsys::session;

namespace {
// Process CPU time: on the shared 2-core machine (load ~16 while other builds ran) wall time mostly
// measures waiting for a core; CPU time is what the work costs. Both are printed.
double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
double cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// A finished run of the documented layout, written directly (no fsync) so 10,000 are made in seconds.
void write_fixture(const fs::path& root, int i) {
    char id[96];
    const char* kinds[] = {"train", "memsim", "accel", "faults"};
    const char* kind = kinds[i % 4];
    std::snprintf(id, sizeof id, "2025%02d%02d-%02d%02d%02d-%s-run-%d-%04x", 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i / 60) % 60,
                  kind, i, i & 0xffff);
    const fs::path dir = root / id;
    fs::create_directories(dir / "artifacts");
    char created[40];
    std::snprintf(created, sizeof created, "2025-%02d-%02dT%02d:%02d:%02d.000Z", 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i / 60) % 60);
    std::ofstream(dir / "config.json") << "{\"format\":\"mlsys-run-config\",\"version\":1,\"id\":\"" << id << "\",\"kind\":\"" << kind
                                       << "\",\"name\":\"run " << i << "\",\"created\":\"" << created
                                       << "\",\"config\":{\"dataset\":\"" << (i % 3 ? "spiral" : "fashion-mnist")
                                       << "\",\"train\":{\"optimizer\":{\"learning_rate\":" << 0.001 * (1 + i % 10)
                                       << "},\"batch_size\":" << (32 << (i % 3)) << "},\"seed\":" << i << "}}\n";
    std::ofstream m(dir / "metrics.csv");
    m << "step,wall_time_s,loss,accuracy\n";
    for (int s = 0; s < 20; ++s) m << s * 10 << "," << s * 0.1 << "," << 2.0 / (s + 1) << "," << 0.04 * s << "\n";
    std::ofstream(dir / "events.jsonl") << "{\"time\":\"" << created << "\",\"wall_time_s\":0,\"type\":\"run_started\"}\n";
    std::ofstream(dir / "summary.json") << "{\"format\":\"mlsys-run-summary\",\"version\":1,\"id\":\"" << id
                                        << "\",\"status\":\"finished\",\"created\":\"" << created << "\",\"ended\":\"" << created
                                        << "\",\"duration_s\":" << 1 + i % 100 << ",\"headline\":{\"test_accuracy\":" << 0.5 + (i % 50) / 100.0
                                        << "},\"message\":\"\"}\n";
    if (i % 10 == 0) std::ofstream(dir / "user.json") << "{\"format\":\"mlsys-run-user\",\"version\":1,\"name\":\"\",\"tags\":[\"baseline\"],\"note\":\"\"}\n";
}
}  // namespace

int main(int argc, char** argv) {
    const int n_runs = argc > 1 ? std::atoi(argv[1]) : 10000;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 7;
    const fs::path root = fs::temp_directory_path() / ("mlsys-bench-runs-" + std::to_string(n_runs));
    if (!fs::exists(root / "config-done")) {
        fs::remove_all(root);
        const double t0 = now_s();
        for (int i = 0; i < n_runs; ++i) write_fixture(root, i);
        std::ofstream(root / "config-done") << "ok\n";
        std::printf("generated %d fixture runs in %.1f s under %s\n", n_runs, now_s() - t0, root.c_str());
    }
    fs::remove(root / kRunIndexFile);
    for (const char* s : {"-wal", "-shm"}) fs::remove(root / (std::string(kRunIndexFile) + s));
    double t0 = now_s();
    auto index = RunIndex::open(root);
    if (!index) {
        std::fprintf(stderr, "%s\n", index.error().c_str());
        return 1;
    }
    std::printf("index built from scratch: %.2f s\n", now_s() - t0);

    RunFilter filtered;
    filtered.kinds = {"train"};
    filtered.tags = {"baseline"};
    filtered.config = {*parse_config_condition("learning_rate<=0.005"), *parse_config_condition("dataset=spiral")};
    RunFilter texted;
    texted.text = "run 12";
    std::vector<double> sync_list, sync_filter, list_only, text_only;
    std::vector<double> c_sync_list, c_sync_filter, c_list_only, c_text_only;
    double c0 = 0;
    size_t n_all = 0, n_filtered = 0, n_text = 0;
    for (int r = 0; r < repeats; ++r) {
        t0 = now_s();
        c0 = cpu_s();
        (void)index->sync();
        auto all = index->list({}, false);
        sync_list.push_back(now_s() - t0);
        c_sync_list.push_back(cpu_s() - c0);
        n_all = all->size();
        t0 = now_s();
        c0 = cpu_s();
        (void)index->sync();
        auto f = index->list(filtered, false);
        sync_filter.push_back(now_s() - t0);
        c_sync_filter.push_back(cpu_s() - c0);
        n_filtered = f->size();
        t0 = now_s();
        c0 = cpu_s();
        auto l = index->list({}, false);
        list_only.push_back(now_s() - t0);
        c_list_only.push_back(cpu_s() - c0);
        t0 = now_s();
        c0 = cpu_s();
        auto t = index->list(texted, false);
        text_only.push_back(now_s() - t0);
        c_text_only.push_back(cpu_s() - c0);
        n_text = t->size();
    }
    std::printf("sync (nothing changed) + list all %zu runs: %.1f ms wall, %.1f ms CPU\n", n_all, 1e3 * median(sync_list), 1e3 * median(c_sync_list));
    std::printf("sync + filter kind/tag/2 config conditions -> %zu runs: %.1f ms wall, %.1f ms CPU\n", n_filtered, 1e3 * median(sync_filter), 1e3 * median(c_sync_filter));
    std::printf("list all from the index only: %.1f ms wall, %.1f ms CPU\n", 1e3 * median(list_only), 1e3 * median(c_list_only));
    std::printf("search text 'run 12' -> %zu runs (index only): %.1f ms wall, %.1f ms CPU\n", n_text, 1e3 * median(text_only), 1e3 * median(c_text_only));
    return 0;
}
