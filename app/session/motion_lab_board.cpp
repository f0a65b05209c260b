// The motion lab's last two stages (see motion_lab.hpp): deploy the int8 model to the board and check it
// against the desktop's integer-only outputs, then classify live windows on the board with anomaly scores.
// The capture and training stages and the helpers they share are in motion_lab.cpp.
#include "app/session/motion_lab.hpp"
#include "app/session/motion_lab_detail.hpp"

#include "app/session/session.hpp"

#include "hardware/boards/from_quantized.hpp"
#include "models/core/files.hpp"
#include "models/io/run_log.hpp"
#include "models/optimize/int8_model.hpp"
#include "models/train/evaluate.hpp"
#include "models/train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <sstream>
#include <thread>

namespace mlsys::session {

using core::fail;
using nlohmann::json;
using namespace motion_detail;

core::Result<json> motion_deploy(MotionLabState& st, const std::string& runs_dir) {
    const MotionSettings& s = st.settings;
    if (!st.model) return fail("no model yet: run the training first (motion_train)");
    auto train = make_dataset(st, false);
    auto test = make_dataset(st, true);
    models::optimize::QuantConfig qc;
    qc.n_calib = train.size();
    auto q = models::optimize::quantize_model(*st.model, train, qc);
    if (!q) return fail(q.error());
    auto bm = hardware::board_model_from_quantized(*q);
    if (!bm) return fail(bm.error());
    const auto bytes = hardware::write_board_model(*bm);
    if (auto ok = ensure_board(st); !ok) return fail(ok.error());
    if (static_cast<int64_t>(bytes.size()) > st.hello->model_max_bytes)
        return fail("the int8 model is " + std::to_string(bytes.size()) + " bytes; the board takes at most " +
                    std::to_string(st.hello->model_max_bytes) + " (use fewer hidden units or features)");
    for (size_t i = 0; i < bm->layers.size(); ++i)
        if (bm->layers[i].n_in > st.hello->max_width || bm->layers[i].n_out > st.hello->max_width)
            return fail("layers[" + std::to_string(i) + "] is wider than the board's max_width " + std::to_string(st.hello->max_width));
    json run_config = to_json(s);
    run_config["train_run"] = st.train_run;
    auto run = models::RunWriter::create(runs_root(runs_dir), "board", "motion-deploy", run_config);
    if (!run) return fail("cannot record the deployment Run: " + run.error());
    (void)run->write_artifact("model.mlb1", std::string(bytes.begin(), bytes.end()));
    auto up = st.client->upload_model(bytes);
    if (!up) {
        if (hardware::is_disconnect_error(up.error())) motion_disconnect(st);
        (void)run->finish(models::RunStatus::Failed, {}, up.error());
        return fail("upload: " + up.error());
    }
    st.board_model = *bm;
    st.deployed = true;
    const auto float_eval = models::evaluate(*st.model, test);
    const auto int8_eval = models::optimize::evaluate_int8(*q, test);
    std::vector<std::vector<int8_t>> inputs;
    std::vector<int> labels;
    for (const auto& w : st.windows)
        if (w.test) {
            inputs.push_back(hardware::quantize_input(*bm, w.features));
            labels.push_back(w.label);
        }
    auto cmp = compare_inference(*st.client, *bm, inputs, labels);
    if (!cmp) {
        (void)run->finish(models::RunStatus::Failed, {}, cmp.error());
        return fail("INFER: " + cmp.error());
    }
    std::ostringstream rows;
    rows << "window,label,board_class,cycles,us,equal\n";
    for (size_t i = 0; i < cmp->rows.size(); ++i) {
        const auto& r = cmp->rows[i];
        rows << i << ',' << r.label << ',' << r.board_class << ',' << r.cycles << ',' << r.micros << ',' << (r.board == r.desktop) << '\n';
    }
    (void)run->write_artifact("board_inference.csv", rows.str());
    const int n = static_cast<int>(cmp->rows.size());
    const double board_acc = n ? static_cast<double>(cmp->n_correct) / n : 0.0;
    json out{{"model_bytes", bytes.size()},
             {"model_max_bytes", st.hello->model_max_bytes},
             {"macs", bm->n_macs()},
             {"chunks", up->n_chunks},
             {"verified", up->summary},
             {"float_accuracy", float_eval.accuracy},
             {"int8_accuracy", int8_eval.accuracy},
             {"board_accuracy", board_acc},
             {"accuracy_drop", float_eval.accuracy - board_acc},
             {"n", n},
             {"n_equal", cmp->n_equal},
             {"all_equal", cmp->n_equal == n},
             {"median_cycles", cmp->median_cycles},
             {"median_us", cmp->median_micros},
             {"latency_ms", static_cast<double>(cmp->median_micros) / 1000.0},
             {"clock_hz", st.hello->clock_hz},
             {"run_dir", run->dir().string()}};
    (void)run->finish(models::RunStatus::Finished, {{"board_accuracy", board_acc}, {"n_equal", cmp->n_equal}, {"n", n},
                                                    {"median_cycles", cmp->median_cycles}});
    st.deploy_run = run->dir().string();
    st.status = "deployed";
    st.last = out;
    st.results["deploy"] = out;
    return out;
}

core::Result<json> motion_classify(MotionLabState& st, const std::string& runs_dir, std::vector<std::string> motions,
                                   int windows_per_motion, const MotionPrompt& prompt) {
    const MotionSettings& s = st.settings;
    if (!st.board_model || !st.kmeans) return fail("no deployed model yet: run the deployment first (motion_deploy)");
    if (windows_per_motion < 1 || windows_per_motion > 50) return fail("windows per motion must be 1..50");
    if (motions.empty()) {
        motions = s.classes;
        if (!s.unseen.empty()) motions.push_back(s.unseen);
    }
    if (auto ok = ensure_board(st); !ok) return fail(ok.error());
    if (!st.deployed) {  // the board was reset (reconnected): upload again
        auto up = st.client->upload_model(hardware::write_board_model(*st.board_model));
        if (!up) return fail("upload: " + up.error());
        st.deployed = true;
    }
    json run_config = to_json(s);
    run_config["motions"] = motions;
    run_config["deploy_run"] = st.deploy_run;
    auto run = models::RunWriter::create(runs_root(runs_dir), "board", "motion-live", run_config);
    if (!run) return fail("cannot record the live Run: " + run.error());
    (void)run->declare_metrics({"expected", "board_class", "anomaly_score", "anomaly", "cycles", "us"});
    json rows = json::array();
    int n_known = 0, n_known_correct = 0, n_known_flagged = 0, n_unseen = 0, n_unseen_flagged = 0, n_equal = 0, n_total = 0;
    double max_known = -1e300, min_unseen = 1e300;
    std::vector<std::string> windows_csv;
    for (const auto& motion : motions) {
        if (auto f = feel(st, motion, prompt); !f) return fail(f.error());
        const auto it = std::find(s.classes.begin(), s.classes.end(), motion);
        const int expected = it == s.classes.end() ? -1 : static_cast<int>(it - s.classes.begin());
        hardware::Capture partial;
        auto cap = stream(st, s.window_s * windows_per_motion, motion, partial);
        if (!cap) {
            if (partial.n_samples() > 0) (void)run->write_artifact("windows/" + motion + "-partial.csv", capture_csv(partial));
            (void)run->finish(models::RunStatus::Failed, {}, cap.error());
            return fail("'" + motion + "': " + cap.error());
        }
        (void)run->write_artifact("windows/" + motion + ".csv", capture_csv(*cap));
        // Non-overlapping windows of the stream.
        MotionSettings ws = s;
        ws.stride_s = s.window_s;
        auto feats = capture_window_features(*cap, ws, 0, 1e300);
        if (!feats) return fail(feats.error());
        if (feats->empty()) return fail("'" + motion + "': the board sent " + std::to_string(cap->n_samples()) + " samples, less than a window");
        auto cols_idx = axis_columns(*cap, s.axes);
        for (size_t wi = 0; wi < feats->size(); ++wi) {
            const auto x = st.scaler.apply((*feats)[wi]);
            const auto q = hardware::quantize_input(*st.board_model, x);
            auto r = st.client->infer(q, st.board_model->n_outputs());
            if (!r) {
                if (hardware::is_disconnect_error(r.error())) motion_disconnect(st);
                (void)run->finish(models::RunStatus::Failed, {}, r.error());
                return fail("INFER: " + r.error());
            }
            MotionLive live;
            live.motion = motion;
            live.expected = expected;
            live.board_class = r->predicted_class;
            live.board_q = r->scores;
            live.desktop_q = hardware::infer_board_model(*st.board_model, q);
            live.scores = quantized_scores(*st.board_model, r->scores);
            live.anomaly_score = models::features::anomaly_score(*st.kmeans, as_double(x));
            live.anomaly = live.anomaly_score > s.anomaly_threshold;
            live.cycles = r->cycles;
            live.micros = r->micros;
            const auto win = static_cast<size_t>(std::lround(s.window_s * s.rate_hz));
            live.window.assign(s.axes.size(), {});
            for (size_t a = 0; a < s.axes.size() && cols_idx; ++a)
                for (size_t i = wi * win; i < (wi + 1) * win && i < cap->rows.size(); ++i)
                    live.window[a].push_back(static_cast<float>(cap->rows[i][(*cols_idx)[a]]));
            ++n_total;
            if (live.board_q == live.desktop_q) ++n_equal;
            if (expected >= 0) {
                ++n_known;
                n_known_correct += live.board_class == expected ? 1 : 0;
                n_known_flagged += live.anomaly ? 1 : 0;
                max_known = std::max(max_known, live.anomaly_score);
            } else {
                ++n_unseen;
                n_unseen_flagged += live.anomaly ? 1 : 0;
                min_unseen = std::min(min_unseen, live.anomaly_score);
            }
            (void)run->append_metrics(n_total - 1, {{"expected", static_cast<double>(expected)},
                                                    {"board_class", static_cast<double>(live.board_class)},
                                                    {"anomaly_score", live.anomaly_score},
                                                    {"anomaly", live.anomaly ? 1.0 : 0.0},
                                                    {"cycles", static_cast<double>(live.cycles)},
                                                    {"us", static_cast<double>(live.micros)}});
            rows.push_back({{"motion", motion},
                            {"expected", expected},
                            {"board_class", live.board_class},
                            {"class_name", live.board_class >= 0 && live.board_class < static_cast<int>(s.classes.size())
                                               ? s.classes[static_cast<size_t>(live.board_class)] : ""},
                            {"scores", live.scores},
                            {"equal", live.board_q == live.desktop_q},
                            {"anomaly_score", live.anomaly_score},
                            {"anomaly", live.anomaly},
                            {"cycles", live.cycles},
                            {"us", live.micros}});
            st.live.push_back(std::move(live));
            if (st.live.size() > 64) st.live.erase(st.live.begin());
        }
    }
    json out{{"rows", rows},
             {"n", n_total},
             {"n_equal", n_equal},
             {"all_equal", n_equal == n_total},
             {"n_known", n_known},
             {"n_known_correct", n_known_correct},
             {"live_accuracy", n_known ? static_cast<double>(n_known_correct) / n_known : 0.0},
             {"n_known_flagged", n_known_flagged},
             {"n_unseen", n_unseen},
             {"n_unseen_flagged", n_unseen_flagged},
             {"unseen_flagged_fraction", n_unseen ? static_cast<double>(n_unseen_flagged) / n_unseen : 0.0},
             {"max_known_score", n_known ? json(max_known) : json(nullptr)},
             {"min_unseen_score", n_unseen ? json(min_unseen) : json(nullptr)},
             {"anomaly_threshold", s.anomaly_threshold},
             {"run_dir", run->dir().string()}};
    (void)run->finish(models::RunStatus::Finished, {{"live_accuracy", out["live_accuracy"]}, {"n_unseen_flagged", n_unseen_flagged},
                                                    {"n_known_flagged", n_known_flagged}});
    st.live_run = run->dir().string();
    st.status = "classified";
    st.last = out;
    st.results["classify"] = out;
    return out;
}

MotionLabState& motion_lab(const Session& s) { return s.motion_state(); }

}  // namespace mlsys::session
