// Faulty-PE output assignment (checked by hand and against the cycle-level stepper's MAC counts) and ABFT.
#include "faults/hw/pe_map.hpp"
#include "faults/protect/abft.hpp"
#include "sim/accel/systolic_stepper.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <utility>
#include <vector>

using namespace mlsys::faults;
using mlsys::sim::accel::Dataflow;
using mlsys::sim::accel::GemmDims;

TEST_SUITE_BEGIN("faults.pe");

TEST_CASE("a faulty PE owns a strided grid under os and whole columns or rows under ws and is") {
    const GemmDims g{4, 4, 3};  // M = 4, N = 4, K = 3 on a 2 x 2 array
    using V = std::vector<std::pair<int64_t, int64_t>>;
    CHECK(outputs_of_pe(Dataflow::OutputStationary, 2, 2, 0, 1, g) == V{{0, 1}, {0, 3}, {2, 1}, {2, 3}});
    // ws: PE (1, 1) holds W[k, n] for k odd and n odd: it adds into every output of columns 1 and 3.
    CHECK(outputs_of_pe(Dataflow::WeightStationary, 2, 2, 1, 1, g) ==
          V{{0, 1}, {0, 3}, {1, 1}, {1, 3}, {2, 1}, {2, 3}, {3, 1}, {3, 3}});
    // is: PE (0, 0) holds A[m, k] for m even: every output of rows 0 and 2.
    CHECK(outputs_of_pe(Dataflow::InputStationary, 2, 2, 0, 0, g) ==
          V{{0, 0}, {0, 1}, {0, 2}, {0, 3}, {2, 0}, {2, 1}, {2, 2}, {2, 3}});
    // A PE row beyond K never receives an operand under ws: K = 1 leaves row 1 idle.
    CHECK(outputs_of_pe(Dataflow::WeightStationary, 2, 2, 1, 0, GemmDims{4, 4, 1}).empty());
}

TEST_CASE("the PE assignment matches the cycle-level stepper's per-PE MAC counts") {
    for (Dataflow df : {Dataflow::OutputStationary, Dataflow::WeightStationary, Dataflow::InputStationary})
        for (const GemmDims g : {GemmDims{5, 7, 3}, GemmDims{9, 4, 6}, GemmDims{3, 3, 10}}) {
            const int R = 3, C = 2;
            mlsys::sim::accel::SystolicStepper st(R, C, df, g);
            st.run();
            const auto snap = st.snapshot();
            for (int r = 0; r < R; ++r)
                for (int c = 0; c < C; ++c)
                    CHECK(snap.mac_counts[size_t(r * C + c)] == macs_of_pe(df, R, C, r, c, g));
        }
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("faults.abft");

namespace {
struct Gemm {
    int64_t m = 6, k = 5, n = 4;
    std::vector<float> a, w, bias, c;
    Gemm() {
        for (int64_t i = 0; i < m * k; ++i) a.push_back(float((i * 7) % 11) / 10 - 0.4f);
        for (int64_t i = 0; i < k * n; ++i) w.push_back(float((i * 5) % 13) / 10 - 0.6f);
        for (int64_t j = 0; j < n; ++j) bias.push_back(0.1f * float(j));
        c.assign(size_t(m * n), 0.0f);
        for (int64_t r = 0; r < m; ++r)
            for (int64_t j = 0; j < n; ++j) {
                double s = bias[size_t(j)];
                for (int64_t i = 0; i < k; ++i) s += double(a[size_t(r * k + i)]) * w[size_t(i * n + j)];
                c[size_t(r * n + j)] = float(s);
            }
    }
};
}  // namespace

TEST_CASE("ABFT passes a clean GEMM and locates and corrects one corrupted output") {
    Gemm g;
    CHECK(abft_check(g.a.data(), g.w.data(), g.bias.data(), g.c.data(), g.m, g.k, g.n).clean());
    const std::vector<float> good = g.c;
    for (int64_t r = 0; r < g.m; ++r)
        for (int64_t j = 0; j < g.n; ++j) {
            std::vector<float> c = good;
            c[size_t(r * g.n + j)] += 3.0f;
            const AbftReport rep = abft_check(g.a.data(), g.w.data(), g.bias.data(), c.data(), g.m, g.k, g.n);
            CHECK(rep.corrected);
            CHECK(rep.row == r);
            CHECK(rep.col == j);
            CHECK(c[size_t(r * g.n + j)] == doctest::Approx(good[size_t(r * g.n + j)]).epsilon(1e-5));
        }
    // An infinity (an exponent flip) is located and corrected too.
    std::vector<float> c = good;
    c[7] = INFINITY;
    const AbftReport rep = abft_check(g.a.data(), g.w.data(), g.bias.data(), c.data(), g.m, g.k, g.n);
    CHECK(rep.corrected);
    CHECK(c[7] == doctest::Approx(good[7]).epsilon(1e-5));
}

TEST_CASE("ABFT detects two corrupted outputs without pretending to correct them") {
    Gemm g;
    g.c[0] += 1.0f;
    g.c[size_t(3 * g.n + 2)] -= 1.0f;
    const AbftReport rep = abft_check(g.a.data(), g.w.data(), g.bias.data(), g.c.data(), g.m, g.k, g.n);
    CHECK_FALSE(rep.corrected);
    CHECK(rep.bad_rows == std::vector<int64_t>{0, 3});
    CHECK(rep.bad_cols == std::vector<int64_t>{0, 2});
}

TEST_SUITE_END();
