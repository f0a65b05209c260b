// The Optimize workspace's state (app/session/optimize_state.hpp) driven the way the GUI drives it: the
// session's model measured as the original, int8 post-training quantization as a job that leaves a variant
// of at most 26% of the fp32 bytes and a Run on disk, make-current replacing the session's model with the
// weights on the int8 grid, the Pareto front of hand-made points, and settings from JSON.
#include "app/session/lab_host.hpp"
#include "app/session/optimize_state.hpp"
#include "app/session/session.hpp"

#include "models/optimize/int8_export.hpp"
#include "trained_mlp.hpp"
#include "models/train/trainer.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

using namespace mlsys;
using nlohmann::json;
using mlsys::test::trained_mlp;

TEST_SUITE_BEGIN("app.optimize_state");

namespace {

std::string tmp_runs(const std::string& name) {
    auto p = std::filesystem::path(MLSYS_TEST_TMP_DIR) / name;
    std::filesystem::remove_all(p);
    return p.string();
}

// Polls like a frame loop until no job runs (each wait is bounded by the job itself).
void settle(session::OptimizeWorkspaceState& st, session::Session& s) {
    for (int i = 0; i < 10; ++i) {
        if (st.job) st.job->wait();
        if (st.sensitivity_job) st.sensitivity_job->wait();
        INFO("error: " << st.error);
        CHECK(st.poll(s).find("failed") == std::string::npos);
        if (!st.job && !st.sensitivity_job) return;
    }
    FAIL("jobs kept running");
}

}  // namespace

TEST_CASE("int8 PTQ of a trained mlp is a variant of at most 26 percent of the fp32 bytes with its Run on disk") {
    session::Session s(tmp_runs("optimize_state_int8"));
    s.set_model(trained_mlp(), json{{"dataset", "fashion-mnist"}, {"test_accuracy", 0.8}}, "test");
    session::OptimizeWorkspaceState st;
    st.settings.test_limit = 500;
    st.settings.train_limit = 1000;
    st.settings.calib_samples = 200;
    // The first poll sees the session's model and measures it as the original.
    settle(st, s);
    REQUIRE(st.variants.size() == 1);
    const session::VariantMetrics& orig = st.variants[0].metrics;
    CHECK(orig.is_original);
    CHECK(orig.size_bytes == (784 * 128 + 128 + 128 * 10 + 10) * 4);
    CHECK(orig.macs == 784 * 128 + 128 * 10);
    CHECK(orig.n_test == 500);
    CHECK(orig.accuracy > 0.7);

    st.settings.technique = "int8";
    st.settings.per_channel = true;
    REQUIRE_MESSAGE(st.apply(s).ok(), st.error);
    CHECK(st.is_busy());
    CHECK_FALSE(st.apply(s).ok());  // one optimization at a time
    settle(st, s);
    REQUIRE(st.variants.size() == 2);
    const session::OptimizeVariant& v = st.variants[1];
    CHECK(v.metrics.precision == "int8");
    CHECK(v.technique == "int8 PTQ");
    CHECK(v.derived_from == "original");
    CHECK(double(v.metrics.size_bytes) <= 0.26 * double(orig.size_bytes));
    CHECK(std::fabs(v.metrics.accuracy - orig.accuracy) <= 0.02);
    CHECK(v.metrics.latency_s < orig.latency_s);
    REQUIRE(v.int8 != nullptr);
    REQUIRE(v.model != nullptr);
    // Histograms of both weighted layers, before and after over the same bins.
    REQUIRE(v.hist_before.size() == 2);
    REQUIRE(v.hist_after.size() == 2);
    CHECK(v.hist_after[0].lo == v.hist_before[0].lo);
    int64_t n_after = 0;
    for (int64_t c : v.hist_after[0].counts) n_after += c;
    CHECK(n_after == 784 * 128);
    // Export: the int8 image loads back and measures the same; the header names its symbol.
    auto files = st.export_variant(1, (std::filesystem::path(s.runs_dir()) / "export").string());
    REQUIRE_MESSAGE(files.ok(), files.error());
    REQUIRE(files->size() == 2);
    CHECK(std::filesystem::path((*files)[0]).filename() == "int8_per_channel.mlq8");
    auto back = models::optimize::load_int8((*files)[0]);
    REQUIRE(back.ok());
    CHECK(back->parameter_bytes() == v.int8->parameter_bytes());
    std::ifstream header((*files)[1]);
    const std::string text((std::istreambuf_iterator<char>(header)), std::istreambuf_iterator<char>());
    CHECK(text.find("int8_per_channel") != std::string::npos);
    CHECK(st.export_variant(0, (std::filesystem::path(s.runs_dir()) / "export").string())->at(0).size() > 0);
    // The Run, written through run_optimize like `mlsyslab optimize`.
    REQUIRE_FALSE(v.run_dir.empty());
    CHECK(std::filesystem::path(v.run_dir).parent_path() == std::filesystem::path(s.runs_dir()));
    CHECK(std::filesystem::exists(std::filesystem::path(v.run_dir) / "config.json"));
    std::ifstream events(std::filesystem::path(v.run_dir) / "events.jsonl");
    std::vector<std::string> variant_names;
    for (std::string line; std::getline(events, line);) {
        const json e = json::parse(line);
        if (e.value("type", std::string()) == "variant") variant_names.push_back(e.value("name", std::string()));
    }
    CHECK(variant_names == std::vector<std::string>{"original", v.metrics.name});  // before and after
}

