// The injector on real models: exact sites change exactly the named bit, stuck-at persists across
// inferences, TMR masks a single faulty replica, ECC corrects and detects, a faulty PE corrupts exactly the
// outputs its dataflow assigns, ABFT puts a corrupted GEMM output right, and campaigns are reproducible.
#include "faults/campaign/campaign.hpp"
#include "faults/flips/injector.hpp"
#include "faults/hw/pe_map.hpp"
#include "models/model/model.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <vector>

using namespace mlsys;
using namespace mlsys::faults;

TEST_SUITE_BEGIN("faults.injector");

namespace {
models::Model make(const std::string& preset, uint64_t seed = 3) {
    auto spec = models::preset_spec(preset);
    REQUIRE(spec.ok());
    auto m = models::Model::build(*spec, seed);
    REQUIRE(m.ok());
    return std::move(*m);
}

std::vector<float> flat_params(models::Model& m, int layer) {
    std::vector<float> out;
    for (auto& p : m.layer(layer).params()) out.insert(out.end(), p.value->data.begin(), p.value->data.end());
    return out;
}

models::Tensor batch_for(const models::Model& m, int n, uint64_t seed) {
    models::Tensor x(models::batched(n, m.spec().input_shape));
    core::Rng r(seed);
    for (auto& v : x.data) v = static_cast<float>(r.uniform(-1, 1));
    return x;
}

models::Dataset dataset_for(const models::Model& m, int n, uint64_t seed) {
    models::Dataset d;
    d.name = "random";
    d.sample_shape = m.spec().input_shape;
    d.n_classes = m.spec().n_classes;
    for (int c = 0; c < d.n_classes; ++c) d.class_names.push_back("c" + std::to_string(c));
    d.x = batch_for(m, n, seed);
    core::Rng r(seed + 1);
    for (int i = 0; i < n; ++i) d.y.push_back(static_cast<int>(r.uniform_int(uint64_t(d.n_classes))));
    return d;
}
}  // namespace

TEST_CASE("an exact-site fp32 weight flip changes exactly that bit and nothing else") {
    models::Model m = make("tiny");
    const std::vector<float> before = flat_params(m, 0);
    FaultSpec s;
    s.target.kind = TargetKind::Weights;
    s.target.layer_name = "0";
    s.sites = {{17, 30}};
    auto inj = FaultInjector::create(m, s);
    REQUIRE(inj.ok());
    (*inj)->begin_trial(1);
    const std::vector<float> after = flat_params(m, 0);
    REQUIRE(after.size() == before.size());
    for (size_t i = 0; i < after.size(); ++i)
        CHECK((float_bits(after[i]) ^ float_bits(before[i])) == (i == 17 ? (1u << 30) : 0u));
    CHECK(flat_params(m, 2) == flat_params(m, 2));  // other layers untouched (see next check)
    (*inj)->end_trial();
    CHECK(flat_params(m, 0) == before);
}

TEST_CASE("an exact-site int8 weight flip changes exactly that bit of the int8 code") {
    models::Model m = make("tiny");
    FaultSpec s;
    s.target.kind = TargetKind::Weights;
    s.target.layer_name = "0";
    s.precision = Precision::Int8;
    s.sites = {{5, 7}};
    auto inj = FaultInjector::create(m, s);  // quantises the model in place
    REQUIRE(inj.ok());
    auto& wt = *m.layer(0).params()[0].value;
    std::span<const float> span(wt.ptr(), size_t(wt.size()));
    const Int8Quant q = int8_quant_for(span);
    const std::vector<float> clean(wt.data.begin(), wt.data.end());
    (*inj)->begin_trial(1);
    for (int64_t i = 0; i < wt.size(); ++i) {
        const auto a = static_cast<uint8_t>(q.quantize(wt[i]));
        const auto b = static_cast<uint8_t>(q.quantize(clean[size_t(i)]));
        CHECK((a ^ b) == (i == 5 ? 0x80 : 0));
    }
}

TEST_CASE("stuck-at persists across inferences") {
    models::Model m = make("tiny");
    FaultSpec s;
    s.kind = FaultKind::StuckAt1;
    s.target.kind = TargetKind::Activations;
    s.target.layer_name = "0";
    s.sites = {{3, 30}};
    auto inj = FaultInjector::create(m, s);
    REQUIRE(inj.ok());
    (*inj)->begin_trial(7);
    for (int k = 0; k < 3; ++k) {
        models::Tensor x = batch_for(m, 4, uint64_t(k));
        (*inj)->before_inference(x);
        m.forward(x, false);
        const models::Tensor& a = m.activation(0);
        for (int b = 0; b < 4; ++b) CHECK((float_bits(a[b * 16 + 3]) & (1u << 30)) != 0);
    }
    // A stuck weight bit stays set on every inference of the trial.
    models::Model m2 = make("tiny");
    FaultSpec w;
    w.kind = FaultKind::StuckAt1;
    w.target.kind = TargetKind::Weights;
    w.sites = {{0, 29}};
    auto inj2 = FaultInjector::create(m2, w);
    REQUIRE(inj2.ok());
    (*inj2)->begin_trial(1);
    for (int k = 0; k < 3; ++k) {
        models::Tensor x = batch_for(m2, 2, uint64_t(k));
        (*inj2)->before_inference(x);
        m2.forward(x, false);
        CHECK((float_bits(m2.layer(0).params()[0].value->data[0]) & (1u << 29)) != 0);
    }
}

