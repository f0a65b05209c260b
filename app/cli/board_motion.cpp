// `mlsyslab board motion [PORT]`: capture the motion classes from a board (the virtual board when no PORT is
// given), compute spectral features, train the classifier and the K-means anomaly model, deploy the int8
// model and classify live windows on the board, each stage recorded as a Run (session/motion_lab.hpp).
#include "app/cli/board_motion.hpp"

#include "app/session/motion_lab.hpp"

#include <cstdio>
#include <sstream>

namespace mlsys::cli {
namespace {

struct MotionOptions {
    session::MotionSettings s;
    std::string classes;
    std::string axes;
    std::string live;
    int windows = 1;
};

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string w; std::getline(ss, w, ',');)
        if (!w.empty()) out.push_back(w);
    return out;
}

int run_motion(MotionOptions& o, const CommandContext& ctx) {
    session::MotionLabState st;
    if (!o.classes.empty()) o.s.classes = split_list(o.classes);
    if (!o.axes.empty()) o.s.axes = split_list(o.axes);
    if (auto ok = session::apply_json(st.settings, session::to_json(o.s)); !ok) return usage_error("board motion", ok.error());
    const bool quiet = ctx.json;
    auto prompt = [quiet](const std::string& line) {
        if (!quiet) std::printf(">> %s\n", line.c_str());
        std::fflush(stdout);
    };
    nlohmann::json all;
    auto fail_stage = [&](const char* stage, const std::string& err) {
        session::motion_disconnect(st);
        return run_failed("board motion", std::string(stage) + ": " + err);
    };
    if (!quiet) std::printf("capturing %zu classes x %.1f s from %s ...\n", st.settings.classes.size(),
                            st.settings.train_s + st.settings.test_s,
                            st.settings.port.empty() ? "the virtual board" : st.settings.port.c_str());
    std::fflush(stdout);
    auto cap = session::motion_capture(st, ctx.runs_dir, prompt);
    if (!cap) return fail_stage("capture", cap.error());
    all["capture"] = *cap;
    if (!quiet) std::printf("%lld windows (%lld train, %lld test) of %lld features from %lld samples; run %s\n",
                            cap->at("n_windows").get<long long>(), cap->at("n_train").get<long long>(),
                            cap->at("n_test").get<long long>(), cap->at("n_features").get<long long>(),
                            cap->at("n_samples").get<long long>(), cap->at("run_dir").get<std::string>().c_str());
    auto tr = session::motion_train(st, ctx.runs_dir);
    if (!tr) return fail_stage("train", tr.error());
    all["train"] = *tr;
    if (!quiet) std::printf("float model: train %.1f%%, test %.1f%%; K-means %d clusters, largest known test score %.3f\n",
                            100 * tr->at("train_accuracy").get<double>(), 100 * tr->at("test_accuracy").get<double>(),
                            tr->at("kmeans_clusters").get<int>(), tr->at("max_test_score").get<double>());
    auto dep = session::motion_deploy(st, ctx.runs_dir);
    if (!dep) return fail_stage("deploy", dep.error());
    all["deploy"] = *dep;
    if (!quiet) std::printf("int8 model %lld bytes deployed; board accuracy %.1f%% (float %.1f%%), %d/%d outputs equal the desktop's, "
                            "median %lld cycles = %.2f ms\n",
                            dep->at("model_bytes").get<long long>(), 100 * dep->at("board_accuracy").get<double>(),
                            100 * dep->at("float_accuracy").get<double>(), dep->at("n_equal").get<int>(), dep->at("n").get<int>(),
                            dep->at("median_cycles").get<long long>(), dep->at("latency_ms").get<double>());
    auto live = session::motion_classify(st, ctx.runs_dir, split_list(o.live), o.windows, prompt);
    if (!live) return fail_stage("classify", live.error());
    all["classify"] = *live;
    session::motion_disconnect(st);
    if (quiet) {
        print_json(all);
    } else {
        std::printf("\n%-12s %-12s %-28s %8s %8s %9s\n", "motion", "board says", "scores", "anomaly", "flagged", "cycles");
        for (const auto& r : live->at("rows")) {
            std::string scores;
            for (const auto& v : r.at("scores")) {
                char b[16];
                std::snprintf(b, sizeof b, "%s%.2f", scores.empty() ? "" : " ", v.get<double>());
                scores += b;
            }
            std::printf("%-12s %-12s %-28s %8.2f %8s %9lld\n", r.at("motion").get<std::string>().c_str(),
                        r.at("class_name").get<std::string>().c_str(), scores.c_str(), r.at("anomaly_score").get<double>(),
                        r.at("anomaly").get<bool>() ? "ANOMALY" : "-", r.at("cycles").get<long long>());
        }
        std::printf("live accuracy %d/%d on known motions; %d/%d unseen windows flagged, %d known windows flagged "
                    "(threshold %.2f); board outputs equal the desktop's: %s\nrun %s\n",
                    live->at("n_known_correct").get<int>(), live->at("n_known").get<int>(), live->at("n_unseen_flagged").get<int>(),
                    live->at("n_unseen").get<int>(), live->at("n_known_flagged").get<int>(), st.settings.anomaly_threshold,
                    live->at("all_equal").get<bool>() ? "all" : "NOT ALL", live->at("run_dir").get<std::string>().c_str());
    }
    return live->at("all_equal").get<bool>() ? kExitOk : kExitFailed;
}

}  // namespace

