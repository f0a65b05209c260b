// BoardLink: the board connection thread (see board_link.hpp).
#include "app/session/board_link.hpp"

#include "hardware/protocol/plotter_format.hpp"
#include "models/core/files.hpp"
#include "models/io/run_log.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <chrono>
#include <filesystem>

namespace mlsys::session {

const char* to_string(LinkState s) {
    switch (s) {
    case LinkState::Disconnected: return "disconnected";
    case LinkState::Connecting: return "connecting";
    case LinkState::Connected: return "connected";
    case LinkState::Lost: return "lost";
    }
    return "?";
}

nlohmann::json to_json(const BoardSettings& s) {
    return {{"port", s.port}, {"baud", s.baud}, {"auto_reconnect", s.auto_reconnect}, {"sensor", s.sensor},
            {"rate_hz", s.rate_hz}, {"plot_window_points", s.plot_window_points}, {"plot_auto_y", s.plot_auto_y},
            {"plot_y_min", s.plot_y_min}, {"plot_y_max", s.plot_y_max}, {"capture_seconds", s.capture_seconds},
            {"capture_label", s.capture_label}, {"model_file", s.model_file}, {"virtual_motion", s.virtual_motion}};
}

BoardSettings board_settings_from_json(const nlohmann::json& j, std::vector<std::string>& warnings) {
    BoardSettings s;
    if (!j.is_object()) return s;
    auto take = [&](const char* key, auto& field, auto valid) {
        if (!j.contains(key)) return;
        try {
            auto v = j.at(key).get<std::decay_t<decltype(field)>>();
            if (valid(v)) field = v;
            else warnings.push_back(std::string("board.") + key + ": value out of range, default kept");
        } catch (const std::exception&) {
            warnings.push_back(std::string("board.") + key + ": wrong type, default kept");
        }
    };
    auto any = [](const auto&) { return true; };
    take("port", s.port, any);
    take("baud", s.baud, [](int v) { return v >= 300 && v <= 4000000; });
    take("auto_reconnect", s.auto_reconnect, any);
    take("sensor", s.sensor, any);
    take("rate_hz", s.rate_hz, [](int v) { return v >= 1 && v <= 10000; });
    take("plot_window_points", s.plot_window_points, [](int v) { return v >= 10 && v <= static_cast<int>(kPlotPoints); });
    take("plot_auto_y", s.plot_auto_y, any);
    take("plot_y_min", s.plot_y_min, any);
    take("plot_y_max", s.plot_y_max, any);
    take("capture_seconds", s.capture_seconds, [](double v) { return v > 0 && v <= 600; });
    take("capture_label", s.capture_label, any);
    take("model_file", s.model_file, any);
    take("virtual_motion", s.virtual_motion, [](const std::string& v) { return hardware::parse_motion(v).ok(); });
    return s;
}

BoardLink::BoardLink() { thread_ = std::thread([this] { run(); }); }

BoardLink::~BoardLink() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    virtual_.reset();
}

core::Status BoardLink::start_virtual(const hardware::VirtualBoardConfig& config) {
    stop_virtual();
    auto vb = hardware::VirtualBoard::start(config);
    if (!vb) return core::fail(vb.error());
    virtual_ = std::move(*vb);
    send(LinkConnect{virtual_->port_path(), 115200});
    return core::Status::success();
}

void BoardLink::stop_virtual() {
    if (!virtual_) return;
    virtual_->stop();  // the link sees the port go away and reports it
}

std::vector<hardware::Capture> BoardLink::captures() const {
    std::lock_guard<std::mutex> lock(captures_mutex_);
    return captures_;
}

void BoardLink::set_runs_dir(const std::string& dir) {
    std::lock_guard<std::mutex> lock(captures_mutex_);
    runs_dir_ = dir;
}

std::string BoardLink::capture_run_dir() const {
    std::lock_guard<std::mutex> lock(captures_mutex_);
    return capture_run_dir_;
}

namespace {
using Clock = std::chrono::steady_clock;

struct ActiveCapture {
    hardware::Capture cap;
    double seconds = 2;
    bool has_t0 = false;
    uint64_t t0_us = 0;
};
}  // namespace

