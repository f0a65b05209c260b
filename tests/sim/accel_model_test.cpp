// The analytic systolic model: hand-derived fold counts and cycles for small GEMMs in all three dataflows,
// and golden numbers produced by SCALE-Sim v2 itself (CALC mode, compared byte for byte).
#include "sim/accel/accel_sim.hpp"
#include "sim/accel/reports.hpp"
#include "sim/accel/scalesim_files.hpp"
#include "sim/accel/scalesim_write_buffer.hpp"
#include "sim/accel/systolic_model.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>

using namespace mlsys::sim::accel;

TEST_SUITE_BEGIN("sim.accel");

// Derivations (SCALE-Sim v2 conventions, docs/ACCEL.md):
//  os maps (Sr, Sc, T) = (M, N, K); a fold streams T operands through a skewed array: the ifmap demand is
//     T rows plus C-1 drain rows, skewed over R columns (+R-1) -> L = T + R + C - 2 cycles per fold.
//  ws maps (K, N, M); R cycles preload the filter tile, then T ifmap rows and C-1 drain rows skewed over R
//     -> L = R + T + C - 1 + R - 1 = 2R + C + T - 2. is maps (K, M, N) with the same fold length.
//  Folds = ceil(Sr/R) * ceil(Sc/C); the stall-free Total Cycles is folds * L - 1 (the index of the last
//  cycle). Compute utilization per fold = used PEs * T / (R * C * U) with U = L for os and
//  U = 2R + 2C + T - 3 for ws/is (SCALE-Sim measures the fold by its stationary operand's demand).
TEST_CASE("hand-derived os fold count and cycles (2x2 array, M=3 N=2 K=4)") {
    // Sr = M = 3 -> 2 row folds (2 rows, then 1); Sc = N = 2 -> 1 column fold; T = K = 4.
    // L = 4 + 2 + 2 - 2 = 6; 2 folds -> 12 demand rows -> Total Cycles 11.
    const FoldPlan p = plan_folds(2, 2, Dataflow::OutputStationary, {3, 2, 4});
    CHECK(p.row_folds == 2);
    CHECK(p.col_folds == 1);
    CHECK(p.rows_last == 1);
    CHECK(p.cycles_per_fold == 6);
    CHECK(p.total_rows() == 12);
    // Mapping: 4/4 then 2/4 -> 0.75. Compute: 4*4/(4*6) + 2*4/(4*6) = 1, averaged 0.5.
    const FoldAverages a = fold_averages(p);
    CHECK(a.mapping_efficiency == doctest::Approx(0.75));
    CHECK(a.compute_utilization == doctest::Approx(0.5));
    LayerWork w;
    w.name = "g";
    w.on_array = true;
    w.gemm = {3, 2, 4};
    AccelConfig c;
    c.array_rows = c.array_cols = 2;
    const LayerResult r = simulate_layer(w, c, {});
    CHECK(r.total_cycles == 11);
    CHECK(r.stall_cycles == 0);
    // Overall: 24 MACs * 100 / (11 cycles * 4 PEs).
    CHECK(r.overall_util_pct == doctest::Approx(2400.0 / 44.0));
}

TEST_CASE("hand-derived ws fold count and cycles (2x2 array, M=3 N=2 K=4)") {
    // Sr = K = 4 -> 2 row folds; Sc = N = 2 -> 1 column fold; T = M = 3.
    // L = 2*2 + 2 + 3 - 2 = 7 (2 preload + 3 stream + 1 drain, skewed by 1); 2 folds -> 14 rows -> 13.
    const FoldPlan p = plan_folds(2, 2, Dataflow::WeightStationary, {3, 2, 4});
    CHECK(p.row_folds == 2);
    CHECK(p.col_folds == 1);
    CHECK(p.cycles_per_fold == 7);
    CHECK(p.util_cycles_per_fold == 8);  // 2R + 2C + T - 3
    CHECK(p.total_rows() - 1 == 13);
    // Both folds use all 4 PEs; compute util = 4*3 / (4*8) = 0.375 each.
    const FoldAverages a = fold_averages(p);
    CHECK(a.mapping_efficiency == doctest::Approx(1.0));
    CHECK(a.compute_utilization == doctest::Approx(0.375));
    // SRAM: the ifmap (3x4) is streamed once per column fold, the filter (4x2) read once, and each of the
    // 2 row folds writes its 3x2 partial sums.
    const SramCounts s = scalesim_sram_counts(p);
    CHECK(s.ifmap_reads == 12);
    CHECK(s.filter_reads == 8);
    CHECK(s.ofmap_writes == 12);
}

