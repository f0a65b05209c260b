// Protection costs by hand on the tiny network, training under faults, and a campaign's Run.
#include "faults/campaign/campaign_run.hpp"
#include "faults/campaign/train_faults.hpp"
#include "faults/protect/protection_cost.hpp"
#include "models/io/run_reader.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace mlsys;
using namespace mlsys::faults;

TEST_SUITE_BEGIN("faults.protection");

TEST_CASE("protection costs of the tiny network by hand") {
    auto spec = models::preset_spec("tiny");
    REQUIRE(spec.ok());
    auto w = models::make_workload(*spec);
    REQUIRE(w.ok());
    FaultSpec s;  // 8 x 8 output-stationary array, fp32
    // dense 6->16 (112 params, 96 MACs) and dense 16->3 (51 params, 48 MACs): 652 weight bytes, 144 MACs.
    // Cycles (os, T + R + C - 2 per fold): 2 column folds x (6 + 14) = 40, plus 1 x (16 + 14) = 30 -> 70.
    const auto none = protection_cost(*w, s, Protection::None);
    CHECK(none.base_cycles == 70);
    CHECK(none.extra_memory_bytes == 0);
    const auto ecc = protection_cost(*w, s, Protection::Ecc);
    CHECK(ecc.extra_memory_bytes == 81);  // 652 / 8
    CHECK(ecc.memory_overhead == doctest::Approx(81.0 / 652));
    const auto parity = protection_cost(*w, s, Protection::Parity);
    CHECK(parity.extra_memory_bytes == 21);  // 163 words -> 163 bits -> 21 bytes
    const auto tmr = protection_cost(*w, s, Protection::Tmr);
    CHECK(tmr.memory_overhead == doctest::Approx(2.0));
    CHECK(tmr.compute_overhead == doctest::Approx(2.0));
    CHECK(tmr.extra_cycles == 140);
    // ABFT: the checksum row and column make GEMMs 2 x 17 x 6 (3 column folds: 60 cycles, +20) and
    // 2 x 4 x 16 (still one fold: +0).
    const auto abft = protection_cost(*w, s, Protection::Abft);
    CHECK(abft.extra_cycles == 20);
    CHECK(abft.latency_overhead == doctest::Approx(20.0 / 70));
    // extra MACs 2KN + 2MK + MN: (192 + 12 + 16) + (96 + 32 + 3) = 351.
    CHECK(abft.extra_macs == 351);
    // Range: two compares per output of each of the four layers (16 + 16 + 3 + 3 outputs).
    const auto range = protection_cost(*w, s, Protection::Range);
    CHECK(range.extra_macs == 76);
}

TEST_CASE("training recovers from rare gradient flips and diverges under exponent flips") {
    models::DatasetOptions o;
    o.n_train = 600;
    o.n_test = 300;
    o.val_fraction = 0;
    auto data = models::load_dataset("xor", o);
    REQUIRE(data.ok());
    auto spec = models::preset_spec("playground");
    REQUIRE(spec.ok());
    REQUIRE(models::adapt_to_dataset(*spec, data->train.sample_shape, data->train.n_classes).ok());
    auto run = [&](double ber, std::vector<int> bits) {
        auto m = models::Model::build(*spec, 2);
        REQUIRE(m.ok());
        TrainFaultsConfig c;
        c.ber = ber;
        c.bits = std::move(bits);
        c.epochs = 8;
        c.batch_size = 32;
        // Plain SGD: Adam divides by the gradient's running magnitude and shrugs even 2^100 gradients off.
        c.optimizer.kind = models::OptimizerKind::Sgd;
        c.optimizer.learning_rate = 0.1;
        auto r = train_under_faults(*m, data->train, data->test, c);
        REQUIRE(r.ok());
        return *r;
    };
    const auto clean = run(0, {});
    const auto mantissa = run(1e-4, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    const auto exponent = run(1e-3, {30});
    INFO("accuracy clean " << clean.epochs.back().test_accuracy << " mantissa " << mantissa.epochs.back().test_accuracy
                           << " exponent " << exponent.epochs.back().test_accuracy);
    CHECK(clean.epochs.back().test_accuracy > 0.9);
    CHECK(mantissa.epochs.back().test_accuracy > 0.9);  // low mantissa bits: noise training absorbs
    CHECK_FALSE(clean.diverged);
    CHECK(exponent.diverged);
    CHECK(exponent.epochs.back().n_faults > 0);
}

TEST_CASE("a campaign writes a complete Run") {
    auto spec = models::preset_spec("tiny");
    REQUIRE(spec.ok());
    auto m = models::Model::build(*spec, 1);
    REQUIRE(m.ok());
    models::Dataset d;
    d.name = "random";
    d.sample_shape = {6};
    d.n_classes = 3;
    d.class_names = {"a", "b", "c"};
    d.x = models::Tensor({50, 6});
    core::Rng r(1);
    for (auto& v : d.x.data) v = float(r.uniform(-1, 1));
    for (int i = 0; i < 50; ++i) d.y.push_back(i % 3);
    CampaignConfig c;
    c.bers = {1e-4, 1e-2};
    c.trials = 3;
    const auto dir = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "faults-runs";
    auto run = start_campaign_run(dir, "tiny weights", c, {{"preset", "tiny"}});
    REQUIRE(run.ok());
    auto res = run_campaign(*m, d, c);
    REQUIRE(res.ok());
    REQUIRE(finish_campaign_run(*run, *res, protection_costs(m->workload(), c.fault)).ok());
    auto back = models::read_run(run->dir());
    REQUIRE(back.ok());
    CHECK(back->status == models::RunStatus::Finished);
    CHECK(back->kind == "faults");
    CHECK(std::filesystem::exists(run->dir() / "artifacts" / "result.json"));
}

TEST_SUITE_END();
