// Campaigns on the trained cnn and real Fashion-MNIST test images: accuracy falls with the bit-error rate
// (monotonic within the confidence intervals), and fp32 exponent-bit flips cause far more silent data
// corruption than mantissa flips. Trains the cnn once (about 3 s) and caches it in the test tmp dir.
#include "faults/campaign/campaign.hpp"
#include "models/data/dataset.hpp"
#include "models/io/model_file.hpp"
#include "models/train/trainer.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace mlsys;
using namespace mlsys::faults;

TEST_SUITE_BEGIN("faults.cnn");

namespace {
struct Trained {
    models::Model model;
    models::Dataset test;
};

Trained trained_cnn() {
    models::DatasetOptions o;
    o.train_limit = 6000;
    o.test_limit = 1000;
    o.val_fraction = 0;
    auto data = models::load_dataset("fashion-mnist", o);
    REQUIRE(data.ok());
    const auto path = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "faults_cnn_6000.mlsys";
    if (auto loaded = models::load_model(path); loaded.ok()) return {std::move(loaded->model), std::move(data->test)};
    auto spec = models::preset_spec("cnn");
    REQUIRE(spec.ok());
    auto m = models::Model::build(*spec, 1);
    REQUIRE(m.ok());
    models::TrainConfig tc;
    tc.epochs = 1;
    auto trainer = models::Trainer::create(*m, data->train, tc);
    REQUIRE(trainer.ok());
    while (!(*trainer)->done()) (*trainer)->step();
    std::filesystem::create_directories(path.parent_path());
    (void)models::save_model(path, *m);
    return {std::move(*m), std::move(data->test)};
}
}  // namespace

TEST_CASE("cnn accuracy falls with the weight bit-error rate and exponent flips dominate silent corruption") {
    Trained t = trained_cnn();
    CampaignConfig c;
    c.fault.target.kind = TargetKind::Weights;
    c.bers = {1e-7, 1e-5, 1e-4, 1e-3};
    c.trials = 8;
    c.eval_limit = 300;
    c.seed = 3;
    const auto r = run_campaign(t.model, t.test, c);
    REQUIRE(r.ok());
    CHECK(r->clean_accuracy > 0.70);
    REQUIRE(r->points.size() == 4);
    for (size_t i = 0; i + 1 < r->points.size(); ++i) {
        INFO("ber " << r->points[i].ber << " accuracy " << r->points[i].accuracy.mean << " next "
                    << r->points[i + 1].accuracy.mean);
        // Monotonic within the intervals: the next point's lower... upper bound is not below this point's lower.
        CHECK(r->points[i + 1].accuracy.mean <= r->points[i].accuracy.ci.hi + 1e-9);
    }
    CHECK(r->points.front().accuracy.mean > r->clean_accuracy - 0.02);
    CHECK(r->points.back().accuracy.mean < 0.5);  // ~3,000 flips in 3.2 M bits wreck it

    // Single faults: 60 trials each in exponent bits (23-30) and in mantissa bits (0-22).
    VulnerabilityConfig v;
    v.fault.target.kind = TargetKind::Weights;
    v.layers = {0, 3, 7, 9};
    v.trials_per_cell = 15;
    v.eval_limit = 200;
    FaultSpec sfi = v.fault;
    auto sdc_of = [&](std::vector<int> bits) {
        VulnerabilityConfig vc = v;
        vc.bits = std::move(bits);
        vc.trials_per_cell = 60 / int(vc.bits.size()) > 0 ? 60 / int(vc.bits.size()) : 1;
        const auto res = run_vulnerability(t.model, t.test, vc);
        REQUIRE(res.ok());
        int64_t sdc = 0, n = 0, crit = 0, trials = 0;
        for (const auto& cell : res->cells) {
            sdc += cell.images.n_sdc;  // silent only: NaN/Inf answers are counted as detected
            n += cell.images.n_images;
            crit += cell.critical;
            trials += cell.trials;
        }
        return std::pair<double, double>{double(sdc) / double(n), double(crit) / double(trials)};
    };
    const auto exponent = sdc_of({23, 24, 25, 26, 27, 28, 29, 30});
    const auto mantissa = sdc_of({0, 4, 8, 12, 16, 20, 22});
    INFO("exponent silent-corruption rate " << exponent.first << " critical trials " << exponent.second);
    INFO("mantissa silent-corruption rate " << mantissa.first << " critical trials " << mantissa.second);
    CHECK(exponent.first > 10 * mantissa.first);
    CHECK(exponent.second > mantissa.second);
}

TEST_SUITE_END();
