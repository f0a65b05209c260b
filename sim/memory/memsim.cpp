// Per-layer memory simulation: replay of the exact trace, or the analytic footprint model.
#include "sim/memory/memsim.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace mlsys::sim {

const char* to_string(MemsimMode m) { return m == MemsimMode::Replay ? "replay" : "analytic"; }

core::Result<MemsimMode> parse_memsim_mode(const std::string& s) {
    if (s == "replay" || s == "trace") return MemsimMode::Replay;
    if (s == "analytic") return MemsimMode::Analytic;
    return core::fail("mode must be replay (or trace) or analytic, got \"" + s + "\"");
}

RooflinePoint Roofline::point(double flops, double min_bytes, double main_bytes) const {
    RooflinePoint p;
    p.flops = flops;
    p.min_bytes = min_bytes;
    p.main_bytes = main_bytes;
    p.intensity = min_bytes > 0 ? flops / min_bytes : 0;
    p.measured_intensity = main_bytes > 0 ? flops / main_bytes : 0;
    p.attainable_flops_per_s = std::min(peak_flops_per_s, p.intensity * bandwidth_bytes_per_s);
    p.memory_bound = p.intensity < ridge_intensity();
    return p;
}

Roofline make_roofline(const HierarchyConfig& c, int bytes_per_element) {
    Roofline r;
    r.peak_flops_per_s = 2 * c.peak_macs_per_cycle_for(bytes_per_element) * c.clock_hz;
    r.bandwidth_bytes_per_s = c.main.bandwidth_bytes_per_cycle * c.clock_hz;
    return r;
}

double MemsimResult::movement_share() const {
    const double m = total.memory_energy_pj();
    return m + compute_energy_pj > 0 ? m / (m + compute_energy_pj) : 0;
}

// ------------------------------------------------------------------------------------------------ analytic

namespace {

// Lines covering an er x ec block of a row-major matrix with rows of `row_len` elements.
double block_lines(double er, double ec, double row_len, int e, int line) {
    const double L = line;
    if (ec >= row_len) return std::max(1.0, std::ceil(er * row_len * e / L));
    const double per_row = std::max(1.0, std::ceil(ec * e / L));
    return std::min(er * per_row, std::ceil(er * row_len * e / L) + 1);
}

}  // namespace

