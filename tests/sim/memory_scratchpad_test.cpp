// A software-managed scratchpad as the on-chip level: DMA bytes, accesses, energy and stalls by hand; tilings
// that do not fit refused; a scratchpad against an equal-size direct-mapped cache that thrashes.
#include "sim/memory/memsim.hpp"

#include "models/model/model_spec.hpp"

#include <doctest/doctest.h>

#include <unordered_set>

using namespace mlsys;
using namespace mlsys::sim;

TEST_SUITE_BEGIN("sim.memory");

namespace {

// A scratchpad (1 pJ read, 2 pJ write, 1-cycle hits, 16-byte port) over main memory (100 cycles, 8 B/cycle,
// 10 pJ/B).
HierarchyConfig scratchpad_over_main(int64_t size) {
    HierarchyConfig c;
    LevelConfig s;
    s.name = "SPM";
    s.is_scratchpad = true;
    s.size_bytes = size;
    s.line_bytes = 16;
    s.hit_latency_cycles = 1;
    s.read_energy_pj = 1;
    s.write_energy_pj = 2;
    c.levels = {s};
    c.main.latency_cycles = 100;
    c.main.bandwidth_bytes_per_cycle = 8;
    c.main.energy_pj_per_byte = 10;
    return c;
}

TraceOptions tiled(int tm, int tn, int tk, int64_t scratchpad, bool double_buffer = false) {
    TraceOptions o;
    o.loop_order = "mnk";
    o.tile_m = tm;
    o.tile_n = tn;
    o.tile_k = tk;
    o.scratchpad_bytes = scratchpad;
    o.double_buffer = double_buffer;
    return o;
}

struct HierarchyTraceSink final : TraceSink {
    Hierarchy& h;
    explicit HierarchyTraceSink(Hierarchy& hh) : h(hh) {}
    void access(uint64_t a, int size, bool w) override { h.access(a, size, w); }
    void dma(const std::vector<DmaRun>& runs, bool in) override { h.dma(runs, in); }
};

// A dense layer: batch rows of K inputs times a K x N weight matrix.
models::Workload dense_workload(int64_t k, int64_t n) {
    models::Workload w;
    w.name = "dense";
    models::WorkloadLayer l;
    l.name = "dense_1";
    l.type = "dense";
    l.op = models::OpKind::Dense;
    l.in_c = int(k);
    l.out_c = int(n);
    l.gemm_m = 1;
    l.gemm_n = n;
    l.gemm_k = k;
    l.n_gemms = 1;
    l.n_weights = k * n;
    l.macs = k * n;
    w.layers.push_back(l);
    return w;
}

}  // namespace

