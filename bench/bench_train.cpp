// Training and inference throughput of a preset on Fashion-MNIST, single-threaded, for docs/BENCHMARKS.md.
// Prints one JSON line: images/s for training (forward + backward + Adam) and inference, and peak RSS.
// Usage: bench_train --model mlp|cnn [--steps N] [--batch B] [--isa auto|avx512|avx2|none]
// (--isa restricts the GEMM kernels of models/tensor/gemm.hpp, to measure what a CPU without AVX-512, or
// the Eigen fallback, gives.)
#include "models/data/dataset.hpp"
#include "models/layers/loss.hpp"
#include "models/model/model.hpp"
#include "models/tensor/gemm.hpp"
#include "models/train/trainer.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numeric>
#include <span>
#include <string>

using namespace mlsys;

namespace {
double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
long peak_rss_kb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}
}  // namespace

int main(int argc, char** argv) {
    std::string model_name = "mlp";
    int steps = 300;
    int batch = 64;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--model")) model_name = argv[i + 1];
        else if (!std::strcmp(argv[i], "--steps")) steps = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--batch")) batch = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--isa")) {
            const std::string isa = argv[i + 1];
            if (isa == "avx512") models::gemm::set_isa(models::gemm::Isa::Avx512);
            else if (isa == "avx2") models::gemm::set_isa(models::gemm::Isa::Avx2);
            else if (isa == "none") models::gemm::set_isa(models::gemm::Isa::None);
            else if (isa != "auto") {
                std::fprintf(stderr, "--isa: unknown kernel set \"%s\" (auto, avx512, avx2, none)\n", isa.c_str());
                return 2;
            }
        }
    }
    models::DatasetOptions dopt;
    dopt.val_fraction = 0;
    auto data = models::load_dataset("fashion-mnist", dopt);
    if (!data) {
        std::fprintf(stderr, "%s\n", data.error().c_str());
        return 2;
    }
    auto spec = models::preset_spec(model_name);
    if (!spec) {
        std::fprintf(stderr, "%s\n", spec.error().c_str());
        return 2;
    }
    auto model = models::Model::build(*spec, 1);
    models::TrainConfig cfg;
    cfg.batch_size = batch;
    cfg.epochs = 1000;
    auto trainer = models::Trainer::create(*model, data->train, cfg);
    if (!trainer) {
        std::fprintf(stderr, "%s\n", trainer.error().c_str());
        return 2;
    }
    for (int i = 0; i < 20; ++i) (*trainer)->step();  // warm-up: buffers sized, caches warm
    double t0 = now_s();
    for (int i = 0; i < steps; ++i) (*trainer)->step();
    const double train_ips = steps * batch / (now_s() - t0);

    // Inference over the test set in batches of `batch`, gathered before timing (the PyTorch reference
    // slices views of a preloaded tensor, so neither side times data movement).
    std::vector<int> idx(static_cast<size_t>(data->test.size()));
    std::iota(idx.begin(), idx.end(), 0);
    std::vector<models::Tensor> batches;
    std::vector<int> y;
    for (int b = 0; b + batch <= data->test.size(); b += batch) {
        batches.emplace_back();
        models::gather_batch(data->test, std::span<const int>(idx.data() + b, static_cast<size_t>(batch)), batches.back(), y);
    }
    int64_t n_inf = 0;
    t0 = now_s();
    for (int rep = 0; rep < 3; ++rep)
        for (const auto& x : batches) {
            model->forward(x, false);
            n_inf += batch;
        }
    const double infer_ips = static_cast<double>(n_inf) / (now_s() - t0);
    nlohmann::json j{{"impl", "mlsyslab"}, {"model", model_name}, {"batch", batch},
                     {"gemm", models::gemm::isa_name(models::gemm::active_isa())},
                     {"train_images_per_s", train_ips}, {"infer_images_per_s", infer_ips},
                     {"peak_rss_mb", peak_rss_kb() / 1024.0}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
}