TEST_CASE("make current replaces the session model with the variant and keeps the table") {
    session::Session s(tmp_runs("optimize_state_current"));
    s.set_model(trained_mlp(), json{{"dataset", "fashion-mnist"}}, "test");
    session::OptimizeWorkspaceState& st = s.optimize_state();  // the Session owns the workspace's state
    st.settings.test_limit = 300;
    st.settings.train_limit = 500;
    st.settings.calib_samples = 100;
    settle(st, s);
    REQUIRE(st.apply(s).ok());
    settle(st, s);
    REQUIRE(st.variants.size() == 2);
    const models::Model* before = s.model();
    REQUIRE(st.make_current(s, 1).ok());
    CHECK(s.model() != before);
    CHECK(st.current == 1);
    CHECK(s.model_metadata()["optimized"]["variant"] == st.variants[1].metrics.name);
    CHECK(s.model_metadata()["optimized"]["precision"] == "int8");
    CHECK(s.model_metadata()["test_accuracy"].get<double>() == doctest::Approx(st.variants[1].model_accuracy));
    // The float form: every output channel of the first dense layer holds at most 255 distinct values (the
    // symmetric int8 grid), where the trained fp32 weights had ~784.
    for (auto& p : s.model()->layer(0).params()) {
        if (p.name != "weight") continue;
        const models::Tensor& w = *p.value;
        REQUIRE(w.shape.back() == 128);
        std::set<float> channel0;
        for (int64_t j = 0; j < w.size(); j += 128) channel0.insert(w[j]);
        CHECK(channel0.size() <= 255);
        CHECK(channel0.size() > 20);
    }
    // The next frame keeps the variant list (our own change), and applying again works on the new model.
    settle(st, s);
    CHECK(st.variants.size() == 2);
    st.settings.technique = "prune";
    st.settings.finetune_epochs = 0;
    REQUIRE(st.apply(s).ok());
    settle(st, s);
    REQUIRE(st.variants.size() == 3);
    CHECK(st.variants[2].metrics.name == st.variants[1].metrics.name + "+pruned50");
    CHECK(st.variants[2].metrics.sparsity == doctest::Approx(0.5).epsilon(0.01));
    // Back to the original; a baseline-free index out of range is refused by name.
    REQUIRE(st.make_current(s, 0).ok());
    CHECK(s.model_metadata().contains("optimized") == false);
    CHECK(st.make_current(s, 7).error() == "no variant 7");
    // A model from elsewhere (a new training, a loaded file) starts a new table.
    s.set_model(trained_mlp(), json{{"dataset", "fashion-mnist"}}, "another");
    settle(st, s);
    CHECK(st.variants.size() == 1);
}