TEST_CASE("TMR masks any single faulty replica") {
    models::Model m = make("tiny");
    const std::vector<float> before = flat_params(m, 0);
    FaultSpec s;
    s.target.kind = TargetKind::Weights;
    s.target.layer_name = "0";
    s.protection = Protection::Tmr;
    s.sites = {{0, 31}, {9, 30}, {9, 22}, {40, 0}};  // all in replica 0
    auto inj = FaultInjector::create(m, s);
    REQUIRE(inj.ok());
    (*inj)->begin_trial(1);
    CHECK(flat_params(m, 0) == before);
    CHECK((*inj)->counters().tmr_masked == 3);  // three words outvoted
    // A faulty PE in one replica of every layer: the outputs equal the clean model's.
    models::Model clean = make("cnn");
    models::Model faulty = make("cnn");
    FaultSpec p;
    p.kind = FaultKind::StuckAt1;
    p.target.kind = TargetKind::Pe;
    p.target.pe_row = 1;
    p.target.pe_col = 2;
    p.protection = Protection::Tmr;
    auto pinj = FaultInjector::create(faulty, p);
    REQUIRE(pinj.ok());
    (*pinj)->begin_trial(1);
    models::Tensor x = batch_for(clean, 2, 5), x2 = x;
    (*pinj)->before_inference(x2);
    const models::Tensor& out = faulty.forward(x2, false);
    const models::Tensor& ref = clean.forward(x, false);
    CHECK(out.data == ref.data);
    CHECK((*pinj)->counters().tmr_masked > 0);
}

TEST_CASE("SEC-DED on weight memory corrects one flip per codeword and zeroes a double error") {
    models::Model m = make("tiny");
    const std::vector<float> before = flat_params(m, 0);
    FaultSpec s;
    s.target.kind = TargetKind::Weights;
    s.target.layer_name = "0";
    s.protection = Protection::Ecc;
    s.sites = {{4, 30}};  // word 4 = codeword 2, data bit 30
    auto inj = FaultInjector::create(m, s);
    REQUIRE(inj.ok());
    (*inj)->begin_trial(1);
    CHECK(flat_params(m, 0) == before);
    CHECK((*inj)->counters().ecc_corrected == 1);
    (*inj)->end_trial();
    s.sites = {{6, 3}, {7, 30}};  // words 6 and 7 share codeword 3: a double error
    REQUIRE((*inj)->set_spec(s).ok());
    (*inj)->begin_trial(1);
    const std::vector<float> after = flat_params(m, 0);
    CHECK((*inj)->counters().ecc_detected == 1);
    CHECK(after[6] == 0.0f);
    CHECK(after[7] == 0.0f);
    for (size_t i = 0; i < after.size(); ++i)
        if (i != 6 && i != 7) CHECK(after[i] == before[i]);
}

TEST_CASE("a faulty PE corrupts exactly the outputs its dataflow assigns to it") {
    using sim::accel::Dataflow;
    for (Dataflow df : {Dataflow::OutputStationary, Dataflow::WeightStationary, Dataflow::InputStationary}) {
        models::Model clean = make("cnn"), faulty = make("cnn");
        FaultSpec s;
        s.kind = FaultKind::BitFlip;  // the PE's output bit 30 is always inverted
        s.target.kind = TargetKind::Pe;
        s.target.pe_row = 2;
        s.target.pe_col = 5;
        s.target.layer_name = "0";
        s.dataflow = df;
        auto inj = FaultInjector::create(faulty, s);
        REQUIRE(inj.ok());
        (*inj)->begin_trial(1);
        models::Tensor x = batch_for(clean, 2, 9), x2 = x;
        clean.forward(x, false);
        (*inj)->before_inference(x2);
        faulty.forward(x2, false);
        const models::Tensor& a = clean.activation(0);
        const models::Tensor& b = faulty.activation(0);
        // conv 3x3 'same', 16 filters over 28x28: M = 2 x 784 output pixels, N = 16, K = 9.
        const sim::accel::GemmDims g{2 * 784, 16, 9};
        std::set<int64_t> expected;
        for (auto [mm, nn] : outputs_of_pe(df, 8, 8, 2, 5, g)) expected.insert(mm * 16 + nn);
        std::set<int64_t> changed;
        for (int64_t i = 0; i < a.size(); ++i)
            if (float_bits(a[i]) != float_bits(b[i])) changed.insert(i);
        CHECK(changed == expected);
        CHECK(!changed.empty());
    }
}