GemmMissEstimate estimate_gemm_misses(int64_t M, int64_t N, int64_t K, int e, const TraceOptions& o, double capacity,
                                      int line, int ways, double a_cap_bytes) {
    GemmMissEstimate est;
    if (M <= 0 || N <= 0 || K <= 0) return est;
    const std::array<double, 3> dims{double(M), double(N), double(K)};
    const std::array<int64_t, 3> tile_opt{o.tile_m, o.tile_n, o.tile_k};
    std::array<int, 3> order{};
    for (int i = 0; i < 3; ++i) order[size_t(i)] = o.loop_order[size_t(i)] == 'm' ? 0 : o.loop_order[size_t(i)] == 'n' ? 1 : 2;
    // Loops outer to inner: tile loops (trip = number of tiles), then point loops (trip = average tile extent).
    struct Loop {
        int dim;
        double trip;
    };
    std::vector<Loop> loops;
    std::array<double, 3> n_tiles{};
    for (size_t d = 0; d < 3; ++d) {
        const double t = tile_opt[d] > 0 ? std::min<double>(double(tile_opt[d]), dims[d]) : dims[d];
        n_tiles[d] = std::ceil(dims[d] / t);
    }
    for (int i = 0; i < 3; ++i)
        if (n_tiles[size_t(order[size_t(i)])] > 1) loops.push_back({order[size_t(i)], n_tiles[size_t(order[size_t(i)])]});
    for (int i = 0; i < 3; ++i) {
        const size_t d = size_t(order[size_t(i)]);
        if (dims[d] / n_tiles[d] > 1) loops.push_back({int(d), dims[d] / n_tiles[d]});
    }
    // Operands: A(m, k) rows of K; B(k, n) rows of N; C(m, n) rows of N.
    struct Operand {
        int row, col;
        double row_len, rows;
        double er = 1, ec = 1, distinct = 1, misses = 1;
        double cap_lines;
    };
    const double L = line;
    std::array<Operand, 3> ops{Operand{0, 2, double(K), double(M), 1, 1, 1, 1, 0}, Operand{2, 1, double(N), double(K), 1, 1, 1, 1, 0},
                               Operand{0, 1, double(N), double(M), 1, 1, 1, 1, 0}};
    for (auto& x : ops) x.cap_lines = std::ceil(x.rows * x.row_len * e / L);
    if (a_cap_bytes > 0) ops[0].cap_lines = std::min(ops[0].cap_lines, std::ceil(a_cap_bytes / L));
    // Set conflicts: a block narrower than a row walks memory with the row's stride; when that stride is s
    // lines, only n_sets / gcd(n_sets, s) sets hold it, so it occupies gcd(n_sets, s) times its size.
    const int64_t n_sets = ways > 0 ? std::max<int64_t>(1, int64_t(capacity) / (int64_t(line) * ways)) : 0;
    // Lines of this block per set it can use, plus the other operands' even share of every set: beyond the
    // ways, LRU thrashes and the block effectively occupies gcd(n_sets, s) times its size.
    const auto inflation = [&](size_t x, double others_lines) {
        const Operand& op = ops[x];
        if (n_sets <= 1 || op.er <= 1 || op.ec >= op.row_len) return 1.0;
        const double stride = op.row_len * e;
        if (std::fmod(stride, L) != 0) return 1.0;
        const double g = double(std::gcd(n_sets, int64_t(stride / L)));
        const double per_set = op.distinct / (double(n_sets) / g) + others_lines / double(n_sets);
        return per_set > ways ? g : 1.0;
    };
    double footprint = 3 * L;  // one line of each operand
    for (size_t li = loops.size(); li-- > 0;) {
        const Loop& lp = loops[li];
        std::array<double, 3> old_distinct{};
        double new_footprint = 0;
        for (size_t x = 0; x < 3; ++x) {
            Operand& op = ops[x];
            old_distinct[x] = op.distinct;
            if (lp.dim == op.row) op.er *= lp.trip;
            if (lp.dim == op.col) op.ec *= lp.trip;
            op.distinct = std::min(op.cap_lines, block_lines(op.er, op.ec, op.row_len, e, line));
        }
        const double all_lines = ops[0].distinct + ops[1].distinct + ops[2].distinct;
        for (size_t x = 0; x < 3; ++x) new_footprint += ops[x].distinct * L * inflation(x, all_lines - ops[x].distinct);
        const bool inner_fits = footprint <= capacity;
        const bool all_fits = new_footprint <= capacity;
        for (size_t x = 0; x < 3; ++x) {
            Operand& op = ops[x];
            const bool depends = lp.dim == op.row || lp.dim == op.col;
            if (all_fits) op.misses = op.distinct;
            else if (!depends) op.misses = inner_fits ? op.misses : op.misses * lp.trip;
            else op.misses = inner_fits ? op.misses * op.distinct / std::max(1.0, old_distinct[x]) : op.misses * lp.trip;
        }
        footprint = new_footprint;
    }
    est.a = ops[0].misses;
    est.b = ops[1].misses;
    est.c = ops[2].misses;
    // Every output line brought in is written, so it leaves dirty unless it is still resident at the end.
    const double resident = std::min(ops[2].distinct, capacity / L * ops[2].distinct / std::max(1.0, footprint / L));
    est.c_dirty = std::max(0.0, est.c - resident);
    return est;
}

