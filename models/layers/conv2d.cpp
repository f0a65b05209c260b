// Conv2D over NHWC with HWIO weights: im2col into one (N·OH·OW) x (KH·KW·C) matrix and one GEMM per batch
// (a 1x1, stride-1, unpadded convolution uses the input directly). Backward: dW = colsᵀ·dY, dcols = dY·Wᵀ,
// col2im. The naive loops it must agree with are in reference_ops.cpp.
#include "models/layers/layer_kinds.hpp"
#include "models/tensor/eigen_views.hpp"

#include <utility>


namespace mlsys::models::detail {
namespace {

class Conv2D final : public Layer {
public:
    explicit Conv2D(const LayerSpec& s) : Layer(s) {}

    core::Result<Shape> do_build(const Shape& in) override {
        if (in.size() != 3) return core::fail("conv2d needs an image input (height x width x channels), got " + shape_str(in));
        h_ = in[0];
        w_ = in[1];
        c_ = in[2];
        const int kh = spec_.kernel_h, kw = spec_.kernel_w, p = spec_.padding;
        if (kh > h_ + 2 * p || kw > w_ + 2 * p)
            return core::fail("kernel " + std::to_string(kh) + "x" + std::to_string(kw) + " is larger than the padded input " +
                              std::to_string(h_ + 2 * p) + "x" + std::to_string(w_ + 2 * p));
        if (spec_.stride < 1) return core::fail("stride must be at least 1");
        oh_ = window_out(h_, kh, spec_.stride, p);
        ow_ = window_out(w_, kw, spec_.stride, p);
        k_ = kh * kw * c_;
        weight_ = Tensor({kh, kw, c_, spec_.filters});
        weight_grad_ = Tensor(weight_.shape);
        if (spec_.use_bias) {
            bias_ = Tensor({spec_.filters});
            bias_grad_ = Tensor({spec_.filters});
        }
        pointwise_ = kh == 1 && kw == 1 && spec_.stride == 1 && p == 0;
        return Shape{oh_, ow_, spec_.filters};
    }

    void init_params(core::Rng& rng) override {
        he_normal(weight_, k_, rng);
        bias_.zero();
    }

    void forward(const Tensor& x, Tensor& y, bool) override {
        const int n = x.batch();
        const int64_t rows = int64_t(n) * oh_ * ow_;
        y.resize({n, oh_, ow_, spec_.filters});
        MatrixMap Y = as_matrix(y, rows, spec_.filters);
        ConstMatrixMap W = const_matrix(weight_, k_, spec_.filters);
        if (pointwise_) {
            Y.noalias() = as_matrix(x, rows, k_) * W;
        } else {
            im2col(x, n);
            Y.noalias() = as_matrix(cols_, rows, k_) * W;
        }
        if (spec_.use_bias) Y.rowwise() += as_row(std::as_const(bias_));
    }

    void backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) override {
        const int n = x.batch();
        const int64_t rows = int64_t(n) * oh_ * ow_;
        ConstMatrixMap dY = as_matrix(dy, rows, spec_.filters);
        const Tensor& cols = pointwise_ ? x : cols_;  // forward(training) left the im2col matrix in cols_
        as_matrix(weight_grad_, k_, spec_.filters).noalias() = as_matrix(cols, rows, k_).transpose() * dY;
        if (spec_.use_bias) bias_gradient(dy.ptr(), rows);
        if (!dx) return;
        dx->resize(x.shape);
        ConstMatrixMap W = const_matrix(weight_, k_, spec_.filters);
        if (pointwise_) {
            as_matrix(*dx, rows, k_).noalias() = dY * W.transpose();
            return;
        }
        dcols_.resize({static_cast<int>(rows), k_});
        as_matrix(dcols_, rows, k_).noalias() = dY * W.transpose();
        col2im(*dx, n);
    }

