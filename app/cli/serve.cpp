// `mlsyslab serve`: hosts a saved model for offloaded inference over TCP until interrupted.
#include "app/cli/command.hpp"
#include "app/session/model_source.hpp"

#include "hardware/net/offload_server.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>

namespace mlsys::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop = true; }

struct ServeOptions {
    std::string model_file;
    int port = 7878;
    int max_clients = 8;
    double seconds = 0;
};

int run_serve(const ServeOptions& o, const CommandContext& ctx) {
    if (o.model_file.empty()) return usage_error("serve", "--model-file is required");
    if (o.port < 0 || o.port > 65535) return usage_error("serve", "--port must be 0-65535, got " + std::to_string(o.port));
    if (o.max_clients < 1) return usage_error("serve", "--max-clients must be at least 1");
    auto loaded = session::load_model_file(o.model_file);
    if (!loaded) return usage_error("serve", loaded.error());
    auto model = std::make_shared<models::Model>(std::move(loaded->model));
    const models::Shape shape = model->spec().input_shape;
    hardware::ServerConfig cfg;
    cfg.port = static_cast<uint16_t>(o.port);
    cfg.max_clients = o.max_clients;
    nlohmann::json info{{"model", model->spec().name}, {"input_shape", shape}, {"n_classes", model->spec().n_classes}};
    if (loaded->metadata.contains("class_names")) info["class_names"] = loaded->metadata["class_names"];
    auto server = hardware::OffloadServer::start(cfg, info.dump(), static_cast<size_t>(models::shape_size(shape)),
                                                 [model, shape](const std::vector<float>& x) {
                                                     models::Tensor t(models::batched(1, shape));
                                                     std::copy(x.begin(), x.end(), t.data.begin());
                                                     const models::Tensor& y = model->forward(t, false);
                                                     return std::vector<float>(y.data.begin(), y.data.end());
                                                 });
    if (!server) return run_failed("serve", server.error());
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    if (ctx.json) print_json({{"port", (*server)->port()}, {"model", model->spec().name}});
    else std::printf("serving %s on port %u (protocol: docs/OFFLOAD.md); Ctrl+C stops\n", model->spec().name.c_str(),
                     static_cast<unsigned>((*server)->port()));
    std::fflush(stdout);
    const auto t0 = std::chrono::steady_clock::now();
    while (!g_stop) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (o.seconds > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > o.seconds) break;
    }
    (*server)->stop();
    if (!ctx.json)
        std::printf("served %lld requests, refused %lld malformed and %lld over the client limit\n",
                    static_cast<long long>((*server)->stats().requests.load()),
                    static_cast<long long>((*server)->stats().rejected.load()),
                    static_cast<long long>((*server)->stats().busy_refusals.load()));
    return kExitOk;
}

void setup_serve(CLI::App& app, CommandContext& ctx) {
    auto o = std::make_shared<ServeOptions>();
    CLI::App* sub = app.add_subcommand("serve", "Host a model for offloaded inference over TCP");
    sub->add_option("--model-file", o->model_file, "A saved model (.mlsys)");
    sub->add_option("--port", o->port, "TCP port (0: any free port)")->capture_default_str();
    sub->add_option("--max-clients", o->max_clients, "Concurrent clients served; more are told the server is busy")
        ->capture_default_str();
    sub->add_option("--seconds", o->seconds, "Stop after this many seconds (0: until Ctrl+C)");
    add_common_flags(*sub, ctx);
    sub->callback([o, &ctx] { ctx.exit_code = run_serve(*o, ctx); });
}

}  // namespace

MLSYS_CLI_COMMAND("serve", setup_serve);

}  // namespace mlsys::cli
