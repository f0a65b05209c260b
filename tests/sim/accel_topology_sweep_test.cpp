// Built-in topologies (layer counts, known layers' GEMM shapes, total MACs against the papers), the
// design-space sweep (order, equality with single runs, cancel, Pareto marking on a hand-built set), the
// area proxy's arithmetic and the other compute styles' roofline latency for a small GEMM.
#include "sim/accel/accel_sim.hpp"
#include "sim/accel/builtin_topologies.hpp"
#include "sim/accel/compute_styles.hpp"
#include "sim/accel/sweep.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <string>

using namespace mlsys::sim::accel;
using mlsys::models::OpKind;

TEST_SUITE_BEGIN("sim.accel");

namespace {

// One dense layer 784 -> 10 per sample: a 1 x 784 times 784 x 10 GEMM.
mlsys::models::Workload dense_784_10() {
    mlsys::models::Workload w;
    w.name = "fc";
    mlsys::models::WorkloadLayer l;
    l.name = "fc";
    l.type = "dense";
    l.op = OpKind::Dense;
    l.in_c = 784;
    l.out_c = 10;
    l.gemm_m = 1;
    l.gemm_n = 10;
    l.gemm_k = 784;
    l.n_gemms = 1;
    l.n_weights = 7840;
    l.n_biases = 10;
    l.macs = 7840;
    w.layers.push_back(l);
    return w;
}

mlsys::models::Workload gemm_workload(int64_t m, int64_t n, int64_t k) {
    mlsys::models::Workload w;
    w.name = "g";
    mlsys::models::WorkloadLayer l;
    l.name = "g";
    l.type = "gemm";
    l.op = OpKind::Gemm;
    l.gemm_m = m;
    l.gemm_n = n;
    l.gemm_k = k;
    l.n_gemms = 1;
    l.macs = m * n * k;
    w.layers.push_back(l);
    return w;
}

SweepPoint point(int64_t latency, double energy, double area) {
    SweepPoint p;
    p.latency_cycles = latency;
    p.energy_pj = energy;
    p.area_mm2 = area;
    return p;
}

}  // namespace

TEST_CASE("built-in topologies have the published layer counts and MACs") {
    // Layer rows and MACs per inference. MACs computed independently from the CSVs with SCALE-Sim's output
    // size ceil((H - R + S) / S); they agree with the papers: ResNet-50 ~4.1 G, VGG-16 15.5 G, MobileNetV1
    // 569 M (Howard et al. Table 1 "569 Mult-Adds"), MobileNetV2 300 M (Sandler et al. Table 4).
    struct Expect {
        const char* name;
        size_t layers;
        int64_t macs;
    };
    const Expect expect[] = {
        {"resnet50", 54, 4089184256},         // 49 convs in conv1 + 16 bottlenecks, 4 projections, FC
        {"resnet18", 21, 1814073344},         // conv1, 16 3x3 convs, 3 projections, FC
        {"vgg16", 16, 15470264320},           // 13 conv + 3 FC
        {"alexnet", 8, 1135256096},           // 5 conv + 3 FC
        {"mobilenet_v1", 28, 568740352},      // conv1, 13 depthwise + 13 pointwise, FC
        {"mobilenet_v2", 53, 300774272},
        {"bert_base_128", 30, 931135488},     // 4 x 128x768x768 + 2 x 128x768x3072 + 24 x 128x128x64
        {"bert_base_512", 30, 4026531840},
    };
    for (const Expect& e : expect) {
        CAPTURE(e.name);
        auto t = load_builtin_topology(e.name);
        REQUIRE_MESSAGE(t.ok(), t.error());
        CHECK(t->workload.layers.size() == e.layers);
        CHECK(t->workload.total_macs() == e.macs);
        CHECK(t->warnings.empty());
    }
    CHECK(builtin_topologies().size() == 8);
}

