// `mlsyslab board ...`: serial ports and boards (docs/BOARDS.md) — list ports, run a virtual board, say
// hello, stream a sensor to CSV, deploy an int8 model, run inference on the board beside the desktop.
#include "app/cli/board_motion.hpp"
#include "app/cli/command.hpp"
#include "app/session/board_ops.hpp"

#include "hardware/serial/serial_port.hpp"
#include "hardware/virtual/virtual_board.hpp"
#include "models/core/files.hpp"
#include "models/io/run_log.hpp"

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <sstream>
#include <thread>

namespace mlsys::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_board_signal(int) { g_stop = true; }

struct BoardOptions {
    std::string port;
    int baud = 115200;
    std::string sensor = "imu";
    int rate_hz = 50;
    double seconds = 2;
    std::string out;
    std::string model_file;
    std::string dataset = "random";
    int count = 10;
    uint64_t seed = 1;
    // virtual
    std::string motion = "idle";
    double speed = 1.0;
    std::string link;
    // model
    std::string random_widths;
    bool plotter = false;
};

nlohmann::json hello_json(const hardware::HelloInfo& h) {
    return {{"board", h.board}, {"firmware", h.firmware}, {"protocol", h.protocol}, {"mcu", h.mcu},
            {"clock_hz", h.clock_hz}, {"ram_bytes", h.ram_bytes}, {"flash_bytes", h.flash_bytes},
            {"sensors", h.sensors}, {"model_max_bytes", h.model_max_bytes}, {"max_width", h.max_width}};
}

core::Result<std::unique_ptr<hardware::BoardClient>> connect(const BoardOptions& o) {
    if (o.port.empty()) return core::fail("a PORT is required (see `mlsyslab board list`)");
    hardware::BoardClientOptions opt;
    opt.baud = o.baud;
    return hardware::BoardClient::open(o.port, opt);
}

int run_list(const CommandContext& ctx) {
    const auto ports = hardware::list_serial_ports();
    if (ctx.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& p : ports)
            arr.push_back({{"path", p.path}, {"description", p.description}, {"manufacturer", p.manufacturer},
                           {"product", p.product}, {"serial_number", p.serial_number}, {"usb_vid", p.usb_vid},
                           {"usb_pid", p.usb_pid}, {"board", p.board}});
        print_json({{"ports", arr}, {"virtual", "start one with: mlsyslab board virtual"}});
        return kExitOk;
    }
    if (ports.empty()) std::printf("no serial ports found (a virtual board: mlsyslab board virtual)\n");
    for (const auto& p : ports) {
        std::printf("%-20s %-40s", p.path.c_str(), p.description.c_str());
        if (p.usb_vid >= 0) std::printf(" usb %04x:%04x", p.usb_vid, p.usb_pid);
        if (!p.board.empty()) std::printf("  [%s]", p.board.c_str());
        std::printf("\n");
    }
    return kExitOk;
}

int run_virtual(const BoardOptions& o, const CommandContext& ctx) {
    auto motion = hardware::parse_motion(o.motion);
    if (!motion) return usage_error("board virtual", motion.error());
    hardware::VirtualBoardConfig cfg;
    cfg.motion = *motion;
    cfg.seed = o.seed;
    cfg.speed = o.speed;
    cfg.link_path = o.link;
    auto vb = hardware::VirtualBoard::start(cfg);
    if (!vb) return run_failed("board virtual", vb.error());
    std::signal(SIGINT, on_board_signal);
    std::signal(SIGTERM, on_board_signal);
    if (ctx.json) print_json({{"port", (*vb)->port_path()}, {"motion", o.motion}, {"speed", o.speed}});
    else std::printf("virtual board (ATmega328P at 16 MHz in simavr) on %s\nmotion %s; type 'motion idle|lift|terrestrial|maritime|anomaly' to change it; Ctrl+C stops\n",
                     (*vb)->port_path().c_str(), o.motion.c_str());
    std::fflush(stdout);
    const auto t0 = std::chrono::steady_clock::now();
    bool stdin_open = true;
    std::string pending;
    while (!g_stop && (*vb)->is_running()) {
        if (stdin_open) {
            pollfd p{0, POLLIN, 0};
            if (poll(&p, 1, 100) > 0) {
                char buf[256];
                const ssize_t n = read(0, buf, sizeof buf);
                if (n <= 0) stdin_open = false;
                else pending.append(buf, static_cast<size_t>(n));
                for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
                    std::istringstream ss(pending.substr(0, nl));
                    std::string word, name;
                    ss >> word >> name;
                    if (word != "motion") continue;
                    auto m = hardware::parse_motion(name);
                    if (!m) std::fprintf(stderr, "mlsyslab board virtual: %s\n", m.error().c_str());
                    else (*vb)->set_motion(*m);
                }
            }
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (o.seconds > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > o.seconds) break;
    }
    const auto st = (*vb)->stats();
    (*vb)->stop();
    if (!st.error.empty()) return run_failed("board virtual", st.error);
    if (!ctx.json)
        std::printf("stopped after %.1f s of simulated time (%llu bytes in, %llu out, %d resets)\n", st.simulated_s,
                    static_cast<unsigned long long>(st.bytes_from_host), static_cast<unsigned long long>(st.bytes_to_host), st.n_resets);
    return kExitOk;
}

