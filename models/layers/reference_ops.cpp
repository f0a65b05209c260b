// Naive loops, accumulated in double, written to be read.
#include "models/layers/reference_ops.hpp"

#include <algorithm>
#include <limits>

namespace mlsys::models::reference {

namespace {
int out_size(int in, int k, int s, int p) { return (in + 2 * p - k) / s + 1; }
}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int stride, int padding) {
    const int n = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
    const int kh = weight.shape[0], kw = weight.shape[1], f = weight.shape[3];
    const int oh = out_size(h, kh, stride, padding), ow = out_size(w, kw, stride, padding);
    Tensor y({n, oh, ow, f});
    for (int b = 0; b < n; ++b)
        for (int oy = 0; oy < oh; ++oy)
            for (int ox = 0; ox < ow; ++ox)
                for (int o = 0; o < f; ++o) {
                    double acc = bias.size() ? bias[o] : 0.0;
                    for (int ky = 0; ky < kh; ++ky)
                        for (int kx = 0; kx < kw; ++kx)
                            for (int ci = 0; ci < c; ++ci) {
                                const int iy = oy * stride - padding + ky, ix = ox * stride - padding + kx;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                acc += double(x[((int64_t(b) * h + iy) * w + ix) * c + ci]) *
                                       weight[((int64_t(ky) * kw + kx) * c + ci) * f + o];
                            }
                    y[((int64_t(b) * oh + oy) * ow + ox) * f + o] = static_cast<float>(acc);
                }
    return y;
}

Tensor depthwise_conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int stride, int padding) {
    const int n = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
    const int kh = weight.shape[0], kw = weight.shape[1];
    const int oh = out_size(h, kh, stride, padding), ow = out_size(w, kw, stride, padding);
    Tensor y({n, oh, ow, c});
    for (int b = 0; b < n; ++b)
        for (int oy = 0; oy < oh; ++oy)
            for (int ox = 0; ox < ow; ++ox)
                for (int ci = 0; ci < c; ++ci) {
                    double acc = bias.size() ? bias[ci] : 0.0;
                    for (int ky = 0; ky < kh; ++ky)
                        for (int kx = 0; kx < kw; ++kx) {
                            const int iy = oy * stride - padding + ky, ix = ox * stride - padding + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                            acc += double(x[((int64_t(b) * h + iy) * w + ix) * c + ci]) * weight[(int64_t(ky) * kw + kx) * c + ci];
                        }
                    y[((int64_t(b) * oh + oy) * ow + ox) * c + ci] = static_cast<float>(acc);
                }
    return y;
}

Tensor dense(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    const int n = x.shape[0], k = weight.shape[0], f = weight.shape[1];
    Tensor y({n, f});
    for (int b = 0; b < n; ++b)
        for (int o = 0; o < f; ++o) {
            double acc = bias.size() ? bias[o] : 0.0;
            for (int i = 0; i < k; ++i) acc += double(x[int64_t(b) * k + i]) * weight[int64_t(i) * f + o];
            y[int64_t(b) * f + o] = static_cast<float>(acc);
        }
    return y;
}

Tensor pool2d(const Tensor& x, int kernel_h, int kernel_w, int stride, int padding, bool is_max) {
    const int n = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
    const int oh = out_size(h, kernel_h, stride, padding), ow = out_size(w, kernel_w, stride, padding);
    Tensor y({n, oh, ow, c});
    for (int b = 0; b < n; ++b)
        for (int oy = 0; oy < oh; ++oy)
            for (int ox = 0; ox < ow; ++ox)
                for (int ci = 0; ci < c; ++ci) {
                    double acc = is_max ? -std::numeric_limits<double>::infinity() : 0.0;
                    int count = 0;
                    for (int ky = 0; ky < kernel_h; ++ky)
                        for (int kx = 0; kx < kernel_w; ++kx) {
                            const int iy = oy * stride - padding + ky, ix = ox * stride - padding + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                            const double v = x[((int64_t(b) * h + iy) * w + ix) * c + ci];
                            acc = is_max ? std::max(acc, v) : acc + v;
                            ++count;
                        }
                    y[((int64_t(b) * oh + oy) * ow + ox) * c + ci] = static_cast<float>(is_max ? acc : acc / count);
                }
    return y;
}

}  // namespace mlsys::models::reference