TEST_CASE("known ResNet-50 layers lower to the right GEMMs") {
    auto t = load_topology("resnet50");
    REQUIRE(t.ok());
    const auto& layers = t->workload.layers;
    // Conv1: 7x7/2 on a 229x229 (padded 224) RGB input -> 112x112 outputs, 64 filters, K = 7*7*3.
    CHECK(layers.front().name == "Conv1");
    CHECK(layers.front().gemm_m == 112 * 112);
    CHECK(layers.front().gemm_n == 64);
    CHECK(layers.front().gemm_k == 147);
    // The classifier: 2048 features -> 1000 classes, M = 1.
    CHECK(layers.back().name == "FC");
    CHECK(layers.back().gemm_m == 1);
    CHECK(layers.back().gemm_n == 1000);
    CHECK(layers.back().gemm_k == 2048);
    // Conv5_1b: the strided 3x3 of the last stage, 14x14 -> 7x7, 512 -> 512.
    bool found = false;
    for (const auto& l : layers) {
        if (l.name != "Conv5_1b") continue;
        found = true;
        CHECK(l.gemm_m == 49);
        CHECK(l.gemm_n == 512);
        CHECK(l.gemm_k == 3 * 3 * 512);
    }
    CHECK(found);
    // ResNet-50's total: ~4.1 GMACs.
    CHECK(double(t->workload.total_macs()) == doctest::Approx(4.1e9).epsilon(0.01));
}

TEST_CASE("topology names ignore case and dashes and unknown names list the choices") {
    auto a = load_builtin_topology("ResNet-50");
    REQUIRE(a.ok());
    CHECK(a->workload.layers.size() == 54);
    auto b = load_builtin_topology("MobileNet_V2");
    REQUIRE(b.ok());
    auto bad = load_builtin_topology("resnet51");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().find("unknown topology 'resnet51'") != std::string::npos);
    CHECK(bad.error().find("resnet50") != std::string::npos);
    CHECK(bad.error().find("mlp") != std::string::npos);
    auto missing = load_topology("/nonexistent/net.csv");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().find("/nonexistent/net.csv") != std::string::npos);
}

TEST_CASE("the app's model presets load as topologies with their vector layers") {
    auto mlp = load_topology("mlp");
    REQUIRE_MESSAGE(mlp.ok(), mlp.error());
    // 784-128-10: two dense layers on the array, the first 1 x 784 times 784 x 128.
    int dense = 0;
    for (const auto& l : mlp->workload.layers) {
        if (l.op != OpKind::Dense) continue;
        if (dense == 0) {
            CHECK(l.gemm_m == 1);
            CHECK(l.gemm_k == 784);
            CHECK(l.gemm_n == 128);
        }
        ++dense;
    }
    CHECK(dense == 2);
    CHECK(mlp->workload.total_macs() == 784 * 128 + 128 * 10);
}

TEST_CASE("area proxy arithmetic") {
    // 8x8 int8 PEs: 64 x (282 + 137) um^2 = 26,816 um^2. Three 1 KiB SRAMs: 3 x 1024 x 8 bits x 0.346 um^2 /
    // 0.5 array efficiency = 17,006.592 um^2. Total 43,822.592 um^2 = 0.043822592 mm^2.
    AccelConfig c;
    c.array_rows = c.array_cols = 8;
    c.ifmap_sram_kib = c.filter_sram_kib = c.ofmap_sram_kib = 1;
    CHECK(area_proxy_mm2(c) == doctest::Approx(0.043822592).epsilon(1e-12));
    // fp32 PEs: 64 x (7700 + 4184) = 760,576 um^2; SRAM unchanged -> 0.777582592 mm^2.
    c.word_bytes = 4;
    CHECK(area_proxy_mm2(c) == doctest::Approx(0.777582592).epsilon(1e-12));
}