TEST_CASE("ABFT locates and corrects a corrupted output of a dense layer in the model") {
    models::Model clean = make("tiny"), faulty = make("tiny");
    FaultSpec s;
    s.target.kind = TargetKind::Activations;
    s.target.layer_name = "0";  // the dense layer's output: its GEMM result
    s.sites = {{6, 30}};        // one output per sample
    s.protection = Protection::Abft;
    auto inj = FaultInjector::create(faulty, s);
    REQUIRE(inj.ok());
    (*inj)->begin_trial(1);
    models::Tensor x = batch_for(clean, 1, 4), x2 = x;
    clean.forward(x, false);
    (*inj)->before_inference(x2);
    faulty.forward(x2, false);
    CHECK((*inj)->counters().abft_corrected == 1);
    for (int64_t i = 0; i < clean.activation(0).size(); ++i)
        CHECK(faulty.activation(0)[i] == doctest::Approx(clean.activation(0)[i]).epsilon(1e-5));
    // Two corrupted outputs in different rows and columns: detected, the sample flagged.
    s.sites = {{2, 30}};
    models::Tensor x3 = batch_for(clean, 3, 4);
    REQUIRE((*inj)->set_spec(s).ok());
    (*inj)->begin_trial(2);
    (*inj)->before_inference(x3);
    faulty.forward(x3, false);
    CHECK((*inj)->counters().abft_detected == 1);
    CHECK((*inj)->detected_samples() == std::vector<uint8_t>{1, 1, 1});
}

TEST_CASE("the same seed gives the same campaign") {
    models::Model m = make("tiny");
    const models::Dataset d = dataset_for(m, 300, 11);
    CampaignConfig c;
    c.fault.target.kind = TargetKind::Weights;
    c.bers = {1e-3, 1e-2};
    c.trials = 4;
    c.seed = 42;
    c.eval_limit = 300;
    const auto r1 = run_campaign(m, d, c);
    const auto r2 = run_campaign(m, d, c);
    REQUIRE(r1.ok());
    REQUIRE(r2.ok());
    REQUIRE(r1->points.size() == 2);
    for (size_t p = 0; p < 2; ++p) {
        CHECK(r1->points[p].trial_accuracy == r2->points[p].trial_accuracy);
        CHECK(r1->points[p].images.n_sdc == r2->points[p].images.n_sdc);
        CHECK(r1->points[p].mean_faults == r2->points[p].mean_faults);
    }
    // tiny has 112 + 51 parameters: 163 words x 32 bits x 1e-2 = 52.2 expected flips a trial (sd 7.2).
    CHECK(r1->points[1].mean_faults > 35);
    CHECK(r1->points[1].mean_faults < 75);
    c.seed = 43;
    const auto r3 = run_campaign(m, d, c);
    REQUIRE(r3.ok());
    CHECK(r3->points[1].trial_accuracy != r1->points[1].trial_accuracy);
}

TEST_CASE("bad fault specs are refused with the field named") {
    models::Model m = make("tiny");
    FaultSpec s;
    s.target.kind = TargetKind::Pe;
    s.target.pe_row = 9;
    auto r = FaultInjector::create(m, s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("outside the 8x8 array") != std::string::npos);
    s.target.pe_row = 0;
    s.protection = Protection::Ecc;
    CHECK(FaultInjector::create(m, s).error().find("compute fault") != std::string::npos);
    FaultSpec a;
    a.target.kind = TargetKind::Activations;
    a.target.layer_name = "conv9";
    CHECK(FaultInjector::create(m, a).error().find("no layer \"conv9\"") != std::string::npos);
    CHECK(parse_fault_target("pe:1").error().find("pe:ROW,COL") != std::string::npos);
    CHECK(parse_fault_target("buffer:psum").error().find("unknown buffer") != std::string::npos);
    CHECK(parse_ber_range("1e-2:1e-7").error().find("LO <= HI") != std::string::npos);
    const auto bers = parse_ber_range("1e-7:1e-2");
    REQUIRE(bers.ok());
    CHECK(bers->size() == 6);
    CHECK(bers->front() == doctest::Approx(1e-7));
    CHECK(bers->back() == doctest::Approx(1e-2));
    CHECK(*parse_bits("0-2,31") == std::vector<int>{0, 1, 2, 31});
}

TEST_SUITE_END();