    std::vector<Param> params() override {
        std::vector<Param> p{{"weight", &weight_, &weight_grad_}};
        if (spec_.use_bias) p.push_back({"bias", &bias_, &bias_grad_});
        return p;
    }
    int64_t macs_per_sample() const override { return int64_t(oh_) * ow_ * k_ * spec_.filters; }

private:
    // cols_[(n, oy, ox), (ky, kx, c)] = x[n, oy*s - p + ky, ox*s - p + kx, c], zero outside the image.
    void im2col(const Tensor& x, int n) {
        const int kh = spec_.kernel_h, kw = spec_.kernel_w, s = spec_.stride, p = spec_.padding;
        const int C = c_, H = h_, W = w_;  // locals: the compiler need not reload members after stores
        cols_.resize({n * oh_ * ow_, k_});
        float* __restrict out = cols_.ptr();
        const float* __restrict in = x.ptr();
        for (int b = 0; b < n; ++b)
            for (int oy = 0; oy < oh_; ++oy)
                for (int ox = 0; ox < ow_; ++ox)
                    for (int ky = 0; ky < kh; ++ky) {
                        const int iy = oy * s - p + ky;
                        if (iy < 0 || iy >= H) {
                            for (int i = 0; i < kw * C; ++i) out[i] = 0.0f;
                            out += kw * C;
                            continue;
                        }
                        const float* row = in + (int64_t(b) * H + iy) * W * C;
                        const int ix0 = ox * s - p;
                        if (ix0 >= 0 && ix0 + kw <= W) {
                            // The whole kernel row is inside the image: kw * C contiguous floats.
                            const float* src = row + int64_t(ix0) * C;
                            for (int i = 0; i < kw * C; ++i) out[i] = src[i];
                            out += kw * C;
                            continue;
                        }
                        for (int kx = 0; kx < kw; ++kx, out += C) {
                            const int ix = ix0 + kx;
                            if (ix < 0 || ix >= W) {
                                for (int c = 0; c < C; ++c) out[c] = 0.0f;
                            } else {
                                const float* src = row + int64_t(ix) * C;
                                for (int c = 0; c < C; ++c) out[c] = src[c];
                            }
                        }
                    }
    }

    // The adjoint of im2col: every column entry adds its gradient back to the input pixel it came from.
    void col2im(Tensor& dx, int n) const {
        const int kh = spec_.kernel_h, kw = spec_.kernel_w, s = spec_.stride, p = spec_.padding;
        const int C = c_, H = h_, W = w_;  // locals: the compiler need not reload members after stores
        dx.zero();
        const float* __restrict src = dcols_.ptr();
        float* __restrict out = dx.ptr();
        for (int b = 0; b < n; ++b)
            for (int oy = 0; oy < oh_; ++oy)
                for (int ox = 0; ox < ow_; ++ox)
                    for (int ky = 0; ky < kh; ++ky) {
                        const int iy = oy * s - p + ky;
                        if (iy < 0 || iy >= H) {
                            src += int64_t(kw) * C;
                            continue;
                        }
                        float* row = out + (int64_t(b) * H + iy) * W * C;
                        for (int kx = 0; kx < kw; ++kx, src += C) {
                            const int ix = ox * s - p + kx;
                            if (ix < 0 || ix >= W) continue;
                            float* dst = row + int64_t(ix) * C;
                            for (int c = 0; c < C; ++c) dst[c] += src[c];
                        }
                    }
    }

    // db[f] = sum over rows of dY[row, f], row by row so the filter loop vectorises.
    void bias_gradient(const float* dy, int64_t rows) {
        const int F = spec_.filters;
        float* __restrict db = bias_grad_.ptr();
        for (int f = 0; f < F; ++f) db[f] = 0.0f;
        for (int64_t r = 0; r < rows; ++r, dy += F)
            for (int f = 0; f < F; ++f) db[f] += dy[f];
    }

    int h_ = 0, w_ = 0, c_ = 0, oh_ = 0, ow_ = 0, k_ = 0;
    bool pointwise_ = false;
    Tensor weight_, weight_grad_, bias_, bias_grad_;
    Tensor cols_, dcols_;
};

}  // namespace

std::unique_ptr<Layer> make_conv2d(const LayerSpec& spec) { return std::make_unique<Conv2D>(spec); }

}  // namespace mlsys::models::detail