TEST_CASE("Pareto marking on a hand-built set") {
    // A (100, 10, 1) and B (50, 20, 2) trade latency for energy and area; C (120, 12, 1.5) is worse than A in
    // everything; D (50, 30, 2) ties B on latency and area but spends more energy; E (200, 5, 3) has the
    // least energy. 3-D front: A, B, E. Latency-area front: A and B, and D (it ties B, nobody beats it).
    std::vector<SweepPoint> pts = {point(100, 10, 1), point(50, 20, 2), point(120, 12, 1.5), point(50, 30, 2),
                                   point(200, 5, 3)};
    mark_pareto(pts);
    CHECK(pts[0].pareto);
    CHECK(pts[1].pareto);
    CHECK_FALSE(pts[2].pareto);
    CHECK_FALSE(pts[3].pareto);
    CHECK(pts[4].pareto);
    CHECK(pts[0].pareto_latency_area);
    CHECK(pts[1].pareto_latency_area);
    CHECK_FALSE(pts[2].pareto_latency_area);
    CHECK(pts[3].pareto_latency_area);
    CHECK_FALSE(pts[4].pareto_latency_area);
}

TEST_CASE("array lists parse and name a bad item") {
    auto a = parse_array_list("8x8,16x32");
    REQUIRE(a.ok());
    REQUIRE(a->size() == 2);
    CHECK((*a)[1].first == 16);
    CHECK((*a)[1].second == 32);
    auto bad = parse_array_list("8x8,16by32");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().find("16by32") != std::string::npos);
    CHECK_FALSE(parse_array_list("").ok());
}

TEST_CASE("the default sweep covers 8x8 to 256x256 in all dataflows") {
    const SweepSpec s = default_sweep_spec();
    CHECK(s.arrays.size() == 36);
    CHECK(s.arrays.front() == std::pair<int, int>(8, 8));
    CHECK(s.arrays.back() == std::pair<int, int>(256, 256));
    CHECK(s.dataflows.size() == 3);
    CHECK(s.sram_kib.size() == 3);
}

TEST_CASE("every sweep point equals a single run of its config") {
    // A 20 x 12 x 20 GEMM on 4x4 and 8x4, os and ws, 64 KiB: 4 points in spec order.
    const auto w = gemm_workload(20, 12, 20);
    AccelConfig base;
    SweepSpec spec;
    spec.arrays = {{4, 4}, {8, 4}};
    spec.dataflows = {Dataflow::OutputStationary, Dataflow::WeightStationary};
    spec.sram_kib = {64};
    int progress_calls = 0;
    int64_t last_done = 0, last_total = 0;
    SweepCallbacks cb;
    cb.on_progress = [&](int64_t done, int64_t total) {
        ++progress_calls;
        last_done = done;
        last_total = total;
    };
    auto r = run_sweep(w, base, spec, {}, cb);
    REQUIRE(r.ok());
    REQUIRE(r->points.size() == 4);
    CHECK(progress_calls == 4);
    CHECK(last_done == 4);
    CHECK(last_total == 4);
    CHECK_FALSE(r->cancelled);
    // os on 4x4: (Sr, Sc, T) = (20, 12, 20): 5 x 3 = 15 folds of 20 + 4 + 4 - 2 = 26 cycles -> 389.
    CHECK(r->points[0].rows == 4);
    CHECK(r->points[0].dataflow == Dataflow::OutputStationary);
    CHECK(r->points[0].latency_cycles == 15 * 26);
    CHECK(r->points[0].util_pct == doctest::Approx(100.0 * 4800 / (390.0 * 16)));
    for (const SweepPoint& p : r->points) {
        AccelConfig c = base;
        c.array_rows = p.rows;
        c.array_cols = p.cols;
        c.dataflow = p.dataflow;
        c.ifmap_sram_kib = c.filter_sram_kib = c.ofmap_sram_kib = p.sram_kib;
        auto net = simulate_workload(w, c);
        REQUIRE(net.ok());
        CHECK(p.latency_cycles == net->latency_cycles);
        CHECK(p.energy_pj == doctest::Approx(net->energy.total_pj()));
        CHECK(p.area_mm2 == doctest::Approx(area_proxy_mm2(c)));
    }
    // The 8x4 array has twice the PEs: more area, never more latency, so both shapes can be on the front
    // but the 4x4 os point is the smallest-area one and must be on it.
    CHECK(r->points[0].pareto_latency_area);
}

