// The loop-nest trace generator against hand-written address sequences: a 2x2x2 GEMM in two loop orders,
// tiling, a padded convolution (direct and im2col), pooling windows, element size by precision, and the
// closed-form access count against the traced count over every loop order and many tilings.
#include "sim/memory/trace.hpp"

#include "models/model/model_spec.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mlsys;
using namespace mlsys::sim;

TEST_SUITE_BEGIN("sim.memory");

namespace {

struct CountSink final : TraceSink {
    int64_t reads = 0, writes = 0;
    void access(uint64_t, int, bool w) override { (w ? writes : reads)++; }
};

TraceOptions opts(const std::string& order, int tm = 0, int tn = 0, int tk = 0) {
    TraceOptions o;
    o.loop_order = order;
    o.tile_m = tm;
    o.tile_n = tn;
    o.tile_k = tk;
    return o;
}

models::WorkloadLayer conv_layer(int in_h, int in_w, int in_c, int filters, int kernel, int stride, int pad) {
    models::WorkloadLayer l;
    l.op = models::OpKind::Conv2D;
    l.in_h = in_h;
    l.in_w = in_w;
    l.in_c = in_c;
    l.kernel_h = l.kernel_w = kernel;
    l.stride = stride;
    l.padding = pad;
    l.out_h = (in_h + 2 * pad - kernel) / stride + 1;
    l.out_w = (in_w + 2 * pad - kernel) / stride + 1;
    l.out_c = filters;
    l.gemm_m = int64_t(l.out_h) * l.out_w;
    l.gemm_n = filters;
    l.gemm_k = int64_t(kernel) * kernel * in_c;
    l.n_gemms = 1;
    l.n_weights = l.gemm_k * filters;
    l.macs = l.gemm_m * l.gemm_n * l.gemm_k;
    return l;
}

}  // namespace

TEST_CASE("gemm trace mnk untiled: exact address sequence of a 2x2x2 product") {
    VectorSink s;
    generate_gemm_trace(2, 2, 2, 4, 0x1000, 0x2000, 0x3000, opts("mnk"), s);
    // For each (m, n): A(m,0) B(0,n) A(m,1) B(1,n), then C(m,n) is written once (the sum stays in a register).
    const std::vector<std::pair<uint64_t, bool>> want = {
        {0x1000, false}, {0x2000, false}, {0x1004, false}, {0x2008, false}, {0x3000, true},   // C(0,0)
        {0x1000, false}, {0x2004, false}, {0x1004, false}, {0x200c, false}, {0x3004, true},   // C(0,1)
        {0x1008, false}, {0x2000, false}, {0x100c, false}, {0x2008, false}, {0x3008, true},   // C(1,0)
        {0x1008, false}, {0x2004, false}, {0x100c, false}, {0x200c, false}, {0x300c, true}};  // C(1,1)
    REQUIRE(s.entries.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        CHECK(s.entries[i].addr == want[i].first);
        CHECK(s.entries[i].is_write == want[i].second);
        CHECK(s.entries[i].size == 4);
    }
}

TEST_CASE("gemm trace kmn: partial sums go back to memory every step") {
    VectorSink s;
    generate_gemm_trace(2, 2, 2, 4, 0x1000, 0x2000, 0x3000, opts("kmn"), s);
    // k = 0: four (m, n) points, each A, B, then write C (no read: no partial sum yet) = 12 accesses.
    // k = 1: each point reads C back first, then A, B, write = 16 accesses.
    REQUIRE(s.entries.size() == 28u);
    CHECK(s.entries[0].addr == 0x1000);  // A(0,0)
    CHECK(s.entries[1].addr == 0x2000);  // B(0,0)
    CHECK(s.entries[2].addr == 0x3000);  // C(0,0) written after one step
    CHECK(s.entries[2].is_write);
    CHECK(s.entries[3].addr == 0x1000);  // A(0,0) again for C(0,1)
    CHECK(s.entries[4].addr == 0x2004);  // B(0,1)
    // The first access of k = 1 flushes C(1,1), then reads C(0,0) back.
    CHECK(s.entries[11].addr == 0x300c);
    CHECK(s.entries[11].is_write);
    CHECK(s.entries[12].addr == 0x3000);
    CHECK_FALSE(s.entries[12].is_write);
    CHECK(s.entries[13].addr == 0x1004);  // A(0,1)
    CHECK(s.entries[14].addr == 0x2008);  // B(1,0)
    const auto c = count_gemm_accesses(2, 2, 2, opts("kmn"));
    CHECK(c.ab_reads == 16);
    CHECK(c.c_writes == 8);
    CHECK(c.c_reads == 4);
}

