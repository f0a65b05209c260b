// The Session: settings as JSON, a training job driven the way the GUI drives it (start, snapshots, pause,
// stop, poll), and the current model it leaves behind.
#include "app/session/session.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <thread>

using namespace mlsys;
using nlohmann::json;

TEST_SUITE_BEGIN("app.session");

namespace {
std::string tmp_runs(const std::string& name) {
    auto p = std::filesystem::path(MLSYS_TEST_TMP_DIR) / name;
    std::filesystem::remove_all(p);
    return p.string();
}
// Waits (polling like a frame loop) until `done` holds; fails the test after 120 s.
template <class F>
void wait_for(F done) {
    for (int i = 0; i < 120000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    REQUIRE(done());
}
}  // namespace

TEST_CASE("train settings apply from JSON and refuse bad keys and values by name") {
    session::TrainSettings s;
    REQUIRE(session::apply_json(s, json{{"dataset", "spiral"}, {"model", "playground"}, {"epochs", 5}}).ok());
    CHECK(s.dataset == "spiral");
    CHECK(s.epochs == 5);
    auto err = [&](const json& j) { return session::apply_json(s, j).error(); };
    CHECK(err(json{{"epochs", 0}}) == "train.epochs: must be a number in [1, 100000], got 0");
    CHECK(err(json{{"colour", 1}}) == "train.colour: not a training setting");
    CHECK(err(json{{"optimizer", "lion"}}) == "train.optimizer: unknown optimizer \"lion\" (choose sgd or adam)");
    CHECK(err(json{{"model", "resnet"}}).rfind("train.model: unknown model preset \"resnet\"", 0) == 0);
    CHECK(s.epochs == 5);  // a refused change leaves the settings as they were
    auto round = s;
    REQUIRE(session::apply_json(round, session::to_json(s)).ok());
    CHECK(session::to_json(round) == session::to_json(s));
}

TEST_CASE("a training job publishes snapshots, pauses, finishes and becomes the current model") {
    session::Session ses(tmp_runs("session_train"));
    CHECK_FALSE(ses.has_model());
    CHECK(ses.model_label() == "none yet");
    CHECK(ses.save_model("/tmp/x.mlsys").error() == "there is no model to save yet: train one or load a model file");
    REQUIRE(session::apply_json(ses.train, json{{"dataset", "spiral"}, {"model", "playground"}, {"epochs", 30},
                                                {"batch_size", 16}, {"learning_rate", 0.01}})
                .ok());
    REQUIRE(ses.start_training().ok());
    CHECK(ses.start_training().error() == "a training run is already in progress");
    auto* job = ses.train_job();
    REQUIRE(job != nullptr);
    wait_for([&] { return job->snapshot() && job->snapshot()->step > 5; });
    job->pause();
    wait_for([&] { return job->is_paused(); });
    auto snap = job->snapshot();
    // A 2-D set gets a decision boundary and neuron thumbnails; every vector is a copy.
    CHECK(snap->boundary_res == 64);
    CHECK(snap->boundary_class.size() == 64u * 64u);
    CHECK(snap->points_xy.size() == 2 * snap->points_label.size());
    CHECK(snap->neurons.size() == 2);
    CHECK(snap->neurons[0].n_neurons == 32);
    CHECK(snap->weight_bytes == (2 * 32 + 32 + 32 * 32 + 32 + 32 * 2 + 2) * 4);
    job->resume();
    wait_for([&] { return job->is_done(); });
    CHECK(ses.poll().empty());
    REQUIRE(ses.has_model());
    CHECK(ses.last_train().valid);
    CHECK(ses.last_train().test_accuracy > 0.75);  // well above chance (0.5) after 30 epochs
    const json state = ses.state_json();
    CHECK(state["model"]["params"] == 2 * 32 + 32 + 32 * 32 + 32 + 32 * 2 + 2);
    CHECK(state["run"]["test_accuracy"] == ses.last_train().test_accuracy);
    CHECK(state["train"]["status"] == "finished");
    auto final_snap = job->snapshot();
    CHECK(final_snap->finished);
    CHECK(final_snap->train_loss.front() > final_snap->train_loss.back());
    // Saved and loaded back: the same model.
    const std::string path = (std::filesystem::path(MLSYS_TEST_TMP_DIR) / "session_model.mlsys").string();
    REQUIRE(ses.save_model(path).ok());
    session::Session other(tmp_runs("session_other"));
    REQUIRE(other.load_model(path).ok());
    CHECK(other.model()->params()[0].value->data == ses.model()->params()[0].value->data);
}

TEST_CASE("stopping a training job keeps the partly trained model and a cancelled Run") {
    session::Session ses(tmp_runs("session_stop"));
    REQUIRE(session::apply_json(ses.train, json{{"dataset", "spiral"}, {"model", "playground"}, {"epochs", 10000}}).ok());
    REQUIRE(ses.start_training().ok());
    wait_for([&] { return ses.train_job()->snapshot() && ses.train_job()->snapshot()->step > 3; });
    ses.train_job()->stop();
    wait_for([&] { return ses.train_job()->is_done(); });
    CHECK(ses.poll().empty());
    CHECK(ses.has_model());
    CHECK(ses.last_train().cancelled);
    CHECK(ses.last_train().epochs_completed < 10000);
}

TEST_CASE("a training job that cannot start reports why") {
    session::Session ses(tmp_runs("session_bad"));
    REQUIRE(session::apply_json(ses.train, json{{"dataset", "spiral"}, {"model", "cnn"}}).ok());
    REQUIRE(ses.start_training().ok());
    wait_for([&] { return ses.train_job()->is_done(); });
    const std::string msg = ses.poll();
    CHECK(msg.rfind("training failed: model \"cnn\" cannot take inputs of shape 2", 0) == 0);
    CHECK_FALSE(ses.has_model());
}

TEST_SUITE_END();
