// Post-training quantization of a float Model into a QuantizedModel: plan the int8 operators (conv/dense
// with a following batchnorm folded and ReLU fused; pools; standalone ReLU; sigmoid/tanh as tables),
// calibrate every activation range on a sample, then quantize weights, biases and rescale multipliers.
#include "models/optimize/int8_model.hpp"

#include "models/data/batching.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlsys::models::optimize {
namespace {

using core::fail;

struct Group {
    QOp op = QOp::Dense;
    int weighted = -1;  // layer index of conv/dense/depthwise, or the pool/relu/lut layer
    int bn = -1;        // a batchnorm folded into it
    bool relu = false;
    int last = -1;      // layer whose output is this operator's output
    bool is_sigmoid = false;
};

// Keeps the exact min/max and an evenly strided sample (at most kMaxKept values) of everything it sees.
class Collector {
public:
    explicit Collector(int64_t expected_total) : stride_(std::max<int64_t>(1, expected_total / kMaxKept)) {}
    void add(const float* v, int64_t n) {
        for (int64_t i = 0; i < n; ++i, ++seen_) {
            lo_ = std::min(lo_, v[i]);
            hi_ = std::max(hi_, v[i]);
            if (seen_ % stride_ == 0) kept_.push_back(v[i]);
        }
    }
    Range range(const QuantConfig& c) const {
        if (c.calib == CalibMethod::MinMax) return {lo_, hi_};
        return calibrate_range(kept_, c.calib, c.act_bits, c.act_symmetric, c.percentile);
    }

private:
    static constexpr int64_t kMaxKept = 1 << 18;
    int64_t stride_;
    int64_t seen_ = 0;
    float lo_ = INFINITY, hi_ = -INFINITY;
    std::vector<float> kept_;
};

void set_hwc(const Shape& s, int& h, int& w, int& c) {
    if (s.size() == 3) {
        h = s[0];
        w = s[1];
        c = s[2];
    } else {
        h = w = 1;
        c = static_cast<int>(shape_size(s));
    }
}

Tensor* find_param(std::vector<Param> ps, const std::string& name) {
    for (auto& p : ps)
        if (p.name == name) return p.value;
    return nullptr;
}

core::Result<std::vector<Group>> plan(Model& model) {
    std::vector<Group> groups;
    const int n = model.n_layers();
    for (int i = 0; i < n;) {
        const Layer& l = model.layer(i);
        Group g;
        switch (l.kind()) {
            case LayerKind::Dense:
            case LayerKind::Conv2D:
            case LayerKind::DepthwiseConv2D: {
                g.op = l.kind() == LayerKind::Dense ? QOp::Dense
                       : l.kind() == LayerKind::Conv2D ? QOp::Conv2D : QOp::DepthwiseConv2D;
                g.weighted = i;
                int j = i + 1;
                const auto skip_dropout = [&] {
                    while (j < n && model.layer(j).kind() == LayerKind::Dropout) ++j;
                };
                skip_dropout();
                if (j < n && model.layer(j).kind() == LayerKind::BatchNorm) g.bn = j++;
                skip_dropout();
                if (j < n && model.layer(j).kind() == LayerKind::ReLU) {
                    g.relu = true;
                    ++j;
                }
                g.last = j - 1;
                groups.push_back(g);
                i = j;
                continue;
            }
            case LayerKind::MaxPool2D: g.op = QOp::MaxPool; break;
            case LayerKind::AvgPool2D: g.op = QOp::AvgPool; break;
            case LayerKind::GlobalAvgPool: g.op = QOp::GlobalAvgPool; break;
            case LayerKind::ReLU: g.op = QOp::Relu; break;
            case LayerKind::Sigmoid:
            case LayerKind::Tanh:
                g.op = QOp::Lut;
                g.is_sigmoid = l.kind() == LayerKind::Sigmoid;
                break;
            case LayerKind::Flatten:
            case LayerKind::Dropout: ++i; continue;
            case LayerKind::Softmax:
                if (i != n - 1) return fail(l.name() + ": softmax before the last layer has no int8 form");
                ++i;
                continue;
            case LayerKind::BatchNorm:
                return fail(l.name() + ": batchnorm that does not follow a conv or dense layer has no int8 form "
                                       "(it is folded into the layer before it)");
        }
        g.weighted = i;
        g.last = i;
        groups.push_back(g);
        ++i;
    }
    if (groups.empty()) return fail("model \"" + model.spec().name + "\" has no layer with an int8 form");
    return groups;
}

// Weights of a weighted group as floats in QLayer layout (batchnorm folded), and the float bias.
void folded_weights(Model& model, const Group& g, QLayer& q, std::vector<float>& w, std::vector<float>& b) {
    Layer& l = model.layer(g.weighted);
    const Tensor& W = *find_param(l.params(), "weight");
    const Tensor* B = find_param(l.params(), "bias");
    const int oc = q.out_c;
    b.assign(size_t(oc), 0.0f);
    if (B) std::copy(B->data.begin(), B->data.end(), b.begin());
    w.assign(W.data.size(), 0.0f);
    if (q.op == QOp::Conv2D) {  // HWIO -> OHWI
        const int kh = q.kernel_h, kw = q.kernel_w, ic = q.in_c;
        for (int y = 0; y < kh; ++y)
            for (int x = 0; x < kw; ++x)
                for (int c = 0; c < ic; ++c)
                    for (int o = 0; o < oc; ++o)
                        w[size_t(((o * kh + y) * kw + x) * ic + c)] = W[((y * kw + x) * ic + c) * oc + o];
    } else if (q.op == QOp::Dense) {  // [in][out] -> [out][in]
        const int in = q.in_c * q.in_h * q.in_w;
        for (int i = 0; i < in; ++i)
            for (int o = 0; o < oc; ++o) w[size_t(o * in + i)] = W[int64_t(i) * oc + o];
    } else {  // depthwise: [kh][kw][c] already
        std::copy(W.data.begin(), W.data.end(), w.begin());
    }
    if (g.bn < 0) return;
    Layer& bn = model.layer(g.bn);
    const Tensor& gamma = *find_param(bn.params(), "gamma");
    const Tensor& beta = *find_param(bn.params(), "beta");
    const Tensor& mean = *find_param(bn.state(), "running_mean");
    const Tensor& var = *find_param(bn.state(), "running_var");
    const int64_t per = int64_t(w.size()) / oc;
    for (int o = 0; o < oc; ++o) {
        const float s = gamma[o] / std::sqrt(var[o] + bn.spec().epsilon);
        b[size_t(o)] = (b[size_t(o)] - mean[o]) * s + beta[o];
        for (int64_t k = 0; k < per; ++k) {
            const int64_t idx = q.op == QOp::DepthwiseConv2D ? k * oc + o : o * per + k;
            w[size_t(idx)] *= s;
        }
    }
}

core::Status quantize_weights(Model& model, const Group& g, const QuantConfig& cfg, QLayer& q) {
    std::vector<float> w, b;
    folded_weights(model, g, q, w, b);
    const int oc = q.out_c;
    const int64_t per = int64_t(w.size()) / oc;
    const auto index = [&](int o, int64_t k) { return size_t(q.op == QOp::DepthwiseConv2D ? k * oc + o : o * per + k); };
    const int n_scales = cfg.per_channel ? oc : 1;
    std::vector<QuantParams> wq(static_cast<size_t>(n_scales));
    for (int s = 0; s < n_scales; ++s) {
        float lo = INFINITY, hi = -INFINITY;
        for (int o = cfg.per_channel ? s : 0; o < (cfg.per_channel ? s + 1 : oc); ++o)
            for (int64_t k = 0; k < per; ++k) {
                lo = std::min(lo, w[index(o, k)]);
                hi = std::max(hi, w[index(o, k)]);
            }
        wq[size_t(s)] = choose_qparams(lo, hi, cfg.weight_bits, cfg.weight_symmetric);
        q.weight_scale.push_back(wq[size_t(s)].scale);
        q.weight_zero_point.push_back(wq[size_t(s)].zero_point);
    }
    const int32_t lo_q = qmin(cfg.weight_bits, cfg.weight_symmetric), hi_q = qmax(cfg.weight_bits);
    q.weights.resize(w.size());
    for (int o = 0; o < oc; ++o) {
        const QuantParams& p = wq[size_t(cfg.per_channel ? o : 0)];
        for (int64_t k = 0; k < per; ++k)
            q.weights[index(o, k)] = static_cast<int8_t>(quantize_value(w[index(o, k)], p, lo_q, hi_q));
        const double bias_scale = double(q.in_q.scale) * double(p.scale);
        const double bq = std::round(double(b[size_t(o)]) / bias_scale);
        q.bias.push_back(static_cast<int32_t>(std::clamp(bq, -2147483647.0, 2147483647.0)));
        auto m = quantize_multiplier(bias_scale / double(q.out_q.scale));
        if (!m) return fail(q.name + ": " + m.error());
        q.requant.push_back(*m);
    }
    return {};
}

}  // namespace