TEST_CASE("fp16 - structured pruning and distillation from the session model add their rows") {
    session::Session s(tmp_runs("optimize_state_more"));
    s.set_model(trained_mlp(), json{{"dataset", "fashion-mnist"}}, "test");
    session::OptimizeWorkspaceState& st = s.optimize_state();
    st.settings.test_limit = 300;
    st.settings.train_limit = 600;
    settle(st, s);
    REQUIRE(st.variants.size() == 1);
    st.settings.technique = "fp16";
    REQUIRE(st.apply(s).ok());
    settle(st, s);
    st.settings.technique = "prune";
    st.settings.structured = true;
    st.settings.finetune_epochs = 0;
    REQUIRE(st.apply(s).ok());
    settle(st, s);
    // The current model teaches a fresh mlp student; the student trained alone is a baseline row.
    st.settings.technique = "distill";
    st.settings.student = "mlp";
    st.settings.distill_epochs = 2;
    st.settings.learning_rate = 3e-3;  // a fresh student on 600 images needs a brisk rate
    REQUIRE(st.apply(s).ok());
    settle(st, s);
    REQUIRE(st.variants.size() == 5);
    const auto& orig = st.variants[0].metrics;
    CHECK(st.variants[1].metrics.name == "fp16");
    CHECK(st.variants[1].metrics.size_bytes == orig.size_bytes / 2);
    CHECK(std::fabs(st.variants[1].metrics.accuracy - orig.accuracy) <= 0.01);
    CHECK(st.variants[2].metrics.name == "structured50");
    CHECK(st.variants[2].technique == "channel pruning");
    CHECK(st.variants[2].metrics.macs == 784 * 64 + 64 * 10);  // 128 hidden units -> 64
    CHECK(st.variants[3].is_baseline);
    CHECK(st.variants[3].technique == "student trained alone");
    CHECK(st.variants[3].model == nullptr);
    CHECK(st.variants[4].metrics.name == "distilled");
    CHECK_FALSE(st.variants[4].is_baseline);
    CHECK(st.variants[4].run_dir == st.variants[3].run_dir);
    CHECK(st.variants[4].metrics.accuracy > 0.5);
    // Another device re-estimates every row, the baseline from its variant.
    const double lat = st.variants[4].metrics.latency_s;
    st.settings.device = "rpi4";
    REQUIRE(st.reestimate().ok());
    CHECK(st.variants[4].metrics.device == "rpi4");
    CHECK(st.variants[4].metrics.latency_s < lat);
    CHECK(st.variants[3].metrics.latency_s == st.variants[4].metrics.latency_s);
    CHECK(st.variants[4].metrics.accuracy > 0.5);  // not re-measured
}

TEST_CASE("a cancelled optimization adds no variant and says so") {
    session::Session s(tmp_runs("optimize_state_cancel"));
    s.set_model(trained_mlp(), json{{"dataset", "fashion-mnist"}}, "test");
    session::OptimizeWorkspaceState& st = s.optimize_state();
    st.settings.test_limit = 200;
    settle(st, s);
    st.settings.technique = "prune";
    st.settings.finetune_epochs = 20;  // long enough that the cancel lands during fine-tuning
    st.settings.train_limit = 3000;
    REQUIRE(st.apply(s).ok());
    st.cancel();
    st.job->wait();
    CHECK(st.poll(s) == "Optimization cancelled: no variant was added");
    CHECK(st.variants.size() == 1);
    CHECK(st.error.empty());
    CHECK_FALSE(st.is_busy());
}

