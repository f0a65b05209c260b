// The cycle-level array against the analytic model and Eigen: on a grid of small shapes (arrays up to 8x8,
// K up to 20, all three dataflows) it must compute A x B and take exactly the analytic number of cycles.
#include "sim/accel/accel_sim.hpp"
#include "sim/accel/systolic_stepper.hpp"

#include "models/core/rng.hpp"

#include <Eigen/Dense>
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace mlsys::sim::accel;

TEST_SUITE_BEGIN("sim.accel");

namespace {
using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::vector<double> random_values(int64_t n, mlsys::core::Rng& rng) {
    std::vector<double> v(static_cast<size_t>(n));
    for (double& x : v) x = rng.uniform() * 2.0 - 1.0;
    return v;
}
}  // namespace

TEST_CASE("cycle-level array equals Eigen's product and the analytic cycles on a grid of shapes") {
    mlsys::core::Rng rng(7);
    const int rows_list[] = {1, 2, 3, 5, 8};
    const int cols_list[] = {1, 2, 4, 7, 8};
    const int64_t m_list[] = {1, 3, 9};
    const int64_t n_list[] = {1, 4, 10};
    const int64_t k_list[] = {1, 2, 7, 20};
    const Dataflow dfs[] = {Dataflow::OutputStationary, Dataflow::WeightStationary, Dataflow::InputStationary};
    int cases = 0, failures = 0;
    for (Dataflow df : dfs)
        for (int R : rows_list)
            for (int C : cols_list)
                for (int64_t M : m_list)
                    for (int64_t N : n_list)
                        for (int64_t K : k_list) {
                            const GemmDims g{M, N, K};
                            std::vector<double> a = random_values(M * K, rng), b = random_values(K * N, rng);
                            const RowMat A = Eigen::Map<const RowMat>(a.data(), M, K);
                            const RowMat B = Eigen::Map<const RowMat>(b.data(), K, N);
                            const RowMat expected = A * B;
                            SystolicStepper s(R, C, df, g, a, b);
                            s.run();
                            AccelConfig cfg;
                            cfg.array_rows = R;
                            cfg.array_cols = C;
                            cfg.dataflow = df;
                            LayerWork w;
                            w.on_array = true;
                            w.gemm = g;
                            const LayerResult analytic = simulate_layer(w, cfg, {});
                            double err = 0;
                            for (int64_t i = 0; i < M * N; ++i)
                                err = std::max(err, std::abs(s.result()[size_t(i)] - expected.data()[i]));
                            ++cases;
                            // Tolerance: K <= 20 products of values in [-1, 1] summed in another order.
                            const bool ok = s.done() && s.cycle() == s.plan().total_rows() &&
                                            s.last_cycle_index() == analytic.total_cycles && s.macs_done() == M * N * K &&
                                            err < 1e-12;
                            if (!ok) {
                                ++failures;
                                if (failures <= 5) {
                                    CAPTURE(to_string(df));
                                    CAPTURE(R);
                                    CAPTURE(C);
                                    CAPTURE(M);
                                    CAPTURE(N);
                                    CAPTURE(K);
                                    CHECK(s.last_cycle_index() == analytic.total_cycles);
                                    CHECK(s.macs_done() == M * N * K);
                                    CHECK(err < 1e-12);
                                }
                            }
                        }
    CHECK(cases == 2700);
    CHECK(failures == 0);
}

TEST_CASE("the os wavefront starts in the top-left PE and ends in the bottom-right one") {
    // 2x2 array, M = N = 2, K = 3: PE (i, j) does MAC k at cycle k + i + j.
    SystolicStepper s(2, 2, Dataflow::OutputStationary, {2, 2, 3});
    s.step();  // cycle 0: only (0,0)
    StepperSnapshot snap = s.snapshot();
    CHECK(snap.activity[0] == PeActivity::Mac);
    CHECK(snap.activity[1] == PeActivity::Idle);
    CHECK(snap.activity[2] == PeActivity::Idle);
    CHECK(snap.activity[3] == PeActivity::Idle);
    s.step();  // cycle 1: (0,0) k=1, (0,1) and (1,0) k=0
    snap = s.snapshot();
    CHECK(snap.activity[0] == PeActivity::Mac);
    CHECK(snap.activity[1] == PeActivity::Mac);
    CHECK(snap.activity[2] == PeActivity::Mac);
    CHECK(snap.activity[3] == PeActivity::Idle);
    s.run();
    snap = s.snapshot();
    // The last cycle (k=2 at (1,1): 2+1+1 = 4) is the fold's last: L = 3 + 2 + 2 - 2 = 5 cycles.
    CHECK(snap.cycle == 5);
    CHECK(snap.activity[3] == PeActivity::Mac);
    CHECK(snap.activity[0] == PeActivity::Idle);
    CHECK(snap.phase == StepPhase::Done);
    CHECK(snap.outputs_written == 4);
    for (int64_t c : snap.mac_counts) CHECK(c == 3);
}

TEST_CASE("ws preloads the weight tile for R cycles before the first MAC") {
    // 3x2 array, K = 3 (all rows used), N = 2, M = 4: cycles 0..2 load, the first MAC is at cycle 3.
    SystolicStepper s(3, 2, Dataflow::WeightStationary, {4, 2, 3});
    s.step();
    StepperSnapshot snap = s.snapshot();
    CHECK(snap.phase == StepPhase::Preload);
    CHECK(snap.activity[0] == PeActivity::Loading);  // top row receives the tile's bottom row first
    CHECK(snap.activity[2] == PeActivity::Idle);
    s.run(2);
    CHECK(s.macs_done() == 0);
    s.step();
    snap = s.snapshot();
    CHECK(snap.phase == StepPhase::Stream);
    CHECK(s.macs_done() == 1);
    CHECK(snap.activity[0] == PeActivity::Mac);
    s.run();
    // L = 2*3 + 2 + 4 - 2 = 10.
    CHECK(s.cycle() == 10);
}

TEST_CASE("activity-only stepping (no operand values) keeps the schedule") {
    SystolicStepper s(4, 4, Dataflow::InputStationary, {10, 6, 9});
    s.run();
    CHECK(s.macs_done() == 10 * 6 * 9);
    CHECK(s.cycle() == s.plan().total_rows());
    CHECK(s.result().empty());
}

TEST_SUITE_END();
