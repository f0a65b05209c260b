// The motion lab's pipeline (session/motion_lab.hpp): settings errors by key, window features of a
// hand-made capture (window count and RMS by hand), stages refused out of order, and the whole pipeline on
// the virtual board with two classes: capture Runs with the windows' dataset, a board model equal to the
// desktop's integer outputs, and the unseen motion flagged live while the known ones are not.
#include "app/session/lab_host.hpp"
#include "app/session/motion_lab.hpp"
#include "app/session/session.hpp"
#include "process.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

using namespace mlsys;
using namespace mlsys::session;

using mlsys::test::count_lines;

TEST_SUITE_BEGIN("app.motion");

TEST_CASE("motion settings refuse bad keys by name") {
    MotionSettings s;
    CHECK(apply_json(s, {{"epoch", 3}}).error().find("motion.epoch: unknown setting") == 0);
    CHECK(apply_json(s, {{"epochs", "many"}}).error().find("motion.epochs: expected a number") == 0);
    CHECK(apply_json(s, {{"train_s", 1.0}}).error().find("motion.train_s: must be at least window_s") == 0);
    CHECK(apply_json(s, {{"fft_length", 15}}).error().find("motion.fft_length") == 0);
    CHECK(apply_json(s, {{"classes", {"idle"}}}).error().find("motion.classes") == 0);
    CHECK(s.epochs == MotionSettings{}.epochs);  // a refused change leaves the settings as they were
    REQUIRE(apply_json(s, {{"epochs", 7}, {"axes", {"ax", "gz"}}}).ok());
    CHECK(s.epochs == 7);
    CHECK(s.axes == std::vector<std::string>{"ax", "gz"});
}

TEST_CASE("window features of a hand-made capture") {
    // 5 s at 50 Hz; ax (mg) carries a 12.5 Hz sine of 200 mg on 1000 mg, the others are constant.
    hardware::Capture cap;
    cap.sensor = "imu";
    cap.channels = {"ax", "ay", "az", "gx", "gy", "gz"};
    cap.units = {"mg", "mg", "mg", "mdps", "mdps", "mdps"};
    for (int i = 0; i < 250; ++i) {
        cap.t_ms.push_back(i * 20.0);
        cap.rows.push_back({1000 + 200 * std::sin(2 * std::numbers::pi * 12.5 * i / 50.0 + 0.4), 5, -3, 0, 0, 0});
    }
    MotionSettings s;  // 2 s windows every 0.25 s (13 samples), FFT 16 with Hann and log power
    std::vector<double> starts;
    auto f = capture_window_features(cap, s, 0, 5000, &starts);
    REQUIRE(f.ok());
    CHECK(f->size() == 12);  // starts 0, 13, ..., 143: the last window ends at sample 242 < 250
    REQUIRE(starts.size() == 12);
    CHECK(starts[1] == 260.0);
    REQUIRE((*f)[0].size() == 27);
    // RMS in g of the mean-removed sine: 0.2 / sqrt(2) (100 samples hold exactly 25 periods).
    CHECK((*f)[0][0] == doctest::Approx(0.2 / std::sqrt(2.0)).epsilon(1e-4));
    // Its power peaks in bin 4 (12.5 Hz) with the Hann peak A^2/3, as log10.
    CHECK((*f)[0][4] == doctest::Approx(std::log10(0.04 / 3)).epsilon(1e-3));
    CHECK((*f)[0][9] == doctest::Approx(0.0));  // ay is constant: RMS 0 (to rounding of the mean)
    // A window range: only the samples from 3 s on.
    auto g = capture_window_features(cap, s, 3000, 1e300);
    REQUIRE(g.ok());
    CHECK(g->size() == 1);
    s.axes = {"ax", "wz"};
    CHECK(capture_window_features(cap, s, 0, 5000).error().find("axis 'wz' is not in the stream") == 0);
}

TEST_CASE("motion stages refuse to run out of order") {
    MotionLabState st;
    CHECK(motion_train(st, "").error().find("run the capture first") != std::string::npos);
    CHECK(motion_deploy(st, "").error().find("run the training first") != std::string::npos);
    CHECK(motion_classify(st, "", {}, 1).error().find("run the deployment first") != std::string::npos);
}