TEST_CASE("scratchpad GEMM 8x16x8 in 4x4x8 tiles: DMA bytes - accesses - energy and stalls by hand") {
    // Tile loops m, n, k (2 x 2 x 2 = 8 steps). A's tile (m, k) and B's tile (k, n) change at every step:
    // 8 A tiles of 4x8 and 8 B tiles of 8x4, 128 B each = 2048 B in; C's tile (m, n) stays while k runs, so
    // each of the 4 output tiles (4x4, 64 B) goes out once = 256 B; none comes back in (k starts at 0).
    const auto c = scratchpad_over_main(512);
    Hierarchy h(c);
    HierarchyTraceSink sink(h);
    generate_gemm_trace(8, 8, 16, 4, 0x0, 0x10000, 0x20000, tiled(4, 4, 8, 512), sink);
    const ReplayStats& s = h.stats();
    const LevelStats& spm = s.levels[0];
    CHECK(spm.scratchpad);
    CHECK(spm.bytes_from_below == 2048);
    CHECK(spm.bytes_to_below == 256);
    CHECK(spm.dma_transfers == 16 + 4);
    // Accesses: 2 x 8 x 8 x 16 = 2048 operand reads; each (m, n) of a tile is one run of k, so 16 runs per
    // tile x 8 tiles = 128 partial-sum writes, 128 - 64 = 64 read back (the runs starting at k = 8).
    CHECK(spm.reads == 2048 + 64);
    CHECK(spm.writes == 128);
    CHECK(spm.hits == 2240);
    CHECK(spm.misses == 0);
    CHECK(s.accesses == 2240);
    CHECK(count_gemm_accesses(8, 8, 16, tiled(4, 4, 8, 512)).total() == 2240);
    // 16-byte beats: 2048 / 16 = 128 in (writes), 256 / 16 = 16 out (reads).
    CHECK(spm.fills == 128);
    CHECK(spm.drains == 16);
    CHECK(spm.energy_pj == doctest::Approx((2112 + 16) * 1.0 + (128 + 128) * 2.0));  // 2640 pJ
    CHECK(s.main.bytes_read == 2048);
    CHECK(s.main.bytes_written == 256);
    CHECK(s.main.reads == 16);  // one burst per descriptor
    CHECK(s.main.writes == 4);
    CHECK(s.main.energy_pj == doctest::Approx((2048 + 256) * 10.0));
    CHECK(s.memory_energy_pj() == doctest::Approx(2640 + 23040));
    // Stalls without double buffering: every load waits 100 + 128 / 8 = 116 cycles (16 of them), every
    // write-back 64 / 8 = 8 (4 of them): 1856 + 32 = 1888.
    CHECK(s.stall_cycles == doctest::Approx(1888));
    CHECK(s.latency_cycles == doctest::Approx(2112 + 1888));
}

TEST_CASE("scratchpad traffic follows the tiled footprint formula for mnk and kmn tile orders") {
    // M x N x K = 64 x 48 x 80 in 16-tiles (4 x 3 x 5 tiles), fp32, over main memory only.
    struct Bytes final : TraceSink {
        int64_t in = 0, out = 0;
        void access(uint64_t, int, bool) override {}
        void dma(const std::vector<DmaRun>& runs, bool to) override {
            for (const auto& r : runs) (to ? in : out) += r.bytes;
        }
    };
    const int64_t M = 64, N = 48, K = 80, e = 4;
    // mnk: k innermost, so A(m, k) and B(k, n) change at every step: A comes in once per n tile, B once per
    // m tile; each C tile stays for its whole k loop and goes out once.
    Bytes mnk;
    generate_gemm_trace(M, N, K, 4, 0, 0x100000, 0x200000, tiled(16, 16, 16, 1 << 20), mnk);
    CHECK(mnk.in == M * K * e * 3 + K * N * e * 4);  // 61,440 + 61,440
    CHECK(mnk.out == M * N * e);                      // 12,288
    // kmn: A(m, k) stays while n runs (in once: M K e); B once per m tile; C changes at every step, so
    // partial sums go out after each k tile (5 x M N e) and come back for every k tile after the first.
    TraceOptions o = tiled(16, 16, 16, 1 << 20);
    o.loop_order = "kmn";
    Bytes kmn;
    generate_gemm_trace(M, N, K, 4, 0, 0x100000, 0x200000, o, kmn);
    CHECK(kmn.in == M * K * e + K * N * e * 4 + M * N * e * 4);  // 20,480 + 61,440 + 49,152
    CHECK(kmn.out == M * N * e * 5);                              // 61,440
}

