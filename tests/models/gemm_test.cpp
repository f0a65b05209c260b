// The vector GEMM kernels (models/tensor/gemm.hpp) against the naive triple loop, for every kernel set
// this CPU runs, on shapes that leave partial row blocks and partial (masked) column vectors; and the layers
// that use them agree with their Eigen fallback.
#include "models/layers/layer.hpp"
#include "models/tensor/gemm.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace mlsys::models;
using mlsys::core::Rng;

TEST_SUITE_BEGIN("models.gemm");

namespace {

std::vector<float> random_vec(size_t n, Rng& rng) {
    std::vector<float> v(n);
    for (auto& f : v) f = static_cast<float>(rng.uniform(-1, 1));
    return v;
}

// Restores the automatic kernel choice when a test ends, even on a failed REQUIRE.
struct IsaGuard {
    ~IsaGuard() { gemm::set_isa(gemm::Isa::Auto); }
};

std::vector<gemm::Isa> vector_isas() {
    std::vector<gemm::Isa> out;
    for (gemm::Isa isa : {gemm::Isa::Avx512, gemm::Isa::Avx2}) {
        gemm::set_isa(isa);
        if (gemm::active_isa() == isa) out.push_back(isa);
    }
    gemm::set_isa(gemm::Isa::Auto);
    return out;
}

}  // namespace

TEST_CASE("gemm: set_isa falls back to what the CPU runs and None disables the kernels") {
    IsaGuard guard;
    const gemm::Isa best = gemm::active_isa();
    CHECK(best != gemm::Isa::Auto);
    gemm::set_isa(gemm::Isa::None);
    CHECK(gemm::active_isa() == gemm::Isa::None);
    float x = 1, b = 2, y = 0;
    CHECK_FALSE(gemm::matmul(1, 1, 1, &x, 1, &b, 1, nullptr, &y, 1));
    CHECK(y == 0.0f);  // untouched: the caller falls back to Eigen
    gemm::set_isa(gemm::Isa::Auto);
    CHECK(gemm::active_isa() == best);
    CHECK(std::string(gemm::isa_name(gemm::Isa::Avx512)) == "avx512");
}

TEST_CASE("gemm: matmul and matmul_tn equal the naive loops on ragged shapes for every kernel set") {
    IsaGuard guard;
    const auto isas = vector_isas();
    MESSAGE("vector kernel sets on this CPU: " << isas.size());
    Rng rng(4);
    for (gemm::Isa isa : isas) {
        gemm::set_isa(isa);
        for (int m : {1, 5, 13, 20})
            for (int n : {1, 7, 8, 9, 16, 17, 31, 32, 33, 40})
                for (int k : {1, 9, 37})
                    for (int mode = 0; mode < 3; ++mode) {  // 0: plain, 1: + bias, 2: accumulate into Y
                        CAPTURE(gemm::isa_name(isa));
                        CAPTURE(m);
                        CAPTURE(n);
                        CAPTURE(k);
                        CAPTURE(mode);
                        // Leading dimensions wider than the matrices: the kernels must respect them and
                        // leave the padding columns of Y alone.
                        const int ldx = k + 3, ldb = n + 5, ldy = n + 2;
                        const auto x = random_vec(size_t(m) * ldx, rng);
                        const auto b = random_vec(size_t(k) * ldb, rng);
                        const auto bias = random_vec(size_t(n), rng);
                        std::vector<float> y(size_t(m) * ldy, 7.0f);
                        REQUIRE(gemm::matmul(m, n, k, x.data(), ldx, b.data(), ldb, mode == 1 ? bias.data() : nullptr,
                                             y.data(), ldy, mode == 2));
                        // Xᵀ·B with X stored k x m: use xt[p][i] = x[i][p].
                        std::vector<float> xt(size_t(k) * (m + 1));
                        for (int i = 0; i < m; ++i)
                            for (int p = 0; p < k; ++p) xt[size_t(p) * (m + 1) + i] = x[size_t(i) * ldx + p];
                        std::vector<float> yt(size_t(m) * ldy, 7.0f);
                        REQUIRE(gemm::matmul_tn(m, n, k, xt.data(), m + 1, b.data(), ldb, yt.data(), ldy, mode == 2));
                        int bad = 0;
                        for (int i = 0; i < m; ++i)
                            for (int j = 0; j < ldy; ++j) {
                                const size_t at = size_t(i) * ldy + j;
                                if (j >= n) {  // padding
                                    bad += y[at] != 7.0f || yt[at] != 7.0f;
                                    continue;
                                }
                                double ref = mode == 2 ? 7.0 : 0.0;
                                for (int p = 0; p < k; ++p) ref += double(x[size_t(i) * ldx + p]) * b[size_t(p) * ldb + j];
                                const double ref_tn = ref;
                                if (mode == 1) ref += bias[size_t(j)];
                                bad += std::abs(y[at] - ref) > 1e-4;
                                bad += std::abs(yt[at] - ref_tn) > 1e-4;
                            }
                        CHECK(bad == 0);
                    }
    }
}

