// The Optimize workspace's state (optimize_state.hpp): settings to and from JSON, the run_optimize request
// they describe, the Pareto front, integer weights in float form, and the per-session variant list with its
// job lifecycle. The jobs themselves are in optimize_jobs.cpp.
#include "app/session/optimize_state.hpp"

#include "app/session/deploy_state.hpp"
#include "app/session/session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::session {

using core::fail;
using nlohmann::json;

const std::vector<std::string>& optimize_techniques() {
    static const std::vector<std::string> kTechniques = {"int8", "int4", "fp16", "bf16", "fp8-e4m3", "fp8-e5m2", "prune",
                                                         "distill"};
    return kTechniques;
}

json to_json(const OptimizeSettings& s) {
    return json{{"technique", s.technique},
                {"per_channel", s.per_channel},
                {"asymmetric_weights", s.asymmetric_weights},
                {"calib_method", s.calib_method},
                {"calib_samples", s.calib_samples},
                {"qat_epochs", s.qat_epochs},
                {"prune_fraction", s.prune_fraction},
                {"structured", s.structured},
                {"per_layer", s.per_layer},
                {"finetune_epochs", s.finetune_epochs},
                {"student", s.student},
                {"temperature", s.temperature},
                {"alpha", s.alpha},
                {"distill_epochs", s.distill_epochs},
                {"device", s.device},
                {"train_limit", s.train_limit},
                {"test_limit", s.test_limit},
                {"learning_rate", s.learning_rate},
                {"seed", s.seed},
                {"pareto_x", s.pareto_x},
                {"sensitivity_bits", s.sensitivity_bits},
                {"sensitivity_prune", s.sensitivity_prune},
                {"sensitivity_limit", s.sensitivity_limit}};
}

core::Status apply_json(OptimizeSettings& s, const json& j) {
    if (!j.is_object()) return fail("optimize settings must be a JSON object");
    const json current = to_json(s);
    json merged = current;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const auto known = current.find(it.key());
        if (known == current.end()) return fail("optimize." + it.key() + ": unknown key");
        const bool same_kind = (known->is_string() && it->is_string()) || (known->is_boolean() && it->is_boolean()) ||
                               (known->is_number() && it->is_number());
        if (!same_kind)
            return fail("optimize." + it.key() + ": expected a " + std::string(known->type_name()) + ", got " + it->dump());
        merged[it.key()] = *it;
    }
    OptimizeSettings out;
    try {
        out.technique = merged["technique"].get<std::string>();
        out.per_channel = merged["per_channel"].get<bool>();
        out.asymmetric_weights = merged["asymmetric_weights"].get<bool>();
        out.calib_method = merged["calib_method"].get<std::string>();
        out.calib_samples = merged["calib_samples"].get<int>();
        out.qat_epochs = merged["qat_epochs"].get<int>();
        out.prune_fraction = merged["prune_fraction"].get<double>();
        out.structured = merged["structured"].get<bool>();
        out.per_layer = merged["per_layer"].get<bool>();
        out.finetune_epochs = merged["finetune_epochs"].get<int>();
        out.student = merged["student"].get<std::string>();
        out.temperature = merged["temperature"].get<double>();
        out.alpha = merged["alpha"].get<double>();
        out.distill_epochs = merged["distill_epochs"].get<int>();
        out.device = merged["device"].get<std::string>();
        out.train_limit = merged["train_limit"].get<int>();
        out.test_limit = merged["test_limit"].get<int>();
        out.learning_rate = merged["learning_rate"].get<double>();
        out.seed = merged["seed"].get<uint64_t>();
        out.pareto_x = merged["pareto_x"].get<std::string>();
        out.sensitivity_bits = merged["sensitivity_bits"].get<int>();
        out.sensitivity_prune = merged["sensitivity_prune"].get<double>();
        out.sensitivity_limit = merged["sensitivity_limit"].get<int>();
    } catch (const std::exception& e) {
        return fail(std::string("optimize settings: ") + e.what());
    }
    const auto& t = optimize_techniques();
    if (std::find(t.begin(), t.end(), out.technique) == t.end())
        return fail("optimize.technique: unknown technique \"" + out.technique + "\"");
    if (out.pareto_x != "size" && out.pareto_x != "latency")
        return fail("optimize.pareto_x: expected \"size\" or \"latency\", got \"" + out.pareto_x + "\"");
    if (out.train_limit < 0 || out.test_limit < 0 || out.sensitivity_limit < 0)
        return fail("optimize: image limits must be >= 0 (0 = all)");
    s = out;
    return core::Status::success();
}