TEST_CASE("gemm trace tiled 4x4x4 by 2: every k-tile re-reads the partial sums") {
    CountSink s;
    generate_gemm_trace(4, 4, 4, 4, 0, 0x1000, 0x2000, opts("mnk", 2, 2, 2), s);
    // 8 blocks of 2x2x2; in each block every (m, n) is one run of 2 k-steps: 4 runs x 8 = 32 write-backs,
    // and 32 - 16 = 16 of them start at k = 2 and read the sum back. Operands: 2 x 64 MACs.
    CHECK(s.writes == 32);
    CHECK(s.reads == 128 + 16);
    const auto c = count_gemm_accesses(4, 4, 4, opts("mnk", 2, 2, 2));
    CHECK(c.c_writes == 32);
    CHECK(c.c_reads == 16);
}

TEST_CASE("count_gemm_accesses equals the traced count for every loop order and many tilings") {
    const char* orders[] = {"mnk", "mkn", "nmk", "nkm", "kmn", "knm"};
    const int shapes[][3] = {{1, 1, 1}, {1, 1, 5}, {1, 3, 1}, {3, 1, 4}, {5, 3, 7}, {4, 4, 4}, {2, 7, 3}};
    const int tiles[][3] = {{0, 0, 0}, {1, 1, 1}, {2, 2, 2}, {1, 0, 3}, {0, 1, 2}, {3, 2, 1}, {2, 0, 0}, {0, 0, 2}};
    int checked = 0;
    for (const char* order : orders)
        for (const auto& sh : shapes)
            for (const auto& t : tiles) {
                const TraceOptions o = opts(order, t[0], t[1], t[2]);
                CountSink s;
                generate_gemm_trace(sh[0], sh[1], sh[2], 4, 0, 0x10000, 0x20000, o, s);
                const auto c = count_gemm_accesses(sh[0], sh[1], sh[2], o);
                INFO(order << " " << sh[0] << "x" << sh[1] << "x" << sh[2] << " tiles " << t[0] << "," << t[1] << "," << t[2]);
                CHECK(c.c_writes == s.writes);
                CHECK(c.ab_reads + c.c_reads == s.reads);
                ++checked;
            }
    CHECK(checked == 6 * 7 * 8);
}

TEST_CASE("padded 3x3 convolution: taps outside the image read nothing") {
    // One 3x3x1 image, one 3x3 filter, padding 1: 9 outputs with 4 (corners), 6 (edges) and 9 (centre)
    // in-bounds taps = 4*4 + 4*6 + 9 = 49 taps, each reading the input and the weight, plus 9 writes.
    models::Workload w;
    w.layers.push_back(conv_layer(3, 3, 1, 1, 3, 1, 1));
    const AddressMap map;
    VectorSink s;
    generate_layer_trace(w, 0, TraceOptions{}, map, s);
    CHECK(s.entries.size() == 49u * 2 + 9);
    CHECK(count_layer_accesses(w.layers[0], TraceOptions{}) == 49 * 2 + 9);
    // Output (0,0): the first in-bounds tap is (ky, kx) = (1, 1) -> input pixel (0, 0), weight 4.
    CHECK(s.entries[0].addr == map.activations[0]);
    CHECK(s.entries[1].addr == map.weights + 4 * 4);
    // Then tap (1, 2) -> pixel (0, 1) at +4 bytes, weight 5.
    CHECK(s.entries[2].addr == map.activations[0] + 4);
    CHECK(s.entries[3].addr == map.weights + 5 * 4);
    // Output (0,0) has 4 taps: 8 reads, then its write to the other activation buffer.
    CHECK(s.entries[8].addr == map.activations[1]);
    CHECK(s.entries[8].is_write);
}

TEST_CASE("im2col convolution: builds the 9x9 patch matrix then multiplies it") {
    models::Workload w;
    w.layers.push_back(conv_layer(3, 3, 1, 1, 3, 1, 1));
    TraceOptions o;
    o.im2col = true;
    const AddressMap map;
    CountSink s;
    generate_layer_trace(w, 0, o, map, s);
    // im2col: 49 in-bounds reads + 81 patch writes; GEMM 9x1x9: 162 operand reads + 9 writes.
    CHECK(s.reads == 49 + 162);
    CHECK(s.writes == 81 + 9);
    CHECK(count_layer_accesses(w.layers[0], o) == 49 + 81 + 162 + 9);
    VectorSink v;
    generate_layer_trace(w, 0, o, map, v);
    CHECK(v.entries[0].addr == map.im2col);  // tap (0,0) of output (0,0) is padding: only the zero is written
    CHECK(v.entries[0].is_write);
}