TEST_CASE("a scratchpad over a cache: DMA line chunks hit the cache below and only its misses reach DRAM") {
    // The 8x16x8 GEMM again, with a 4 KB 8-way cache (64-byte lines) between the scratchpad and main memory.
    // The scratchpad still DMAs 2048 B in and 256 B out, but the cache below sees them as line chunks: A tile
    // rows of 32 B (4 per tile x 8 tiles) and B tile rows of 16 B (8 x 8) = 96 reads, C tile rows of 16 B
    // (4 x 4) = 16 writes. Everything fits in 4 KB, so it misses once per line: A 8 lines, B 8, C 4
    // (write-allocate) = 20 misses, 1280 B from DRAM; the dirty C lines stay in the cache.
    HierarchyConfig c = scratchpad_over_main(512);
    LevelConfig l2;
    l2.name = "L2";
    l2.size_bytes = 4096;
    l2.line_bytes = 64;
    l2.ways = 8;
    c.levels.push_back(l2);
    REQUIRE(validate_hierarchy(c).ok());
    Hierarchy h(c);
    HierarchyTraceSink sink(h);
    generate_gemm_trace(8, 8, 16, 4, 0x0, 0x10000, 0x20000, tiled(4, 4, 8, 512), sink);
    const ReplayStats& s = h.stats();
    CHECK(s.levels[0].bytes_from_below == 2048);
    CHECK(s.levels[0].bytes_to_below == 256);
    CHECK(s.levels[1].reads == 96);
    CHECK(s.levels[1].writes == 16);
    CHECK(s.levels[1].misses == 20);
    CHECK(s.main.bytes_read == 1280);
    CHECK(s.main.bytes_written == 0);
}

TEST_CASE("scratchpad double buffering hides the transfers behind the previous tile") {
    // Same GEMM with two buffers per operand (working set 2 x 320 B: 1 KB scratchpad). Only the first
    // group (A and B tiles, 2 x 116 = 232 cycles) waits; every later group (at most 8 + 232 = 240 cycles)
    // is hidden by the previous tile's 256 or 272 cycles of scratchpad reads.
    const auto c = scratchpad_over_main(1024);
    Hierarchy h(c);
    h.set_double_buffer(true);
    HierarchyTraceSink sink(h);
    generate_gemm_trace(8, 8, 16, 4, 0x0, 0x10000, 0x20000, tiled(4, 4, 8, 1024, true), sink);
    const ReplayStats& s = h.stats();
    CHECK(s.levels[0].bytes_from_below == 2048);  // the same bytes move
    CHECK(s.levels[0].bytes_to_below == 256);
    CHECK(s.stall_cycles == doctest::Approx(232));
}

TEST_CASE("scratchpad: a tile that does not fit is refused naming the size") {
    // 4x4x8 tiles need (4*8 + 8*4 + 4*4) x 4 B = 320 B.
    auto t = scratchpad_tiles(8, 8, 16, tiled(4, 4, 8, 256));
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().find("tile 4,4,8") != std::string::npos);
    CHECK(t.error().find("320 bytes") != std::string::npos);
    CHECK(t.error().find("size_bytes is 256") != std::string::npos);
    // Double buffering doubles it: 640 B do not fit 512.
    CHECK_FALSE(scratchpad_tiles(8, 8, 16, tiled(4, 4, 8, 512, true)).ok());
    CHECK(scratchpad_tiles(8, 8, 16, tiled(4, 4, 8, 640, true)).ok());
    // Through the simulator: the layer and the level are named.
    MemsimOptions o;
    o.trace = tiled(4, 4, 8, 0);
    o.trace.batch = 8;
    auto r = simulate_workload(dense_workload(16, 8), scratchpad_over_main(256), o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("levels[0] (SPM)") != std::string::npos);
    CHECK(r.error().find("layer dense_1") != std::string::npos);
    CHECK(r.error().find("size_bytes is 256") != std::string::npos);
}

TEST_CASE("scratchpad: tiles left at 0 are halved until they fit") {
    // 8x8x16 untiled: (128 + 128 + 64) x 4 = 1280 B. Halve the largest (k 16 -> 8): (64 + 64 + 64) x 4 =
    // 768; then m (8 -> 4, ties go to m first): (32 + 64 + 32) x 4 = 512 fits 512.
    auto t = scratchpad_tiles(8, 8, 16, tiled(0, 0, 0, 512));
    REQUIRE(t.ok());
    CHECK((*t)[0] == 4);
    CHECK((*t)[1] == 8);
    CHECK((*t)[2] == 8);
    // A given tile is kept: n fixed at 2, the others shrink around it.
    auto g = scratchpad_tiles(8, 8, 16, tiled(0, 2, 0, 256));
    REQUIRE(g.ok());
    CHECK((*g)[1] == 2);
    CHECK(((*g)[0] * (*g)[2] + (*g)[2] * 2 + (*g)[0] * 2) * 4 <= 256);
}