TEST_CASE("motion pipeline on the virtual board flags the unseen motion") {
    const auto runs = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "motion_runs";
    std::filesystem::remove_all(runs);
    MotionLabState st;
    REQUIRE(apply_json(st.settings, {{"classes", {"idle", "terrestrial"}}, {"train_s", 3.0}, {"test_s", 2.0},
                                     {"kmeans_clusters", 4}, {"epochs", 30}, {"anomaly_threshold", 3.0}})
                .ok());
    auto cap = motion_capture(st, runs.string());
    REQUIRE_MESSAGE(cap.ok(), cap.error());
    // 150 samples per class give (150 - 100) / 13 + 1 = 4 training windows; 100 test samples give 1.
    CHECK((*cap)["n_train"] == 8);
    CHECK((*cap)["n_test"] == 2);
    CHECK((*cap)["n_features"] == 27);
    CHECK((*cap)["virtual"] == true);
    const std::filesystem::path cap_dir = (*cap)["run_dir"].get<std::string>();
    CHECK(count_lines(cap_dir / "artifacts" / "windows.csv") == 11);
    CHECK(count_lines(cap_dir / "artifacts" / "captures" / "idle.csv") == 251);
    CHECK(count_lines(cap_dir / "artifacts" / "train.csv") == 9);
    CHECK(std::filesystem::exists(cap_dir / "summary.json"));
    // The truck vibrates; storage does not.
    CHECK((*cap)["rms"]["terrestrial"]["az"].get<double>() > 5 * (*cap)["rms"]["idle"]["az"].get<double>());

    auto tr = motion_train(st, runs.string());
    REQUIRE_MESSAGE(tr.ok(), tr.error());
    CHECK((*tr)["params"] == 27 * 16 + 16 + 16 * 2 + 2);
    CHECK((*tr)["train_accuracy"].get<double>() == 1.0);
    CHECK((*tr)["test_accuracy"].get<double>() == 1.0);

    auto dep = motion_deploy(st, runs.string());
    REQUIRE_MESSAGE(dep.ok(), dep.error());
    CHECK((*dep)["n"] == 2);
    CHECK((*dep)["all_equal"] == true);
    CHECK((*dep)["median_cycles"].get<int64_t>() > 1000);
    CHECK(std::filesystem::exists(std::filesystem::path((*dep)["run_dir"].get<std::string>()) / "artifacts" / "model.mlb1"));

    auto live = motion_classify(st, runs.string(), {"idle", "terrestrial", "anomaly"}, 1);
    REQUIRE_MESSAGE(live.ok(), live.error());
    CHECK((*live)["n"] == 3);
    CHECK((*live)["all_equal"] == true);
    CHECK((*live)["n_known_correct"] == 2);
    CHECK((*live)["n_known_flagged"] == 0);
    CHECK((*live)["n_unseen_flagged"] == 1);
    CHECK((*live)["min_unseen_score"].get<double>() > (*live)["max_known_score"].get<double>());
    REQUIRE(st.live.size() == 3);
    CHECK(st.live[2].motion == "anomaly");
    CHECK(st.live[2].window.size() == 3);
    CHECK(st.live[2].window[0].size() == 100);
    motion_disconnect(st);
    CHECK(motion_state_json(st)["connected"] == false);
}

TEST_CASE("motion lab actions and the motion section through the lab host") {
    const auto runs = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "motion_host_runs";
    session::Session s(runs.string());
    session::SessionLabHost host(s);
    for (const char* a : {"motion_capture", "motion_train", "motion_deploy", "motion_classify"}) CHECK(host.has_action(a));
    REQUIRE(host.apply_settings({{"motion", {{"epochs", 12}, {"anomaly_threshold", 2.5}}}}).ok());
    const auto st = host.state()["motion"];
    CHECK(st["epochs"] == 12);
    CHECK(st["anomaly_threshold"] == 2.5);
    CHECK(st["status"] == "idle");
    CHECK(st["n_windows"] == 0);
    const auto bad = host.apply_settings({{"motion", {{"epoch", 12}}}});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().find("motion.epoch: unknown setting") != std::string::npos);
    // Out of order and bad params are named.
    labs::ActionContext ctx;
    auto r = host.run_action("motion_train", nlohmann::json::object(), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("run the capture first") != std::string::npos);
    r = host.run_action("motion_capture", {{"fft_length", 7}}, ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("params.fft_length") == 0);
    r = host.run_action("motion_classify", {{"motions", "idle"}}, ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("params.motions") == 0);
}

TEST_CASE("a cancelled capture stops at its first sample and keeps it in a failed Run") {
    const auto runs = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "motion_cancel_runs";
    std::filesystem::remove_all(runs);
    MotionLabState st;
    st.cancel = true;  // what the Board workspace does when the app closes mid-stage
    auto r = motion_capture(st, runs.string());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("class 'idle': cancelled") == 0);
    CHECK(st.windows.empty());
    REQUIRE(std::filesystem::exists(runs));
    std::filesystem::path run_dir;
    for (const auto& d : std::filesystem::directory_iterator(runs)) run_dir = d.path();
    std::ifstream summary(run_dir / "summary.json");
    REQUIRE(summary);
    const auto sj = nlohmann::json::parse(summary);
    CHECK(sj["status"] == "failed");
    CHECK(count_lines(run_dir / "artifacts" / "captures" / "idle-partial.csv") == 2);  // header + the one sample
    motion_disconnect(st);
}
