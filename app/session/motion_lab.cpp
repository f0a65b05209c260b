// The motion lab's pipeline (see motion_lab.hpp).
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

nlohmann::json to_json(const MotionSettings& s) {
    return {{"port", s.port}, {"classes", s.classes}, {"unseen", s.unseen}, {"rate_hz", s.rate_hz},
            {"window_s", s.window_s}, {"stride_s", s.stride_s}, {"train_s", s.train_s}, {"test_s", s.test_s},
            {"axes", s.axes}, {"fft_length", s.fft_length}, {"hann", s.hann}, {"log_power", s.log_power},
            {"skew_kurtosis", s.skew_kurtosis}, {"hidden", s.hidden}, {"epochs", s.epochs},
            {"batch_size", s.batch_size}, {"learning_rate", s.learning_rate}, {"kmeans_clusters", s.kmeans_clusters},
            {"anomaly_threshold", s.anomaly_threshold}, {"seed", s.seed}, {"virtual_speed", s.virtual_speed},
            {"prompt_s", s.prompt_s}};
}

core::Status apply_json(MotionSettings& s, const nlohmann::json& j) {
    if (!j.is_object()) return fail("motion settings must be a JSON object");
    json cur = to_json(s);
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!cur.contains(it.key())) return fail("motion." + it.key() + ": unknown setting (expected one of: port, classes, "
                                                 "unseen, rate_hz, window_s, stride_s, train_s, test_s, axes, fft_length, hann, "
                                                 "log_power, skew_kurtosis, hidden, epochs, batch_size, learning_rate, "
                                                 "kmeans_clusters, anomaly_threshold, seed, virtual_speed, prompt_s)");
        const json& old = cur[it.key()];
        const json& v = it.value();
        const bool same = (old.is_string() && v.is_string()) || (old.is_boolean() && v.is_boolean()) ||
                          (old.is_number() && v.is_number()) || (old.is_array() && v.is_array());
        if (!same) return fail("motion." + it.key() + ": expected a " + std::string(old.type_name()) + ", got " + v.dump());
        cur[it.key()] = v;
    }
    MotionSettings n;
    try {
        n.port = cur["port"];
        n.classes = cur["classes"].get<std::vector<std::string>>();
        n.unseen = cur["unseen"];
        n.rate_hz = cur["rate_hz"];
        n.window_s = cur["window_s"];
        n.stride_s = cur["stride_s"];
        n.train_s = cur["train_s"];
        n.test_s = cur["test_s"];
        n.axes = cur["axes"].get<std::vector<std::string>>();
        n.fft_length = cur["fft_length"];
        n.hann = cur["hann"];
        n.log_power = cur["log_power"];
        n.skew_kurtosis = cur["skew_kurtosis"];
        n.hidden = cur["hidden"].get<std::vector<int>>();
        n.epochs = cur["epochs"];
        n.batch_size = cur["batch_size"];
        n.learning_rate = cur["learning_rate"];
        n.kmeans_clusters = cur["kmeans_clusters"];
        n.anomaly_threshold = cur["anomaly_threshold"];
        n.seed = cur["seed"];
        n.virtual_speed = cur["virtual_speed"];
        n.prompt_s = cur["prompt_s"];
    } catch (const json::exception& e) {
        return fail(std::string("motion settings: ") + e.what());
    }
    auto bad = [](const std::string& key, const std::string& why) { return fail("motion." + key + ": " + why); };
    if (n.classes.size() < 2) return bad("classes", "give at least two classes");
    for (const auto& c : n.classes)
        if (c.empty()) return bad("classes", "a class name is empty");
    if (n.rate_hz < 1 || n.rate_hz > 1000) return bad("rate_hz", "must be 1..1000");
    if (!(n.window_s > 0) || n.window_s > 60) return bad("window_s", "must be in (0, 60] seconds");
    if (!(n.stride_s > 0)) return bad("stride_s", "must be positive");
    if (n.train_s < n.window_s) return bad("train_s", "must be at least window_s (one training window per class)");
    if (n.test_s < n.window_s) return bad("test_s", "must be at least window_s (one test window per class)");
    if (n.axes.empty()) return bad("axes", "give at least one axis");
    if (auto st = models::features::validate(spectral_config(n)); !st) return bad("fft_length", st.error().substr(st.error().find(':') + 2));
    for (int h : n.hidden)
        if (h < 1 || h > 256) return bad("hidden", "widths must be 1..256");
    if (n.epochs < 1 || n.epochs > 1000) return bad("epochs", "must be 1..1000");
    if (n.batch_size < 1) return bad("batch_size", "must be at least 1");
    if (!(n.learning_rate > 0)) return bad("learning_rate", "must be positive");
    if (n.kmeans_clusters < 1) return bad("kmeans_clusters", "must be at least 1");
    if (!(n.virtual_speed >= 0)) return bad("virtual_speed", "must be >= 0");
    if (!(n.prompt_s >= 0)) return bad("prompt_s", "must be >= 0");
    s = n;
    return core::Status::success();
}