TEST_CASE("scratchpad moves fewer DRAM bytes than an equal-size direct-mapped cache that thrashes") {
    // A dot product (M = N = 1, K = 64, fp32): A at 0 and B at 4096 map to the same sets of a 256-byte
    // direct-mapped cache with 16-byte lines, so A(k) and B(k) evict each other on every access: 128 misses
    // plus the output's write-allocate fill, 129 x 16 = 2064 B read, 96 of them conflict misses (only the
    // 32 + 1 first touches are compulsory; a fully associative cache would hit the rest).
    HierarchyConfig cache_cfg = scratchpad_over_main(256);
    cache_cfg.levels[0].is_scratchpad = false;
    cache_cfg.levels[0].ways = 1;
    Hierarchy cache(cache_cfg, true);
    HierarchyTraceSink cs(cache);
    TraceOptions plain = tiled(0, 0, 16, 0);
    generate_gemm_trace(1, 1, 64, 4, 0x0, 0x1000, 0x10000, plain, cs);
    const ReplayStats& a = cache.stats();
    CHECK(a.levels[0].misses == 129);
    CHECK(a.levels[0].compulsory == 33);
    CHECK(a.levels[0].conflict == 96);
    CHECK(a.main.bytes_read == 2064);
    CHECK(a.main.bytes_written == 0);  // the dirty output line is still in the cache
    // The same 256 bytes as a scratchpad with k tiles of 16 ((16 + 16 + 1) x 4 = 132 B): 4 A tiles and 4 B
    // tiles of 64 B in, the one output out: 512 + 4 bytes.
    Hierarchy spm(scratchpad_over_main(256));
    HierarchyTraceSink ss(spm);
    generate_gemm_trace(1, 1, 64, 4, 0x0, 0x1000, 0x10000, tiled(0, 0, 16, 256), ss);
    const ReplayStats& b = spm.stats();
    CHECK(b.main.bytes_read == 512);
    CHECK(b.main.bytes_written == 4);
    CHECK(b.levels[0].reads == 128);
    CHECK(b.levels[0].writes == 1);
    CHECK(b.levels[0].misses == 0);
    CHECK(b.main.bytes_read + b.main.bytes_written < a.main.bytes_read + a.main.bytes_written);
}

TEST_CASE("scratchpad mode: every access of the cnn layers was staged first and every output goes out") {
    // A checker sink: reads must hit data DMA'd in (or written on chip) in this layer; every written address
    // must leave by DMA; the accesses match count_layer_accesses.
    auto spec = models::preset_spec("cnn");
    REQUIRE(spec.ok());
    auto w = models::make_workload(*spec);
    REQUIRE(w.ok());
    struct Checker final : TraceSink {
        std::unordered_set<uint64_t> staged, written, sent;
        int64_t bad_reads = 0, accesses = 0;
        void access(uint64_t a, int, bool is_write) override {
            ++accesses;
            if (is_write) {
                written.insert(a);
                staged.insert(a);
            } else if (!staged.count(a)) {
                ++bad_reads;
            }
        }
        void dma(const std::vector<DmaRun>& runs, bool in) override {
            for (const auto& r : runs)
                for (int64_t b = 0; b < r.bytes; b += 4) (in ? staged : sent).insert(r.addr + uint64_t(b));
        }
    };
    for (bool im2col : {false, true}) {
        TraceOptions o;
        o.scratchpad_bytes = 16384;
        o.im2col = im2col;
        REQUIRE(check_scratchpad_fit(*w, o).ok());
        for (size_t i = 0; i < w->layers.size(); ++i) {
            Checker k;
            generate_layer_trace(*w, i, o, AddressMap{}, k);
            INFO(w->layers[i].name << (im2col ? " im2col" : ""));
            CHECK(k.bad_reads == 0);
            CHECK(k.accesses == count_layer_accesses(w->layers[i], o));
            int64_t unsent = 0;
            for (uint64_t a : k.written)
                if (!k.sent.count(a)) ++unsent;
            CHECK(unsent == 0);
        }
    }
}