core::Result<OptimizeRequest> make_optimize_request(const OptimizeSettings& s) {
    OptimizeRequest rq;
    const std::string& t = s.technique;
    if (t == "int8" || t == "int4") {
        rq.quantize = t;
        rq.quant.per_channel = s.per_channel;
        rq.quant.weight_symmetric = !s.asymmetric_weights;
        auto method = models::optimize::parse_calib_method(s.calib_method);
        if (!method) return fail("calibration: " + method.error());
        rq.quant.calib = *method;
        if (s.calib_samples < 1) return fail("calibration needs at least 1 image, got " + std::to_string(s.calib_samples));
        rq.quant.n_calib = s.calib_samples;
        if (s.qat_epochs < 0) return fail("QAT epochs must be >= 0");
        rq.qat_epochs = s.qat_epochs;
    } else if (t == "fp16" || t == "bf16" || t == "fp8-e4m3" || t == "fp8-e5m2") {
        rq.quantize = t;
    } else if (t == "prune") {
        if (!(s.prune_fraction > 0 && s.prune_fraction < 1))
            return fail("the pruning share must be in (0, 1), got " + std::to_string(s.prune_fraction));
        if (s.finetune_epochs < 0) return fail("fine-tuning epochs must be >= 0");
        rq.prune = s.prune_fraction;
        rq.prune_config.structured = s.structured;
        rq.prune_config.global = !s.per_layer;
        rq.prune_config.finetune_epochs = s.finetune_epochs;
    } else if (t == "distill") {
        if (!models::preset_spec(s.student)) return fail("unknown student preset \"" + s.student + "\"");
        if (!(s.temperature > 0)) return fail("the distillation temperature must be positive");
        if (s.alpha < 0 || s.alpha > 1) return fail("alpha must be in [0, 1]");
        if (s.distill_epochs < 1) return fail("distillation needs at least 1 epoch");
        rq.model = s.student;
        rq.distill.temperature = s.temperature;
        rq.distill.alpha = s.alpha;
        rq.epochs = s.distill_epochs;
    } else {
        return fail("unknown technique \"" + t + "\"");
    }
    if (!(s.learning_rate > 0)) return fail("the learning rate must be positive");
    rq.train_limit = s.train_limit;
    rq.test_limit = s.test_limit;
    rq.learning_rate = s.learning_rate;
    rq.seed = s.seed;
    rq.device = s.device;
    return rq;
}

std::string technique_title(const OptimizeSettings& s) {
    const std::string& t = s.technique;
    if (t == "int8" || t == "int4") return t + (s.qat_epochs > 0 ? " QAT" : " PTQ");
    if (t == "prune") return s.structured ? "channel pruning" : "pruning";
    if (t == "distill") return "distillation";
    return t + " weights";
}

std::string technique_detail(const OptimizeSettings& s) {
    char buf[200];
    const std::string& t = s.technique;
    if (t == "int8" || t == "int4") {
        std::snprintf(buf, sizeof buf, "%s, %s weights, %s calibration on %d images%s", s.per_channel ? "per-channel" : "per-tensor",
                      s.asymmetric_weights ? "asymmetric" : "symmetric", s.calib_method.c_str(), s.calib_samples,
                      s.qat_epochs > 0 ? (", " + std::to_string(s.qat_epochs) + " QAT epoch(s)").c_str() : "");
    } else if (t == "prune") {
        std::snprintf(buf, sizeof buf, "%.0f%% of %s, %s, %d fine-tuning epoch(s)", 100 * s.prune_fraction,
                      s.structured ? "channels (L1 norm)" : "weights", s.per_layer ? "per layer" : "global threshold",
                      s.finetune_epochs);
    } else if (t == "distill") {
        std::snprintf(buf, sizeof buf, "%s student, T = %.3g, alpha = %.2g, %d epoch(s)", s.student.c_str(), s.temperature,
                      s.alpha, s.distill_epochs);
    } else {
        std::snprintf(buf, sizeof buf, "weights and activations rounded to %s", t.c_str());
    }
    return buf;
}

std::vector<size_t> optimize_pareto_front(const std::vector<double>& x, const std::vector<double>& accuracy) {
    return pareto_front(x, accuracy);  // the Deploy workspace's front: lower x, higher accuracy
}

std::vector<size_t> optimize_pareto_front(const std::vector<OptimizeVariant>& variants, const std::string& x_axis) {
    std::vector<double> x, acc;
    for (const OptimizeVariant& v : variants) {
        const auto& m = v.metrics;
        const int64_t stored = m.compressed_bytes > 0 ? std::min(m.size_bytes, m.compressed_bytes) : m.size_bytes;
        x.push_back(x_axis == "latency" ? m.latency_s : double(stored));
        acc.push_back(v.metrics.accuracy);
    }
    return optimize_pareto_front(x, acc);
}

core::Result<models::Model> weights_on_int_grid(const models::Model& model, const models::optimize::QuantConfig& config) {
    namespace opt = models::optimize;
    auto copy = model.clone();
    if (!copy) return fail(copy.error());
    const int bits = config.weight_bits;
    const bool sym = config.weight_symmetric;
    for (int i = 0; i < copy->n_layers(); ++i) {
        const models::LayerKind k = copy->layer(i).kind();
        if (k != models::LayerKind::Dense && k != models::LayerKind::Conv2D && k != models::LayerKind::DepthwiseConv2D) continue;
        for (auto& p : copy->layer(i).params()) {
            if (p.name != "weight") continue;
            models::Tensor& w = *p.value;
            // The engine stores the output channel last (dense [in][out], conv HWIO, depthwise HWC).
            const int64_t oc = config.per_channel ? w.shape.back() : 1;
            std::vector<float> lo(size_t(oc), 0.0f), hi(size_t(oc), 0.0f);
            for (int64_t j = 0; j < w.size(); ++j) {
                const size_t c = size_t(j % oc);
                lo[c] = std::min(lo[c], w[j]);
                hi[c] = std::max(hi[c], w[j]);
            }
            std::vector<opt::QuantParams> q(static_cast<size_t>(oc));
            for (size_t c = 0; c < q.size(); ++c) q[c] = opt::choose_qparams(lo[c], hi[c], bits, sym);
            for (int64_t j = 0; j < w.size(); ++j) w[j] = opt::fake_quantize(w[j], q[size_t(j % oc)], bits, sym);
        }
    }
    return std::move(*copy);
}

}  // namespace mlsys::session
