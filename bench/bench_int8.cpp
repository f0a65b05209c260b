// int8 integer-only inference (models/optimize int8_kernels: plain loops, int32 accumulators, one image at a
// time, as a microcontroller runs it) against the fp32 Eigen engine, batch 1 and batch 256, on one core, for
// the mlp and cnn presets (random weights: speed does not depend on training). Median of several runs.
// Run by hand: bench_int8 [repeats]; results in docs/BENCHMARKS.md.
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/optimize/int8_model.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace mlsys::models;
using namespace mlsys::models::optimize;

namespace {
double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 5;
    DatasetOptions d;
    d.train_limit = 500;
    d.test_limit = 1000;
    d.val_fraction = 0;
    auto data = load_dataset("fashion-mnist", d);
    if (!data) {
        std::fprintf(stderr, "%s\n", data.error().c_str());
        return 1;
    }
    const int n = data->test.size();
    for (const char* preset : {"mlp", "cnn"}) {
        auto model = Model::build(*preset_spec(preset), 1);
        QuantConfig qc;
        qc.per_channel = true;
        auto q = quantize_model(*model, data->train, qc);
        if (!q) {
            std::fprintf(stderr, "%s\n", q.error().c_str());
            return 1;
        }
        std::vector<double> fp32_b1, fp32_b256, int8_b1;
        const int64_t in_n = shape_size(q->input_shape);
        std::vector<int8_t> qin(size_t(n * in_n)), out(size_t(q->n_classes)), scratch;
        for (int i = 0; i < n; ++i) quantize_input(*q, data->test.sample(i), qin.data() + i * in_n);
        Tensor x1(batched(1, model->spec().input_shape)), xb(batched(256, model->spec().input_shape));
        for (int r = 0; r < repeats; ++r) {
            double t0 = now_s();
            for (int i = 0; i < n; ++i) {
                std::copy(data->test.sample(i), data->test.sample(i) + in_n, x1.ptr());
                model->forward(x1, false);
            }
            fp32_b1.push_back(n / (now_s() - t0));
            t0 = now_s();
            for (int i = 0; i + 256 <= n; i += 256) {
                std::copy(data->test.sample(i), data->test.sample(i) + 256 * in_n, xb.ptr());
                model->forward(xb, false);
            }
            fp32_b256.push_back((n / 256 * 256) / (now_s() - t0));
            t0 = now_s();
            for (int i = 0; i < n; ++i) int8_infer(*q, qin.data() + i * in_n, out.data(), scratch);
            int8_b1.push_back(n / (now_s() - t0));
        }
        std::printf("%s (%lld MACs/image): fp32 batch 1 %.0f img/s, fp32 batch 256 %.0f img/s, int8 integer-only "
                    "batch 1 %.0f img/s (%.2fx fp32 batch 1, %.2fx batch 256), median of %d\n",
                    preset, static_cast<long long>(q->total_macs()), median(fp32_b1), median(fp32_b256), median(int8_b1),
                    median(int8_b1) / median(fp32_b1), median(int8_b1) / median(fp32_b256), repeats);
    }
    return 0;
}