models::features::SpectralConfig spectral_config(const MotionSettings& s) {
    models::features::SpectralConfig c;
    c.fft_length = s.fft_length;
    c.hann = s.hann;
    c.log_power = s.log_power;
    c.skew_kurtosis = s.skew_kurtosis;
    return c;
}

namespace motion_detail {

// Board units to SI-ish ones: mg -> g, mdps -> deg/s.
double unit_scale(const hardware::Capture& cap, size_t ch) {
    if (ch < cap.units.size() && (cap.units[ch] == "mg" || cap.units[ch] == "mdps")) return 1e-3;
    return 1.0;
}

core::Result<std::vector<size_t>> axis_columns(const hardware::Capture& cap, const std::vector<std::string>& axes) {
    std::vector<size_t> cols;
    for (const auto& a : axes) {
        auto it = std::find(cap.channels.begin(), cap.channels.end(), a);
        if (it == cap.channels.end()) {
            std::string have;
            for (const auto& c : cap.channels) have += (have.empty() ? "" : ", ") + c;
            return fail("axis '" + a + "' is not in the stream (it has: " + have + ")");
        }
        cols.push_back(static_cast<size_t>(it - cap.channels.begin()));
    }
    return cols;
}

std::string capture_csv(const hardware::Capture& cap) {
    std::ostringstream o;
    o << "timestamp";
    for (const auto& c : cap.channels) o << ',' << c;
    o << '\n';
    for (size_t i = 0; i < cap.rows.size(); ++i) {
        o << cap.t_ms[i];
        for (double v : cap.rows[i]) o << ',' << v;
        o << '\n';
    }
    return o.str();
}

std::string runs_root(const std::string& runs_dir) {
    return runs_dir.empty() ? core::default_runs_dir().string() : runs_dir;
}

core::Status ensure_board(MotionLabState& st) {
    if (st.client) return core::Status::success();
    std::string port = st.settings.port;
    if (port.empty()) {
        hardware::VirtualBoardConfig cfg;
        cfg.speed = st.settings.virtual_speed;
        cfg.seed = st.settings.seed;
        auto vb = hardware::VirtualBoard::start(cfg);
        if (!vb) return fail(vb.error());
        st.vb = std::move(*vb);
        port = st.vb->port_path();
    }
    auto c = hardware::BoardClient::open(port);
    if (!c) return fail(c.error());
    auto h = (*c)->hello();
    if (!h) return fail(h.error());
    if (std::find(h->sensors.begin(), h->sensors.end(), "imu") == h->sensors.end())
        return fail(port + ": the board has no imu sensor (it has: " + [&] {
                   std::string s;
                   for (const auto& x : h->sensors) s += (s.empty() ? "" : ", ") + x;
                   return s;
               }() + ")");
    st.client = std::move(*c);
    st.hello = *h;
    st.deployed = false;  // opening the port resets the board
    return core::Status::success();
}

// Makes the board feel `motion`: the virtual board switches its simulated IMU; on a real board the person
// at the board is asked and given prompt_s seconds.
core::Status feel(MotionLabState& st, const std::string& motion, const MotionPrompt& prompt) {
    if (st.vb) {
        auto m = hardware::parse_motion(motion);
        if (!m) return fail(m.error());
        st.vb->set_motion(*m);
        st.set_activity("The virtual board feels: " + motion);
        return core::Status::success();
    }
    const std::string ask = "Move the board: " + motion + " (recording in " + std::to_string(static_cast<int>(st.settings.prompt_s)) + " s)";
    st.set_activity(ask);
    if (prompt) prompt(ask);
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(st.settings.prompt_s * 1000));
    while (std::chrono::steady_clock::now() < until) {
        if (st.cancel) return fail("cancelled");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return core::Status::success();
}

// Streams `seconds` of board time, keeping what came in before a failure in `partial`.
core::Result<hardware::Capture> stream(MotionLabState& st, double seconds, const std::string& label, hardware::Capture& partial) {
    CaptureRequest req;
    req.sensor = "imu";
    req.rate_hz = st.settings.rate_hz;
    req.seconds = seconds;
    req.label = label;
    partial = hardware::Capture{};
    auto cap = capture_from_board(*st.client, req, [&](const hardware::Capture& c) {
        // Keep a copy as it grows, so the samples so far survive the board going away.
        if (partial.channels.empty()) {
            partial.sensor = c.sensor;
            partial.label = c.label;
            partial.channels = c.channels;
            partial.units = c.units;
        }
        partial.t_ms.push_back(c.t_ms.back());
        partial.rows.push_back(c.rows.back());
        return !st.cancel;
    });
    if (cap && st.cancel) return fail("cancelled");
    if (!cap) {
        if (hardware::is_disconnect_error(cap.error())) {
            st.client.reset();
            st.hello.reset();
            st.deployed = false;
        }
        return cap;
    }
    partial = *cap;
    return cap;
}

std::vector<float> quantized_scores(const hardware::BoardModel& m, const std::vector<int8_t>& q) {
    return hardware::dequantize_output(m, q);
}

models::Dataset make_dataset(const MotionLabState& st, bool test) {
    models::Dataset d;
    d.name = "motion";
    const auto nf = static_cast<int>(st.feature_names.size());
    d.sample_shape = {nf};
    d.n_classes = static_cast<int>(st.settings.classes.size());
    d.class_names = st.settings.classes;
    int n = 0;
    for (const auto& w : st.windows) n += w.test == test ? 1 : 0;
    d.x = models::Tensor({n, nf});
    int i = 0;
    for (const auto& w : st.windows) {
        if (w.test != test) continue;
        std::copy(w.features.begin(), w.features.end(), d.x.ptr() + static_cast<int64_t>(i) * nf);
        d.y.push_back(w.label);
        ++i;
    }
    return d;
}

json confusion_json(const std::vector<std::vector<int64_t>>& c) {
    json j = json::array();
    for (const auto& row : c) j.push_back(row);
    return j;
}

}  // namespace motion_detail