void setup_board_motion(CLI::App& board, CommandContext& ctx) {
    auto o = std::make_shared<MotionOptions>();
    CLI::App* m = board.add_subcommand(
        "motion", "The motion lab end to end: capture classes, spectral features, train, int8 deploy, live classification "
                  "with K-means anomalies (the virtual board unless PORT is given)");
    m->add_option("PORT", o->s.port, "A real board's serial port (you move it when asked); empty: the virtual board");
    m->add_option("--classes", o->classes, "Comma-separated classes (default idle,lift,terrestrial,maritime)");
    m->add_option("--axes", o->axes, "Comma-separated IMU axes for the features (default ax,ay,az)");
    m->add_option("--rate", o->s.rate_hz, "Samples per second")->capture_default_str();
    m->add_option("--window", o->s.window_s, "Window length in seconds")->capture_default_str();
    m->add_option("--stride", o->s.stride_s, "Window increase in seconds")->capture_default_str();
    m->add_option("--train-seconds", o->s.train_s, "Seconds captured per class for training windows")->capture_default_str();
    m->add_option("--test-seconds", o->s.test_s, "Seconds captured per class for test windows")->capture_default_str();
    m->add_option("--fft", o->s.fft_length, "FFT length of the spectral power (fft/2 bins per axis)")->capture_default_str();
    m->add_option("--epochs", o->s.epochs, "Training epochs")->capture_default_str();
    m->add_option("--clusters", o->s.kmeans_clusters, "K-means clusters")->capture_default_str();
    m->add_option("--threshold", o->s.anomaly_threshold, "Anomaly score threshold")->capture_default_str();
    m->add_option("--live", o->live, "Comma-separated motions to classify live (default: the classes, then anomaly)");
    m->add_option("--windows", o->windows, "Live windows per motion")->capture_default_str();
    m->add_option("--seed", o->s.seed, "Seed (sensor noise, weights, K-means)")->capture_default_str();
    m->add_option("--speed", o->s.virtual_speed, "Virtual board speed (0: as fast as possible, 1: real time)")->capture_default_str();
    m->add_option("--prompt-seconds", o->s.prompt_s, "Real board: seconds to get ready before each class")->capture_default_str();
    add_common_flags(*m, ctx);
    m->callback([o, &ctx] { ctx.exit_code = run_motion(*o, ctx); });
}

}  // namespace mlsys::cli
