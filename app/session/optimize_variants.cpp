// Measuring variants (optimize_job.hpp): sizes, MACs, sparsity and the device estimate of a float or an
// integer model; per-layer sensitivity; weight histograms for the before/after view.
#include "app/session/optimize_job.hpp"

#include "models/optimize/float_formats.hpp"
#include "models/train/evaluate.hpp"
#include "sim/deploy/estimator.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::session {
namespace {

using models::optimize::FloatFormat;

bool prunable(models::LayerKind k) {
    return k == models::LayerKind::Dense || k == models::LayerKind::Conv2D || k == models::LayerKind::DepthwiseConv2D;
}

models::Tensor* weight_of(models::Layer& l) {
    for (auto& p : l.params())
        if (p.name == "weight") return p.value;
    return nullptr;
}

sim::Precision sim_precision(const std::string& p) {
    if (p == "fp32") return sim::Precision::Fp32;
    if (p == "fp16" || p == "bf16") return sim::Precision::Fp16;
    return sim::Precision::Int8;  // int8, int4 and the 8-bit floats move one byte per value
}

void estimate(VariantMetrics& v, const models::Workload& w, const sim::DeviceProfile* device) {
    if (!device) return;
    sim::ModelVariant mv;
    mv.name = v.name;
    mv.workload = w;
    mv.precision = sim_precision(v.precision);
    const sim::DeviceEstimate e = sim::estimate_on_device(mv, *device);
    v.device = device->id;
    v.latency_s = e.latency_s;
    v.fits = e.fits;
    v.fit_reason = e.fit_reason;
}

}  // namespace

nlohmann::json to_json(const VariantMetrics& v) {
    const auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
    return {{"name", v.name},
            {"precision", v.precision},
            {"accuracy", num(v.accuracy)},
            {"n_test", v.n_test},
            {"n_params", v.n_params},
            {"size_bytes", v.size_bytes},
            {"compressed_bytes", v.compressed_bytes},
            {"sparsity", v.sparsity},
            {"macs", v.macs},
            {"effective_macs", v.effective_macs},
            {"device", v.device},
            {"latency_s", num(v.latency_s)},
            {"fits", v.fits},
            {"fit_reason", v.fit_reason},
            {"is_original", v.is_original},
            {"file", v.file}};
}

core::Result<VariantMetrics> parse_variant_metrics(const nlohmann::json& j) {
    if (!j.is_object()) return core::fail("a variant must be a JSON object");
    VariantMetrics v;
    try {
        v.name = j.at("name").get<std::string>();
        v.precision = j.value("precision", std::string("fp32"));
        const auto num = [&](const char* k) {
            return j.contains(k) && j[k].is_number() ? j[k].get<double>() : std::numeric_limits<double>::quiet_NaN();
        };
        v.accuracy = num("accuracy");
        v.latency_s = num("latency_s");
        v.n_test = j.value("n_test", 0);
        v.n_params = j.value("n_params", int64_t(0));
        v.size_bytes = j.value("size_bytes", int64_t(0));
        v.compressed_bytes = j.value("compressed_bytes", v.size_bytes);
        v.sparsity = j.value("sparsity", 0.0);
        v.macs = j.value("macs", int64_t(0));
        v.effective_macs = j.value("effective_macs", v.macs);
        v.device = j.value("device", std::string());
        v.fits = j.value("fits", false);
        v.fit_reason = j.value("fit_reason", std::string());
        v.is_original = j.value("is_original", false);
        v.file = j.value("file", std::string());
    } catch (const std::exception& e) {
        return core::fail(std::string("variant: ") + e.what());
    }
    return v;
}

VariantMetrics describe_float(models::Model& model, const std::string& name, const std::string& precision,
                              const sim::DeviceProfile* device) {
    VariantMetrics v;
    v.name = name;
    v.precision = precision;
    auto fmt = models::optimize::parse_float_format(precision);
    const int value_bytes = fmt ? models::optimize::format_bits(*fmt) / 8 : 4;
    v.n_params = model.n_params();
    v.size_bytes = v.n_params * value_bytes;
    const models::Workload w = model.workload();
    v.macs = w.total_macs();
    int64_t weights = 0, zeros = 0, compressed = 0, effective = v.macs;
    for (const auto& s : models::optimize::sparsity_report(model)) {
        weights += s.n_weights;
        zeros += s.n_zero;
        const int64_t dense = s.n_weights * value_bytes;
        compressed += std::min(dense, models::optimize::csr_bytes(s.rows, s.cols, s.n_weights - s.n_zero, value_bytes));
        for (const auto& l : w.layers)
            if (l.name == s.name) effective -= int64_t(std::llround(double(l.macs) * s.sparsity()));
    }
    v.sparsity = weights ? double(zeros) / double(weights) : 0.0;
    v.compressed_bytes = compressed + (v.n_params - weights) * value_bytes;
    v.effective_macs = effective;
    estimate(v, w, device);
    return v;
}

