// Lab actions of model optimization: "optimize_model" quantizes or prunes the session's current model and
// measures the variant beside it (run_optimize); "layer_sensitivity" measures accuracy when only one layer
// is quantized or pruned. The current model is not replaced.
#include "app/session/lab_host.hpp"
#include "app/session/optimize_job.hpp"
#include "app/session/session.hpp"

#include "models/train/evaluate.hpp"

#include <cmath>

namespace mlsys::session {
namespace {

using core::fail;
using nlohmann::json;

double finite_or(double v, double fallback) { return std::isfinite(v) ? v : fallback; }

core::Result<json> optimize_model(Session& s, const json& params, const labs::ActionContext&) {
    if (!s.model()) return fail("there is no current model yet: train one first");
    OptimizeRequest rq;
    rq.source = s.model();
    try {
        for (auto it = params.begin(); it != params.end(); ++it) {
            const std::string& k = it.key();
            if (k == "quantize") rq.quantize = it->get<std::string>();
            else if (k == "per_channel") rq.quant.per_channel = it->get<bool>();
            else if (k == "calib") rq.quant.n_calib = it->get<int>();
            else if (k == "prune") rq.prune = it->get<double>();
            else if (k == "structured") rq.prune_config.structured = it->get<bool>();
            else if (k == "finetune_epochs") rq.prune_config.finetune_epochs = it->get<int>();
            else if (k == "dataset") rq.dataset = it->get<std::string>();
            else if (k == "train_limit") rq.train_limit = it->get<int>();
            else if (k == "test_limit") rq.test_limit = it->get<int>();
            else if (k == "device") rq.device = it->get<std::string>();
            else if (k == "learning_rate") rq.learning_rate = it->get<double>();
            else return fail("params." + k + ": unknown key (expected quantize, per_channel, calib, prune, structured, "
                             "finetune_epochs, dataset, train_limit, test_limit, device, learning_rate)");
        }
    } catch (const std::exception& e) {
        return fail(std::string("params: ") + e.what());
    }
    rq.runs_dir = s.runs_dir();
    auto r = run_optimize(rq);
    if (!r) return fail(r.error());
    const VariantMetrics &a = r->original, &b = r->variant;
    return json{{"variant", b.name},
                {"precision", b.precision},
                {"accuracy_before", a.accuracy},
                {"accuracy_after", b.accuracy},
                {"accuracy_drop", a.accuracy - b.accuracy},
                {"size_before_bytes", a.size_bytes},
                {"size_after_bytes", b.size_bytes},
                {"compressed_after_bytes", b.compressed_bytes},
                {"size_ratio", double(b.size_bytes) / double(std::max<int64_t>(1, a.size_bytes))},
                {"smallest_after_bytes", std::min(b.size_bytes, b.compressed_bytes)},
                {"macs_before", a.macs},
                {"macs_after", b.macs},
                {"effective_macs_after", b.effective_macs},
                {"sparsity_after", b.sparsity},
                {"latency_before_ms", 1000 * finite_or(a.latency_s, 0)},
                {"latency_after_ms", 1000 * finite_or(b.latency_s, 0)},
                {"device", b.device},
                {"fits_after", b.fits},
                {"run_dir", r->run_dir}};
}

core::Result<json> layer_sensitivity_action(Session& s, const json& params, const labs::ActionContext&) {
    if (!s.model()) return fail("there is no current model yet: train one first");
    const int bits = params.value("bits", 4);
    const double prune = params.value("prune", 0.0);
    const int test_limit = params.value("test_limit", 500);
    if (bits < 2 || bits > 8) return fail("params.bits: must be 2..8, got " + std::to_string(bits));
    if (prune < 0 || prune >= 1) return fail("params.prune: must be in [0, 1)");
    models::DatasetOptions dopt;
    dopt.val_fraction = 0;
    dopt.train_limit = 10;
    dopt.test_limit = test_limit;
    auto data = models::load_dataset(params.value("dataset", std::string("fashion-mnist")), dopt);
    if (!data) return fail(data.error());
    auto copy = s.model()->clone();
    if (!copy) return fail(copy.error());
    const double base = models::evaluate(*copy, data->test).accuracy;
    const auto rows = layer_sensitivity(*s.model(), data->test, bits, prune);
    json layers = json::array();
    double worst = 1, best = 0;
    std::string worst_name, best_name;
    for (const auto& r : rows) {
        layers.push_back({{"name", r.layer}, {"weights", r.n_weights}, {"accuracy", r.accuracy}, {"drop", base - r.accuracy}});
        if (r.accuracy < worst) { worst = r.accuracy; worst_name = r.layer; }
        if (r.accuracy > best) { best = r.accuracy; best_name = r.layer; }
    }
    return json{{"baseline_accuracy", base}, {"layers", layers}, {"min_accuracy", worst}, {"max_accuracy", best},
                {"most_sensitive", worst_name}, {"least_sensitive", best_name}, {"bits", bits}, {"prune", prune}};
}

}  // namespace
}  // namespace mlsys::session

MLSYS_LAB_ACTION("optimize_model", "quantize or prune the current model and measure the variant beside it",
                 mlsys::session::optimize_model);
MLSYS_LAB_ACTION("layer_sensitivity", "accuracy when only one layer is quantized (bits) or pruned (prune)",
                 mlsys::session::layer_sensitivity_action);