TEST_CASE("hand-derived is fold count and cycles (2x2 array, M=3 N=2 K=4)") {
    // Sr = K = 4 -> 2 row folds; Sc = M = 3 -> 2 column folds (2, then 1); T = N = 2.
    // L = 2*2 + 2 + 2 - 2 = 6; 4 folds -> 24 rows -> Total Cycles 23.
    const FoldPlan p = plan_folds(2, 2, Dataflow::InputStationary, {3, 2, 4});
    CHECK(p.n_folds() == 4);
    CHECK(p.cols_last == 1);
    CHECK(p.cycles_per_fold == 6);
    CHECK(p.total_rows() - 1 == 23);
    // Mapping (fc-major): 1, 1, 0.5, 0.5 -> 0.75. Compute: U = 4 + 4 + 2 - 3 = 7; (8+8+4+4)/(4*28) = 6/28.
    const FoldAverages a = fold_averages(p);
    CHECK(a.mapping_efficiency == doctest::Approx(0.75));
    CHECK(a.compute_utilization == doctest::Approx(6.0 / 28.0));
    const FoldInfo last = p.fold(3);
    CHECK(last.col_fold == 1);
    CHECK(last.row_fold == 1);
    CHECK(last.start_cycle == 18);
    CHECK(last.cols_used == 1);
}

TEST_CASE("a 1x1 array degenerates to one PE doing every MAC in sequence") {
    // os: T + 1 + 1 - 2 = K cycles per fold, M*N folds: exactly M*N*K cycles of work.
    const FoldPlan p = plan_folds(1, 1, Dataflow::OutputStationary, {3, 5, 7});
    CHECK(p.total_rows() == 3 * 5 * 7);
}

namespace {

// SCALE-Sim v2's "small" test topology (every shape kind: strided, overrunning windows, 1x1, depthwise,
// fully connected, larger conv).
const char* kSmallTopology =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
    "C1, 12, 12, 3, 3, 3, 8, 1,\n"
    "C2, 11, 9, 3, 2, 4, 13, 2,\n"
    "C3, 7, 7, 1, 1, 16, 20, 1,\n"
    "CDP, 9, 9, 3, 3, 3, 1, 1,\n"
    "FC, 1, 1, 1, 1, 37, 10, 1,\n"
    "BIG, 16, 16, 3, 3, 8, 40, 1,\n";

std::string config_text(int rows, int cols, const char* df) {
    std::ostringstream o;
    o << "[general]\nrun_name = t\n\n[architecture_presets]\nArrayHeight: " << rows << "\nArrayWidth: " << cols
      << "\nIfmapSramSzkB: 64\nFilterSramSzkB: 64\nOfmapSramSzkB: 64\nIfmapOffset: 0\nFilterOffset: 10000000\n"
         "OfmapOffset: 20000000\nBandwidth : 10\nDataflow : "
      << df << "\nMemoryBanks: 1\n\n[run_presets]\nInterfaceBandwidth: CALC\n";
    return o.str();
}

NetworkResult run_small(int rows, int cols, const char* df) {
    auto cfg = parse_scalesim_config(config_text(rows, cols, df), "t.cfg");
    REQUIRE(cfg.ok());
    auto topo = parse_scalesim_topology(kSmallTopology, "small.csv", "small");
    REQUIRE(topo.ok());
    auto net = simulate_workload(topo->workload, cfg->config);
    REQUIRE(net.ok());
    return *net;
}

const char* kHeader = "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n";

}  // namespace