TEST_CASE("2x2 max-pool: window addresses in NHWC") {
    models::WorkloadLayer l;
    l.op = models::OpKind::MaxPool;
    l.in_h = l.in_w = 4;
    l.in_c = l.out_c = 1;
    l.out_h = l.out_w = 2;
    l.kernel_h = l.kernel_w = 2;
    l.stride = 2;
    models::Workload w;
    w.layers.push_back(l);
    const AddressMap map;
    VectorSink s;
    generate_layer_trace(w, 0, TraceOptions{}, map, s);
    REQUIRE(s.entries.size() == 4u * 5);  // 4 outputs x (4 reads + 1 write)
    CHECK(count_layer_accesses(l, TraceOptions{}) == 20);
    const uint64_t in = map.activations[0];
    CHECK(s.entries[0].addr == in + 0);
    CHECK(s.entries[1].addr == in + 4);
    CHECK(s.entries[2].addr == in + 16);  // next row: 4 pixels x 4 bytes
    CHECK(s.entries[3].addr == in + 20);
    CHECK(s.entries[4].addr == map.activations[1]);
    CHECK(s.entries[5].addr == in + 8);  // output (0,1) starts at pixel (0,2)
}

TEST_CASE("the mlp preset: layer buffers and weight regions; int8 packs one byte per element") {
    auto spec = models::preset_spec("mlp");
    REQUIRE(spec.ok());
    auto w = models::make_workload(*spec);
    REQUIRE(w.ok());
    // Layers: flatten, dense 784->128, relu, dense 128->10, softmax.
    REQUIRE(w->layers.size() == 5u);
    CHECK(count_layer_accesses(w->layers[0], TraceOptions{}) == 0);  // flatten is a view
    TraceOptions o;
    o.precision = Precision::Int8;
    const AddressMap map;
    VectorSink s;
    generate_layer_trace(*w, 1, o, map, s);
    // Dense 784 -> 128 at batch 1: 2 x 100,352 operand reads + 128 output writes.
    CHECK(s.entries.size() == 2u * 784 * 128 + 128);
    CHECK(count_layer_accesses(w->layers[1], o) == 2 * 784 * 128 + 128);
    CHECK(s.entries[0].addr == map.activations[1]);  // layer 1 reads buffer 1 % 2
    CHECK(s.entries[1].addr == map.weights + 0);     // flatten has no parameters
    CHECK(s.entries[2].addr == map.activations[1] + 1);
    CHECK(s.entries[3].addr == map.weights + 128);  // W(1, 0): one row of 128 one-byte weights on
    CHECK(s.entries[0].size == 1);
    // Layer 3 (dense 128 -> 10) finds its weights after dense 1's 784*128 + 128 parameters.
    VectorSink s3;
    generate_layer_trace(*w, 3, o, map, s3);
    CHECK(s3.entries[1].addr == map.weights + 784 * 128 + 128);
    // Batch 4 multiplies a dense layer's traffic by 4.
    o.batch = 4;
    CHECK(count_layer_accesses(w->layers[1], o) == 4 * (2 * 784 * 128 + 128));
    // ReLU: one read and one write per element.
    CHECK(count_layer_accesses(w->layers[2], o) == 4 * 2 * 128);
}

TEST_CASE("count_layer_accesses matches the traced cnn preset layer by layer") {
    auto spec = models::preset_spec("cnn");
    REQUIRE(spec.ok());
    auto w = models::make_workload(*spec);
    REQUIRE(w.ok());
    for (bool im2col : {false, true}) {
        TraceOptions o = opts("nmk", 16, 8, 0);
        o.im2col = im2col;
        o.batch = 2;
        for (size_t i = 0; i < w->layers.size(); ++i) {
            CountSink s;
            generate_layer_trace(*w, i, o, AddressMap{}, s);
            INFO("layer " << i << " " << w->layers[i].name << " im2col " << im2col);
            CHECK(count_layer_accesses(w->layers[i], o) == s.reads + s.writes);
        }
    }
}

TEST_CASE("trace options: bad loop order and tiles are refused with the field named") {
    TraceOptions o;
    o.loop_order = "mmk";
    CHECK(validate_trace_options(o).error().find("loop_order") != std::string::npos);
    o.loop_order = "kmn";
    CHECK(validate_trace_options(o).ok());
    o.tile_k = -1;
    CHECK(validate_trace_options(o).error().find("tile") != std::string::npos);
    o.tile_k = 0;
    o.batch = 0;
    CHECK(validate_trace_options(o).error().find("batch") != std::string::npos);
}

TEST_SUITE_END();