int run_hello(const BoardOptions& o, const CommandContext& ctx) {
    auto c = connect(o);
    if (!c) return usage_error("board hello", c.error());
    auto h = (*c)->hello();
    if (!h) return run_failed("board hello", h.error());
    auto s = (*c)->stats();
    nlohmann::json j = hello_json(*h);
    if (s) j["stats"] = {{"free_ram_bytes", s->free_ram_bytes}, {"uptime_ms", s->uptime_ms}, {"model_bytes", s->model_bytes}};
    if (ctx.json) {
        print_json(j);
        return kExitOk;
    }
    std::printf("%s (%s at %.0f MHz, %lld B RAM, %lld B flash), firmware %s, protocol %d\nsensors: ", h->board.c_str(),
                h->mcu.c_str(), static_cast<double>(h->clock_hz) / 1e6, static_cast<long long>(h->ram_bytes),
                static_cast<long long>(h->flash_bytes), h->firmware.c_str(), h->protocol);
    for (size_t i = 0; i < h->sensors.size(); ++i) std::printf("%s%s", i ? ", " : "", h->sensors[i].c_str());
    std::printf("\nmodels up to %lld bytes, layers up to %d wide\n", static_cast<long long>(h->model_max_bytes), h->max_width);
    if (s) std::printf("free RAM %lld B, up %.1f s, model %lld B\n", static_cast<long long>(s->free_ram_bytes),
                       static_cast<double>(s->uptime_ms) / 1000.0, static_cast<long long>(s->model_bytes));
    return kExitOk;
}