namespace {

// Per-level line misses and dirty write-backs of one layer, from the analytic model.
struct LevelEstimate {
    double misses = 0, dirty = 0;
};

// Streaming work (element-wise, pools, depthwise, the im2col pass): each distinct line once, windows that
// overlap re-read rows that no longer fit.
LevelEstimate estimate_stream(double in_bytes, double out_bytes, double w_bytes, double window_rows_bytes, double reread,
                              double capacity, int line) {
    LevelEstimate e;
    const double L = line;
    double in_lines = std::ceil(in_bytes / L);
    if (window_rows_bytes > capacity) in_lines *= std::max(1.0, reread);
    const double out_lines = std::ceil(out_bytes / L), w_lines = std::ceil(w_bytes / L);
    e.misses = in_lines + out_lines + w_lines;
    const double total = std::ceil(in_bytes / L) + out_lines + w_lines;
    const double resident = total * L <= capacity ? out_lines : out_lines * std::min(1.0, capacity / (total * L));
    e.dirty = std::max(0.0, out_lines - resident);
    return e;
}

LevelEstimate estimate_layer_level(const models::WorkloadLayer& l, const TraceOptions& o, double capacity, int line, int ways) {
    const int e = bytes_per_element(o.precision);
    const double B = o.batch, E = e;
    const auto gemm = [&](int64_t M, int64_t N, int64_t K, double a_cap) {
        const GemmMissEstimate g = estimate_gemm_misses(M, N, K, e, o, capacity, line, ways, a_cap);
        return LevelEstimate{g.total(), g.c_dirty};
    };
    const double window_rows = double(l.kernel_h) * l.in_w * l.in_c * E;
    const double reread = double(l.kernel_h) / std::max(1, l.stride);
    switch (l.op) {
    case models::OpKind::Dense:
    case models::OpKind::Gemm: return gemm(o.batch * l.gemm_m, l.gemm_n, l.gemm_k, 0);
    case models::OpKind::Conv2D: {
        const int64_t M = o.batch * l.gemm_m;
        if (!o.im2col) return gemm(M, l.gemm_n, l.gemm_k, B * double(l.input_elems()) * E);
        LevelEstimate pass = estimate_stream(B * double(l.input_elems()) * E, double(M) * double(l.gemm_k) * E, 0, window_rows,
                                             reread, capacity, line);
        const LevelEstimate g = gemm(M, l.gemm_n, l.gemm_k, 0);
        return LevelEstimate{pass.misses + g.misses, pass.dirty + g.dirty};
    }
    case models::OpKind::DepthwiseConv2D:
        return estimate_stream(B * double(l.input_elems()) * E, B * double(l.output_elems()) * E, double(l.n_weights) * E,
                               window_rows, reread, capacity, line);
    case models::OpKind::MaxPool:
    case models::OpKind::AvgPool:
        return estimate_stream(B * double(l.input_elems()) * E, B * double(l.output_elems()) * E, 0, window_rows, reread, capacity,
                               line);
    case models::OpKind::GlobalAvgPool:
        // Channel by channel over an NHWC image: strided, so every pixel's line is re-read per channel
        // unless one image fits.
        return estimate_stream(B * double(l.input_elems()) * E, B * double(l.output_elems()) * E, 0,
                               double(l.input_elems()) * E, std::min<double>(l.in_c, line / E), capacity, line);
    case models::OpKind::Elementwise:
    case models::OpKind::Softmax:
    case models::OpKind::BatchNorm:
        return estimate_stream(B * double(std::min(l.input_elems(), l.output_elems())) * E, B * double(l.output_elems()) * E, 0, 0,
                               1, capacity, line);
    case models::OpKind::Reshape: return {};
    }
    return {};
}

int64_t layer_writes(const models::WorkloadLayer& l, const TraceOptions& o) {
    switch (l.op) {
    case models::OpKind::Dense:
    case models::OpKind::Gemm: return count_gemm_accesses(o.batch * l.gemm_m, l.gemm_n, l.gemm_k, o).c_writes;
    case models::OpKind::Conv2D:
        return count_gemm_accesses(o.batch * l.gemm_m, l.gemm_n, l.gemm_k, o).c_writes +
               (o.im2col ? o.batch * l.gemm_m * l.gemm_k : 0);
    case models::OpKind::Reshape: return 0;
    default: return o.batch * l.output_elems();
    }
}

ReplayStats analytic_layer(const models::WorkloadLayer& l, const HierarchyConfig& c, const TraceOptions& o) {
    ReplayStats s;
    const int64_t accesses = count_layer_accesses(l, o);
    const int64_t writes = layer_writes(l, o);
    const int e = bytes_per_element(o.precision);
    s.accesses = accesses;
    double reads_in = double(accesses - writes), writes_in = double(writes);
    double prev_misses = -1;
    for (size_t i = 0; i < c.levels.size(); ++i) {
        const LevelConfig& lc = c.levels[i];
        LevelStats ls;
        ls.name = lc.name;
        ls.reads = int64_t(std::llround(reads_in));
        ls.writes = int64_t(std::llround(writes_in));
        const LevelEstimate est = estimate_layer_level(l, o, double(lc.size_bytes), lc.line_bytes, lc.ways);
        double misses = std::min(est.misses, reads_in + writes_in);
        if (prev_misses >= 0) misses = std::min(misses, prev_misses);  // inclusive: only lines the level above missed
        // Line size: an access of e bytes never spans lines here, and lines below are at least as large.
        (void)e;
        const double dirty = std::min(est.dirty, misses);
        ls.misses = int64_t(std::llround(misses));
        ls.hits = ls.reads + ls.writes - ls.misses;
        ls.fills = ls.misses;
        ls.evictions = int64_t(std::llround(std::max(0.0, misses - double(lc.size_bytes) / lc.line_bytes)));
        ls.dirty_evictions = int64_t(std::llround(dirty));
        ls.bytes_from_below = ls.fills * lc.line_bytes;
        ls.bytes_to_below = ls.dirty_evictions * lc.line_bytes;
        s.latency_cycles += double(ls.reads) * lc.hit_latency_cycles;
        s.levels.push_back(ls);
        reads_in = double(ls.fills);
        writes_in = double(ls.dirty_evictions);
        prev_misses = misses;
    }
    if (c.levels.empty()) {
        s.main.reads = int64_t(reads_in);
        s.main.writes = int64_t(writes_in);
        s.main.bytes_read = s.main.reads * e;
        s.main.bytes_written = s.main.writes * e;
    } else {
        const int line = c.levels.back().line_bytes;
        s.main.reads = s.levels.back().fills;
        s.main.writes = s.levels.back().dirty_evictions;
        s.main.bytes_read = s.main.reads * line;
        s.main.bytes_written = s.main.writes * line;
    }
    s.latency_cycles += double(s.main.reads) * c.main.latency_cycles;
    finalize_stats(s, c);
    return s;
}

struct Cancelled {};

class HierarchySink final : public TraceSink {
public:
    HierarchySink(Hierarchy& h, const std::function<bool()>& cancel, bool accesses = true)
        : h_(h), cancel_(cancel), accesses_(accesses) {}
    void access(uint64_t addr, int size, bool is_write) override {
        if (cancel_ && (++n_ & 0xfffff) == 0 && cancel_()) throw Cancelled{};
        h_.access(addr, size, is_write);
    }
    void dma(const std::vector<DmaRun>& runs, bool to_scratchpad) override {
        if (cancel_ && (++n_ & 0xfff) == 0 && cancel_()) throw Cancelled{};
        h_.dma(runs, to_scratchpad);
    }
    bool wants_accesses() const override { return accesses_; }
    void bulk(int64_t reads, int64_t writes) override { h_.bulk(reads, writes); }

private:
    Hierarchy& h_;
    const std::function<bool()>& cancel_;
    bool accesses_;
    uint64_t n_ = 0;
};

double vector_op_energy_pj(int e) {
    // Horowitz, ISSCC 2014: an add costs 0.9 pJ (fp32), 0.4 pJ (fp16), 0.03 pJ (int8).
    return e >= 4 ? 0.9 : e == 2 ? 0.4 : 0.03;
}

}  // namespace

