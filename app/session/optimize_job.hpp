// Model optimization as a job (issue 9): quantize (int8/int4 integer-only, or fp16/bf16/fp8 simulated),
// prune (magnitude or structured, with fine-tuning) or distill a model, measure the variant beside the
// original — accuracy on real test data, bytes, MACs, estimated latency on a device — write the variant
// and a Run. Shared by `mlsyslab optimize`, the Optimize panel and the Quantize-and-prune lab. No GUI code.
#pragma once

#include "models/core/job.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/optimize/distill.hpp"
#include "models/optimize/int8_model.hpp"
#include "models/optimize/pruning.hpp"
#include "sim/deploy/profiles.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace mlsys::session {

// One model variant as the table and the Pareto chart show it.
struct VariantMetrics {
    std::string name;                 // "original", "int8", "pruned50", ...
    std::string precision = "fp32";   // fp32, fp16, bf16, fp8-e4m3, fp8-e5m2, int8, int4
    double accuracy = std::numeric_limits<double>::quiet_NaN();  // measured on the test split
    int n_test = 0;
    int64_t n_params = 0;
    int64_t size_bytes = 0;           // parameters as stored densely at this precision (int8: + scales, int32 biases)
    int64_t compressed_bytes = 0;     // CSR for the zero weights of a pruned model (= size_bytes when smaller)
    double sparsity = 0;              // share of zero weights
    int64_t macs = 0;                 // per inference, dense
    int64_t effective_macs = 0;       // skipping zero weights
    std::string device;               // where latency is estimated
    double latency_s = std::numeric_limits<double>::quiet_NaN();
    bool fits = false;                // on that device (RAM and storage)
    std::string fit_reason;
    bool is_original = false;
    std::string file;                 // where the variant was written ("" = not written)
};
nlohmann::json to_json(const VariantMetrics& v);
core::Result<VariantMetrics> parse_variant_metrics(const nlohmann::json& j);

struct OptimizeRequest {
    std::string model_file;           // the model to optimize (.mlsys); for distillation: the student's start
    std::string model;                // or a preset / spec file (distillation students start from it)
    const models::Model* source = nullptr;  // or this in-memory model (the session's current one); wins
    std::string dataset;              // "" = the model file's metadata dataset (else fashion-mnist)
    int train_limit = 0;              // training images for calibration, fine-tuning, distillation (0 = all)
    int test_limit = 0;               // test images to measure accuracy on (0 = all)
    std::string quantize;             // int8, int4, fp16, bf16, fp8-e4m3, fp8-e5m2 ("" = no quantization)
    models::optimize::QuantConfig quant;
    int qat_epochs = 0;               // > 0: quantization-aware training before converting (int8/int4)
    double prune = 0;                 // > 0: prune this share of weights (or channels with structured)
    models::optimize::PruneConfig prune_config;
    std::string distill_from;         // teacher model file: distill into the student
    const models::Model* teacher = nullptr;  // or this in-memory teacher (the session's current model); wins
    models::optimize::DistillConfig distill;
    int epochs = 1;                   // distillation epochs
    double learning_rate = 3e-4;      // fine-tuning, QAT and distillation
    int batch_size = 64;
    uint64_t seed = 1;
    std::string device = "xiao-esp32s3";  // latency and fit estimate
    std::string out;                  // also write the variant here (.mlsys, .mlq8 or .h)
    std::string runs_dir;             // "" = core::default_runs_dir()
    bool write_run = true;
};
nlohmann::json to_json(const OptimizeRequest& r);

struct OptimizeResult {
    std::string action;                         // "quantize", "prune", "distill"
    VariantMetrics original;
    VariantMetrics variant;
    std::vector<VariantMetrics> baselines;      // e.g. the student trained alone, PTQ before QAT
    std::vector<models::optimize::LayerSparsity> sparsity;  // pruning: per layer
    std::optional<models::Model> model;         // float variants (pruned, distilled, fp16 ...)
    std::optional<models::optimize::QuantizedModel> int8;   // integer variants
    std::string run_dir;
    std::vector<std::string> notes;
};
nlohmann::json to_json(const OptimizeResult& r);

// Progress: (steps done, total, latest loss) of the training part; a status line through `control`.
core::Result<OptimizeResult> run_optimize(const OptimizeRequest& request, const models::optimize::TrainProgress& progress = {},
                                          core::JobControl* control = nullptr);

// --- measuring (optimize_variants.cpp) ---

// Bytes, MACs, sparsity of a float model at a float precision, and the device estimate.
VariantMetrics describe_float(models::Model& model, const std::string& name, const std::string& precision,
                              const sim::DeviceProfile* device);
// The same for an integer model (its own parameter bytes; int8 latency on the device).
VariantMetrics describe_int8(const models::optimize::QuantizedModel& q, const models::Workload& workload,
                             const std::string& name, const sim::DeviceProfile* device);

// Per-layer sensitivity: test accuracy when only that layer's weights are quantized to `bits` (symmetric,
// per channel) or, with prune > 0, only that layer is magnitude-pruned to that share. Evaluates float.
struct LayerSensitivity {
    std::string layer;
    int64_t n_weights = 0;
    double accuracy = 0;
};
std::vector<LayerSensitivity> layer_sensitivity(const models::Model& model, const models::Dataset& test, int bits,
                                                double prune, int limit = 0);

// Histogram of one layer's weights: `n_bins` equal bins over [lo, hi] (lo/hi from the weights when equal).
struct WeightHistogram {
    std::string layer;
    float lo = 0, hi = 0;
    std::vector<int64_t> counts;
    int64_t zeros = 0;
};
std::vector<WeightHistogram> weight_histograms(models::Model& model, int n_bins, float lo = 0, float hi = 0);
// The int8 model's weights dequantized, as histograms over the same bins as `like`.
std::vector<WeightHistogram> weight_histograms(const models::optimize::QuantizedModel& q,
                                               const std::vector<WeightHistogram>& like);

}  // namespace mlsys::session