int run_stream(const BoardOptions& o, const CommandContext& ctx) {
    if (o.seconds <= 0) return usage_error("board stream", "--seconds must be positive");
    auto c = connect(o);
    if (!c) return usage_error("board stream", c.error());
    // Every capture is a Run (kind "board", docs/RUNS.md): each sample is appended to metrics.csv as it
    // arrives (one write() per row), so what came before an unplug or a kill stays in the Run, and the
    // capture is also written as artifacts/capture.csv (Edge Impulse CSV) at the end, complete or partial.
    const std::string root = ctx.runs_dir.empty() ? core::default_runs_dir().string() : ctx.runs_dir;
    const nlohmann::json config{{"port", o.port}, {"sensor", o.plotter ? "plotter" : o.sensor}, {"rate_hz", o.rate_hz},
                                {"seconds", o.seconds}, {"plotter", o.plotter}, {"out", o.out}};
    auto run = models::RunWriter::create(root, "board", "stream-" + (o.plotter ? std::string("plotter") : o.sensor), config);
    if (!run) std::fprintf(stderr, "mlsyslab board stream: warning: the Run was not written: %s\n", run.error().c_str());
    hardware::Capture partial;
    auto record = [&](const hardware::Capture& cap) {
        if (partial.channels.empty()) {
            partial.sensor = cap.sensor;
            partial.channels = cap.channels;
            partial.units = cap.units;
            if (run) {
                std::vector<std::string> cols{"t_ms"};
                cols.insert(cols.end(), cap.channels.begin(), cap.channels.end());
                if (!run->declare_metrics(cols)) partial.channels = {"?"};  // odd channel names: no per-sample rows
            }
        }
        partial.t_ms.push_back(cap.t_ms.back());
        partial.rows.push_back(cap.rows.back());
        if (run && partial.channels == cap.channels) {
            std::vector<models::MetricValue> v{{"t_ms", cap.t_ms.back()}};
            for (size_t i = 0; i < cap.channels.size(); ++i) v.push_back({cap.channels[i], cap.rows.back()[i]});
            (void)run->append_metrics(static_cast<int64_t>(partial.rows.size()) - 1, v);
        }
        return true;
    };
    auto keep = [&](const hardware::Capture& cap, models::RunStatus status, const std::string& message) {
        if (!run) return;
        if (cap.n_samples() > 0) {
            if (auto path = run->artifact_path("capture.csv")) (void)hardware::write_edge_impulse_csv(cap, path->string());
        }
        (void)run->finish(status, {{"n_samples", cap.n_samples()}, {"duration_ms", cap.duration_ms()}, {"rate_hz", cap.rate_hz()}},
                          message);
    };
    core::Result<hardware::Capture> cap = core::fail("");
    if (o.plotter) {
        cap = session::capture_plotter_lines(**c, o.seconds);
    } else {
        auto h = (*c)->hello();
        if (!h) {
            keep(partial, models::RunStatus::Failed, h.error());
            return run_failed("board stream", h.error() + " (for a sketch that prints numbers, add --plotter)");
        }
        if (run) (void)run->append_event("board_connected", {{"board", h->board}, {"firmware", h->firmware}, {"port", o.port}});
        session::CaptureRequest req;
        req.sensor = o.sensor;
        req.rate_hz = o.rate_hz;
        req.seconds = o.seconds;
        cap = session::capture_from_board(**c, req, record);
    }
    if (!cap) {
        // The board went away or stopped answering: keep what was captured, in the Run and in --out.
        keep(partial, models::RunStatus::Failed, cap.error());
        std::string where;
        if (partial.n_samples() > 0 && !o.out.empty() && hardware::write_edge_impulse_csv(partial, o.out))
            where = "; the " + std::to_string(partial.n_samples()) + " samples captured are in " + o.out;
        if (run) where += (where.empty() ? "; " : " and ") + std::string("the Run ") + run->dir().string();
        return run_failed("board stream", cap.error() + where);
    }
    keep(*cap, models::RunStatus::Finished, "");
    if (!o.out.empty()) {
        const bool wav = o.out.size() > 4 && o.out.substr(o.out.size() - 4) == ".wav";
        auto st = wav ? hardware::write_wav(*cap, 0, o.out) : hardware::write_edge_impulse_csv(*cap, o.out);
        if (!st) return run_failed("board stream", st.error());
    }
    const auto& k = (*c)->counters();
    const std::string run_dir = run ? run->dir().string() : "";
    if (ctx.json) {
        print_json({{"sensor", cap->sensor}, {"channels", cap->channels}, {"units", cap->units},
                    {"n_samples", cap->n_samples()}, {"duration_ms", cap->duration_ms()}, {"rate_hz", cap->rate_hz()},
                    {"bad_lines", k.n_bad_lines}, {"out", o.out}, {"run_dir", run_dir}});
        return kExitOk;
    }
    std::printf("%zu samples of %s (%zu channels) over %.0f ms of board time, %.1f Hz; %lld bad lines skipped\n",
                cap->n_samples(), cap->sensor.c_str(), cap->channels.size(), cap->duration_ms(), cap->rate_hz(),
                static_cast<long long>(k.n_bad_lines));
    if (!o.out.empty()) std::printf("wrote %s\n", o.out.c_str());
    if (!run_dir.empty()) std::printf("run: %s\n", run_dir.c_str());
    return kExitOk;
}

core::Result<hardware::BoardModel> model_for(const BoardOptions& o, const hardware::HelloInfo& h) {
    if (o.model_file.empty()) return core::fail("--model-file is required (an MLB1 file; `mlsyslab board model` writes one)");
    auto m = session::load_board_model(o.model_file);
    if (!m) return m;
    const auto size = hardware::write_board_model(*m).size();
    if (static_cast<int64_t>(size) > h.model_max_bytes)
        return core::fail(o.model_file + ": " + std::to_string(size) + " bytes, the board takes at most " +
                          std::to_string(h.model_max_bytes));
    for (size_t i = 0; i < m->layers.size(); ++i)
        if (m->layers[i].n_in > h.max_width || m->layers[i].n_out > h.max_width)
            return core::fail(o.model_file + ": layers[" + std::to_string(i) + "] is wider than the board's max_width " +
                              std::to_string(h.max_width));
    return m;
}