TraceOptions trace_options_for(const HierarchyConfig& c, TraceOptions t) {
    t.scratchpad_bytes = !c.levels.empty() && c.levels.front().is_scratchpad ? c.levels.front().size_bytes : 0;
    return t;
}

core::Result<MemsimResult> simulate_workload(const models::Workload& w, const HierarchyConfig& c, const MemsimOptions& opts,
                                             const MemsimProgress& progress, const std::function<bool()>& cancel) {
    if (auto st = validate_trace_options(opts.trace); !st) return core::fail(st.error());
    if (auto st = validate_hierarchy(c); !st) return core::fail(st.error());
    // A scratchpad innermost: the loop nests stage their tiles by DMA (both modes run that plan; the analytic
    // mode counts each tile's scratchpad accesses in closed form instead of emitting them).
    MemsimOptions o = opts;
    const bool spm = !c.levels.empty() && c.levels.front().is_scratchpad;
    o.trace = trace_options_for(c, o.trace);
    if (auto st = check_scratchpad_fit(w, o.trace); !st) return core::fail("levels[0] (" + c.levels.front().name + "): " + st.error());
    MemsimResult r;
    r.workload = w.name;
    r.hierarchy = c.name;
    r.options = o;
    const int e = bytes_per_element(o.trace.precision);
    r.roofline = make_roofline(c, e);
    const double peak_macs = c.peak_macs_per_cycle_for(e);
    std::unique_ptr<Hierarchy> h;
    const AddressMap map;
    for (size_t i = 0; i < w.layers.size(); ++i) {
        if (cancel && cancel()) return core::fail("cancelled");
        const models::WorkloadLayer& l = w.layers[i];
        LayerMemoryResult lr;
        lr.name = l.name;
        lr.type = l.type;
        lr.macs = int64_t(o.trace.batch) * l.macs;
        lr.accesses = count_layer_accesses(l, o.trace);
        if (spm && (l.op == models::OpKind::Dense || l.op == models::OpKind::Gemm || l.op == models::OpKind::Conv2D)) {
            const TraceOptions lt = layer_trace_options(l, o.trace);
            lr.tile_m = lt.tile_m;
            lr.tile_n = lt.tile_n;
            lr.tile_k = lt.tile_k;
        }
        if (o.mode == MemsimMode::Analytic && !spm) {
            lr.stats = analytic_layer(l, c, o.trace);
        } else {
            if (!h || !o.warm) {
                h = std::make_unique<Hierarchy>(c, o.classify_misses && o.mode == MemsimMode::Replay);
                h->set_double_buffer(o.trace.double_buffer);
            }
            const ReplayStats before = h->stats();
            HierarchySink sink(*h, cancel, o.mode == MemsimMode::Replay);
            try {
                generate_layer_trace(w, i, o.trace, map, sink);
            } catch (const Cancelled&) {
                return core::fail("cancelled");
            }
            lr.stats = subtract_counts(h->stats(), before);
            finalize_stats(lr.stats, c);
        }
        lr.compute_energy_pj = double(lr.macs) * c.mac_energy_pj(e) + double(o.trace.batch * l.vector_ops) * vector_op_energy_pj(e);
        lr.compute_cycles = double(lr.macs) / peak_macs;
        const double flops = 2.0 * double(lr.macs) + double(o.trace.batch * l.vector_ops);
        const double min_bytes = double(o.trace.batch * (l.input_elems() + l.output_elems()) + l.n_params()) * e;
        lr.roofline = l.op == models::OpKind::Reshape ? RooflinePoint{}
                                                      : r.roofline.point(flops, min_bytes,
                                                                         double(lr.stats.main.bytes_read + lr.stats.main.bytes_written));
        r.compute_energy_pj += lr.compute_energy_pj;
        r.compute_cycles += lr.compute_cycles;
        r.cycles += lr.cycles();
        r.layers.push_back(std::move(lr));
        if (progress) progress(i + 1, w.layers.size());
    }
    // Totals: the sum of the layers' counts.
    for (const auto& lr : r.layers) {
        if (r.total.levels.empty()) {
            r.total = lr.stats;
            continue;
        }
        for (size_t k = 0; k < r.total.levels.size(); ++k) {
            LevelStats& t = r.total.levels[k];
            const LevelStats& x = lr.stats.levels[k];
            t.reads += x.reads, t.writes += x.writes, t.hits += x.hits, t.misses += x.misses;
            t.compulsory += x.compulsory, t.capacity += x.capacity, t.conflict += x.conflict;
            t.evictions += x.evictions, t.dirty_evictions += x.dirty_evictions, t.fills += x.fills;
            t.bytes_from_below += x.bytes_from_below, t.bytes_to_below += x.bytes_to_below;
            t.drains += x.drains, t.dma_transfers += x.dma_transfers;
        }
        r.total.main.reads += lr.stats.main.reads;
        r.total.main.writes += lr.stats.main.writes;
        r.total.main.bytes_read += lr.stats.main.bytes_read;
        r.total.main.bytes_written += lr.stats.main.bytes_written;
        r.total.accesses += lr.stats.accesses;
        r.total.latency_cycles += lr.stats.latency_cycles;
    }
    finalize_stats(r.total, c);
    return r;
}