using namespace motion_detail;

void motion_disconnect(MotionLabState& st) {
    st.client.reset();
    st.hello.reset();
    st.deployed = false;
    if (st.vb) st.vb->stop();
    st.vb.reset();
}

core::Result<std::vector<std::vector<float>>> capture_window_features(const hardware::Capture& cap, const MotionSettings& s,
                                                                      double t_from_ms, double t_to_ms, std::vector<double>* starts_ms) {
    auto cols = axis_columns(cap, s.axes);
    if (!cols) return fail(cols.error());
    const auto cfg = spectral_config(s);
    const auto win = static_cast<size_t>(std::lround(s.window_s * s.rate_hz));
    const auto hop = std::max<size_t>(1, static_cast<size_t>(std::lround(s.stride_s * s.rate_hz)));
    // The samples in [t_from_ms, t_to_ms).
    size_t first = 0;
    while (first < cap.t_ms.size() && cap.t_ms[first] < t_from_ms) ++first;
    size_t end = first;
    while (end < cap.t_ms.size() && cap.t_ms[end] < t_to_ms) ++end;
    std::vector<std::vector<float>> out;
    for (size_t start = first; start + win <= end; start += hop) {
        std::vector<std::vector<double>> axes(cols->size(), std::vector<double>(win));
        for (size_t a = 0; a < cols->size(); ++a) {
            const double k = unit_scale(cap, (*cols)[a]);
            for (size_t i = 0; i < win; ++i) axes[a][i] = cap.rows[start + i][(*cols)[a]] * k;
        }
        auto f = models::features::spectral_features(axes, cfg);
        if (!f) return fail(f.error());
        out.push_back(std::move(*f));
        if (starts_ms) starts_ms->push_back(cap.t_ms[start]);
    }
    return out;
}