int run_deploy(const BoardOptions& o, const CommandContext& ctx, bool then_infer) {
    const char* name = then_infer ? "board infer" : "board deploy";
    auto c = connect(o);
    if (!c) return usage_error(name, c.error());
    auto h = (*c)->hello();
    if (!h) return run_failed(name, h.error());
    auto m = model_for(o, *h);
    if (!m) return usage_error(name, m.error());
    core::Result<session::InferInputs> inputs = core::fail("");
    if (then_infer) {
        inputs = session::load_infer_inputs(o.dataset, *m, o.count, o.seed);
        if (!inputs) return usage_error(name, inputs.error());
    }
    ProgressBar bar("upload", static_cast<int64_t>(hardware::write_board_model(*m).size()), !ctx.json);
    const auto t0 = std::chrono::steady_clock::now();
    auto up = (*c)->upload_model(hardware::write_board_model(*m), [&](size_t done, size_t) { bar.update(static_cast<int64_t>(done)); });
    if (!up) return run_failed(name, up.error());
    bar.finish(up->summary);
    const double upload_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::json j = {{"board", h->board}, {"model_bytes", up->n_bytes}, {"chunks", up->n_chunks},
                        {"retries", up->n_retries}, {"upload_s", upload_s}, {"verified", up->summary}};
    if (!then_infer) {
        if (ctx.json) print_json(j);
        else std::printf("deployed %zu bytes in %d chunks (%d resent) in %.2f s; board reports %s\n", up->n_bytes,
                         up->n_chunks, up->n_retries, upload_s, up->summary.c_str());
        return kExitOk;
    }
    auto cmp = session::compare_inference(**c, *m, inputs->inputs, inputs->labels);
    if (!cmp) return run_failed(name, cmp.error());
    const int n = static_cast<int>(cmp->rows.size());
    j["n"] = n;
    j["n_equal"] = cmp->n_equal;
    j["median_cycles"] = cmp->median_cycles;
    j["median_us"] = cmp->median_micros;
    j["macs"] = m->n_macs();
    if (cmp->n_correct >= 0) j["accuracy"] = static_cast<double>(cmp->n_correct) / n;
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : cmp->rows)
        rows.push_back({{"board", r.board}, {"desktop", r.desktop}, {"class", r.board_class}, {"label", r.label},
                        {"cycles", r.cycles}, {"us", r.micros}});
    j["rows"] = rows;
    if (ctx.json) {
        print_json(j);
    } else {
        std::printf("%-4s %-28s %-28s %6s %8s %7s\n", "#", "board int8 outputs", "desktop int8 outputs", "class", "cycles", "us");
        for (int i = 0; i < n; ++i) {
            const auto& r = cmp->rows[static_cast<size_t>(i)];
            auto fmt = [](const std::vector<int8_t>& v) {
                std::string s;
                for (size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + std::to_string(v[k]);
                return s;
            };
            std::printf("%-4d %-28s %-28s %6d %8lld %7lld%s\n", i, fmt(r.board).c_str(), fmt(r.desktop).c_str(), r.board_class,
                        static_cast<long long>(r.cycles), static_cast<long long>(r.micros), r.board == r.desktop ? "" : "  MISMATCH");
        }
        std::printf("%d/%d outputs equal the desktop integer reference; median %lld cycles = %lld us on the board (%lld MACs)\n",
                    cmp->n_equal, n, static_cast<long long>(cmp->median_cycles), static_cast<long long>(cmp->median_micros),
                    static_cast<long long>(m->n_macs()));
        if (cmp->n_correct >= 0) std::printf("accuracy on the board %d/%d\n", cmp->n_correct, n);
    }
    return cmp->n_equal == n ? kExitOk : kExitFailed;
}

int run_model(const BoardOptions& o, const CommandContext& ctx) {
    if (o.out.empty()) return usage_error("board model", "--out FILE.mlb is required");
    std::vector<int> widths;
    std::stringstream ss(o.random_widths);
    for (std::string w; std::getline(ss, w, ',');) {
        try {
            widths.push_back(std::stoi(w));
        } catch (...) {
            return usage_error("board model", "--random: '" + w + "' is not a width");
        }
    }
    if (widths.size() < 2) return usage_error("board model", "--random needs at least two widths, e.g. 12,16,4");
    const auto m = hardware::random_board_model(widths, o.seed);
    if (auto st = session::save_board_model(m, o.out); !st) return usage_error("board model", st.error());
    const auto size = hardware::write_board_model(m).size();
    if (ctx.json) print_json({{"out", o.out}, {"bytes", size}, {"macs", m.n_macs()}, {"widths", widths}});
    else std::printf("wrote %s: %zu bytes, %lld MACs\n", o.out.c_str(), size, static_cast<long long>(m.n_macs()));
    return kExitOk;
}