nlohmann::json to_json(const ReplayStats& s) {
    nlohmann::json levels = nlohmann::json::array();
    for (const auto& l : s.levels)
        levels.push_back({{"name", l.name},
                          {"kind", l.scratchpad ? "scratchpad" : "cache"},
                          {"reads", l.reads},
                          {"writes", l.writes},
                          {"hits", l.hits},
                          {"misses", l.misses},
                          {"hit_rate", l.hit_rate()},
                          {"compulsory", l.compulsory},
                          {"capacity", l.capacity},
                          {"conflict", l.conflict},
                          {"evictions", l.evictions},
                          {"dirty_evictions", l.dirty_evictions},
                          {"bytes_from_below", l.bytes_from_below},
                          {"bytes_to_below", l.bytes_to_below},
                          {"dma_in_bytes", l.scratchpad ? l.bytes_from_below : 0},
                          {"dma_out_bytes", l.scratchpad ? l.bytes_to_below : 0},
                          {"dma_transfers", l.dma_transfers},
                          {"energy_pj", l.energy_pj}});
    return {{"accesses", s.accesses},
            {"levels", levels},
            {"main",
             {{"reads", s.main.reads},
              {"writes", s.main.writes},
              {"bytes_read", s.main.bytes_read},
              {"bytes_written", s.main.bytes_written},
              {"energy_pj", s.main.energy_pj}}},
            {"latency_cycles", s.latency_cycles},
            {"bandwidth_cycles", s.bandwidth_cycles},
            {"stall_cycles", s.stall_cycles},
            {"memory_energy_pj", s.memory_energy_pj()}};
}

