// `mlsyslab info`: the layer table of a model (shapes, parameters, MACs, activation bytes) — the numbers
// every simulator uses.
#include "app/cli/command.hpp"
#include "app/session/model_source.hpp"

#include "models/model/model.hpp"

#include <cstdio>
#include <memory>

namespace mlsys::cli {
namespace {

struct InfoOptions {
    std::string model;
    std::string model_file;
};

std::string human_bytes(double b) {
    char buf[32];
    if (b >= 1e6) std::snprintf(buf, sizeof buf, "%.2f MB", b / 1e6);
    else if (b >= 1e3) std::snprintf(buf, sizeof buf, "%.2f KB", b / 1e3);
    else std::snprintf(buf, sizeof buf, "%.0f B", b);
    return buf;
}

int run_info(const InfoOptions& o, const CommandContext& ctx) {
    if (o.model.empty() == o.model_file.empty()) return usage_error("info", "give exactly one of --model or --model-file");
    models::ModelSpec spec;
    nlohmann::json metadata;
    if (!o.model.empty()) {
        auto s = session::resolve_model_spec(o.model);
        if (!s) return usage_error("info", s.error());
        spec = *s;
    } else {
        auto loaded = session::load_model_file(o.model_file);
        if (!loaded) return usage_error("info", loaded.error());
        spec = loaded->model.spec();
        metadata = loaded->metadata;
    }
    auto wl = models::make_workload(spec);
    if (!wl) return usage_error("info", wl.error());
    if (ctx.json) {
        nlohmann::json layers = nlohmann::json::array();
        for (const auto& l : wl->layers)
            layers.push_back({{"name", l.name},
                              {"type", l.type},
                              {"output_shape", {l.out_h, l.out_w, l.out_c}},
                              {"params", l.n_params()},
                              {"macs", l.macs},
                              {"activation_bytes", l.output_elems() * 4}});
        nlohmann::json j{{"model", spec.name},
                         {"input_shape", spec.input_shape},
                         {"n_classes", spec.n_classes},
                         {"layers", layers},
                         {"total_params", wl->total_params()},
                         {"total_macs", wl->total_macs()},
                         {"weight_bytes_fp32", wl->total_params() * 4},
                         {"activation_bytes_fp32", wl->total_activation_elems() * 4}};
        if (!metadata.is_null()) j["metadata"] = metadata;
        print_json(j);
        return kExitOk;
    }
    std::printf("model %s: input %s, %d classes\n\n", spec.name.c_str(), models::shape_str(spec.input_shape).c_str(),
                spec.n_classes);
    std::printf("%-20s %-18s %-12s %10s %12s %12s\n", "layer", "type", "output", "params", "MACs", "act. bytes");
    for (const auto& l : wl->layers) {
        const std::string out = std::to_string(l.out_h) + "x" + std::to_string(l.out_w) + "x" + std::to_string(l.out_c);
        std::printf("%-20s %-18s %-12s %10lld %12lld %12lld\n", l.name.c_str(), l.type.c_str(), out.c_str(),
                    static_cast<long long>(l.n_params()), static_cast<long long>(l.macs),
                    static_cast<long long>(l.output_elems() * 4));
    }
    std::printf("\ntotal: %lld parameters (%s as fp32), %lld MACs per sample, %s of activations per sample\n",
                static_cast<long long>(wl->total_params()), human_bytes(wl->total_params() * 4.0).c_str(),
                static_cast<long long>(wl->total_macs()), human_bytes(wl->total_activation_elems() * 4.0).c_str());
    if (metadata.contains("test_accuracy"))
        std::printf("trained on %s: test accuracy %.2f%%\n", metadata.value("dataset", std::string("?")).c_str(),
                    100.0 * metadata["test_accuracy"].get<double>());
    return kExitOk;
}

void setup_info(CLI::App& app, CommandContext& ctx) {
    auto opts = std::make_shared<InfoOptions>();
    CLI::App* sub = app.add_subcommand("info", "Show a model's layer table: shapes, parameters, MACs, memory");
    sub->add_option("--model", opts->model, "A preset (mlp, cnn, dscnn, tiny, playground) or a model-description JSON file");
    sub->add_option("--model-file", opts->model_file, "A saved model file (.mlsys)");
    add_common_flags(*sub, ctx);
    sub->callback([opts, &ctx] { ctx.exit_code = run_info(*opts, ctx); });
}

}  // namespace

MLSYS_CLI_COMMAND("info", setup_info);

}  // namespace mlsys::cli