// Golden rows: COMPUTE_REPORT.csv written by SCALE-Sim v2 (classic scalesim-project/scale-sim-v2 code,
// CALC mode) for kSmallTopology; regenerate with bench/scalesim/run_scalesim.sh (docs/ACCEL.md).
TEST_CASE("golden SCALE-Sim compute report, 4x4 array, all dataflows") {
    CHECK(compute_report_csv(run_small(4, 4, "os")) == std::string(kHeader) +
                                                          "0, 1649, 0, 81.86779866585809, 100.0, 81.8181818181818,\n"
                                                          "1, 839, 0, 58.104886769964246, 72.54464285714286, 58.03571428571429,\n"
                                                          "2, 1429, 0, 68.57942617214836, 94.23076923076923, 68.53146853146849,\n"
                                                          "3, 194, 0, 14.207474226804123, 23.557692307692307, 14.134615384615381,\n"
                                                          "4, 194, 0, 14.207474226804123, 23.557692307692307, 14.134615384615381,\n"
                                                          "5, 194, 0, 14.207474226804123, 23.557692307692307, 14.134615384615381,\n"
                                                          "6, 128, 0, 18.06640625, 20.833333333333336, 17.926356589147286,\n"
                                                          "7, 38219, 0, 92.31010753813548, 100.0, 92.3076923076918,\n");
    CHECK(compute_report_csv(run_small(4, 4, "ws")) == std::string(kHeader) +
                                                          "0, 1539, 0, 87.71929824561404, 96.42857142857143, 85.33501896333757,\n"
                                                          "1, 839, 0, 58.104886769964246, 81.25, 53.45394736842106,\n"
                                                          "2, 1179, 0, 83.12128922815945, 100.0, 79.03225806451614,\n"
                                                          "3, 176, 0, 15.660511363636363, 18.75, 14.818548387096772,\n"
                                                          "4, 176, 0, 15.660511363636363, 18.75, 14.818548387096772,\n"
                                                          "5, 176, 0, 15.660511363636363, 18.75, 14.818548387096772,\n"
                                                          "6, 329, 0, 7.02887537993921, 77.08333333333334, 5.505952380952382,\n"
                                                          "7, 37079, 0, 95.14819709269398, 100.0, 93.77990430621995,\n");
    CHECK(compute_report_csv(run_small(4, 4, "is")) == std::string(kHeader) +
                                                          "0, 3149, 0, 42.870752619879326, 96.42857142857143, 36.73469387755093,\n"
                                                          "1, 965, 0, 50.51813471502591, 89.28571428571429, 44.642857142857146,\n"
                                                          "2, 1559, 0, 62.860808210391276, 94.23076923076923, 57.10955710955709,\n"
                                                          "3, 428, 0, 6.439836448598131, 70.67307692307693, 5.048076923076921,\n"
                                                          "4, 428, 0, 6.439836448598131, 70.67307692307693, 5.048076923076921,\n"
                                                          "5, 428, 0, 6.439836448598131, 70.67307692307693, 5.048076923076921,\n"
                                                          "6, 199, 0, 11.620603015075377, 23.125, 10.054347826086959,\n"
                                                          "7, 44099, 0, 80.00181410009297, 100.0, 75.47169811320727,\n");
}

TEST_CASE("golden SCALE-Sim compute report, non-square 3x5 and wide 16x16 arrays") {
    CHECK(compute_report_csv(run_small(3, 5, "ws")) == std::string(kHeader) +
                                                          "0, 1961, 0, 73.43192248852627, 79.99999999999999, 70.79646017699116,\n"
                                                          "1, 815, 0, 63.80368098159509, 86.66666666666671, 57.01754385964916,\n"
                                                          "2, 1391, 0, 75.14977234603403, 88.88888888888889, 70.25089605734767,\n"
                                                          "3, 173, 0, 16.99421965317919, 20.000000000000004, 15.806451612903224,\n"
                                                          "4, 173, 0, 16.99421965317919, 20.000000000000004, 15.806451612903224,\n"
                                                          "5, 173, 0, 16.99421965317919, 20.000000000000004, 15.806451612903224,\n"
                                                          "6, 259, 0, 9.523809523809524, 94.87179487179488, 6.776556776556773,\n"
                                                          "7, 39359, 0, 95.61218526893468, 100.0, 93.77990430621995,\n");
    CHECK(compute_report_csv(run_small(3, 5, "is")) == std::string(kHeader) +
                                                          "0, 3059, 0, 47.07420725727362, 100.0, 38.095238095237995,\n"
                                                          "1, 879, 0, 59.15813424345848, 100.0, 50.0,\n"
                                                          "2, 1739, 0, 60.111175004792024, 87.1111111111111, 52.79461279461276,\n"
                                                          "3, 299, 0, 9.832775919732441, 98.00000000000001, 6.999999999999998,\n"
                                                          "4, 299, 0, 9.832775919732441, 98.00000000000001, 6.999999999999998,\n"
                                                          "5, 299, 0, 9.832775919732441, 98.00000000000001, 6.999999999999998,\n"
                                                          "6, 246, 0, 10.02710027100271, 18.974358974358978, 8.249721293199551,\n"
                                                          "7, 47039, 0, 80.0017007164268, 98.00000000000011, 73.96226415094344,\n");
    CHECK(compute_report_csv(run_small(16, 16, "os")) == std::string(kHeader) +
                                                            "0, 398, 0, 21.199748743718594, 44.642857142857146, 21.14661654135338,\n"
                                                            "1, 107, 0, 28.475467289719628, 63.4765625, 28.211805555555557,\n"
                                                            "2, 367, 0, 16.689373297002724, 47.8515625, 16.644021739130434,\n"
                                                            "3, 155, 0, 1.111391129032258, 4.78515625, 1.1042668269230769,\n"
                                                            "4, 155, 0, 1.111391129032258, 4.78515625, 1.1042668269230769,\n"
                                                            "5, 155, 0, 1.111391129032258, 4.78515625, 1.1042668269230769,\n"
                                                            "6, 66, 0, 2.1898674242424243, 3.90625, 2.1571828358208958,\n"
                                                            "7, 3977, 0, 55.44380186069902, 78.52564102564102, 55.42986425339361,\n");
}