TEST_CASE("a cancelled sweep stops before the next point") {
    const auto w = gemm_workload(8, 8, 8);
    SweepSpec spec;
    spec.arrays = {{4, 4}, {8, 8}};
    spec.dataflows = {Dataflow::OutputStationary};
    spec.sram_kib = {64};
    std::atomic<bool> cancel{false};
    SweepCallbacks cb;
    cb.cancel = &cancel;
    cb.on_progress = [&](int64_t, int64_t) { cancel = true; };
    auto r = run_sweep(w, AccelConfig{}, spec, {}, cb);
    REQUIRE(r.ok());
    CHECK(r->cancelled);
    CHECK(r->points.size() == 1);
    SweepSpec empty = spec;
    empty.dataflows.clear();
    CHECK_FALSE(run_sweep(w, AccelConfig{}, empty).ok());
}

TEST_CASE("compute styles give the roofline latency of a 784 x 10 dense layer") {
    const auto w = dense_784_10();
    // Traffic: 7,850 parameters + 784 inputs + 10 outputs = 8,644 words.
    // CPU: 3 GHz x 8 lanes x 2 FMA = 48 GMAC/s -> 7840 / 48e9 = 163.3 ns; 8644 x 4 B / 20 GB/s = 1.7288 us:
    // memory-bound, 1.7288 us, 8 W -> 13.83 uJ.
    const StyleResult cpu = simulate_cpu(w, CpuSimdConfig{});
    REQUIRE(cpu.layers.size() == 1);
    CHECK(cpu.layers[0].compute_s == doctest::Approx(7840.0 / 48e9));
    CHECK(cpu.layers[0].memory_s == doctest::Approx(1.7288e-6));
    CHECK(cpu.layers[0].memory_bound);
    CHECK(cpu.latency_s == doctest::Approx(1.7288e-6));
    CHECK(cpu.energy_j == doctest::Approx(1.7288e-6 * 8));
    CHECK(cpu.macs == 7840);
    CHECK(cpu.bytes == 8644 * 4);
    CHECK(cpu.ridge_macs_per_byte() == doctest::Approx(2.4));
    // GPU: 8644 x 2 B / 1555 GB/s = 11.12 ns, dwarfed by the 5 us launch: 5.0111 us.
    const StyleResult gpu = simulate_gpu(w, GpuConfig{});
    CHECK(gpu.latency_s == doctest::Approx(5e-6 + 8644.0 * 2 / 1555e9));
    CHECK(gpu.layers[0].memory_bound);
    // MCU: 2 MACs x 80 MHz = 160 M MAC/s -> 49 us; 8644 B / 320 MB/s = 27 us: compute-bound, 49 us.
    const StyleResult mcu = simulate_mcu(w, McuConfig{});
    CHECK(mcu.latency_s == doctest::Approx(49e-6));
    CHECK_FALSE(mcu.layers[0].memory_bound);
    CHECK(mcu.energy_j == doctest::Approx(49e-6 * 0.0264));
    // Batch 4 multiplies the MACs and activations, not the weights: 4 x 7840 MACs, 7850 + 4 x 794 words.
    const StyleResult mcu4 = simulate_mcu(w, McuConfig{}, 4);
    CHECK(mcu4.macs == 4 * 7840);
    CHECK(mcu4.bytes == 7850 + 4 * 794);
}

TEST_CASE("the systolic result converts to the same style summary") {
    // The 1 x 784 x 10 layer on a 32x32 os array: Sr = M = 1, Sc = N = 10, T = K = 784 -> one fold of
    // 784 + 32 + 32 - 2 = 846 cycles; 7840 MACs over 846 x 1024 PE-cycles = 0.9% busy.
    const auto w = dense_784_10();
    AccelConfig c;
    c.array_rows = c.array_cols = 32;
    auto net = simulate_workload(w, c);
    REQUIRE(net.ok());
    CHECK(net->latency_cycles == 846);
    const StyleResult s = style_of(*net);
    CHECK(s.style == "systolic");
    CHECK(s.latency_s == doctest::Approx(846e-9));
    CHECK(s.peak_macs_per_s == doctest::Approx(1024e9));
    CHECK(s.macs == 7840);
    CHECK(net->overall_util_pct() == doctest::Approx(100.0 * 7840 / (846.0 * 1024)));
}

TEST_SUITE_END();
