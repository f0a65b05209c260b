// Training memory against the textbook's numbers (BOOK.md §3.5, §3.6) and hand arithmetic.
#include "sim/memory/training_memory.hpp"

#include "models/model/model_spec.hpp"

#include <doctest/doctest.h>

using namespace mlsys;
using namespace mlsys::sim;

TEST_SUITE_BEGIN("sim.memory");

namespace {
models::Workload mlp_of(std::vector<int> hidden, int inputs = 784) {
    models::ModelSpec s;
    s.name = "book";
    s.input_shape = {inputs};
    s.n_classes = 10;
    for (int h : hidden) {
        models::LayerSpec d;
        d.kind = models::LayerKind::Dense;
        d.units = h;
        s.layers.push_back(d);
        models::LayerSpec r;
        r.kind = models::LayerKind::ReLU;
        s.layers.push_back(r);
    }
    models::LayerSpec out;
    out.kind = models::LayerKind::Dense;
    out.units = 10;
    s.layers.push_back(out);
    models::LayerSpec sm;
    sm.kind = models::LayerKind::Softmax;
    s.layers.push_back(sm);
    auto w = models::make_workload(s);
    REQUIRE_MESSAGE(w.ok(), w.error());
    return *w;
}
}  // namespace

TEST_CASE("the textbook's 784-128-256-128-10 MLP keeps 16,704 activations at batch 32 and 33,408 at 64") {
    const auto w = mlp_of({128, 256, 128});
    TrainingMemoryOptions o;
    o.batch = 32;
    auto m = training_memory(w, o);
    CHECK(m.activation_values == 16704);  // 4,096 + 8,192 + 4,096 + 320
    REQUIRE(m.layers.size() == 4u);
    CHECK(m.layers[1].values == 8192);
    o.batch = 64;
    CHECK(training_memory(w, o).activation_values == 33408);
}

TEST_CASE("the 784-100-100-10 MLP: 89,610 parameters and 358.44 / 179.22 / 89.61 KB of weights") {
    const auto w = mlp_of({100, 100});
    TrainingMemoryOptions o;
    o.batch = 1;
    o.optimizer = OptimizerState::Sgd;
    auto fp32 = training_memory(w, o);
    CHECK(fp32.params == 89610);
    CHECK(fp32.weights_bytes == doctest::Approx(358440));
    CHECK(fp32.activation_values == 210);
    o.batch = 32;
    CHECK(training_memory(w, o).activation_values == 6720);
    // SGD keeps no state; gradients match the weights.
    CHECK(fp32.gradient_bytes == doctest::Approx(358440));
    CHECK(fp32.optimizer_bytes == 0);
    o.batch = 1;
    o.precision = TrainPrecision::Mixed;
    auto mixed = training_memory(w, o);
    CHECK(mixed.weights_bytes == doctest::Approx(179220));  // the book's FP16 figure
    CHECK(mixed.master_weights_bytes == doctest::Approx(358440));
    CHECK(mixed.gradient_bytes == doctest::Approx(179220));
    CHECK(mixed.activation_bytes == doctest::Approx(210 * 2));
    // int8 inference: 89,400 one-byte weights + 210 four-byte biases (the book's 89.61 KB counts every
    // parameter as one byte); activations are the largest live pair, 784 + 100 values.
    o.precision = TrainPrecision::Int8Inference;
    auto q = training_memory(w, o);
    CHECK(q.weights_bytes == doctest::Approx(89400 + 4 * 210));
    CHECK(q.gradient_bytes == 0);
    CHECK(q.activation_values == 884);
}

TEST_CASE("optimizer state: momentum one fp32 copy and Adam two; mixed precision Adam is 16 bytes a parameter") {
    const auto w = mlp_of({100, 100});
    TrainingMemoryOptions o;
    o.optimizer = OptimizerState::Momentum;
    CHECK(training_memory(w, o).optimizer_bytes == doctest::Approx(4 * 89610));
    o.optimizer = OptimizerState::Adam;
    auto adam = training_memory(w, o);
    CHECK(adam.optimizer_bytes == doctest::Approx(8 * 89610));
    o.precision = TrainPrecision::Mixed;
    auto mixed = training_memory(w, o);
    // ZeRO's accounting: 2 (fp16 weights) + 2 (fp16 grads) + 4 (master) + 8 (Adam) = 16 bytes per parameter.
    CHECK(mixed.total_bytes() - mixed.activation_bytes == doctest::Approx(16.0 * 89610));
}

TEST_CASE("activation checkpointing keeps segment ends plus one segment") {
    const auto w = mlp_of({128, 256, 128});
    TrainingMemoryOptions o;
    o.batch = 32;
    o.checkpointing = true;
    auto m = training_memory(w, o);
    // 4 kept outputs -> 2 segments of 2: ends 8,192 + 320, largest segment 4,096 + 8,192 = 12,288.
    CHECK(m.checkpoint_segments == 2);
    CHECK(m.activation_bytes == doctest::Approx((8192 + 320 + 12288) * 4.0));
    CHECK(m.activation_bytes_without_checkpointing == doctest::Approx(16704 * 4.0));
    CHECK(m.recompute_macs == 32 * w.total_macs());
}

TEST_CASE("training options: bad names are refused") {
    CHECK_FALSE(parse_train_precision("fp8").ok());
    CHECK(parse_train_precision("bf16").ok());
    CHECK(parse_optimizer_state("rmsprop").error().find("optimizer") != std::string::npos);
}

TEST_SUITE_END();
