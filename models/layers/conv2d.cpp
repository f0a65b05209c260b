// Conv2D over NHWC with HWIO weights: im2col into an (images·OH·OW) x (KH·KW·C) matrix and one GEMM per
// chunk of a few images (a 1x1, stride-1, unpadded convolution uses the input directly). Backward: dW = Σ
// colsᵀ·dY over the chunks, dcols = dY·Wᵀ, col2im. The GEMMs run on the vector kernels of
// models/tensor/gemm.hpp, or Eigen on CPUs without them. The naive loops it must agree with are in
// reference_ops.cpp.
#include "models/layers/layer_kinds.hpp"
#include "models/tensor/eigen_views.hpp"
#include "models/tensor/gemm.hpp"

#include <algorithm>
#include <utility>

// GCC turns short copy and fill loops into memcpy/memset calls; for the few floats an im2col row segment
// holds, the call costs more than the copy (callgrind counted ~10^5 memset calls per forward).
#if defined(__GNUC__) && !defined(__clang__)
#define MLSYS_NO_LIBCALL_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define MLSYS_NO_LIBCALL_LOOPS
#endif

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
        const int F = spec_.filters;
        const int64_t img_rows = int64_t(oh_) * ow_;
        y.resize({n, oh_, ow_, F});
        const float* bias = spec_.use_bias ? bias_.ptr() : nullptr;
        const int chunk = chunk_images();
        for (int b0 = 0; b0 < n; b0 += chunk) {
            const int nb = std::min(chunk, n - b0);
            const int64_t rows = nb * img_rows;
            float* y0 = y.ptr() + b0 * img_rows * F;
            ConstMatrixMap A = lhs(x, b0, nb);
            if (gemm::matmul(rows, F, k_, A.data(), k_, weight_.ptr(), F, bias, y0, F)) continue;
            // No vector kernel for this CPU: Eigen, the bias written first and the product added to it.
            MatrixMap Y(y0, rows, F);
            if (bias) Y.rowwise() = as_row(std::as_const(bias_));
            else Y.setZero();
            Y.noalias() += A * const_matrix(weight_, k_, F);
        }
    }

    void backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) override {
        const int n = x.batch();
        const int F = spec_.filters;
        const int64_t img_rows = int64_t(oh_) * ow_;
        if (spec_.use_bias) bias_gradient(dy.ptr(), n * img_rows);
        if (dx) dx->resize(x.shape);
        // The vector kernels: dW += colsᵀ·dY chunk by chunk, and dcols = dY·Wᵀ with Wᵀ (filters x k) made
        // once per call.
        const bool vec = gemm::active_isa() != gemm::Isa::None;
        MatrixMap dW = as_matrix(weight_grad_, k_, F);
        ConstMatrixMap W = const_matrix(weight_, k_, F);
        dW.setZero();
        if (vec && dx) {
            wt_.resize({F, k_});
            as_matrix(wt_, F, k_) = W.transpose();
        }
        const int chunk = chunk_images();
        for (int b0 = 0; b0 < n; b0 += chunk) {
            const int nb = std::min(chunk, n - b0);
            const int64_t rows = nb * img_rows;
            ConstMatrixMap dY(dy.ptr() + b0 * img_rows * F, rows, F);
            ConstMatrixMap A = lhs(x, b0, nb);  // the chunk's im2col is rebuilt (in cache)
            const bool accumulated =
                vec && gemm::matmul_tn(k_, F, rows, A.data(), k_, dY.data(), F, dW.data(), F, /*accumulate=*/true);
            if (!accumulated) dW.noalias() += A.transpose() * dY;
            if (!dx) continue;
            float* dst = dx->ptr() + b0 * img_rows * k_;  // pointwise: dx rows are the columns
            if (!pointwise_) {
                dcols_.resize({static_cast<int>(rows), k_});
                dst = dcols_.ptr();
            }
            if (!vec || !gemm::matmul(rows, k_, F, dY.data(), F, wt_.ptr(), k_, nullptr, dst, k_))
                MatrixMap(dst, rows, k_).noalias() = dY * W.transpose();
            if (!pointwise_) col2im(*dx, b0, nb);
        }
    }

    std::vector<Param> params() override {
        std::vector<Param> p{{"weight", &weight_, &weight_grad_}};
        if (spec_.use_bias) p.push_back({"bias", &bias_, &bias_grad_});
        return p;
    }
    int64_t macs_per_sample() const override { return int64_t(oh_) * ow_ * k_ * spec_.filters; }