const char* to_string(QOp op) {
    switch (op) {
        case QOp::Conv2D: return "conv2d";
        case QOp::DepthwiseConv2D: return "depthwise_conv2d";
        case QOp::Dense: return "dense";
        case QOp::MaxPool: return "maxpool2d";
        case QOp::AvgPool: return "avgpool2d";
        case QOp::GlobalAvgPool: return "global_avgpool";
        case QOp::Relu: return "relu";
        case QOp::Lut: return "lut";
    }
    return "?";
}

int64_t QLayer::macs() const {
    switch (op) {
        case QOp::Conv2D: return out_elems() * kernel_h * kernel_w * in_c;
        case QOp::DepthwiseConv2D: return out_elems() * kernel_h * kernel_w;
        case QOp::Dense: return in_elems() * out_c;
        default: return 0;
    }
}

int64_t QuantizedModel::weight_bytes() const {
    int64_t n = 0;
    for (const auto& l : layers) n += int64_t(l.weights.size());
    return n;
}

int64_t QuantizedModel::parameter_bytes() const {
    int64_t n = 0;
    for (const auto& l : layers)
        n += int64_t(l.weights.size()) + 4 * int64_t(l.bias.size()) + 5 * int64_t(l.requant.size()) +
             8 * int64_t(l.weight_scale.size()) + int64_t(l.lut.size());
    return n;
}

