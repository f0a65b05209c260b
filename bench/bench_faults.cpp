// Fault-injected inference throughput against clean inference on the cnn (Fashion-MNIST test images), for
// docs/BENCHMARKS.md: the same FaultInjector a campaign uses, armed (faults drawn and applied every trial /
// inference) and disarmed (hook installed, nothing injected) and with no hook at all. Prints one JSON line.
// Usage: bench_faults [--images N] [--reps R] [--ber B] [--target weights|activations:3] [--train-limit N]
#include "faults/flips/injector.hpp"
#include "models/data/batching.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/train/trainer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
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
}  // namespace

int main(int argc, char** argv) {
    int images = 2000, reps = 7, train_limit = 6000;
    double ber = 1e-6;
    std::string target = "weights";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--images")) images = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--reps")) reps = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--ber")) ber = std::stod(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--target")) target = argv[i + 1];
        else if (!std::strcmp(argv[i], "--train-limit")) train_limit = std::stoi(argv[i + 1]);
    }
    models::DatasetOptions dopt;
    dopt.val_fraction = 0;
    dopt.train_limit = train_limit;
    dopt.test_limit = images;
    auto data = models::load_dataset("fashion-mnist", dopt);
    if (!data) {
        std::fprintf(stderr, "%s\n", data.error().c_str());
        return 2;
    }
    auto model = models::Model::build(*models::preset_spec("cnn"), 1);
    models::TrainConfig tc;
    tc.epochs = 1;
    auto trainer = models::Trainer::create(*model, data->train, tc);
    while (!(*trainer)->done()) (*trainer)->step();

    // Pre-gathered batches of 250, copied per inference as a campaign does.
    std::vector<models::Tensor> xs;
    std::vector<int> y, idx;
    for (int s = 0; s < data->test.size(); s += 250) {
        idx.clear();
        for (int i = s; i < std::min(data->test.size(), s + 250); ++i) idx.push_back(i);
        xs.emplace_back();
        models::gather_batch(data->test, idx, xs.back(), y);
    }
    faults::FaultSpec spec;
    auto t = faults::parse_fault_target(target);
    if (!t) {
        std::fprintf(stderr, "%s\n", t.error().c_str());
        return 2;
    }
    spec.target = *t;
    spec.ber = ber;
    auto pass = [&](faults::FaultInjector* inj, uint64_t seed) {
        models::Tensor work;
        const double t0 = now_s();
        if (inj) inj->begin_trial(seed);
        for (const auto& x : xs) {
            work = x;
            if (inj) inj->before_inference(work);
            model->forward(work, false);
        }
        if (inj) inj->end_trial();
        return double(data->test.size()) / (now_s() - t0);
    };
    std::vector<double> clean, faulty;
    {
        pass(nullptr, 0);  // warm-up
        auto inj = faults::FaultInjector::create(*model, spec);
        if (!inj) {
            std::fprintf(stderr, "%s\n", inj.error().c_str());
            return 2;
        }
        for (int r = 0; r < reps; ++r) {
            model->set_activation_hook(nullptr);
            clean.push_back(pass(nullptr, 0));
            auto again = faults::FaultInjector::create(*model, spec);
            faulty.push_back(pass(again->get(), uint64_t(r + 1)));
        }
    }
    const double c = median(clean), f = median(faulty);
    nlohmann::json j = {{"model", "cnn"}, {"target", target}, {"ber", ber}, {"images", data->test.size()},
                        {"reps", reps}, {"clean_images_per_s", c}, {"faulty_images_per_s", f},
                        {"overhead", c / f - 1.0}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
}
