// The app's lab actions and state sections: registered, reachable through SessionLabHost, reporting the
// textbook's numbers, and refusing bad parameters by name.
#include "app/session/lab_host.hpp"
#include "app/session/session.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace mlsys;
using nlohmann::json;

TEST_SUITE_BEGIN("app.labs");

namespace {
std::string tmp_runs(const std::string& name) {
    auto p = std::filesystem::path(MLSYS_TEST_TMP_DIR) / name;
    std::filesystem::remove_all(p);
    return p.string();
}
}  // namespace

TEST_CASE("the shipped actions and sections are registered") {
    session::Session s(tmp_runs("lab_actions_reg"));
    session::SessionLabHost host(s);
    CHECK(host.has_action("train"));
    CHECK(host.has_action("inspect_model"));
    CHECK_FALSE(host.has_action("nope"));
    CHECK(host.run_action("nope", json::object(), {}).error().rfind("no lab action \"nope\" (actions: ", 0) == 0);
    const json st = host.state();
    CHECK(st.contains("model"));
    CHECK(st.contains("run"));
    CHECK(st["train"]["status"] == "idle");
}

TEST_CASE("inspect_model reproduces the textbook's 784-100-100-10 numbers") {
    session::Session s(tmp_runs("lab_actions_inspect"));
    session::SessionLabHost host(s);
    const json spec = json::parse(R"({"format": "mlsys-model-spec", "version": 1, "name": "book-mlp", "input_shape": [784],
        "n_classes": 10, "layers": [{"type": "dense", "units": 100}, {"type": "relu"}, {"type": "dense", "units": 100},
        {"type": "relu"}, {"type": "dense", "units": 10}, {"type": "softmax"}]})");
    auto r = host.run_action("inspect_model", json{{"spec", spec}}, {});
    REQUIRE_MESSAGE(r.ok(), r.error());
    CHECK((*r)["params"] == 89610);           // BOOK.md: S §3.6.3
    CHECK((*r)["macs"] == 89400);             // 89,400 multiply-adds per inference
    CHECK((*r)["weight_bytes"] == 358440);    // 358.44 KB in FP32
    CHECK((*r)["biases"] == 210);
    // The CNN's first convolution: 16 filters of 3x3x1 = 144 weights, each used at all 28x28 = 784 positions.
    r = host.run_action("inspect_model", json{{"preset", "cnn"}}, {});
    REQUIRE(r.ok());
    CHECK((*r)["layers"][0]["weights"] == 144);
    CHECK((*r)["layers"][0]["weight_reuse"] == 784);
    CHECK((*r)["by_type"]["conv2d"]["count"] == 2);
    CHECK(host.run_action("inspect_model", json::object(), {}).error() == "params: give exactly one of \"preset\", \"spec\" or \"current\": true");
    CHECK(host.run_action("inspect_model", json{{"current", true}}, {}).error() == "there is no current model yet: train one first");
}

TEST_CASE("the train action trains headless and settings apply by section") {
    session::Session s(tmp_runs("lab_actions_train"));
    session::SessionLabHost host(s);
    CHECK(host.apply_settings(json{{"no_such_section", json::object()}}).error().rfind("set.no_such_section: no settings section \"no_such_section\" to set", 0) == 0);
    REQUIRE(host.apply_settings(json{{"train", {{"dataset", "circles"}, {"model", "playground"}}}}).ok());
    CHECK(s.train.dataset == "circles");
    CHECK(host.run_action("train", json{{"epochs", 0}}, {}).error() == "params.epochs: must be a number in [1, 100000], got 0");
    auto r = host.run_action("train", json{{"epochs", 5}, {"batch_size", 16}, {"learning_rate", 0.01}, {"n_samples", 200}}, {});
    REQUIRE_MESSAGE(r.ok(), r.error());
    CHECK((*r)["kind"] == "train");
    CHECK((*r)["epochs"] == 5);
    CHECK((*r)["params"] == 1218);
    CHECK((*r)["curves"]["val_accuracy"].size() == 5);
    CHECK(std::filesystem::exists((*r)["run_dir"].get<std::string>()));
    CHECK(s.has_model());
    CHECK(host.state()["run"]["epochs"] == 5);
}

TEST_SUITE_END();
