// The integer-only kernels: int8 in, int32 accumulate, fixed-point rescale, clamp. Written as plain loops
// over raw arrays with no floating point, so the board firmware (hardware/firmware/) can mirror them line
// for line; the exact reference they are tested against is int8_reference.cpp.
#include "models/optimize/int8_model.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

namespace mlsys::models::optimize {
namespace {

inline int8_t requantize(int32_t acc, const FixedPointMultiplier& m, int32_t out_zp, int32_t lo, int32_t hi) {
    int32_t v = apply_multiplier(acc, m);
    v = (v > INT32_MAX - 128 || v < INT32_MIN + 128) ? (v < 0 ? lo : hi) : v + out_zp;
    return static_cast<int8_t>(std::clamp(v, lo, hi));
}

inline int32_t wzp(const QLayer& l, int o) { return l.weight_zero_point[l.weight_zero_point.size() == 1 ? 0 : size_t(o)]; }

void conv2d(const QLayer& l, const int8_t* in, int8_t* out) {
    const int32_t izp = l.in_q.zero_point, ozp = l.out_q.zero_point;
    for (int oy = 0; oy < l.out_h; ++oy)
        for (int ox = 0; ox < l.out_w; ++ox)
            for (int o = 0; o < l.out_c; ++o) {
                int32_t acc = l.bias[size_t(o)];
                const int32_t wz = wzp(l, o);
                for (int ky = 0; ky < l.kernel_h; ++ky) {
                    const int iy = oy * l.stride - l.padding + ky;
                    if (iy < 0 || iy >= l.in_h) continue;  // padding is real zero: contributes nothing
                    for (int kx = 0; kx < l.kernel_w; ++kx) {
                        const int ix = ox * l.stride - l.padding + kx;
                        if (ix < 0 || ix >= l.in_w) continue;
                        const int8_t* xp = in + (iy * l.in_w + ix) * l.in_c;
                        const int8_t* wp = l.weights.data() + ((o * l.kernel_h + ky) * l.kernel_w + kx) * l.in_c;
                        for (int c = 0; c < l.in_c; ++c) acc += (int32_t(xp[c]) - izp) * (int32_t(wp[c]) - wz);
                    }
                }
                out[(oy * l.out_w + ox) * l.out_c + o] = requantize(acc, l.requant[size_t(o)], ozp, l.act_min, l.act_max);
            }
}

void depthwise(const QLayer& l, const int8_t* in, int8_t* out) {
    const int32_t izp = l.in_q.zero_point, ozp = l.out_q.zero_point;
    const int C = l.in_c;
    for (int oy = 0; oy < l.out_h; ++oy)
        for (int ox = 0; ox < l.out_w; ++ox)
            for (int c = 0; c < C; ++c) {
                int32_t acc = l.bias[size_t(c)];
                const int32_t wz = wzp(l, c);
                for (int ky = 0; ky < l.kernel_h; ++ky) {
                    const int iy = oy * l.stride - l.padding + ky;
                    if (iy < 0 || iy >= l.in_h) continue;
                    for (int kx = 0; kx < l.kernel_w; ++kx) {
                        const int ix = ox * l.stride - l.padding + kx;
                        if (ix < 0 || ix >= l.in_w) continue;
                        acc += (int32_t(in[(iy * l.in_w + ix) * C + c]) - izp) *
                               (int32_t(l.weights[size_t((ky * l.kernel_w + kx) * C + c)]) - wz);
                    }
                }
                out[(oy * l.out_w + ox) * C + c] = requantize(acc, l.requant[size_t(c)], ozp, l.act_min, l.act_max);
            }
}

void dense(const QLayer& l, const int8_t* in, int8_t* out) {
    const int32_t izp = l.in_q.zero_point, ozp = l.out_q.zero_point;
    const int n_in = static_cast<int>(l.in_elems());
    for (int o = 0; o < l.out_c; ++o) {
        int32_t acc = l.bias[size_t(o)];
        const int32_t wz = wzp(l, o);
        const int8_t* wp = l.weights.data() + o * n_in;
        for (int i = 0; i < n_in; ++i) acc += (int32_t(in[i]) - izp) * (int32_t(wp[i]) - wz);
        out[o] = requantize(acc, l.requant[size_t(o)], ozp, l.act_min, l.act_max);
    }
}

// Rounded integer division, ties away from zero (count > 0).
inline int32_t div_round(int32_t sum, int32_t count) {
    return sum >= 0 ? (sum + count / 2) / count : -((-sum + count / 2) / count);
}

void pool(const QLayer& l, const int8_t* in, int8_t* out, bool is_max) {
    const int C = l.in_c;
    for (int oy = 0; oy < l.out_h; ++oy)
        for (int ox = 0; ox < l.out_w; ++ox)
            for (int c = 0; c < C; ++c) {
                int32_t best = INT32_MIN, sum = 0, count = 0;
                for (int ky = 0; ky < l.kernel_h; ++ky) {
                    const int iy = oy * l.stride - l.padding + ky;
                    if (iy < 0 || iy >= l.in_h) continue;
                    for (int kx = 0; kx < l.kernel_w; ++kx) {
                        const int ix = ox * l.stride - l.padding + kx;
                        if (ix < 0 || ix >= l.in_w) continue;
                        const int32_t v = in[(iy * l.in_w + ix) * C + c];
                        best = std::max(best, v);
                        sum += v;
                        ++count;
                    }
                }
                const int32_t v = is_max ? best : div_round(sum, std::max(count, 1));
                out[(oy * l.out_w + ox) * C + c] = static_cast<int8_t>(std::clamp(v, l.act_min, l.act_max));
            }
}

void global_avgpool(const QLayer& l, const int8_t* in, int8_t* out) {
    const int C = l.in_c, hw = l.in_h * l.in_w;
    for (int c = 0; c < C; ++c) {
        int32_t sum = 0;
        for (int p = 0; p < hw; ++p) sum += in[p * C + c];
        out[c] = static_cast<int8_t>(std::clamp(div_round(sum, hw), l.act_min, l.act_max));
    }
}

}  // namespace

void quantize_input(const QuantizedModel& m, const float* x, int8_t* q) {
    const int64_t n = shape_size(m.input_shape);
    const int32_t a_lo = qmin(m.act_bits, m.act_symmetric), a_hi = qmax(m.act_bits);
    for (int64_t i = 0; i < n; ++i) q[i] = static_cast<int8_t>(quantize_value(x[i], m.input_q, a_lo, a_hi));
}

void int8_infer(const QuantizedModel& m, const int8_t* input, int8_t* output, std::vector<int8_t>& scratch) {
    const size_t cap = size_t(m.max_activation_elems());
    if (scratch.size() < 2 * cap) scratch.resize(2 * cap);
    int8_t* a = scratch.data();
    int8_t* b = scratch.data() + cap;
    std::copy(input, input + m.layers.front().in_elems(), a);
    for (const QLayer& l : m.layers) {
        switch (l.op) {
            case QOp::Conv2D: conv2d(l, a, b); break;
            case QOp::DepthwiseConv2D: depthwise(l, a, b); break;
            case QOp::Dense: dense(l, a, b); break;
            case QOp::MaxPool: pool(l, a, b, true); break;
            case QOp::AvgPool: pool(l, a, b, false); break;
            case QOp::GlobalAvgPool: global_avgpool(l, a, b); break;
            case QOp::Relu:
                for (int64_t i = 0; i < l.out_elems(); ++i) b[i] = static_cast<int8_t>(std::clamp<int32_t>(a[i], l.act_min, l.act_max));
                break;
            case QOp::Lut:
                for (int64_t i = 0; i < l.out_elems(); ++i) b[i] = l.lut[size_t(int32_t(a[i]) + 128)];
                break;
        }
        std::swap(a, b);
    }
    std::copy(a, a + m.layers.back().out_elems(), output);
}

Int8Eval evaluate_int8(const QuantizedModel& m, const Dataset& data, int limit) {
    Int8Eval r;
    const int n = limit > 0 ? std::min(limit, data.size()) : data.size();
    std::vector<int8_t> in(size_t(shape_size(m.input_shape))), out(size_t(m.layers.back().out_elems())), scratch;
    int correct = 0;
    for (int i = 0; i < n; ++i) {
        quantize_input(m, data.sample(i), in.data());
        int8_infer(m, in.data(), out.data(), scratch);
        const int pred = static_cast<int>(std::max_element(out.begin(), out.end()) - out.begin());
        r.predictions.push_back(pred);
        correct += pred == data.y[size_t(i)];
    }
    r.n_samples = n;
    r.accuracy = n > 0 ? double(correct) / n : 0.0;
    return r;
}

}  // namespace mlsys::models::optimize
