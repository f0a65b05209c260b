// Optimizers and schedules against hand-computed updates.
#include "models/train/optimizer.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace mlsys::models;

TEST_SUITE_BEGIN("models.train");

namespace {
struct OneParam {
    Tensor w{{2}, 0.0f};
    Tensor g{{2}, 0.0f};
    std::vector<Param> params() { return {Param{"dense_1.weight", &w, &g}}; }
};
}  // namespace

TEST_CASE("SGD with momentum follows v = mu v + g - w -= lr v") {
    OneParam p;
    p.w[0] = 1.0f;
    p.w[1] = -2.0f;
    OptimizerConfig c;
    c.kind = OptimizerKind::Sgd;
    c.momentum = 0.9;
    auto opt = make_optimizer(c);
    auto params = p.params();
    p.g[0] = 0.5f;
    p.g[1] = -1.0f;
    opt->step(params, 0.1);
    CHECK(p.w[0] == doctest::Approx(1.0 - 0.1 * 0.5));
    CHECK(p.w[1] == doctest::Approx(-2.0 + 0.1 * 1.0));
    opt->step(params, 0.1);  // v = 0.9*0.5 + 0.5 = 0.95
    CHECK(p.w[0] == doctest::Approx(0.95 - 0.1 * 0.95));
    CHECK(opt->state_bytes() == 8);
}

TEST_CASE("Adam's first step moves every weight by lr in the gradient's sign") {
    OneParam p;
    OptimizerConfig c;
    c.kind = OptimizerKind::Adam;
    auto opt = make_optimizer(c);
    auto params = p.params();
    p.g[0] = 3.0f;
    p.g[1] = -0.001f;
    opt->step(params, 0.01);
    // m_hat = g, v_hat = g^2, so the step is lr * g / (|g| + eps) = lr * sign(g) up to eps.
    CHECK(p.w[0] == doctest::Approx(-0.01).epsilon(1e-5));
    CHECK(p.w[1] == doctest::Approx(0.01).epsilon(1e-4));
    // Second step with the same gradient: still lr * sign(g) (moments stay equal to g, g^2 after bias correction).
    opt->step(params, 0.01);
    CHECK(p.w[0] == doctest::Approx(-0.02).epsilon(1e-5));
    CHECK(opt->state_bytes() == 16);
}

TEST_CASE("weight decay: L2 in SGD - decoupled in Adam - and never on biases") {
    OptimizerConfig c;
    c.kind = OptimizerKind::Sgd;
    c.momentum = 0;
    c.weight_decay = 0.1;
    Tensor w({1}, 2.0f), g({1}, 0.0f), b({1}, 2.0f), gb({1}, 0.0f);
    std::vector<Param> params{{"dense_1.weight", &w, &g}, {"dense_1.bias", &b, &gb}};
    make_optimizer(c)->step(params, 0.5);
    CHECK(w[0] == doctest::Approx(2.0 - 0.5 * 0.1 * 2.0));
    CHECK(b[0] == 2.0f);
    c.kind = OptimizerKind::Adam;
    w[0] = 2.0f;
    make_optimizer(c)->step(params, 0.5);
    CHECK(w[0] == doctest::Approx(2.0 * (1 - 0.5 * 0.1)));
}

TEST_CASE("learning-rate schedules") {
    ScheduleConfig s;
    CHECK(schedule_factor(s, 2.5, 10) == 1.0);
    s.kind = ScheduleKind::Step;
    s.step_epochs = 2;
    s.gamma = 0.5;
    CHECK(schedule_factor(s, 1.9, 10) == 1.0);
    CHECK(schedule_factor(s, 2.0, 10) == 0.5);
    CHECK(schedule_factor(s, 5.0, 10) == 0.25);
    s.kind = ScheduleKind::Cosine;
    s.min_factor = 0.1;
    CHECK(schedule_factor(s, 0, 10) == doctest::Approx(1.0));
    CHECK(schedule_factor(s, 5, 10) == doctest::Approx(0.55));
    CHECK(schedule_factor(s, 10, 10) == doctest::Approx(0.1));
    CHECK(parse_schedule_kind("linear").error() == "unknown learning-rate schedule \"linear\" (choose constant, step or cosine)");
    CHECK(parse_optimizer_kind("rmsprop").error() == "unknown optimizer \"rmsprop\" (choose sgd or adam)");
}

TEST_SUITE_END();
