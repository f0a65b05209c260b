// Dense (fully connected) layer: Y = X·W + b with W stored [in, out], as one GEMM per batch (the vector
// kernels of models/tensor/gemm.hpp for Y and dW = Xᵀ·dY; Eigen for dX, and for everything on CPUs
// without the kernels).
#include "models/layers/layer_kinds.hpp"
#include "models/tensor/eigen_views.hpp"
#include "models/tensor/gemm.hpp"

#include <utility>

namespace mlsys::models::detail {
namespace {

class Dense final : public Layer {
public:
    explicit Dense(const LayerSpec& s) : Layer(s) {}

    core::Result<Shape> do_build(const Shape& in) override {
        if (in.size() != 1)
            return core::fail("dense needs a flat input (add a flatten layer before it), got " + shape_str(in));
        if (spec_.units <= 0) return core::fail("units must be positive");
        in_ = in[0];
        weight_ = Tensor({in_, spec_.units});
        weight_grad_ = Tensor({in_, spec_.units});
        if (spec_.use_bias) {
            bias_ = Tensor({spec_.units});
            bias_grad_ = Tensor({spec_.units});
        }
        return Shape{spec_.units};
    }

    void init_params(core::Rng& rng) override {
        he_normal(weight_, in_, rng);
        bias_.zero();
    }

    void forward(const Tensor& x, Tensor& y, bool) override {
        const int n = x.batch();
        y.resize({n, spec_.units});
        const float* bias = spec_.use_bias ? bias_.ptr() : nullptr;
        const int u = spec_.units;
        if (gemm::matmul(n, u, in_, x.ptr(), in_, weight_.ptr(), u, bias, y.ptr(), u)) return;
        MatrixMap Y = as_matrix(y, n, spec_.units);  // no vector kernel for this CPU: Eigen
        Y.noalias() = as_matrix(x, n, in_) * const_matrix(weight_, in_, spec_.units);
        if (spec_.use_bias) Y.rowwise() += as_row(std::as_const(bias_));
    }

    void backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) override {
        const int n = x.batch();
        ConstMatrixMap X = as_matrix(x, n, in_);
        ConstMatrixMap dY = as_matrix(dy, n, spec_.units);
        const int u = spec_.units;
        if (!gemm::matmul_tn(in_, u, n, x.ptr(), in_, dy.ptr(), u, weight_grad_.ptr(), u))
            as_matrix(weight_grad_, in_, spec_.units).noalias() = X.transpose() * dY;
        if (spec_.use_bias) as_row(bias_grad_) = dY.colwise().sum();
        if (dx) {
            dx->resize(x.shape);
            as_matrix(*dx, n, in_).noalias() = dY * const_matrix(weight_, in_, spec_.units).transpose();
        }
    }

    std::vector<Param> params() override {
        std::vector<Param> p{{"weight", &weight_, &weight_grad_}};
        if (spec_.use_bias) p.push_back({"bias", &bias_, &bias_grad_});
        return p;
    }
    int64_t macs_per_sample() const override { return int64_t(in_) * spec_.units; }

private:
    int in_ = 0;
    Tensor weight_, weight_grad_, bias_, bias_grad_;
};

}  // namespace

std::unique_ptr<Layer> make_dense(const LayerSpec& spec) { return std::make_unique<Dense>(spec); }

}  // namespace mlsys::models::detail
