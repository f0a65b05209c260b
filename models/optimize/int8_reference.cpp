// The exact reference of the integer kernels (int8_model.hpp, int8_reference_infer): long double over
// whole NHWC batches, weights rearranged back to the engine's HWIO order, im2col-style patches. Every
// value on the integer grid is exact in long double's 64-bit mantissa, so the only rounding is the one the
// definition asks for — any disagreement with int8_kernels.cpp is a bug in one of them.
#include "models/optimize/int8_model.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::models::optimize {
namespace {

using Real = long double;

// Weights of a conv/dense layer as an HWIO (or [in][out]) matrix of (q - zero point) values.
std::vector<Real> hwio_weights(const QLayer& l, int64_t& k_rows) {
    const int oc = l.out_c;
    const auto wz = [&](int o) { return Real(l.weight_zero_point[l.weight_zero_point.size() == 1 ? 0 : size_t(o)]); };
    if (l.op == QOp::Dense) k_rows = l.in_elems();
    else if (l.op == QOp::Conv2D) k_rows = int64_t(l.kernel_h) * l.kernel_w * l.in_c;
    else k_rows = int64_t(l.kernel_h) * l.kernel_w;
    std::vector<Real> w(size_t(k_rows * oc));
    for (int o = 0; o < oc; ++o)
        for (int64_t k = 0; k < k_rows; ++k) {
            const int8_t q = l.op == QOp::DepthwiseConv2D ? l.weights[size_t(k * oc + o)] : l.weights[size_t(o * k_rows + k)];
            w[size_t(k * oc + o)] = Real(q) - wz(o);
        }
    return w;
}

int8_t rescale(Real acc, const QLayer& l, int o) {
    const FixedPointMultiplier& f = l.requant[size_t(o)];
    const Real m = std::ldexp(Real(f.multiplier), -f.shift);
    const Real v = std::floor(acc * m + Real(0.5)) + Real(l.out_q.zero_point);
    return static_cast<int8_t>(std::clamp<Real>(v, l.act_min, l.act_max));
}

// One layer over a batch of n samples, each given as (q - zero point) reals.
std::vector<int8_t> run_layer(const QLayer& l, const std::vector<int8_t>& in, int n) {
    std::vector<int8_t> out(size_t(n * l.out_elems()));
    const Real izp = Real(l.in_q.zero_point);
    if (l.op == QOp::Relu || l.op == QOp::Lut) {
        for (size_t i = 0; i < out.size(); ++i)
            out[i] = l.op == QOp::Lut ? l.lut[size_t(in[i] + 128)]
                                      : static_cast<int8_t>(std::max<int>(in[i], l.act_min));
        return out;
    }
    if (l.op == QOp::Dense || l.op == QOp::Conv2D || l.op == QOp::DepthwiseConv2D) {
        int64_t k_rows = 0;
        const std::vector<Real> w = hwio_weights(l, k_rows);
        std::vector<Real> patch(static_cast<size_t>(k_rows));
        for (int s = 0; s < n; ++s) {
            const int8_t* x = in.data() + s * l.in_elems();
            int8_t* y = out.data() + s * l.out_elems();
            for (int oy = 0; oy < l.out_h; ++oy)
                for (int ox = 0; ox < l.out_w; ++ox) {
                    const int channels = l.op == QOp::DepthwiseConv2D ? l.in_c : 1;
                    for (int ch = 0; ch < channels; ++ch) {
                        // Build the patch (im2col row); padded positions hold real zero.
                        int64_t k = 0;
                        if (l.op == QOp::Dense) {
                            for (int64_t i = 0; i < l.in_elems(); ++i) patch[size_t(k++)] = Real(x[i]) - izp;
                        } else {
                            for (int ky = 0; ky < l.kernel_h; ++ky)
                                for (int kx = 0; kx < l.kernel_w; ++kx) {
                                    const int iy = oy * l.stride - l.padding + ky, ix = ox * l.stride - l.padding + kx;
                                    const bool inside = iy >= 0 && iy < l.in_h && ix >= 0 && ix < l.in_w;
                                    const int c0 = l.op == QOp::DepthwiseConv2D ? ch : 0;
                                    const int c1 = l.op == QOp::DepthwiseConv2D ? ch + 1 : l.in_c;
                                    for (int c = c0; c < c1; ++c)
                                        patch[size_t(k++)] = inside ? Real(x[(iy * l.in_w + ix) * l.in_c + c]) - izp : Real(0);
                                }
                        }
                        const int o0 = l.op == QOp::DepthwiseConv2D ? ch : 0;
                        const int o1 = l.op == QOp::DepthwiseConv2D ? ch + 1 : l.out_c;
                        for (int o = o0; o < o1; ++o) {
                            Real acc = Real(l.bias[size_t(o)]);
                            for (int64_t r = 0; r < k_rows; ++r) acc += patch[size_t(r)] * w[size_t(r * l.out_c + o)];
                            y[(oy * l.out_w + ox) * l.out_c + o] = rescale(acc, l, o);
                        }
                    }
                }
        }
        return out;
    }
    // Pools: the real average (or maximum) of the codes, rounded half away from zero.
    const bool global = l.op == QOp::GlobalAvgPool;
    const int kh = global ? l.in_h : l.kernel_h, kw = global ? l.in_w : l.kernel_w;
    const int stride = global ? 1 : l.stride, pad = global ? 0 : l.padding;
    for (int s = 0; s < n; ++s) {
        const int8_t* x = in.data() + s * l.in_elems();
        int8_t* y = out.data() + s * l.out_elems();
        for (int oy = 0; oy < l.out_h; ++oy)
            for (int ox = 0; ox < l.out_w; ++ox)
                for (int c = 0; c < l.in_c; ++c) {
                    Real sum = 0, best = -1e9L;
                    int count = 0;
                    for (int ky = 0; ky < kh; ++ky)
                        for (int kx = 0; kx < kw; ++kx) {
                            const int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                            if (iy < 0 || iy >= l.in_h || ix < 0 || ix >= l.in_w) continue;
                            const Real v = x[(iy * l.in_w + ix) * l.in_c + c];
                            sum += v;
                            best = std::max(best, v);
                            ++count;
                        }
                    const Real v = l.op == QOp::MaxPool ? best : std::round(sum / Real(std::max(count, 1)));
                    y[(oy * l.out_w + ox) * l.in_c + c] = static_cast<int8_t>(std::clamp<Real>(v, l.act_min, l.act_max));
                }
    }
    return out;
}

}  // namespace

std::vector<int8_t> int8_reference_infer(const QuantizedModel& m, const std::vector<int8_t>& inputs, int n) {
    std::vector<int8_t> a = inputs;
    for (const QLayer& l : m.layers) a = run_layer(l, a, n);
    return a;
}

}  // namespace mlsys::models::optimize