int64_t QuantizedModel::total_macs() const {
    int64_t n = 0;
    for (const auto& l : layers) n += l.macs();
    return n;
}

int64_t QuantizedModel::max_activation_elems() const {
    int64_t n = 0;
    for (const auto& l : layers) n = std::max({n, l.in_elems(), l.out_elems()});
    return n;
}

nlohmann::json to_json(const QuantConfig& c) {
    return {{"weight_bits", c.weight_bits}, {"act_bits", c.act_bits},        {"per_channel", c.per_channel},
            {"weight_symmetric", c.weight_symmetric}, {"act_symmetric", c.act_symmetric},
            {"calib", to_string(c.calib)}, {"percentile", c.percentile},   {"n_calib", c.n_calib}};
}

core::Result<std::vector<int>> quantization_points(Model& model) {
    auto groups = plan(model);
    if (!groups) return fail(groups.error());
    std::vector<int> out;
    for (const auto& g : *groups) out.push_back(g.last);
    return out;
}

core::Result<QuantizedModel> quantize_model(Model& model, const Dataset& calib, const QuantConfig& cfg) {
    if (cfg.weight_bits < 2 || cfg.weight_bits > 8) return fail("weight_bits must be 2..8, got " + std::to_string(cfg.weight_bits));
    if (cfg.act_bits < 2 || cfg.act_bits > 8) return fail("act_bits must be 2..8, got " + std::to_string(cfg.act_bits));
    if (calib.sample_shape != model.spec().input_shape)
        return fail("calibration data has " + shape_str(calib.sample_shape) + " samples; the model takes " +
                    shape_str(model.spec().input_shape));
    const int n_calib = std::min(cfg.n_calib, calib.size());
    if (n_calib < 1) return fail("calibration needs at least one sample");
    auto groups = plan(model);
    if (!groups) return fail(groups.error());

    // Calibration: run the float model and watch the input and every operator's output.
    Collector in_col(int64_t(n_calib) * calib.sample_size());
    std::vector<Collector> out_cols;
    for (const auto& g : *groups) out_cols.emplace_back(int64_t(n_calib) * shape_size(model.layer(g.last).output_shape()));
    std::vector<int> idx(static_cast<size_t>(n_calib));
    std::iota(idx.begin(), idx.end(), 0);
    Tensor x;
    std::vector<int> y;
    for (int s = 0; s < n_calib; s += 100) {
        const int e = std::min(n_calib, s + 100);
        gather_batch(calib, std::span<const int>(idx).subspan(size_t(s), size_t(e - s)), x, y);
        in_col.add(x.ptr(), x.size());
        model.forward(x, false);
        for (size_t k = 0; k < groups->size(); ++k) {
            const Tensor& a = model.activation((*groups)[k].last);
            out_cols[k].add(a.ptr(), a.size());
        }
    }

    QuantizedModel qm;
    qm.name = model.spec().name;
    qm.input_shape = model.spec().input_shape;
    qm.n_classes = model.spec().n_classes;
    qm.weight_bits = cfg.weight_bits;
    qm.act_bits = cfg.act_bits;
    qm.act_symmetric = cfg.act_symmetric;
    const Range in_range = in_col.range(cfg);
    qm.input_q = choose_qparams(in_range.lo, in_range.hi, cfg.act_bits, cfg.act_symmetric);
    QuantParams cur = qm.input_q;
    const int32_t a_lo = qmin(cfg.act_bits, cfg.act_symmetric), a_hi = qmax(cfg.act_bits);
    for (size_t k = 0; k < groups->size(); ++k) {
        const Group& g = (*groups)[k];
        const Layer& l = model.layer(g.weighted);
        QLayer q;
        q.op = g.op;
        q.name = l.name();
        set_hwc(l.input_shape(), q.in_h, q.in_w, q.in_c);
        set_hwc(model.layer(g.last).output_shape(), q.out_h, q.out_w, q.out_c);
        q.kernel_h = l.spec().kernel_h;
        q.kernel_w = l.spec().kernel_w;
        q.stride = l.spec().stride;
        q.padding = l.spec().padding;
        q.in_q = cur;
        q.act_min = a_lo;
        q.act_max = a_hi;
        switch (g.op) {
            case QOp::Conv2D:
            case QOp::DepthwiseConv2D:
            case QOp::Dense: {
                const Range r = out_cols[k].range(cfg);
                q.out_q = choose_qparams(r.lo, r.hi, cfg.act_bits, cfg.act_symmetric);
                q.fused_relu = g.relu;
                if (g.relu) q.act_min = std::max(a_lo, q.out_q.zero_point);
                if (q.op == QOp::Dense) q.kernel_h = q.kernel_w = 1;
                if (auto st = quantize_weights(model, g, cfg, q); !st) return fail(st.error());
                break;
            }
            case QOp::MaxPool:
            case QOp::AvgPool:
            case QOp::GlobalAvgPool: q.out_q = cur; break;
            case QOp::Relu:
                q.out_q = cur;
                q.act_min = std::max(a_lo, cur.zero_point);
                break;
            case QOp::Lut: {
                q.out_q = g.is_sigmoid ? choose_qparams(0.0f, 1.0f, cfg.act_bits, cfg.act_symmetric)
                                       : choose_qparams(-1.0f, 1.0f, cfg.act_bits, cfg.act_symmetric);
                q.lut.resize(256);
                for (int c = -128; c < 128; ++c) {
                    const double v = dequantize_value(std::clamp(c, a_lo, a_hi), cur);
                    const double f = g.is_sigmoid ? 1.0 / (1.0 + std::exp(-v)) : std::tanh(v);
                    q.lut[size_t(c + 128)] = static_cast<int8_t>(quantize_value(float(f), q.out_q, a_lo, a_hi));
                }
                break;
            }
        }
        cur = q.out_q;
        qm.layers.push_back(std::move(q));
    }
    return qm;
}

}  // namespace mlsys::models::optimize