core::Result<json> motion_capture(MotionLabState& st, const std::string& runs_dir, const MotionPrompt& prompt) {
    const MotionSettings& s = st.settings;
    if (auto st2 = apply_json(st.settings, json::object()); !st2) return fail(st2.error());
    st.status = "capturing";
    if (auto ok = ensure_board(st); !ok) return fail(ok.error());
    const auto cfg = spectral_config(s);
    st.feature_names = models::features::feature_names(s.axes, cfg);
    if (static_cast<int>(st.feature_names.size()) > st.hello->max_width)
        return fail(std::to_string(st.feature_names.size()) + " features (" + std::to_string(s.axes.size()) + " axes x " +
                    std::to_string(models::features::features_per_axis(cfg)) + ") exceed the board's max_width " +
                    std::to_string(st.hello->max_width) + ": use fewer axes or a shorter fft_length");
    json config = to_json(s);
    config["board"] = st.hello->board;
    config["virtual"] = st.vb != nullptr;
    auto run = models::RunWriter::create(runs_root(runs_dir), "board", "motion-capture", config);
    if (!run) return fail("cannot record the capture's Run: " + run.error());
    (void)run->append_event("board_connected", {{"board", st.hello->board}, {"firmware", st.hello->firmware},
                                                {"port", st.client->path()}});
    st.windows.clear();
    st.model.reset();
    st.kmeans.reset();
    st.board_model.reset();
    st.live.clear();
    st.results = json::object();
    json per_class = json::object();
    int64_t n_samples = 0;
    double board_ms = 0;
    std::vector<std::vector<float>> train_rows;
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t c = 0; c < s.classes.size(); ++c) {
        const std::string& label = s.classes[c];
        if (auto f = feel(st, label, prompt); !f) {
            (void)run->finish(models::RunStatus::Failed, {}, f.error());
            return fail(f.error());
        }
        hardware::Capture partial;
        auto cap = stream(st, s.train_s + s.test_s, label, partial);
        if (!cap) {
            // Keep what arrived before the failure (an unplugged board) in the Run.
            if (partial.n_samples() > 0) (void)run->write_artifact("captures/" + label + "-partial.csv", capture_csv(partial));
            (void)run->finish(models::RunStatus::Failed, {{"classes_captured", c}}, "class '" + label + "': " + cap.error());
            st.status = "capture failed";
            st.windows.clear();  // a dataset without every class is not trained on; the Run keeps what came
            return fail("class '" + label + "': " + cap.error() + " (the classes captured so far are in " + run->dir().string() + ")");
        }
        (void)run->write_artifact("captures/" + label + ".csv", capture_csv(*cap));
        n_samples += static_cast<int64_t>(cap->n_samples());
        board_ms += cap->duration_ms();
        std::vector<double> train_starts, test_starts;
        // Split by sample count (the board's clock may drift a few microseconds per sample): the first
        // train_s x rate samples give training windows, the rest test windows.
        const auto n_tr = static_cast<size_t>(std::lround(s.train_s * s.rate_hz));
        const double t_split = n_tr < cap->t_ms.size() ? cap->t_ms[n_tr] : 1e300;
        auto tr = capture_window_features(*cap, s, 0, t_split, &train_starts);
        auto te = capture_window_features(*cap, s, t_split, 1e300, &test_starts);
        if (!tr) return fail(tr.error());
        if (!te) return fail(te.error());
        if (tr->empty() || te->empty())
            return fail("class '" + label + "': " + std::to_string(cap->n_samples()) + " samples gave no " +
                        (tr->empty() ? "training" : "test") + " window (the board sent fewer samples than " +
                        std::to_string(s.rate_hz) + " per second?)");
        for (size_t i = 0; i < tr->size(); ++i) {
            st.windows.push_back({static_cast<int>(c), label, false, train_starts[i], (*tr)[i], {}});
            train_rows.push_back((*tr)[i]);
        }
        for (size_t i = 0; i < te->size(); ++i) st.windows.push_back({static_cast<int>(c), label, true, test_starts[i], (*te)[i], {}});
        per_class[label] = {{"samples", cap->n_samples()}, {"train_windows", tr->size()}, {"test_windows", te->size()},
                            {"rate_hz", cap->rate_hz()}};
        (void)run->append_event("class_captured", {{"label", label}, {"samples", cap->n_samples()},
                                                   {"train_windows", tr->size()}, {"test_windows", te->size()}});
    }
    auto scaler = models::features::fit_scaler(train_rows);
    if (!scaler) return fail(scaler.error());
    st.scaler = *scaler;
    for (auto& w : st.windows) w.features = st.scaler.apply(w.raw);

    // The dataset of windows: every window's raw features with its split and class, and the standardised
    // train and test sets in the CSV form `mlsyslab board infer --dataset` and `train --dataset` read.
    std::ostringstream all, train_csv, test_csv;
    all << "window,class,label,split,t_start_ms";
    for (const auto& n : st.feature_names) {
        all << ',' << n;
        train_csv << n << ',';
        test_csv << n << ',';
    }
    all << '\n';
    train_csv << "label\n";
    test_csv << "label\n";
    for (size_t i = 0; i < st.windows.size(); ++i) {
        const auto& w = st.windows[i];
        all << i << ',' << w.label_name << ',' << w.label << ',' << (w.test ? "test" : "train") << ',' << w.t_start_ms;
        for (float v : w.raw) all << ',' << v;
        all << '\n';
        auto& o = w.test ? test_csv : train_csv;
        for (float v : w.features) o << v << ',';
        o << w.label << '\n';
    }
    json scaler_json{{"features", st.feature_names}, {"mean", st.scaler.mean}, {"std", st.scaler.std}, {"classes", s.classes}};
    (void)run->write_artifact("windows.csv", all.str());
    (void)run->write_artifact("train.csv", train_csv.str());
    (void)run->write_artifact("test.csv", test_csv.str());
    (void)run->write_artifact("scaler.json", scaler_json.dump(2));
    int n_train = 0, n_test = 0;
    for (const auto& w : st.windows) (w.test ? n_test : n_train)++;
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    json out{{"board", st.hello->board},
             {"virtual", st.vb != nullptr},
             {"classes", s.classes},
             {"n_classes", s.classes.size()},
             {"n_samples", n_samples},
             {"board_seconds", board_ms / 1000},
             {"wall_seconds", wall_s},
             {"n_windows", st.windows.size()},
             {"n_train", n_train},
             {"n_test", n_test},
             {"windows_per_class_train", per_class[s.classes[0]]["train_windows"]},
             {"windows_per_class_test", per_class[s.classes[0]]["test_windows"]},
             {"samples_per_window", std::lround(s.window_s * s.rate_hz)},
             {"n_axes", s.axes.size()},
             {"features_per_axis", models::features::features_per_axis(cfg)},
             {"n_features", st.feature_names.size()},
             {"feature_names", st.feature_names},
             {"bin_hz", s.rate_hz / static_cast<double>(s.fft_length)},
             {"max_width", st.hello->max_width},
             {"per_class", per_class},
             {"run_dir", run->dir().string()}};
    // The mean raw RMS of each axis per class (what the student compares before training).
    json rms = json::object();
    for (size_t c = 0; c < s.classes.size(); ++c) {
        json axes = json::object();
        for (size_t a = 0; a < s.axes.size(); ++a) {
            const size_t idx = a * static_cast<size_t>(models::features::features_per_axis(cfg));
            double sum = 0;
            int n = 0;
            for (const auto& w : st.windows)
                if (w.label == static_cast<int>(c)) sum += w.raw[idx], ++n;
            axes[s.axes[a]] = n ? sum / n : 0.0;
        }
        rms[s.classes[c]] = axes;
    }
    out["rms"] = rms;
    (void)run->finish(models::RunStatus::Finished, {{"n_windows", st.windows.size()}, {"n_features", st.feature_names.size()}});
    st.capture_run = run->dir().string();
    st.status = "captured";
    st.last = out;
    st.results["capture"] = out;
    return out;
}

