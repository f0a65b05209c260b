// Fashion-MNIST load time (gzip inflate + validation + byte->float) and the run-log append rate.
// Prints one line per measurement: the median of several runs. Run by hand; results in docs/BENCHMARKS.md.
#include "models/data/batching.hpp"
#include "models/data/fashion_mnist.hpp"
#include "models/io/run_log.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

using namespace mlsys::models;

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
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 7;
    std::vector<double> train_s, test_s, both_s;
    for (int r = 0; r < repeats; ++r) {
        const double t0 = now_s();
        auto train = load_fashion_mnist(FashionSplit::Train);
        const double t1 = now_s();
        auto test = load_fashion_mnist(FashionSplit::Test);
        const double t2 = now_s();
        if (!train || !test) {
            std::fprintf(stderr, "%s\n", (!train ? train.error() : test.error()).c_str());
            return 1;
        }
        train_s.push_back(t1 - t0);
        test_s.push_back(t2 - t1);
        both_s.push_back(t2 - t0);
    }
    // The first load is what a command-line run pays (fresh memory); later ones reuse freed pages.
    std::printf("fashion-mnist load: first %.3f s; train %.3f s, test %.3f s, all four files %.3f s (median of %d)\n",
                both_s[0], median(train_s), median(test_s), median(both_s), repeats);

    // gather_batch throughput: batches of 64 over a shuffled epoch of the training set.
    auto train = load_fashion_mnist(FashionSplit::Train);
    BatchSampler sampler(train->size(), 64, true, 1);
    Tensor x;
    std::vector<int> y;
    std::vector<double> gather_s;
    for (int r = 0; r < repeats; ++r) {
        sampler.start_epoch(r);
        const double t0 = now_s();
        for (int b = 0; b < sampler.n_batches(); ++b) gather_batch(*train, sampler.batch(b), x, y);
        gather_s.push_back(now_s() - t0);
    }
    std::printf("gather_batch: %.0f images/s (shuffled epoch, batch 64, median of %d)\n",
                train->size() / median(gather_s), repeats);

    // Run log: metrics rows per second (one write() each) and events per second (each fsynced).
    const std::filesystem::path root = std::filesystem::temp_directory_path() / "mlsys-bench-runs";
    auto run = RunWriter::create(root, "bench", "append rate", nlohmann::json::object());
    if (!run) {
        std::fprintf(stderr, "%s\n", run.error().c_str());
        return 1;
    }
    (void)run->declare_metrics({"loss", "accuracy", "lr"});
    const int rows = 100000;
    double t0 = now_s();
    for (int i = 0; i < rows; ++i)
        (void)run->append_metrics(i, {{"loss", 1.0 / (i + 1)}, {"accuracy", i * 1e-5}, {"lr", 0.01}});
    const double rows_s = now_s() - t0;
    const int events = 200;
    t0 = now_s();
    for (int i = 0; i < events; ++i) (void)run->append_event("tick", {{"i", i}});
    const double events_s = now_s() - t0;
    (void)run->finish(RunStatus::Finished);
    std::printf("run log: %.0f metric rows/s, %.0f fsynced events/s (%s)\n", rows / rows_s, events / events_s,
                root.c_str());
    std::filesystem::remove_all(run->dir());
    return 0;
}