TEST_CASE("gemm: dense and conv2d give the same outputs and gradients with the kernels and with Eigen") {
    IsaGuard guard;
    Rng rng(9);
    struct Case {
        LayerSpec spec;
        Shape in;
    };
    LayerSpec conv;
    conv.kind = LayerKind::Conv2D;
    conv.name = "c";
    conv.filters = 19;  // a partial vector with either kernel set
    conv.kernel_h = conv.kernel_w = 3;
    conv.padding = 1;
    LayerSpec dense;
    dense.kind = LayerKind::Dense;
    dense.name = "d";
    dense.units = 37;
    for (const Case& c : {Case{conv, {9, 8, 5}}, Case{dense, {45}}}) {
        auto made = make_layer(c.spec);
        REQUIRE(made.ok());
        Layer& layer = **made;
        REQUIRE(layer.build(c.in).ok());
        Rng init(3);
        layer.init_params(init);
        for (auto& p : layer.params())
            for (auto& v : p.value->data) v += static_cast<float>(rng.uniform(-0.3, 0.3));
        Tensor x(batched(3, c.in));
        for (auto& v : x.data) v = static_cast<float>(rng.uniform(-1, 1));
        Tensor y_ref, dx_ref, dy;
        std::vector<Tensor> grads_ref;
        auto run = [&](gemm::Isa isa, Tensor& y, Tensor& dx, std::vector<Tensor>& grads) {
            gemm::set_isa(isa);
            layer.forward(x, y, true);
            if (dy.size() == 0) {
                dy = Tensor(y.shape);
                for (auto& v : dy.data) v = static_cast<float>(rng.uniform(-1, 1));
            }
            layer.backward(x, y, dy, &dx);
            grads.clear();
            for (auto& p : layer.params()) grads.push_back(*p.grad);
        };
        run(gemm::Isa::None, y_ref, dx_ref, grads_ref);
        for (gemm::Isa isa : vector_isas()) {
            CAPTURE(layer.name());
            CAPTURE(gemm::isa_name(isa));
            Tensor y, dx;
            std::vector<Tensor> grads;
            run(isa, y, dx, grads);
            REQUIRE(y.size() == y_ref.size());
            for (int64_t i = 0; i < y.size(); ++i) CHECK(y[i] == doctest::Approx(y_ref[i]).epsilon(1e-4));
            for (int64_t i = 0; i < dx.size(); ++i) CHECK(dx[i] == doctest::Approx(dx_ref[i]).epsilon(1e-4));
            for (size_t p = 0; p < grads.size(); ++p)
                for (int64_t i = 0; i < grads[p].size(); ++i)
                    CHECK(grads[p][i] == doctest::Approx(grads_ref[p][i]).epsilon(1e-4));
        }
    }
}

TEST_SUITE_END();