void BoardLink::run() {
    BoardSnapshot snap;
    std::unique_ptr<hardware::BoardClient> client;
    std::string want_port;
    int baud = 115200;
    std::string stream_sensor;
    int stream_rate = 0;
    const auto start = Clock::now();
    auto now_s = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    double last_retry_s = -1e9, last_publish_s = -1e9;
    bool dirty = true;
    hardware::TimestampUnwrapper unwrap;
    std::optional<ActiveCapture> capture;
    std::optional<hardware::BoardModel> deployed;  // the model this link uploaded (for the desktop reference)
    std::optional<models::RunWriter> run;          // this connection's capture Run (created at the first capture)
    int n_recorded = 0;

    // Writes a finished (or cut short) capture into the connection's Run; a failure is shown, never fatal.
    auto record = [&](const hardware::Capture& cap, bool partial) {
        if (!run) {
            std::string root;
            {
                std::lock_guard<std::mutex> lock(captures_mutex_);
                root = runs_dir_.empty() ? core::default_runs_dir().string() : runs_dir_;
            }
            const std::string board = snap.hello ? snap.hello->board : "board";
            auto r = models::RunWriter::create(root, "board", "capture-" + board,
                                               {{"port", want_port}, {"board", board}, {"sensor", cap.sensor}, {"rate_hz", stream_rate}});
            if (!r) {
                snap.status = "Captured, but the Run was not written: " + r.error();
                return;
            }
            run.emplace(std::move(*r));
            std::lock_guard<std::mutex> lock(captures_mutex_);
            capture_run_dir_ = run->dir().string();
        }
        char name[32];
        std::snprintf(name, sizeof name, "%03d", ++n_recorded);
        std::string label;
        for (char ch : cap.label) label += std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' ? ch : '_';
        const std::string artifact = "captures/" + std::string(name) + "-" + (label.empty() ? "unlabelled" : label) +
                                     (partial ? "-partial" : "") + ".csv";
        if (auto path = run->artifact_path(artifact)) {
            if (auto st = hardware::write_edge_impulse_csv(cap, path->string()); !st) snap.status = st.error();
        }
        (void)run->append_event(partial ? "capture_partial" : "capture",
                                {{"label", cap.label}, {"n_samples", cap.n_samples()}, {"duration_ms", cap.duration_ms()},
                                 {"artifact", artifact}});
    };
    auto end_run = [&] {
        if (run) (void)run->finish(models::RunStatus::Finished, {{"captures", n_recorded}});
        run.reset();
        n_recorded = 0;
    };

    auto monitor = [&](std::string text, bool from_host) {
        snap.monitor.push_back({now_s(), from_host, std::move(text)});
        if (snap.monitor.size() > kMonitorLines) snap.monitor.erase(snap.monitor.begin(), snap.monitor.begin() + (snap.monitor.size() - kMonitorLines));
        dirty = true;
    };
    auto add_point = [&](double t, const std::vector<double>& values) {
        if (snap.series.size() != values.size()) {
            snap.series.assign(values.size(), {});
            snap.t_s.clear();
        }
        snap.t_s.push_back(static_cast<float>(t));
        for (size_t i = 0; i < values.size(); ++i) snap.series[i].push_back(static_cast<float>(values[i]));
        if (snap.t_s.size() > kPlotPoints) {
            const size_t drop = snap.t_s.size() - kPlotPoints;
            snap.t_s.erase(snap.t_s.begin(), snap.t_s.begin() + static_cast<long>(drop));
            for (auto& s : snap.series) s.erase(s.begin(), s.begin() + static_cast<long>(drop));
        }
        dirty = true;
    };
    auto on_sample = [&](const hardware::SampleLine& s) {
        if (s.values.size() != snap.channels.size()) return;
        const uint64_t t = unwrap.unwrap(s.t_us);
        std::vector<double> v(s.values.begin(), s.values.end());
        add_point(static_cast<double>(t) / 1e6, v);
        if (capture) {
            if (!capture->has_t0) {
                capture->has_t0 = true;
                capture->t0_us = t;
            }
            const double el = static_cast<double>(t - capture->t0_us) / 1e6;
            if (el < capture->seconds - 0.5 / std::max(1, stream_rate)) {  // R*N samples, jitter-proof
                capture->cap.t_ms.push_back(el * 1000);
                capture->cap.rows.push_back(v);
                snap.capture_progress = el / capture->seconds;
            } else {
                snap.captures.push_back({capture->cap.label, false, capture->cap.n_samples(), capture->cap.duration_ms()});
                snap.last_window.assign(capture->cap.channels.size(), {});
                for (const auto& row : capture->cap.rows)
                    for (size_t c = 0; c < row.size() && c < snap.last_window.size(); ++c) snap.last_window[c].push_back(static_cast<float>(row[c]));
                record(capture->cap, false);
                {
                    std::lock_guard<std::mutex> lock(captures_mutex_);
                    captures_.push_back(std::move(capture->cap));
                }
                capture.reset();
                snap.capture_progress = 1;
                snap.status = "Captured a window labelled '" + snap.captures.back().label + "'.";
            }
        }
    };
    auto lose = [&](const std::string& why) {
        client.reset();
        snap.state = LinkState::Lost;
        snap.streaming = false;
        if (capture && capture->cap.n_samples() > 0) {  // keep what was recorded before the board went away
            record(capture->cap, true);
            snap.captures.push_back({capture->cap.label, true, capture->cap.n_samples(), capture->cap.duration_ms()});
            std::lock_guard<std::mutex> lock(captures_mutex_);
            captures_.push_back(std::move(capture->cap));
        }
        capture.reset();
        snap.capture_progress = -1;
        snap.status = why + (auto_reconnect_ ? " — retrying when the port comes back" : "");
        dirty = true;
    };
    auto connect_now = [&]() {
        snap.state = LinkState::Connecting;
        snap.port = want_port;
        snap.status = "Opening " + want_port + " ...";
        latest_.publish(snap);
        hardware::BoardClientOptions opt;
        opt.baud = baud;
        opt.hello_timeout_ms = 3000;
        auto c = hardware::BoardClient::open(want_port, opt);
        if (!c) {
            snap.state = LinkState::Lost;
            snap.status = c.error();
            dirty = true;
            return;
        }
        client = std::move(*c);
        deployed.reset();  // opening the port resets the board: a model uploaded earlier is gone from its RAM
        client->set_line_observer([&](const std::string& l) { monitor(l, false); });
        client->set_sample_handler(on_sample);
        auto h = client->hello();
        if (!h && hardware::is_disconnect_error(h.error())) return lose(h.error());
        snap.state = LinkState::Connected;
        snap.has_firmware = h.ok();
        snap.hello = h ? std::optional<hardware::HelloInfo>(*h) : std::nullopt;
        snap.status = h ? "Connected to " + h->board + " (firmware " + h->firmware + ") on " + want_port + "."
                        : "Connected to " + want_port + "; no MLSys firmware answered, so lines are shown raw and plotted "
                          "when they are Serial Plotter or data forwarder numbers.";
        if (h) {
            if (auto st = client->stats()) snap.stats = *st;
            if (!stream_sensor.empty()) {  // resume a stream that was running when the port went away
                if (auto info = client->start_stream(stream_sensor, stream_rate)) {
                    snap.channels = info->channels;
                    snap.units = info->units;
                    snap.streaming = true;
                }
            }
        }
        dirty = true;
    };

    while (!stop_) {
        for (auto& cmd : commands_.drain()) {
            if (auto* c = std::get_if<LinkConnect>(&cmd)) {
                client.reset();
                end_run();
                want_port = c->port;
                baud = c->baud;
                stream_sensor.clear();
                snap = BoardSnapshot{};
                connect_now();
            } else if (std::holds_alternative<LinkDisconnect>(cmd)) {
                client.reset();
                end_run();
                want_port.clear();
                stream_sensor.clear();
                snap.state = LinkState::Disconnected;
                snap.streaming = false;
                snap.status = "Disconnected.";
                dirty = true;
            } else if (!client) {
                snap.status = "Not connected: connect to a port first.";
                dirty = true;
            } else if (auto* s = std::get_if<LinkSend>(&cmd)) {
                monitor(s->text, true);
                if (auto st = client->send_raw(s->text); !st) lose(st.error());
            } else if (auto* st = std::get_if<LinkStream>(&cmd)) {
                auto info = client->start_stream(st->sensor, st->rate_hz);
                if (!info) {
                    snap.status = "STREAM: " + info.error();
                } else {
                    snap.channels = info->channels;
                    snap.units = info->units;
                    snap.series.clear();
                    snap.t_s.clear();
                    snap.streaming = true;
                    stream_sensor = st->sensor;
                    stream_rate = st->rate_hz;
                    snap.status = "Streaming " + st->sensor + " at " + std::to_string(st->rate_hz) + " Hz.";
                }
                dirty = true;
            } else if (std::holds_alternative<LinkStop>(cmd)) {
                (void)client->stop_stream();
                stream_sensor.clear();
                snap.streaming = false;
                snap.status = "Stream stopped.";
                dirty = true;
            } else if (auto* d = std::get_if<LinkDeploy>(&cmd)) {
                snap.upload_progress = 0;
                snap.upload_status = "Uploading ...";
                latest_.publish(snap);
                auto up = client->upload_model(hardware::write_board_model(d->model), [&](size_t done, size_t total) {
                    snap.upload_progress = std::min(0.99, static_cast<double>(done) / static_cast<double>(total));  // 1: verified
                    latest_.publish(snap);
                });
                snap.upload_progress = up ? 1.0 : -1.0;
                snap.upload_status = up ? "Deployed and verified: " + up->summary + " (" + std::to_string(up->n_chunks) +
                                              " chunks, " + std::to_string(up->n_retries) + " resent)"
                                        : "Upload failed: " + up.error();
                if (up) {
                    deployed = d->model;
                    if (auto s2 = client->stats()) snap.stats = *s2;
                }
                dirty = true;
            } else if (auto* inf = std::get_if<LinkInfer>(&cmd)) {
                if (!deployed) {
                    snap.status = "Deploy a model before running inference.";
                } else {
                    auto cmp = compare_inference(*client, *deployed, inf->inputs, inf->labels);
                    if (!cmp) {
                        snap.status = "INFER: " + cmp.error();
                    } else {
                        snap.n_infer += static_cast<int>(cmp->rows.size());
                        snap.n_infer_equal += cmp->n_equal;
                        snap.median_cycles = cmp->median_cycles;
                        snap.median_micros = cmp->median_micros;
                        for (auto& r : cmp->rows) snap.infer_rows.push_back(std::move(r));
                        if (snap.infer_rows.size() > 64) snap.infer_rows.erase(snap.infer_rows.begin(), snap.infer_rows.end() - 64);
                    }
                }
                dirty = true;
            } else if (auto* cap = std::get_if<LinkCapture>(&cmd)) {
                if (!snap.streaming) {
                    snap.status = "Start a stream before capturing.";
                } else {
                    capture = ActiveCapture{};
                    capture->seconds = cap->seconds;
                    capture->cap.sensor = stream_sensor;
                    capture->cap.label = cap->label;
                    capture->cap.channels = snap.channels;
                    capture->cap.units = snap.units;
                    snap.capture_progress = 0;
                    snap.status = "Recording '" + cap->label + "' ...";
                }
                dirty = true;
            } else if (std::holds_alternative<LinkClearPlot>(cmd)) {
                snap.series.clear();
                snap.t_s.clear();
                dirty = true;
            }
        }

        if (client) {
            auto lines = client->read_lines(30);
            if (!lines) {
                lose(lines.error());
            } else if (!snap.has_firmware) {
                for (const auto& l : *lines)
                    if (auto p = hardware::parse_plotter_line(l)) {
                        if (snap.channels.size() != p->values.size()) {
                            snap.channels.clear();
                            for (size_t i = 0; i < p->values.size(); ++i)
                                snap.channels.push_back(p->labels[i].empty() ? "ch" + std::to_string(i) : p->labels[i]);
                        }
                        add_point(now_s(), p->values);
                    }
            }
            if (client) snap.counters = client->counters();
        } else if (!want_port.empty() && snap.state == LinkState::Lost && auto_reconnect_ && now_s() - last_retry_s > 0.5) {
            last_retry_s = now_s();
            std::error_code ec;
            if (std::filesystem::exists(want_port, ec)) {
                connect_now();
                if (client) ++snap.n_reconnects;
            }
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
        }
        if (dirty && now_s() - last_publish_s > 0.03) {
            latest_.publish(snap);
            last_publish_s = now_s();
            dirty = false;
        }
    }
    end_run();
}

}  // namespace mlsys::session