nlohmann::json to_json(const MemsimResult& r) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : r.layers)
        layers.push_back({{"name", l.name},
                          {"type", l.type},
                          {"macs", l.macs},
                          {"accesses", l.accesses},
                          {"compute_energy_pj", l.compute_energy_pj},
                          {"movement_energy_pj", l.movement_energy_pj()},
                          {"compute_cycles", l.compute_cycles},
                          {"cycles", l.cycles()},
                          {"tiles", {l.tile_m, l.tile_n, l.tile_k}},
                          {"roofline",
                           {{"flops", l.roofline.flops},
                            {"min_bytes", l.roofline.min_bytes},
                            {"main_bytes", l.roofline.main_bytes},
                            {"intensity", l.roofline.intensity},
                            {"measured_intensity", l.roofline.measured_intensity},
                            {"attainable_flops_per_s", l.roofline.attainable_flops_per_s},
                            {"memory_bound", l.roofline.memory_bound}}},
                          {"stats", to_json(l.stats)}});
    const auto& t = r.options.trace;
    return {{"workload", r.workload},
            {"hierarchy", r.hierarchy},
            {"mode", to_string(r.options.mode)},
            {"batch", t.batch},
            {"precision", to_string(t.precision)},
            {"loop_order", t.loop_order},
            {"tiles", {t.tile_m, t.tile_n, t.tile_k}},
            {"im2col", t.im2col},
            {"scratchpad_bytes", t.scratchpad_bytes},
            {"double_buffer", t.double_buffer},
            {"compute_energy_pj", r.compute_energy_pj},
            {"movement_energy_pj", r.total.memory_energy_pj()},
            {"movement_share", r.movement_share()},
            {"compute_cycles", r.compute_cycles},
            {"cycles", r.cycles},
            {"roofline", {{"peak_flops_per_s", r.roofline.peak_flops_per_s},
                          {"bandwidth_bytes_per_s", r.roofline.bandwidth_bytes_per_s},
                          {"ridge_intensity", r.roofline.ridge_intensity()}}},
            {"total", to_json(r.total)},
            {"layers", layers}};
}

}  // namespace mlsys::sim
