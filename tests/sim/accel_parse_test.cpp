// SCALE-Sim file readers: what good files become, and the exact message for each kind of bad input.
#include "sim/accel/accel_sim.hpp"
#include "sim/accel/scalesim_files.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mlsys::sim::accel;
using mlsys::models::OpKind;

TEST_SUITE_BEGIN("sim.accel");

namespace {
const std::string kConvHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
const std::string kGemmHeader = "Layer Name, M, N, K,\n";

std::string config_with(const std::string& arch_extra, const std::string& mode = "CALC") {
    return "[general]\nrun_name = r\n\n[architecture_presets]\nArrayHeight: 8\nArrayWidth: 4\nIfmapSramSzkB: 64\n"
           "FilterSramSzkB: 32\nOfmapSramSzkB: 16\nIfmapOffset: 0\nFilterOffset: 10000000\nOfmapOffset: 20000000\n"
           "Dataflow : ws\nMemoryBanks: 1\n" +
           arch_extra + "\n[run_presets]\nInterfaceBandwidth: " + mode + "\n";
}
}  // namespace

TEST_CASE("a conv topology becomes GEMM-lowered workload layers") {
    auto t = parse_scalesim_topology(kConvHeader +
                                         "Conv1, 224, 224, 7, 7, 3, 64, 2,\n"
                                         "\n"
                                         "Conv2_DP, 56, 56, 3, 3, 32, 1, 1,\n",
                                     "net.csv", "net");
    REQUIRE(t.ok());
    CHECK(t->form == TopologyForm::Conv);
    CHECK(t->warnings.empty());
    REQUIRE(t->workload.layers.size() == 2);
    const auto& c1 = t->workload.layers[0];
    // ceil((224 - 7 + 2) / 2) = 110 (SCALE-Sim has no padding and keeps the overrunning last window).
    CHECK(c1.out_h == 110);
    CHECK(c1.out_w == 110);
    CHECK(c1.gemm_m == 110 * 110);
    CHECK(c1.gemm_n == 64);
    CHECK(c1.gemm_k == 7 * 7 * 3);
    CHECK(c1.op == OpKind::Conv2D);
    const auto& dp = t->workload.layers[1];
    CHECK(dp.op == OpKind::DepthwiseConv2D);  // "DP" in the name, as in SCALE-Sim
    CHECK(dp.n_gemms == 32);
    CHECK(dp.gemm_k == 9);
    CHECK(dp.gemm_n == 1);
}

TEST_CASE("the GEMM form is detected from its header and gives M x K times K x N") {
    auto t = parse_scalesim_topology(kGemmHeader + "QKV, 128, 2304, 768,\n", "bert.csv", "bert");
    REQUIRE(t.ok());
    CHECK(t->form == TopologyForm::Gemm);
    const auto& l = t->workload.layers.at(0);
    CHECK(l.gemm_m == 128);
    CHECK(l.gemm_n == 2304);
    CHECK(l.gemm_k == 768);
    CHECK(l.macs == int64_t(128) * 2304 * 768);
}

TEST_CASE("a row without the trailing comma is read, with a warning") {
    auto t = parse_scalesim_topology(kConvHeader + "C1, 8, 8, 3, 3, 2, 4, 1\n", "t.csv", "t");
    REQUIRE(t.ok());
    REQUIRE(t->warnings.size() == 1);
    CHECK(t->warnings[0] == "t.csv:2: no trailing comma after the last field; SCALE-Sim would drop '1' (read it anyway)");
    CHECK(t->workload.layers.at(0).stride == 1);
}