void setup_board(CLI::App& app, CommandContext& ctx) {
    auto o = std::make_shared<BoardOptions>();
    CLI::App* board = app.add_subcommand("board", "Serial boards and the virtual board (docs/BOARDS.md)");
    board->require_subcommand(1);
    auto port_arg = [&](CLI::App* s) {
        s->add_option("PORT", o->port, "Serial port (e.g. /dev/ttyACM0, or the virtual board's /dev/pts/N)")->required();
        s->add_option("--baud", o->baud, "Baud rate")->capture_default_str();
        add_common_flags(*s, ctx);
    };
    CLI::App* list = board->add_subcommand("list", "List serial ports and recognised boards");
    add_common_flags(*list, ctx);
    list->callback([&ctx] { ctx.exit_code = run_list(ctx); });

    CLI::App* virt = board->add_subcommand("virtual", "Run the virtual board (the firmware in simavr) until stopped");
    virt->add_option("--motion", o->motion, "What the IMU feels: idle, lift, terrestrial, maritime, anomaly")->capture_default_str();
    virt->add_option("--seed", o->seed, "Sensor noise seed")->capture_default_str();
    virt->add_option("--speed", o->speed, "1: real time; 0: as fast as possible")->capture_default_str();
    virt->add_option("--link", o->link, "Also make this symlink to the port");
    virt->add_option("--seconds", o->seconds, "Stop after this many seconds (0: until Ctrl+C)");
    add_common_flags(*virt, ctx);
    virt->callback([o, &ctx] {
        ctx.exit_code = run_virtual(*o, ctx);
    });
    virt->preparse_callback([o](size_t) { o->seconds = 0; });

    CLI::App* hello = board->add_subcommand("hello", "Identify a board: firmware, protocol, sensors, memory");
    port_arg(hello);
    hello->callback([o, &ctx] { ctx.exit_code = run_hello(*o, ctx); });

    CLI::App* stream = board->add_subcommand("stream", "Stream a sensor to Edge Impulse CSV (or WAV)");
    port_arg(stream);
    stream->add_option("--sensor", o->sensor, "Sensor name from HELLO")->capture_default_str();
    stream->add_option("--rate", o->rate_hz, "Samples per second")->capture_default_str();
    stream->add_option("--seconds", o->seconds, "Seconds of board time")->capture_default_str();
    stream->add_option("--out", o->out, "FILE.csv (Edge Impulse CSV) or FILE.wav (first channel)");
    stream->add_flag("--plotter", o->plotter, "Any sketch printing Serial Plotter / data forwarder lines (no handshake)");
    stream->callback([o, &ctx] { ctx.exit_code = run_stream(*o, ctx); });

    CLI::App* deploy = board->add_subcommand("deploy", "Upload an int8 model (MLB1) in CRC-checked chunks");
    port_arg(deploy);
    deploy->add_option("--model-file", o->model_file, "An MLB1 board model")->required();
    deploy->callback([o, &ctx] { ctx.exit_code = run_deploy(*o, ctx, false); });

    CLI::App* infer = board->add_subcommand("infer", "Deploy and run inference on the board beside the desktop");
    port_arg(infer);
    infer->add_option("--model-file", o->model_file, "An MLB1 board model")->required();
    infer->add_option("--dataset", o->dataset, "random, or a CSV of features with a label column")->capture_default_str();
    infer->add_option("--count", o->count, "Inputs to run")->capture_default_str();
    infer->add_option("--seed", o->seed, "Seed for random inputs")->capture_default_str();
    infer->callback([o, &ctx] { ctx.exit_code = run_deploy(*o, ctx, true); });

    CLI::App* model = board->add_subcommand("model", "Write a demo int8 board model with seeded random weights");
    model->add_option("--random", o->random_widths, "Layer widths, e.g. 12,16,4")->required();
    model->add_option("--seed", o->seed, "Weight seed")->capture_default_str();
    model->add_option("--out", o->out, "FILE.mlb")->required();
    add_common_flags(*model, ctx);
    model->callback([o, &ctx] { ctx.exit_code = run_model(*o, ctx); });

    setup_board_motion(*board, ctx);
}

}  // namespace

MLSYS_CLI_COMMAND("board", setup_board);

}  // namespace mlsys::cli