TEST_CASE("labs apply through the workspace state and read its table from the optimize section") {
    session::Session s(tmp_runs("optimize_state_lab"));
    s.set_model(trained_mlp(), json{{"dataset", "fashion-mnist"}}, "test");
    session::SessionLabHost host(s);
    REQUIRE(host.has_action("optimize_apply"));
    auto r = host.run_action("optimize_apply",
                             json{{"technique", "int8"}, {"test_limit", 300}, {"train_limit", 500}, {"calib_samples", 100}}, {});
    REQUIRE_MESSAGE(r.ok(), r.error());
    // The same keys as the optimize_model action.
    CHECK((*r)["variant"] == "int8-per-channel");
    CHECK((*r)["precision"] == "int8");
    CHECK((*r)["size_ratio"].get<double>() <= 0.26);
    CHECK((*r)["size_after_bytes"] == s.optimize_state().variants[1].metrics.size_bytes);
    CHECK(std::fabs((*r)["accuracy_drop"].get<double>()) <= 0.03);
    CHECK((*r)["n_variants"] == 2);
    const json state = host.state()["optimize"];
    CHECK(state["n_variants"] == 2);
    CHECK(state["variants"][1]["name"] == "int8-per-channel");
    CHECK(state["technique"] == "int8");
    CHECK(state["status"] == "ready");
    // Settings set through the section; a bad one is refused by name.
    REQUIRE(host.apply_settings(json{{"optimize", {{"technique", "prune"}}}}).ok());
    CHECK(s.optimize_state().settings.technique == "prune");
    CHECK(host.run_action("optimize_apply", json{{"prune_fraction", "half"}}, {}).error() ==
          "params: optimize.prune_fraction: expected a number, got \"half\"");
}

TEST_CASE("the Pareto front of hand-made points is exactly the non-dominated ones sorted by cost") {
    // (x, accuracy): 1 (1, .5) front; 2 (2, .7) front; 4 (2, .6) dominated by 2; 3 (3, .7) dominated by 2;
    // 0 (4, .9) front; 5 (5, .95) front; 6 has no x.
    const std::vector<double> x = {4, 1, 2, 3, 2, 5, NAN};
    const std::vector<double> acc = {0.9, 0.5, 0.7, 0.7, 0.6, 0.95, 0.99};
    CHECK(session::optimize_pareto_front(x, acc) == std::vector<size_t>{1, 2, 0, 5});
    // Over variants, "size" takes the smaller stored form (CSR for a pruned one).
    std::vector<session::OptimizeVariant> v(3);
    v[0].metrics.size_bytes = 400;
    v[0].metrics.accuracy = 0.90;
    v[0].metrics.latency_s = 4;
    v[1].metrics.size_bytes = 100;  // int8: smallest, a little worse
    v[1].metrics.accuracy = 0.89;
    v[1].metrics.latency_s = 1;
    v[2].metrics.size_bytes = 400;  // pruned: dense as big as the original, CSR 250, better after fine-tuning
    v[2].metrics.compressed_bytes = 250;
    v[2].metrics.accuracy = 0.91;
    v[2].metrics.latency_s = 4;
    CHECK(session::optimize_pareto_front(v, "size") == std::vector<size_t>{1, 2});
    CHECK(session::optimize_pareto_front(v, "latency") == std::vector<size_t>{1, 2});
    // A pruned variant worse than int8 drops off the front, and the original (most accurate) comes back on it.
    v[2].metrics.accuracy = 0.85;
    CHECK(session::optimize_pareto_front(v, "size") == std::vector<size_t>{1, 0});
}

TEST_CASE("optimize settings apply from JSON and refuse bad keys and values by name") {
    session::OptimizeSettings s;
    REQUIRE(session::apply_json(s, json{{"technique", "prune"}, {"prune_fraction", 0.7}, {"structured", true}}).ok());
    CHECK(s.technique == "prune");
    CHECK(s.prune_fraction == 0.7);
    CHECK(session::technique_title(s) == "channel pruning");
    CHECK(session::apply_json(s, json{{"colour", 1}}).error() == "optimize.colour: unknown key");
    CHECK(session::apply_json(s, json{{"technique", 3}}).error() == "optimize.technique: expected a string, got 3");
    CHECK(session::apply_json(s, json{{"technique", "int3"}}).error() == "optimize.technique: unknown technique \"int3\"");
    CHECK(session::apply_json(s, json{{"pareto_x", "energy"}}).error() ==
          "optimize.pareto_x: expected \"size\" or \"latency\", got \"energy\"");
    CHECK(s.prune_fraction == 0.7);  // unchanged by the refusals
    s.prune_fraction = 1.0;
    CHECK(session::make_optimize_request(s).error() == "the pruning share must be in (0, 1), got 1.000000");
    s.technique = "distill";
    s.student = "resnet";
    CHECK(session::make_optimize_request(s).error() == "unknown student preset \"resnet\"");
}

TEST_SUITE_END();