VariantMetrics describe_int8(const models::optimize::QuantizedModel& q, const models::Workload& workload,
                             const std::string& name, const sim::DeviceProfile* device) {
    VariantMetrics v;
    v.name = name;
    v.precision = q.weight_bits == 8 ? "int8" : "int" + std::to_string(q.weight_bits);
    int64_t n = 0, zeros = 0;
    for (const auto& l : q.layers) {
        n += int64_t(l.weights.size()) + int64_t(l.bias.size());
        for (int8_t w : l.weights) zeros += w == 0;
    }
    v.n_params = n;
    v.size_bytes = q.parameter_bytes();
    // Sub-byte weights pack two (int4) or more per byte in storage.
    if (q.weight_bits < 8) v.size_bytes -= q.weight_bytes() - (q.weight_bytes() * q.weight_bits + 7) / 8;
    v.compressed_bytes = v.size_bytes;
    v.sparsity = q.weight_bytes() ? double(zeros) / double(q.weight_bytes()) : 0.0;
    v.macs = q.total_macs();
    v.effective_macs = v.macs;
    estimate(v, workload, device);
    return v;
}

std::vector<LayerSensitivity> layer_sensitivity(const models::Model& model, const models::Dataset& test, int bits,
                                                double prune, int limit) {
    std::vector<LayerSensitivity> out;
    for (int i = 0; i < model.n_layers(); ++i) {
        if (!prunable(model.layer(i).kind())) continue;
        auto copy = model.clone();
        if (!copy) continue;
        models::Tensor& w = *weight_of(copy->layer(i));
        if (prune > 0) {
            std::vector<float> mags(w.data.begin(), w.data.end());
            for (auto& m : mags) m = std::fabs(m);
            const size_t k = std::min(mags.size() - 1, size_t(std::llround(prune * double(mags.size()))));
            std::vector<int64_t> order(mags.size());
            for (size_t j = 0; j < order.size(); ++j) order[j] = int64_t(j);
            std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return mags[size_t(a)] < mags[size_t(b)]; });
            for (size_t j = 0; j < k; ++j) w[order[j]] = 0.0f;
        } else {
            const int oc = w.shape.back();
            std::vector<float> mx(static_cast<size_t>(oc), 0.0f);
            for (int64_t j = 0; j < w.size(); ++j) mx[size_t(j % oc)] = std::max(mx[size_t(j % oc)], std::fabs(w[j]));
            for (int64_t j = 0; j < w.size(); ++j) {
                const auto p = models::optimize::choose_qparams(-mx[size_t(j % oc)], mx[size_t(j % oc)], bits, true);
                w[j] = models::optimize::fake_quantize(w[j], p, bits, true);
            }
        }
        LayerSensitivity s;
        s.layer = model.layer(i).name();
        s.n_weights = w.size();
        s.accuracy = models::evaluate(*copy, test, 256, limit).accuracy;
        out.push_back(s);
    }
    return out;
}

std::vector<WeightHistogram> weight_histograms(models::Model& model, int n_bins, float lo, float hi) {
    std::vector<WeightHistogram> out;
    n_bins = std::max(1, n_bins);
    for (int i = 0; i < model.n_layers(); ++i) {
        if (!prunable(model.layer(i).kind())) continue;
        const models::Tensor& w = *weight_of(model.layer(i));
        WeightHistogram h;
        h.layer = model.layer(i).name();
        h.lo = lo;
        h.hi = hi;
        if (!(hi > lo) && w.size() > 0) {
            const auto [mn, mx] = std::minmax_element(w.data.begin(), w.data.end());
            const float m = std::max(std::fabs(*mn), std::fabs(*mx));
            h.lo = -m;
            h.hi = m > 0 ? m : 1.0f;
        }
        h.counts.assign(size_t(n_bins), 0);
        for (float v : w.data) {
            h.zeros += v == 0.0f;
            const int b = std::clamp(int((v - h.lo) / (h.hi - h.lo) * float(n_bins)), 0, n_bins - 1);
            ++h.counts[size_t(b)];
        }
        out.push_back(std::move(h));
    }
    return out;
}

std::vector<WeightHistogram> weight_histograms(const models::optimize::QuantizedModel& q,
                                               const std::vector<WeightHistogram>& like) {
    std::vector<WeightHistogram> out;
    size_t k = 0;
    for (const auto& l : q.layers) {
        if (l.weights.empty() || k >= like.size()) continue;
        WeightHistogram h = like[k++];
        std::fill(h.counts.begin(), h.counts.end(), 0);
        h.zeros = 0;
        const int n_bins = static_cast<int>(h.counts.size());
        const int64_t per = int64_t(l.weights.size()) / std::max(1, l.out_c);
        for (size_t i = 0; i < l.weights.size(); ++i) {
            const int o = l.op == models::optimize::QOp::DepthwiseConv2D ? int(i % size_t(l.out_c)) : int(int64_t(i) / per);
            const size_t s = l.weight_scale.size() == 1 ? 0 : size_t(o);
            const float v = l.weight_scale[s] * float(int32_t(l.weights[i]) - l.weight_zero_point[s]);
            h.zeros += v == 0.0f;
            const int b = std::clamp(int((v - h.lo) / (h.hi - h.lo) * float(n_bins)), 0, n_bins - 1);
            ++h.counts[size_t(b)];
        }
        out.push_back(std::move(h));
    }
    return out;
}

}  // namespace mlsys::session
