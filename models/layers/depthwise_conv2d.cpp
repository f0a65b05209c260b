// Depthwise Conv2D over NHWC with weights [kh, kw, C]: each channel convolved with its own kernel. Direct
// loops with the channel loop innermost (contiguous in NHWC, so it vectorises).
#include "models/layers/layer_kinds.hpp"

namespace mlsys::models::detail {
namespace {

class DepthwiseConv2D final : public Layer {
public:
    explicit DepthwiseConv2D(const LayerSpec& s) : Layer(s) {}

    core::Result<Shape> do_build(const Shape& in) override {
        if (in.size() != 3)
            return core::fail("depthwise_conv2d needs an image input (height x width x channels), got " + shape_str(in));
        h_ = in[0];
        w_ = in[1];
        c_ = in[2];
        const int kh = spec_.kernel_h, kw = spec_.kernel_w, p = spec_.padding;
        if (kh > h_ + 2 * p || kw > w_ + 2 * p)
            return core::fail("kernel " + std::to_string(kh) + "x" + std::to_string(kw) + " is larger than the padded input " +
                              std::to_string(h_ + 2 * p) + "x" + std::to_string(w_ + 2 * p));
        oh_ = window_out(h_, kh, spec_.stride, p);
        ow_ = window_out(w_, kw, spec_.stride, p);
        weight_ = Tensor({kh, kw, c_});
        weight_grad_ = Tensor(weight_.shape);
        if (spec_.use_bias) {
            bias_ = Tensor({c_});
            bias_grad_ = Tensor({c_});
        }
        return Shape{oh_, ow_, c_};
    }

    void init_params(core::Rng& rng) override {
        he_normal(weight_, int64_t(spec_.kernel_h) * spec_.kernel_w, rng);
        bias_.zero();
    }

    void forward(const Tensor& x, Tensor& y, bool) override {
        const int n = x.batch();
        y.resize({n, oh_, ow_, c_});
        const float* wt = weight_.ptr();
        for (int b = 0; b < n; ++b)
            for (int oy = 0; oy < oh_; ++oy)
                for (int ox = 0; ox < ow_; ++ox) {
                    float* out = y.ptr() + ((int64_t(b) * oh_ + oy) * ow_ + ox) * c_;
                    for (int c = 0; c < c_; ++c) out[c] = spec_.use_bias ? bias_[c] : 0.0f;
                    for_each_tap(b, oy, ox, [&](const int64_t in_off, const int tap) {
                        const float* in = x.ptr() + in_off;
                        const float* k = wt + int64_t(tap) * c_;
                        for (int c = 0; c < c_; ++c) out[c] += in[c] * k[c];
                    });
                }
    }

    void backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) override {
        const int n = x.batch();
        weight_grad_.zero();
        if (spec_.use_bias) bias_grad_.zero();
        if (dx) {
            dx->resize(x.shape);
            dx->zero();
        }
        const float* wt = weight_.ptr();
        float* dwt = weight_grad_.ptr();
        for (int b = 0; b < n; ++b)
            for (int oy = 0; oy < oh_; ++oy)
                for (int ox = 0; ox < ow_; ++ox) {
                    const float* g = dy.ptr() + ((int64_t(b) * oh_ + oy) * ow_ + ox) * c_;
                    if (spec_.use_bias)
                        for (int c = 0; c < c_; ++c) bias_grad_[c] += g[c];
                    for_each_tap(b, oy, ox, [&](const int64_t in_off, const int tap) {
                        const float* in = x.ptr() + in_off;
                        float* dk = dwt + int64_t(tap) * c_;
                        for (int c = 0; c < c_; ++c) dk[c] += in[c] * g[c];
                        if (dx) {
                            float* d = dx->ptr() + in_off;
                            const float* k = wt + int64_t(tap) * c_;
                            for (int c = 0; c < c_; ++c) d[c] += k[c] * g[c];
                        }
                    });
                }
    }

    std::vector<Param> params() override {
        std::vector<Param> p{{"weight", &weight_, &weight_grad_}};
        if (spec_.use_bias) p.push_back({"bias", &bias_, &bias_grad_});
        return p;
    }
    int64_t macs_per_sample() const override { return int64_t(oh_) * ow_ * c_ * spec_.kernel_h * spec_.kernel_w; }

private:
    // Calls f(input offset of pixel (iy, ix) of image b, tap index ky*kw+kx) for every in-bounds tap.
    template <class F>
    void for_each_tap(int b, int oy, int ox, F&& f) const {
        for (int ky = 0; ky < spec_.kernel_h; ++ky) {
            const int iy = oy * spec_.stride - spec_.padding + ky;
            if (iy < 0 || iy >= h_) continue;
            for (int kx = 0; kx < spec_.kernel_w; ++kx) {
                const int ix = ox * spec_.stride - spec_.padding + kx;
                if (ix < 0 || ix >= w_) continue;
                f(((int64_t(b) * h_ + iy) * w_ + ix) * c_, ky * spec_.kernel_w + kx);
            }
        }
    }

    int h_ = 0, w_ = 0, c_ = 0, oh_ = 0, ow_ = 0;
    Tensor weight_, weight_grad_, bias_, bias_grad_;
};

}  // namespace

std::unique_ptr<Layer> make_depthwise_conv2d(const LayerSpec& spec) { return std::make_unique<DepthwiseConv2D>(spec); }

}  // namespace mlsys::models::detail