TEST_CASE("bad topology rows give line-numbered messages") {
    struct Case {
        std::string text;
        std::string message;
    };
    const Case cases[] = {
        {kConvHeader + "C1, 8, 8, 3, 3, 2,\n",
         "t.csv:2: expected 8 fields (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num "
         "Filter, Strides[, Stride Width]), found 6"},
        {kConvHeader + "C1, 8, 8, 3, 3, 2, 4, 1,\nC2, 8, 8, 3, 3, three, 4, 1,\n",
         "t.csv:3: Channels must be a positive integer, got 'three'"},
        {kConvHeader + "C1, 8, 8.5, 3, 3, 2, 4, 1,\n", "t.csv:2: IFMAP Width must be a positive integer, got '8.5'"},
        {kConvHeader + "C1, 3, 8, 5, 3, 2, 4, 1,\n", "t.csv:2: Filter Height 5 is larger than IFMAP Height 3"},
        {kConvHeader + "C1, 8, 2, 3, 3, 2, 4, 1,\n", "t.csv:2: Filter Width 3 is larger than IFMAP Width 2"},
        {kConvHeader + "C1, 8, 8, 3, 3, 2, 4, 0,\n", "t.csv:2: Strides must be a positive integer, got '0'"},
        {kConvHeader + "C1, 8, 8, 3, 3, 2, -4, 1,\n", "t.csv:2: Num Filter must be a positive integer, got '-4'"},
        {kConvHeader + "C1, 8, 8, 3, 3, 2, 4, 1, 1, 7,\n",
         "t.csv:2: expected 8 fields (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num "
         "Filter, Strides[, Stride Width]), found 10"},
        {kConvHeader + " , 8, 8, 3, 3, 2, 4, 1,\n", "t.csv:2: the layer name is empty"},
        {"C1, 8, 8, 3, 3, 2, 4, 1,\n",
         "t.csv:1: expected a header line first (SCALE-Sim skips the first line), got a layer row 'C1, 8, 8, 3, 3, 2, 4, 1,'"},
        {kConvHeader, "t.csv: no layers after the header"},
        {"\n\n", "t.csv: empty topology (no header, no layers)"},
        {kGemmHeader + "QK, 128, 128,\n", "t.csv:2: expected 4 fields (Layer Name, M, N, K), found 3"},
        {kGemmHeader + "QK, 128, 0, 64,\n", "t.csv:2: N must be a positive integer, got '0'"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        auto t = parse_scalesim_topology(c.text, "t.csv", "t");
        REQUIRE_FALSE(t.ok());
        CHECK(t.error() == c.message);
    }
}

TEST_CASE("a SCALE-Sim config is read with configparser's rules") {
    auto c = parse_scalesim_config(config_with("Bandwidth : 10\n"), "a.cfg");
    REQUIRE(c.ok());
    CHECK(c->config.run_name == "r");
    CHECK(c->config.array_rows == 8);
    CHECK(c->config.array_cols == 4);
    CHECK(c->config.ifmap_sram_kib == 64);
    CHECK(c->config.filter_sram_kib == 32);
    CHECK(c->config.ofmap_sram_kib == 16);
    CHECK(c->config.dataflow == Dataflow::WeightStationary);
    CHECK(c->config.bandwidth_mode == BandwidthMode::Calc);
    CHECK(c->warnings.empty());
    // Keys are case-insensitive and '=' works as well as ':'.
    auto lower = parse_scalesim_config(config_with("bandwidth = 3\n", "USER"), "b.cfg");
    REQUIRE(lower.ok());
    CHECK(lower->config.bandwidth_mode == BandwidthMode::User);
    CHECK(lower->config.dram_words_per_cycle == 3);
}

TEST_CASE("bad configs give messages naming the file, line, key and value") {
    struct Case {
        std::string text;
        std::string message;
    };
    const std::string ok = config_with("Bandwidth : 10\n");
    auto replace = [&](const std::string& from, const std::string& to) {
        std::string s = ok;
        s.replace(s.find(from), from.size(), to);
        return s;
    };
    const Case cases[] = {
        {replace("ArrayHeight: 8", "ArrayHeight: eight"), "c.cfg:5: ArrayHeight must be a positive integer, got 'eight'"},
        {replace("ArrayWidth: 4", "ArrayWidth: 0"), "c.cfg:6: ArrayWidth must be a positive integer, got '0'"},
        {replace("ArrayHeight: 8\n", ""), "c.cfg: [architecture_presets] is missing ArrayHeight"},
        {replace("Dataflow : ws", "Dataflow : rs"), "c.cfg:13: Dataflow must be os, ws or is, got 'rs'"},
        {replace("InterfaceBandwidth: CALC", "InterfaceBandwidth: FAST"),
         "c.cfg:18: InterfaceBandwidth must be CALC or USER, got 'FAST'"},
        {replace("InterfaceBandwidth: CALC", "InterfaceBandwidth: USER").replace(ok.find("Bandwidth : 10\n"), 15, ""),
         "c.cfg: [architecture_presets] is missing Bandwidth (required with InterfaceBandwidth: USER)"},
        {replace("Bandwidth : 10", "Bandwidth : ten"),
         "c.cfg:15: Bandwidth must be a positive number of words per cycle, got 'ten'"},
        {replace("MemoryBanks: 1", "MemoryBanks: 2"),
         "c.cfg:14: MemoryBanks must be 1 (multi-bank memory maps are not modelled), got 2"},
        {replace("[general]\n", ""), "c.cfg:1: key 'run_name' comes before any [section]"},
        {replace("ArrayWidth: 4", "ArrayWidth 4"), "c.cfg:6: expected 'key = value' or '[section]', got 'ArrayWidth 4'"},
        {replace("ArrayWidth: 4", "ArrayWidth: 4\narraywidth: 5"),
         "c.cfg:7: duplicate key 'arraywidth' in [architecture_presets] (first at line 6)"},
        {replace("[run_presets]\nInterfaceBandwidth: CALC\n", ""),
         "c.cfg: missing section [run_presets] (needed for InterfaceBandwidth)"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        auto r = parse_scalesim_config(c.text, "c.cfg");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error() == c.message);
    }
}

TEST_CASE("unmodelled keys are reported as warnings") {
    auto c = parse_scalesim_config(config_with("Bandwidth : 10\nReadRequestBuffer: 32\n"), "n.cfg");
    REQUIRE(c.ok());
    REQUIRE(c->warnings.size() == 1);
    CHECK(c->warnings[0] == "n.cfg:16: readrequestbuffer is not modelled; ignored");
}

TEST_CASE("config and topology writers round-trip through the readers") {
    AccelConfig cfg;
    cfg.run_name = "rt";
    cfg.array_rows = 32;
    cfg.array_cols = 8;
    cfg.dataflow = Dataflow::InputStationary;
    cfg.bandwidth_mode = BandwidthMode::User;
    cfg.dram_words_per_cycle = 16;
    cfg.word_bytes = 2;
    auto back = parse_scalesim_config(write_scalesim_config(cfg), "rt.cfg");
    REQUIRE(back.ok());
    CHECK(back->config.array_rows == 32);
    CHECK(back->config.array_cols == 8);
    CHECK(back->config.dataflow == Dataflow::InputStationary);
    CHECK(back->config.dram_words_per_cycle == 16);
    CHECK(back->config.word_bytes == 2);

    // A padded conv, a depthwise conv, a dense layer: SCALE-Sim must see the same GEMMs.
    mlsys::models::Workload w;
    mlsys::models::WorkloadLayer conv;
    conv.name = "conv";
    conv.op = OpKind::Conv2D;
    conv.in_h = conv.in_w = 28;
    conv.in_c = 3;
    conv.out_h = conv.out_w = 14;
    conv.out_c = 16;
    conv.kernel_h = conv.kernel_w = 3;
    conv.stride = 2;
    conv.padding = 1;
    conv.gemm_m = 14 * 14;
    conv.gemm_n = 16;
    conv.gemm_k = 27;
    conv.n_gemms = 1;
    mlsys::models::WorkloadLayer dw = conv;
    dw.name = "dw";
    dw.op = OpKind::DepthwiseConv2D;
    dw.gemm_n = 1;
    dw.gemm_k = 9;
    dw.n_gemms = 3;
    mlsys::models::WorkloadLayer fc;
    fc.name = "DPU_fc";  // a "DP" that is not depthwise must not reach SCALE-Sim as one
    fc.op = OpKind::Dense;
    fc.gemm_m = 1;
    fc.gemm_n = 10;
    fc.gemm_k = 64;
    fc.n_gemms = 1;
    mlsys::models::WorkloadLayer relu;
    relu.op = OpKind::Elementwise;
    w.layers = {conv, dw, fc, relu};
    for (int batch : {1, 4}) {
        auto t = parse_scalesim_topology(write_scalesim_topology(w, batch), "w.csv", "w");
        REQUIRE(t.ok());
        REQUIRE(t->workload.layers.size() == 3);
        for (size_t i = 0; i < 3; ++i) {
            CAPTURE(i);
            CAPTURE(batch);
            const auto& a = w.layers[i];
            const auto& b = t->workload.layers[i];
            CHECK(b.gemm_m == a.gemm_m * batch);
            CHECK(b.gemm_n == a.gemm_n);
            CHECK(b.gemm_k == a.gemm_k);
            CHECK(b.n_gemms == a.n_gemms);
        }
    }
}

TEST_CASE("simulate_workload rejects an invalid config or batch with the value named") {
    mlsys::models::Workload w;
    AccelConfig c;
    c.word_bytes = 3;
    auto r = simulate_workload(w, c);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "word size must be 1, 2 or 4 bytes, got 3");
    SimOptions o;
    o.batch = 0;
    auto r2 = simulate_workload(w, AccelConfig{}, o);
    REQUIRE_FALSE(r2.ok());
    CHECK(r2.error() == "batch must be at least 1, got 0");
}

TEST_SUITE_END();
