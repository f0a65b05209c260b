// BatchNorm over the last (channel) dimension, for (N, F) and NHWC inputs. Training normalises with the
// batch's mean and biased variance and updates running statistics (running_var takes the unbiased
// variance, as PyTorch does); evaluation uses the running statistics.
#include "models/layers/layer_kinds.hpp"

#include <cmath>

namespace mlsys::models::detail {
namespace {

class BatchNorm final : public Layer {
public:
    explicit BatchNorm(const LayerSpec& s) : Layer(s) {}

    core::Result<Shape> do_build(const Shape& in) override {
        c_ = in.back();
        gamma_ = Tensor({c_}, 1.0f);
        beta_ = Tensor({c_}, 0.0f);
        gamma_grad_ = Tensor({c_});
        beta_grad_ = Tensor({c_});
        running_mean_ = Tensor({c_}, 0.0f);
        running_var_ = Tensor({c_}, 1.0f);
        return in;
    }

    void init_params(core::Rng&) override {
        std::fill(gamma_.data.begin(), gamma_.data.end(), 1.0f);
        beta_.zero();
    }

    void forward(const Tensor& x, Tensor& y, bool training) override {
        y.resize(x.shape);
        const int64_t rows = x.size() / c_;
        if (!training) {
            for (int64_t r = 0; r < rows; ++r) {
                const float* in = x.ptr() + r * c_;
                float* out = y.ptr() + r * c_;
                for (int c = 0; c < c_; ++c)
                    out[c] = gamma_[c] * (in[c] - running_mean_[c]) / std::sqrt(running_var_[c] + spec_.epsilon) + beta_[c];
            }
            return;
        }
        std::vector<double> mean(static_cast<size_t>(c_), 0.0), var(static_cast<size_t>(c_), 0.0);
        for (int64_t r = 0; r < rows; ++r)
            for (int c = 0; c < c_; ++c) mean[static_cast<size_t>(c)] += x[r * c_ + c];
        for (auto& m : mean) m /= static_cast<double>(rows);
        for (int64_t r = 0; r < rows; ++r)
            for (int c = 0; c < c_; ++c) {
                const double d = x[r * c_ + c] - mean[static_cast<size_t>(c)];
                var[static_cast<size_t>(c)] += d * d;
            }
        inv_std_.resize({c_});
        for (int c = 0; c < c_; ++c) {
            const double v = var[static_cast<size_t>(c)] / static_cast<double>(rows);
            inv_std_[c] = static_cast<float>(1.0 / std::sqrt(v + spec_.epsilon));
            const double unbiased = rows > 1 ? var[static_cast<size_t>(c)] / static_cast<double>(rows - 1) : v;
            running_mean_[c] = static_cast<float>(spec_.momentum * running_mean_[c] + (1.0 - spec_.momentum) * mean[static_cast<size_t>(c)]);
            running_var_[c] = static_cast<float>(spec_.momentum * running_var_[c] + (1.0 - spec_.momentum) * unbiased);
        }
        xhat_.resize(x.shape);
        for (int64_t r = 0; r < rows; ++r)
            for (int c = 0; c < c_; ++c) {
                const float xh = static_cast<float>((x[r * c_ + c] - mean[static_cast<size_t>(c)]) * inv_std_[c]);
                xhat_[r * c_ + c] = xh;
                y[r * c_ + c] = gamma_[c] * xh + beta_[c];
            }
    }

    // dx = (gamma * inv_std / m) * (m * dy - sum(dy) - xhat * sum(dy * xhat)), per channel.
    void backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) override {
        const int64_t rows = x.size() / c_;
        std::vector<double> sum_dy(static_cast<size_t>(c_), 0.0), sum_dy_xhat(static_cast<size_t>(c_), 0.0);
        for (int64_t r = 0; r < rows; ++r)
            for (int c = 0; c < c_; ++c) {
                sum_dy[static_cast<size_t>(c)] += dy[r * c_ + c];
                sum_dy_xhat[static_cast<size_t>(c)] += static_cast<double>(dy[r * c_ + c]) * xhat_[r * c_ + c];
            }
        for (int c = 0; c < c_; ++c) {
            beta_grad_[c] = static_cast<float>(sum_dy[static_cast<size_t>(c)]);
            gamma_grad_[c] = static_cast<float>(sum_dy_xhat[static_cast<size_t>(c)]);
        }
        if (!dx) return;
        dx->resize(x.shape);
        const double m = static_cast<double>(rows);
        for (int64_t r = 0; r < rows; ++r)
            for (int c = 0; c < c_; ++c) {
                const size_t ci = static_cast<size_t>(c);
                const double g = static_cast<double>(gamma_[c]) * inv_std_[c] / m;
                (*dx)[r * c_ + c] =
                    static_cast<float>(g * (m * dy[r * c_ + c] - sum_dy[ci] - xhat_[r * c_ + c] * sum_dy_xhat[ci]));
            }
    }

    std::vector<Param> params() override { return {{"gamma", &gamma_, &gamma_grad_}, {"beta", &beta_, &beta_grad_}}; }
    std::vector<Param> state() override {
        return {{"running_mean", &running_mean_, nullptr}, {"running_var", &running_var_, nullptr}};
    }

private:
    int c_ = 0;
    Tensor gamma_, beta_, gamma_grad_, beta_grad_, running_mean_, running_var_;
    Tensor xhat_, inv_std_;
};

}  // namespace

std::unique_ptr<Layer> make_batchnorm(const LayerSpec& spec) { return std::make_unique<BatchNorm>(spec); }

}  // namespace mlsys::models::detail