private:
    // The batch is processed a few images at a time so that each chunk's im2col matrix (and its gradient)
    // stays in the L2 cache between being written and being read by the GEMM: one im2col matrix for the
    // whole batch of the cnn preset's second layer is 7 MB, and streaming it through memory five times a
    // step (write, pack, re-read for dW, dcols write and read) cost more than the chunked GEMMs lose.
    int chunk_images() const {
        constexpr int64_t kChunkBytes = 256 * 1024;
        const int64_t per_image = int64_t(oh_) * ow_ * k_ * int64_t(sizeof(float));
        return static_cast<int>(std::max<int64_t>(1, kChunkBytes / std::max<int64_t>(1, per_image)));
    }

    // The GEMM's left operand for images [b0, b0 + nb): the input itself for a pointwise convolution,
    // else their im2col rows in cols_.
    ConstMatrixMap lhs(const Tensor& x, int b0, int nb) {
        const int64_t rows = int64_t(nb) * oh_ * ow_;
        if (pointwise_) return ConstMatrixMap(x.ptr() + int64_t(b0) * oh_ * ow_ * k_, rows, k_);
        im2col(x, b0, nb);
        return const_matrix(cols_, rows, k_);
    }

    // cols_[(b, oy, ox), (ky, kx, c)] = x[b0 + b, oy*s - p + ky, ox*s - p + kx, c], zero outside the image.
    void im2col(const Tensor& x, int b0, int nb) {
        cols_.resize({nb * oh_ * ow_, k_});
        float* out = cols_.ptr();
        const Geometry g{h_, w_, c_, oh_, ow_, spec_.kernel_h, spec_.kernel_w, spec_.stride, spec_.padding};
        // The common shapes get copies of a size known at compile time (the cnn's first layer copies 3
        // floats per kernel row, which a runtime-sized loop handles badly).
        if (g.kw == 3 && g.c == 1) im2col_impl<3, 1>(g, x.ptr(), b0, nb, out);
        else if (g.kw == 3 && g.c == 16) im2col_impl<3, 16>(g, x.ptr(), b0, nb, out);
        else if (g.kw == 3 && g.c == 32) im2col_impl<3, 32>(g, x.ptr(), b0, nb, out);
        else im2col_impl<0, 0>(g, x.ptr(), b0, nb, out);
    }

    struct Geometry {
        int h, w, c, oh, ow, kh, kw, s, p;
    };

    // KW and CH fix the kernel width and channel count at compile time (0: take them from g).
    template <int KW, int CH>
    MLSYS_NO_LIBCALL_LOOPS static void im2col_impl(const Geometry& g, const float* __restrict in, int b0, int nb,
                                                   float* __restrict out) {
        const int kh = g.kh, s = g.s, p = g.p, H = g.h, W = g.w, OH = g.oh, OW = g.ow;
        const int kw = KW ? KW : g.kw;
        const int C = CH ? CH : g.c;
        const int seg = kw * C;
        for (int b = b0; b < b0 + nb; ++b)
            for (int oy = 0; oy < OH; ++oy)
                for (int ox = 0; ox < OW; ++ox)
                    for (int ky = 0; ky < kh; ++ky) {
                        const int iy = oy * s - p + ky;
                        if (iy < 0 || iy >= H) {
                            for (int i = 0; i < seg; ++i) out[i] = 0.0f;
                            out += seg;
                            continue;
                        }
                        const float* row = in + (int64_t(b) * H + iy) * W * C;
                        const int ix0 = ox * s - p;
                        if (ix0 >= 0 && ix0 + kw <= W) {
                            // The whole kernel row is inside the image: kw * C contiguous floats.
                            const float* src = row + int64_t(ix0) * C;
                            for (int i = 0; i < seg; ++i) out[i] = src[i];
                            out += seg;
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

    // The adjoint of im2col for images [b0, b0 + nb) from dcols_: every column entry adds its gradient back
    // to the input pixel it came from.
    MLSYS_NO_LIBCALL_LOOPS void col2im(Tensor& dx, int b0, int nb) const {
        const int kh = spec_.kernel_h, kw = spec_.kernel_w, s = spec_.stride, p = spec_.padding;
        const int C = c_, H = h_, W = w_, OH = oh_, OW = ow_;
        float* __restrict out = dx.ptr();
        const int64_t img = int64_t(H) * W * C;
        for (int64_t i = int64_t(b0) * img; i < int64_t(b0 + nb) * img; ++i) out[i] = 0.0f;
        const float* __restrict src = dcols_.ptr();
        for (int b = b0; b < b0 + nb; ++b)
            for (int oy = 0; oy < OH; ++oy)
                for (int ox = 0; ox < OW; ++ox)
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
    Tensor wt_;  // Wᵀ for the vector kernels' dcols = dY·Wᵀ
};

}  // namespace

std::unique_ptr<Layer> make_conv2d(const LayerSpec& spec) { return std::make_unique<Conv2D>(spec); }

}  // namespace mlsys::models::detail