core::Result<json> motion_train(MotionLabState& st, const std::string& runs_dir) {
    const MotionSettings& s = st.settings;
    if (st.windows.empty()) return fail("no windows yet: run the capture first (motion_capture)");
    auto train = make_dataset(st, false);
    auto test = make_dataset(st, true);
    auto spec = models::preset_spec("tiny");
    if (!spec) return fail(spec.error());
    spec->name = "motion";
    spec->input_shape = {static_cast<int>(st.feature_names.size())};
    spec->n_classes = static_cast<int>(s.classes.size());
    const auto dense_proto = spec->layers[0], relu = spec->layers[1], softmax = spec->layers.back();
    spec->layers.clear();
    for (int h : s.hidden) {
        auto d = dense_proto;
        d.units = h;
        spec->layers.push_back(d);
        spec->layers.push_back(relu);
    }
    auto out_layer = dense_proto;
    out_layer.units = spec->n_classes;
    spec->layers.push_back(out_layer);
    spec->layers.push_back(softmax);
    auto model = models::Model::build(*spec, s.seed);
    if (!model) return fail(model.error());
    models::TrainConfig tc;
    tc.epochs = s.epochs;
    tc.batch_size = s.batch_size;
    tc.optimizer.learning_rate = s.learning_rate;
    tc.seed = s.seed;
    json run_config = to_json(s);
    run_config["model"] = models::to_json(*spec);
    run_config["capture_run"] = st.capture_run;
    auto run = models::RunWriter::create(runs_root(runs_dir), "board", "motion-train", run_config);
    if (!run) return fail("cannot record the training Run: " + run.error());
    json curve = json::array();
    {
        auto trainer = models::Trainer::create(*model, train, tc);
        if (!trainer) return fail(trainer.error());
        while (!(*trainer)->done()) {
            const auto r = (*trainer)->step();
            if (r.epoch_ended) {
                const auto& e = (*trainer)->last_epoch();
                curve.push_back(e.train_accuracy);
                (void)run->append_metrics(e.epoch, {{"train_loss", e.train_loss}, {"train_accuracy", e.train_accuracy}});
            }
        }
    }
    const auto ev_train = models::evaluate(*model, train);
    const auto ev_test = models::evaluate(*model, test);
    // K-means on the training windows of the known classes.
    std::vector<std::vector<double>> pts;
    for (const auto& w : st.windows)
        if (!w.test) pts.push_back(as_double(w.features));
    const int k = std::min<int>(s.kmeans_clusters, static_cast<int>(pts.size()));
    auto km = models::features::fit_kmeans(pts, k, s.seed);
    if (!km) return fail(km.error());
    double max_test_score = -1e300, mean_test_score = 0;
    int n_test = 0;
    for (const auto& w : st.windows) {
        if (!w.test) continue;
        const double sc = models::features::anomaly_score(*km, as_double(w.features));
        max_test_score = std::max(max_test_score, sc);
        mean_test_score += sc;
        ++n_test;
    }
    if (n_test) mean_test_score /= n_test;
    st.model.emplace(std::move(*model));
    st.kmeans = *km;
    st.board_model.reset();
    st.deployed = false;
    json km_json{{"k", km->k()}, {"centroids", km->centroids}, {"radius", km->radius}, {"sizes", km->sizes},
                 {"iterations", km->iterations}, {"inertia", km->inertia}};
    (void)run->write_artifact("kmeans.json", km_json.dump(2));
    std::vector<int64_t> widths{static_cast<int64_t>(st.feature_names.size())};
    for (int h : s.hidden) widths.push_back(h);
    widths.push_back(static_cast<int64_t>(s.classes.size()));
    json out{{"model", spec->name},
             {"widths", widths},
             {"params", st.model->n_params()},
             {"epochs", s.epochs},
             {"train_accuracy", ev_train.accuracy},
             {"test_accuracy", ev_test.accuracy},
             {"n_train", ev_train.n_samples},
             {"n_test", ev_test.n_samples},
             {"confusion", confusion_json(ev_test.confusion)},
             {"kmeans_clusters", km->k()},
             {"kmeans_iterations", km->iterations},
             {"max_train_score", 0.0},
             {"max_test_score", max_test_score},
             {"mean_test_score", mean_test_score},
             {"anomaly_threshold", s.anomaly_threshold},
             {"curves", {{"train_accuracy", curve}}},
             {"run_dir", run->dir().string()}};
    (void)run->finish(models::RunStatus::Finished, {{"train_accuracy", ev_train.accuracy}, {"test_accuracy", ev_test.accuracy}});
    st.train_run = run->dir().string();
    st.status = "trained";
    st.last = out;
    st.results["train"] = out;
    return out;
}

MotionLabState::~MotionLabState() {
    cancel = true;  // a stage still running stops at its next sample
    if (pending.valid()) pending.wait();
}

nlohmann::json motion_state_json(const MotionLabState& st) {
    json j = to_json(st.settings);
    j["status"] = st.status;
    j["connected"] = st.client != nullptr;
    j["virtual"] = st.vb != nullptr;
    j["board"] = st.hello ? st.hello->board : "";
    j["n_windows"] = st.windows.size();
    j["n_features"] = st.feature_names.size();
    j["trained"] = st.model.has_value();
    j["deployed"] = st.deployed;
    j["n_live"] = st.live.size();
    j["capture_run"] = st.capture_run;
    j["train_run"] = st.train_run;
    j["deploy_run"] = st.deploy_run;
    j["live_run"] = st.live_run;
    j["last"] = st.last;
    j["results"] = st.results;
    return j;
}

}  // namespace mlsys::session