TEST_CASE("golden SCALE-Sim SRAM columns of the bandwidth and detailed reports (3x5 is)") {
    const NetworkResult net = run_small(3, 5, "is");
    std::istringstream bw(bandwidth_report_csv(net)), det(detailed_access_report_csv(net));
    std::string line;
    std::getline(bw, line);
    std::getline(bw, line);
    CHECK(line.rfind("0, 0.8826413860738803, 1.4122262177182086, 2.353710362863681, ", 0) == 0);
    std::getline(det, line);
    std::getline(det, line);
    std::getline(det, line);  // layer 1: windows that overrun the input end the ifmap window early
    CHECK(line.rfind("1, 1.0, 861.0, 600, 4.0, 876.0, 1560, 5.0, 879.0, 2600, ", 0) == 0);
}

TEST_CASE("the write-buffer replay reproduces SCALE-Sim's ofmap stalls") {
    // SCALE-Sim v2 in USER mode, Bandwidth 2, a 1 KB ofmap SRAM and read buffers large enough never to miss,
    // so every stall comes from the ofmap write buffer; 4x8 array.
    struct Case {
        Dataflow df;
        GemmDims g;
        int64_t total, stalls;
    };
    const Case cases[] = {{Dataflow::WeightStationary, {300, 40, 6}, 11352, 8213},
                          {Dataflow::WeightStationary, {50, 9, 20}, 862, 223},
                          {Dataflow::OutputStationary, {300, 40, 6}, 5999, 0},
                          {Dataflow::OutputStationary, {50, 9, 20}, 779, 0},
                          {Dataflow::InputStationary, {300, 40, 6}, 11497, 7394},
                          {Dataflow::InputStationary, {50, 9, 20}, 826, 22}};
    for (const Case& c : cases) {
        CAPTURE(to_string(c.df));
        CAPTURE(c.g.m);
        const StallReplay r = replay_ofmap_writes(plan_folds(4, 8, c.df, c.g), 1024, 2);
        CHECK(r.total_cycles == c.total);
        CHECK(r.stall_cycles == c.stalls);
    }
}

TEST_CASE("python float repr matches Python's str(float)") {
    CHECK(python_float_repr(62.5) == "62.5");
    CHECK(python_float_repr(100.0) == "100.0");
    CHECK(python_float_repr(45.00000000000001) == "45.00000000000001");
    CHECK(python_float_repr(0.1 + 0.2) == "0.30000000000000004");
    CHECK(python_float_repr(1e-05) == "1e-05");
    CHECK(python_float_repr(0.0001) == "0.0001");
    CHECK(python_float_repr(1e16) == "1e+16");
    CHECK(python_float_repr(123456789012345.0) == "123456789012345.0");
    CHECK(python_float_repr(-66.0) == "-66.0");
    CHECK(python_float_repr(0.0) == "0.0");
}

TEST_SUITE_END();