TEST_CASE("scratchpad: the analytic mode moves the same bytes as the replay") {
    MemsimOptions o;
    o.trace = tiled(4, 4, 8, 0);
    o.trace.batch = 8;
    const auto c = scratchpad_over_main(512);
    const auto w = dense_workload(16, 8);
    auto rep = simulate_workload(w, c, o);
    o.mode = MemsimMode::Analytic;
    auto ana = simulate_workload(w, c, o);
    REQUIRE(rep.ok());
    REQUIRE(ana.ok());
    CHECK(rep->total.levels[0].bytes_from_below == 2048);
    CHECK(ana->total.levels[0].bytes_from_below == 2048);
    CHECK(ana->total.levels[0].bytes_to_below == 256);
    CHECK(ana->total.levels[0].reads == rep->total.levels[0].reads);
    CHECK(ana->total.levels[0].writes == rep->total.levels[0].writes);
    CHECK(ana->total.main.bytes_read == rep->total.main.bytes_read);
    CHECK(ana->total.levels[0].energy_pj == doctest::Approx(rep->total.levels[0].energy_pj));
    CHECK(rep->layers[0].tile_m == 4);
    CHECK(rep->layers[0].tile_k == 8);
}

TEST_CASE("scratchpad levels: only innermost - and the port width must divide the size") {
    HierarchyConfig c = scratchpad_over_main(4096);
    CHECK(validate_hierarchy(c).ok());
    LevelConfig l2;
    l2.name = "L2";
    l2.size_bytes = 65536;
    c.levels.push_back(l2);
    CHECK(validate_hierarchy(c).ok());  // a scratchpad over a cache
    std::swap(c.levels[0], c.levels[1]);
    c.levels[0].size_bytes = 1024;
    auto st = validate_hierarchy(c);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().find("levels[1].kind") != std::string::npos);
    HierarchyConfig d = scratchpad_over_main(1000);
    auto st2 = validate_hierarchy(d);
    REQUIRE_FALSE(st2.ok());
    CHECK(st2.error().find("levels[0].size_bytes") != std::string::npos);
}

TEST_CASE("scratchpad presets: the Cortex-M7 DTCM and the TPU v1 Unified Buffer") {
    auto m7 = load_hierarchy_preset("cortex-m7-dtcm");
    REQUIRE_MESSAGE(m7.ok(), m7.error());
    REQUIRE(m7->levels.size() == 1u);
    CHECK(m7->levels[0].is_scratchpad);
    CHECK(m7->levels[0].size_bytes == 128 * 1024);  // STM32H747: 128 KB DTCM
    CHECK(m7->levels[0].line_bytes == 8);           // two 32-bit TCM ports
    // Horowitz log-interpolated between 32 KB 20 pJ and 1 MB 100 pJ: 20 x 5^(2/5) = 38.07 pJ.
    CHECK(m7->levels[0].read_energy_pj == doctest::Approx(38.1));
    CHECK(m7->sources.count("levels[0].kind") == 1);
    auto tpu = load_hierarchy_preset("tpu-v1");
    REQUIRE_MESSAGE(tpu.ok(), tpu.error());
    CHECK(tpu->levels[0].is_scratchpad);
    CHECK(tpu->levels[0].size_bytes == 24 * 1024 * 1024);
    CHECK(tpu->peak_macs_per_cycle_int8 == 65536);  // 256 x 256
    CHECK(tpu->clock_hz == 700e6);
    CHECK(tpu->main.bandwidth_bytes_per_cycle == doctest::Approx(30.0 * 1073741824.0 / 700e6).epsilon(0.001));
    // Switched to a cache, both keep a valid geometry.
    for (auto c : {*m7, *tpu}) {
        c.levels[0].is_scratchpad = false;
        CHECK(validate_hierarchy(c).ok());
    }
}

TEST_SUITE_END();
