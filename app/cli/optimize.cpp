// `mlsyslab optimize`: quantize, prune or distill a saved model, measure the variant beside the original
// (accuracy on the test split, bytes, MACs, estimated latency on a device), write it (--out) and a Run.
#include "app/cli/command.hpp"
#include "app/session/optimize_job.hpp"

#include <cmath>
#include <cstdio>
#include <memory>

namespace mlsys::cli {
namespace {

struct OptimizeOptions {
    session::OptimizeRequest req;
    bool per_channel = false;
    bool asymmetric_weights = false;
    std::string calib_method = "minmax";
    bool structured = false;
    bool per_layer = false;
};

std::string bytes_str(int64_t b) {
    char buf[32];
    if (b >= 1024 * 1024) std::snprintf(buf, sizeof buf, "%.2f MB", double(b) / (1024.0 * 1024.0));
    else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.1f KB", double(b) / 1024.0);
    else std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(b));
    return buf;
}

void print_row(const session::VariantMetrics& v) {
    char acc[16] = "-", lat[24] = "-";
    if (std::isfinite(v.accuracy)) std::snprintf(acc, sizeof acc, "%.2f%%", 100 * v.accuracy);
    if (std::isfinite(v.latency_s)) std::snprintf(lat, sizeof lat, "%.3f ms", 1000 * v.latency_s);
    std::printf("%-22s %-9s %9s %11s %11s %12lld %11s %5s %6.1f%%\n", v.name.c_str(), v.precision.c_str(), acc,
                bytes_str(v.size_bytes).c_str(), bytes_str(v.compressed_bytes).c_str(), static_cast<long long>(v.macs), lat,
                v.fits ? "yes" : "no", 100 * v.sparsity);
}

int run_optimize_cmd(OptimizeOptions o, const CommandContext& ctx) {
    auto& rq = o.req;
    rq.quant.per_channel = o.per_channel;
    rq.quant.weight_symmetric = !o.asymmetric_weights;
    auto method = models::optimize::parse_calib_method(o.calib_method);
    if (!method) return usage_error("optimize", "--calib-method: " + method.error());
    rq.quant.calib = *method;
    if (rq.quant.n_calib < 1) return usage_error("optimize", "--calib must be at least 1 sample");
    rq.prune_config.structured = o.structured;
    rq.prune_config.global = !o.per_layer;
    if (rq.prune_config.finetune_epochs < 0) return usage_error("optimize", "--finetune-epochs must be >= 0");
    if (rq.prune_config.gradual_steps < 1) return usage_error("optimize", "--gradual must be >= 1");
    if (!(rq.learning_rate > 0)) return usage_error("optimize", "--lr must be positive");
    rq.runs_dir = ctx.runs_dir;
    ProgressBar bar("optimize", 1, !ctx.json);
    const auto progress = [&](int64_t done, int64_t total, double loss) {
        (void)total;
        char s[32];
        std::snprintf(s, sizeof s, "loss %.3f", loss);
        bar.update(done, s);
    };
    auto r = session::run_optimize(rq, progress);
    if (!r) return usage_error("optimize", r.error());
    if (ctx.json) {
        print_json(session::to_json(*r));
        return kExitOk;
    }
    std::printf("\n%-22s %-9s %9s %11s %11s %12s %11s %5s %7s\n", "variant", "precision", "accuracy", "size", "compressed",
                "MACs", "latency", "fits", "sparse");
    print_row(r->original);
    for (const auto& b : r->baselines) print_row(b);
    print_row(r->variant);
    std::printf("(latency and fit estimated on %s; accuracy measured on %d test images)\n", r->variant.device.c_str(),
                r->variant.n_test);
    if (!r->sparsity.empty()) {
        std::printf("\n%-16s %10s %9s %12s %12s\n", "layer", "weights", "sparsity", "dense", "CSR");
        for (const auto& s : r->sparsity)
            std::printf("%-16s %10lld %8.1f%% %12s %12s\n", s.name.c_str(), static_cast<long long>(s.n_weights), 100 * s.sparsity(),
                        bytes_str(s.dense_bytes).c_str(), bytes_str(s.csr_bytes).c_str());
    }
    for (const auto& n : r->notes) std::printf("note: %s\n", n.c_str());
    if (!r->variant.file.empty()) std::printf("wrote %s\n", r->variant.file.c_str());
    if (!r->run_dir.empty()) std::printf("run: %s\n", r->run_dir.c_str());
    return kExitOk;
}

void setup_optimize(CLI::App& app, CommandContext& ctx) {
    auto o = std::make_shared<OptimizeOptions>();
    auto& rq = o->req;
    CLI::App* sub = app.add_subcommand("optimize", "Quantize, prune or distill a model and measure the variant");
    sub->add_option("--model-file", rq.model_file, "The model to optimize (.mlsys); for --distill-from, the student");
    sub->add_option("--model", rq.model, "A preset or spec file as the distillation student (instead of --model-file)");
    sub->add_option("--dataset", rq.dataset, "Dataset (default: the model file's)");
    sub->add_option("--quantize", rq.quantize, "int8, int4, fp16, bf16, fp8-e4m3 or fp8-e5m2");
    sub->add_flag("--per-channel", o->per_channel, "One weight scale per output channel (default: per tensor)");
    sub->add_flag("--asymmetric-weights", o->asymmetric_weights, "Weights with a zero point (default: symmetric)");
    sub->add_option("--calib", rq.quant.n_calib, "Calibration samples")->capture_default_str();
    sub->add_option("--calib-method", o->calib_method, "minmax, percentile or mse")->capture_default_str();
    sub->add_option("--percentile", rq.quant.percentile, "Percentile for --calib-method percentile")->capture_default_str();
    sub->add_option("--qat-epochs", rq.qat_epochs, "Quantization-aware training epochs before converting (int8/int4)");
    sub->add_option("--prune", rq.prune, "Share of weights (or channels with --structured) to remove, e.g. 0.5");
    sub->add_flag("--structured", o->structured, "Remove whole filters/units by L1 norm (the layers shrink)");
    sub->add_flag("--per-layer", o->per_layer, "Prune each layer to the share (default: one global threshold)");
    sub->add_option("--finetune-epochs", rq.prune_config.finetune_epochs, "Fine-tuning epochs after pruning")->capture_default_str();
    sub->add_option("--gradual", rq.prune_config.gradual_steps, "Prune in this many rounds (cubic schedule)")->capture_default_str();
    sub->add_option("--distill-from", rq.distill_from, "Teacher model file: distill into the student");
    sub->add_option("--temperature", rq.distill.temperature, "Distillation temperature")->capture_default_str();
    sub->add_option("--alpha", rq.distill.alpha, "Weight of the teacher's soft targets")->capture_default_str();
    sub->add_option("--epochs", rq.epochs, "Distillation epochs")->capture_default_str();
    sub->add_option("--lr", rq.learning_rate, "Learning rate of fine-tuning, QAT and distillation")->capture_default_str();
    sub->add_option("--batch", rq.batch_size, "Batch size of fine-tuning, QAT and distillation")->capture_default_str();
    sub->add_option("--train-limit", rq.train_limit, "Use at most this many training images (0 = all)");
    sub->add_option("--limit", rq.test_limit, "Measure accuracy on at most this many test images (0 = all)");
    sub->add_option("--device", rq.device, "Device profile for the latency and fit estimate")->capture_default_str();
    sub->add_option("--seed", rq.seed, "Seed of data order and student initialisation")->capture_default_str();
    sub->add_option("--out", rq.out, "Write the variant: .mlsys (float), .mlq8 (int8 image), .h (C header) or .mlb1 (board, dense models)");
    add_common_flags(*sub, ctx);
    sub->callback([o, &ctx] { ctx.exit_code = run_optimize_cmd(*o, ctx); });
}

}  // namespace

MLSYS_CLI_COMMAND("optimize", setup_optimize);

}  // namespace mlsys::cli
