// Loop-nest trace generation.
#include "sim/memory/trace.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <string>
#include <vector>

namespace mlsys::sim {

core::Status validate_trace_options(const TraceOptions& o) {
    std::string sorted = o.loop_order;
    std::sort(sorted.begin(), sorted.end());
    if (sorted != "kmn") return core::fail("loop_order must be a permutation of m, n and k, got \"" + o.loop_order + "\"");
    if (o.tile_m < 0 || o.tile_n < 0 || o.tile_k < 0) return core::fail("tile sizes must be non-negative (0 = untiled)");
    if (o.batch < 1) return core::fail("batch must be at least 1, got " + std::to_string(o.batch));
    return core::Status::success();
}

namespace {

// Address functions of a GEMM's operands: A(m, k), B(k, n), C(m, n); a padded convolution tap has no address.
struct GemmOperands {
    std::function<bool(int64_t m, int64_t k, uint64_t& addr)> a;
    std::function<uint64_t(int64_t k, int64_t n)> b;
    std::function<uint64_t(int64_t m, int64_t n)> c;
};

// Sorted, de-duplicated element addresses merged into contiguous runs.
std::vector<DmaRun> gather_runs(std::vector<uint64_t>& addrs, int e) {
    std::sort(addrs.begin(), addrs.end());
    addrs.erase(std::unique(addrs.begin(), addrs.end()), addrs.end());
    std::vector<DmaRun> runs;
    for (uint64_t a : addrs) {
        if (!runs.empty() && runs.back().addr + static_cast<uint64_t>(runs.back().bytes) == a) runs.back().bytes += e;
        else runs.push_back({a, e});
    }
    return runs;
}

// The runs of rows [r0, r0 + er) x columns [c0, c0 + ec) of a row-major matrix with rows of `row_len`.
std::vector<DmaRun> block_runs(uint64_t base, int64_t row_len, int64_t r0, int64_t er, int64_t c0, int64_t ec, int e) {
    const uint64_t E = static_cast<uint64_t>(e);
    if (ec == row_len) return {{base + static_cast<uint64_t>(r0 * row_len) * E, er * row_len * e}};
    std::vector<DmaRun> runs;
    runs.reserve(static_cast<size_t>(er));
    for (int64_t r = r0; r < r0 + er; ++r) runs.push_back({base + static_cast<uint64_t>(r * row_len + c0) * E, ec * e});
    return runs;
}

// Scratchpad mode: how a GEMM's tiles are staged. A's tile is a block of the A matrix, or (a direct
// convolution) the distinct input elements its taps touch, gathered.
struct GemmStaging {
    uint64_t a_base = 0, b_base = 0, c_base = 0;
    bool a_gather = false;  // a direct convolution's A: gather through GemmOperands::a
};

void run_gemm(int64_t M, int64_t N, int64_t K, int e, const GemmOperands& ops, const TraceOptions& o, TraceSink& sink,
              const GemmStaging* staging = nullptr) {
    const std::array<int64_t, 3> dims{M, N, K};  // indexed m=0, n=1, k=2
    const std::array<int64_t, 3> tiles{o.tile_m > 0 ? o.tile_m : M, o.tile_n > 0 ? o.tile_n : N, o.tile_k > 0 ? o.tile_k : K};
    std::array<int, 3> order{};
    for (int i = 0; i < 3; ++i) order[static_cast<size_t>(i)] = o.loop_order[static_cast<size_t>(i)] == 'm' ? 0 : o.loop_order[static_cast<size_t>(i)] == 'n' ? 1 : 2;
    // The register holding a partial sum: its (m, n), or none.
    int64_t reg_m = -1, reg_n = -1;
    auto flush = [&] {
        if (reg_m >= 0) sink.access(ops.c(reg_m, reg_n), e, true);
    };
    std::array<int64_t, 3> t0{}, idx{};
    // Scratchpad mode: the tiles resident on chip (their corners; -1: none) and the A tile's valid taps.
    const bool points = !staging || sink.wants_accesses();
    std::array<int64_t, 2> res_a{-1, -1}, res_b{-1, -1}, res_c{-1, -1};
    int64_t a_valid = 0;
    std::vector<uint64_t> gather;
    const auto ext = [&](size_t d) { return std::min(tiles[d], dims[d] - t0[d]); };
    const auto c_runs = [&](int64_t m0, int64_t n0) {
        return block_runs(staging->c_base, N, m0, std::min(tiles[0], M - m0), n0, std::min(tiles[1], N - n0), e);
    };
    const auto stage = [&] {
        const int64_t m0 = t0[0], n0 = t0[1], k0 = t0[2], em = ext(0), en = ext(1), ek = ext(2);
        if (res_c[0] != m0 || res_c[1] != n0) {
            // A new output tile: the old one's last partial sum leaves the register, the tile goes out; a
            // tile whose k range starts past 0 has partial sums in memory to bring back.
            flush();
            reg_m = reg_n = -1;
            if (res_c[0] >= 0) sink.dma(c_runs(res_c[0], res_c[1]), false);
            if (k0 > 0) sink.dma(c_runs(m0, n0), true);
            res_c = {m0, n0};
        }
        if (res_a[0] != m0 || res_a[1] != k0) {
            res_a = {m0, k0};
            if (staging->a_gather) {
                gather.clear();
                for (int64_t m = m0; m < m0 + em; ++m)
                    for (int64_t k = k0; k < k0 + ek; ++k) {
                        uint64_t addr = 0;
                        if (ops.a(m, k, addr)) gather.push_back(addr);
                    }
                a_valid = static_cast<int64_t>(gather.size());
                if (!gather.empty()) sink.dma(gather_runs(gather, e), true);
            } else {
                a_valid = em * ek;
                sink.dma(block_runs(staging->a_base, K, m0, em, k0, ek, e), true);
            }
        }
        if (res_b[0] != k0 || res_b[1] != n0) {
            res_b = {k0, n0};
            sink.dma(block_runs(staging->b_base, N, k0, ek, n0, en, e), true);
        }
        if (!points) sink.bulk(2 * a_valid * en, 0);
    };
    // Tile loops (outer), then point loops (inner), both in the chosen order.
    std::function<void(int)> tile_loop, point_loop;
    point_loop = [&](int depth) {
        if (depth == 3) {
            const int64_t m = idx[0], n = idx[1], k = idx[2];
            if (m != reg_m || n != reg_n) {
                flush();
                reg_m = m;
                reg_n = n;
                if (k > 0) sink.access(ops.c(m, n), e, false);  // a partial sum exists: read it back
            }
            uint64_t a_addr = 0;
            if (ops.a(m, k, a_addr)) {
                sink.access(a_addr, e, false);
                sink.access(ops.b(k, n), e, false);
            }
            return;
        }
        const int d = order[static_cast<size_t>(depth)];
        const int64_t end = std::min(dims[static_cast<size_t>(d)], t0[static_cast<size_t>(d)] + tiles[static_cast<size_t>(d)]);
        for (idx[static_cast<size_t>(d)] = t0[static_cast<size_t>(d)]; idx[static_cast<size_t>(d)] < end; ++idx[static_cast<size_t>(d)])
            point_loop(depth + 1);
    };
    tile_loop = [&](int depth) {
        if (depth == 3) {
            if (staging) stage();
            if (points) point_loop(0);
            return;
        }
        const int d = order[static_cast<size_t>(depth)];
        for (t0[static_cast<size_t>(d)] = 0; t0[static_cast<size_t>(d)] < dims[static_cast<size_t>(d)];
             t0[static_cast<size_t>(d)] += tiles[static_cast<size_t>(d)])
            tile_loop(depth + 1);
    };
    tile_loop(0);
    flush();
    if (staging) {
        if (!points) {
            const GemmAccessCount c = count_gemm_accesses(M, N, K, o);
            sink.bulk(c.c_reads, c.c_writes);
        }
        if (res_c[0] >= 0) sink.dma(c_runs(res_c[0], res_c[1]), false);
    }
}

uint64_t weight_offset(const models::Workload& w, size_t index, int e) {
    uint64_t off = 0;
    for (size_t i = 0; i < index; ++i) off += static_cast<uint64_t>(w.layers[i].n_params()) * static_cast<uint64_t>(e);
    return off;
}

void stream(uint64_t in, uint64_t out, int64_t n_in, int64_t n_out, int e, TraceSink& sink) {
    // Element-wise work: output i reads input i (when there is one), then is written.
    const uint64_t E = static_cast<uint64_t>(e);
    for (int64_t i = 0; i < n_out; ++i) {
        if (i < n_in) sink.access(in + static_cast<uint64_t>(i) * E, e, false);
        sink.access(out + static_cast<uint64_t>(i) * E, e, true);
    }
}

// Window taps that land inside the input along one axis, summed over the outputs: sum over o of the number
// of k in [0, kernel) with 0 <= o*stride - pad + k < in.
int64_t valid_taps_1d(int out, int in, int kernel, int stride, int pad) {
    int64_t n = 0;
    for (int o = 0; o < out; ++o)
        for (int k = 0; k < kernel; ++k) {
            const int i = o * stride - pad + k;
            if (i >= 0 && i < in) ++n;
        }
    return n;
}

// In-bounds (output position, kernel tap) pairs of one image and one channel.
int64_t valid_window_taps(const models::WorkloadLayer& l) {
    return valid_taps_1d(l.out_h, l.in_h, l.kernel_h, l.stride, l.padding) *
           valid_taps_1d(l.out_w, l.in_w, l.kernel_w, l.stride, l.padding);
}

}  // namespace

namespace {

// A windowed layer's loop nest (pooling, or depthwise with weights) for image b, output rows [oy0, oy1).
void window_rows(const models::WorkloadLayer& l, int64_t b, int64_t oy0, int64_t oy1, uint64_t in, uint64_t out,
                 const uint64_t* wts, int e, TraceSink& sink) {
    const uint64_t E = static_cast<uint64_t>(e);
    for (int64_t oy = oy0; oy < oy1; ++oy)
        for (int64_t ox = 0; ox < l.out_w; ++ox)
            for (int64_t c = 0; c < l.out_c; ++c) {
                for (int64_t ky = 0; ky < l.kernel_h; ++ky)
                    for (int64_t kx = 0; kx < l.kernel_w; ++kx) {
                        const int64_t iy = oy * l.stride - l.padding + ky, ix = ox * l.stride - l.padding + kx;
                        if (iy < 0 || iy >= l.in_h || ix < 0 || ix >= l.in_w) continue;
                        sink.access(in + static_cast<uint64_t>(((b * l.in_h + iy) * l.in_w + ix) * l.in_c + c) * E, e, false);
                        if (wts) sink.access(*wts + static_cast<uint64_t>((ky * l.kernel_w + kx) * l.in_c + c) * E, e, false);
                    }
                sink.access(out + static_cast<uint64_t>(((b * l.out_h + oy) * l.out_w + ox) * l.out_c + c) * E, e, true);
            }
}

// Global average pooling of image b, channels [c0, c1): channel by channel over the NHWC image.
void gap_channels(const models::WorkloadLayer& l, int64_t b, int64_t c0, int64_t c1, uint64_t in, uint64_t out, int e,
                  TraceSink& sink) {
    const uint64_t E = static_cast<uint64_t>(e);
    for (int64_t c = c0; c < c1; ++c) {
        for (int64_t p = 0; p < int64_t(l.in_h) * l.in_w; ++p)
            sink.access(in + static_cast<uint64_t>((b * l.in_h * l.in_w + p) * l.in_c + c) * E, e, false);
        sink.access(out + static_cast<uint64_t>(b * l.out_c + c) * E, e, true);
    }
}

// Scratchpad chunking of the streaming layers: how much one chunk stages, and how big a chunk fits.
int64_t db_factor(const TraceOptions& o) { return o.double_buffer ? 2 : 1; }
int64_t window_in_rows(const models::WorkloadLayer& l, int64_t rows) {
    return std::min<int64_t>(l.in_h, (rows - 1) * l.stride + l.kernel_h);
}
int64_t window_weight_bytes(const models::WorkloadLayer& l, int e) {
    return l.op == models::OpKind::DepthwiseConv2D ? int64_t(l.kernel_h) * l.kernel_w * l.in_c * e : 0;
}
int64_t window_need(const models::WorkloadLayer& l, int64_t rows, int e, const TraceOptions& o) {
    return window_weight_bytes(l, e) +
           db_factor(o) * (window_in_rows(l, rows) * l.in_w * l.in_c * e + rows * int64_t(l.out_w) * l.out_c * e);
}
// Output rows per band (0: not even one fits).
int64_t window_band_rows(const models::WorkloadLayer& l, int e, const TraceOptions& o) {
    int64_t r = 0;
    while (r < l.out_h && window_need(l, r + 1, e, o) <= o.scratchpad_bytes) ++r;
    return r;
}
int64_t gap_need(const models::WorkloadLayer& l, int64_t channels, int e, const TraceOptions& o) {
    return db_factor(o) * (int64_t(l.in_h) * l.in_w + 1) * channels * e;
}
int64_t gap_chunk(const models::WorkloadLayer& l, int e, const TraceOptions& o) {
    return std::min<int64_t>(l.out_c, o.scratchpad_bytes / gap_need(l, 1, e, o));
}
int64_t stream_chunk(int e, const TraceOptions& o) { return o.scratchpad_bytes / (db_factor(o) * 2 * e); }
int64_t im2col_need(int64_t rows, int64_t K, int e, const TraceOptions& o) { return db_factor(o) * 2 * rows * K * e; }

std::string bytes_text(int64_t b) { return std::to_string(b) + " bytes"; }

}  // namespace

core::Result<std::array<int64_t, 3>> scratchpad_tiles(int64_t M, int64_t N, int64_t K, const TraceOptions& o) {
    const int e = bytes_per_element(o.precision);
    const std::array<int64_t, 3> dims{M, N, K};
    const std::array<int64_t, 3> given{o.tile_m, o.tile_n, o.tile_k};
    std::array<int64_t, 3> t{};
    for (size_t d = 0; d < 3; ++d) t[d] = std::max<int64_t>(1, given[d] > 0 ? std::min(given[d], dims[d]) : dims[d]);
    const auto need = [&] { return db_factor(o) * (t[0] * t[2] + t[2] * t[1] + t[0] * t[1]) * e; };
    while (need() > o.scratchpad_bytes) {
        int best = -1;
        for (int d = 0; d < 3; ++d)
            if (given[size_t(d)] == 0 && t[size_t(d)] > 1 && (best < 0 || t[size_t(d)] > t[size_t(best)])) best = d;
        if (best < 0) {
            const std::string tiles = std::to_string(t[0]) + "," + std::to_string(t[1]) + "," + std::to_string(t[2]);
            return core::fail("tile " + tiles + " (tile_m,tile_n,tile_k) needs " + bytes_text(need()) + " on the scratchpad (A " +
                              std::to_string(t[0]) + "×" + std::to_string(t[2]) + " + B " + std::to_string(t[2]) + "×" +
                              std::to_string(t[1]) + " + C " + std::to_string(t[0]) + "×" + std::to_string(t[1]) + " elements × " +
                              std::to_string(e) + " B" + (o.double_buffer ? ", double-buffered" : "") +
                              ") but its size_bytes is " + std::to_string(o.scratchpad_bytes) + ": use smaller tiles");
        }
        t[size_t(best)] = (t[size_t(best)] + 1) / 2;
    }
    return t;
}

TraceOptions layer_trace_options(const models::WorkloadLayer& l, const TraceOptions& o) {
    if (o.scratchpad_bytes <= 0) return o;
    if (l.op != models::OpKind::Dense && l.op != models::OpKind::Gemm && l.op != models::OpKind::Conv2D) return o;
    auto t = scratchpad_tiles(int64_t(o.batch) * l.gemm_m, l.gemm_n, l.gemm_k, o);
    if (!t) return o;
    TraceOptions r = o;
    r.tile_m = int((*t)[0]);
    r.tile_n = int((*t)[1]);
    r.tile_k = int((*t)[2]);
    return r;
}

core::Status check_scratchpad_fit(const models::Workload& w, const TraceOptions& o) {
    if (o.scratchpad_bytes <= 0) return core::Status::success();
    const int e = bytes_per_element(o.precision);
    const std::string cap = "the scratchpad's size_bytes (" + std::to_string(o.scratchpad_bytes) + ")";
    for (const auto& l : w.layers) {
        const std::string who = "layer " + l.name + " (" + l.type + "): ";
        switch (l.op) {
        case models::OpKind::Dense:
        case models::OpKind::Gemm:
        case models::OpKind::Conv2D: {
            const int64_t M = int64_t(o.batch) * l.gemm_m;
            if (auto t = scratchpad_tiles(M, l.gemm_n, l.gemm_k, o); !t) return core::fail(who + t.error());
            if (l.op == models::OpKind::Conv2D && o.im2col && im2col_need(1, l.gemm_k, e, o) > o.scratchpad_bytes)
                return core::fail(who + "one im2col row in and out needs " + bytes_text(im2col_need(1, l.gemm_k, e, o)) +
                                  ", more than " + cap);
            break;
        }
        case models::OpKind::DepthwiseConv2D:
        case models::OpKind::MaxPool:
        case models::OpKind::AvgPool:
            if (window_band_rows(l, e, o) == 0)
                return core::fail(who + "one output row with its input rows" +
                                  (l.op == models::OpKind::DepthwiseConv2D ? std::string(" and weights") : std::string()) + " needs " +
                                  bytes_text(window_need(l, 1, e, o)) + ", more than " + cap);
            break;
        case models::OpKind::GlobalAvgPool:
            if (gap_chunk(l, e, o) == 0)
                return core::fail(who + "one channel of an image needs " + bytes_text(gap_need(l, 1, e, o)) + ", more than " + cap);
            break;
        case models::OpKind::Elementwise:
        case models::OpKind::Softmax:
        case models::OpKind::BatchNorm:
            if (stream_chunk(e, o) == 0) return core::fail(who + "one element in and out does not fit " + cap);
            break;
        case models::OpKind::Reshape: break;
        }
    }
    return core::Status::success();
}

void generate_gemm_trace(int64_t m, int64_t n, int64_t k, int e, uint64_t a_base, uint64_t b_base, uint64_t c_base,
                         const TraceOptions& o, TraceSink& sink) {
    GemmOperands ops;
    const uint64_t E = static_cast<uint64_t>(e);
    ops.a = [=](int64_t mi, int64_t ki, uint64_t& addr) {
        addr = a_base + static_cast<uint64_t>(mi * k + ki) * E;
        return true;
    };
    ops.b = [=](int64_t ki, int64_t ni) { return b_base + static_cast<uint64_t>(ki * n + ni) * E; };
    ops.c = [=](int64_t mi, int64_t ni) { return c_base + static_cast<uint64_t>(mi * n + ni) * E; };
    if (o.scratchpad_bytes <= 0) {
        run_gemm(m, n, k, e, ops, o, sink);
        return;
    }
    TraceOptions t = o;
    if (auto tiles = scratchpad_tiles(m, n, k, o)) {
        t.tile_m = int((*tiles)[0]);
        t.tile_n = int((*tiles)[1]);
        t.tile_k = int((*tiles)[2]);
    }
    GemmStaging st;
    st.a_base = a_base;
    st.b_base = b_base;
    st.c_base = c_base;
    run_gemm(m, n, k, e, ops, t, sink, &st);
}

void generate_layer_trace(const models::Workload& w, size_t index, const TraceOptions& opts, const AddressMap& map,
                          TraceSink& sink) {
    const models::WorkloadLayer& l = w.layers[index];
    const TraceOptions o = layer_trace_options(l, opts);
    const int e = bytes_per_element(o.precision);
    const uint64_t E = static_cast<uint64_t>(e);
    const uint64_t in = map.activations[index % 2];
    const uint64_t out = map.activations[(index + 1) % 2];
    const uint64_t wts = map.weights + weight_offset(w, index, e);
    const int64_t B = o.batch;
    const int64_t in_elems = l.input_elems(), out_elems = l.output_elems();
    const bool spm = o.scratchpad_bytes > 0;
    switch (l.op) {
    case models::OpKind::Dense:
    case models::OpKind::Gemm:
        generate_gemm_trace(B * l.gemm_m, l.gemm_n, l.gemm_k, e, in, wts, out, o, sink);
        return;
    case models::OpKind::Conv2D: {
        const int64_t M = B * l.gemm_m, N = l.gemm_n, K = l.gemm_k;
        const int64_t ohw = int64_t(l.out_h) * l.out_w;
        // Row m = (image, oy, ox); column k = (ky, kx, c) of the HWIO kernel.
        auto tap = [&l, ohw, in, E](int64_t m, int64_t k, uint64_t& addr) {
            const int64_t b = m / ohw, p = m % ohw, oy = p / l.out_w, ox = p % l.out_w;
            const int64_t c = k % l.in_c, kk = k / l.in_c, kx = kk % l.kernel_w, ky = kk / l.kernel_w;
            const int64_t iy = oy * l.stride - l.padding + ky, ix = ox * l.stride - l.padding + kx;
            if (iy < 0 || iy >= l.in_h || ix < 0 || ix >= l.in_w) return false;
            addr = in + static_cast<uint64_t>(((b * l.in_h + iy) * l.in_w + ix) * l.in_c + c) * E;
            return true;
        };
        GemmOperands ops;
        ops.b = [=](int64_t k, int64_t n) { return wts + static_cast<uint64_t>(k * N + n) * E; };
        ops.c = [=](int64_t m, int64_t n) { return out + static_cast<uint64_t>(m * N + n) * E; };
        GemmStaging st;
        st.b_base = wts;
        st.c_base = out;
        if (!o.im2col) {
            ops.a = tap;
            st.a_gather = true;
            run_gemm(M, N, K, e, ops, o, sink, spm ? &st : nullptr);
            return;
        }
        // Materialise the im2col matrix (padding writes zeros), then multiply it. With a scratchpad, bands of
        // rows are built on chip from their gathered input patch and sent back out.
        const int64_t band = spm ? std::max<int64_t>(1, std::min(M, o.scratchpad_bytes / im2col_need(1, K, e, o))) : M;
        std::vector<uint64_t> gather;
        for (int64_t m0 = 0; m0 < M; m0 += band) {
            const int64_t m1 = std::min(M, m0 + band);
            if (spm) {
                gather.clear();
                for (int64_t m = m0; m < m1; ++m)
                    for (int64_t k = 0; k < K; ++k) {
                        uint64_t addr = 0;
                        if (tap(m, k, addr)) gather.push_back(addr);
                    }
                if (!gather.empty()) sink.dma(gather_runs(gather, e), true);
            }
            for (int64_t m = m0; m < m1; ++m)
                for (int64_t k = 0; k < K; ++k) {
                    uint64_t addr = 0;
                    if (tap(m, k, addr)) sink.access(addr, e, false);
                    sink.access(map.im2col + static_cast<uint64_t>(m * K + k) * E, e, true);
                }
            if (spm) sink.dma({{map.im2col + static_cast<uint64_t>(m0 * K) * E, (m1 - m0) * K * e}}, false);
        }
        ops.a = [=](int64_t m, int64_t k, uint64_t& addr) {
            addr = map.im2col + static_cast<uint64_t>(m * K + k) * E;
            return true;
        };
        st.a_base = map.im2col;
        run_gemm(M, N, K, e, ops, o, sink, spm ? &st : nullptr);
        return;
    }
    case models::OpKind::DepthwiseConv2D:
    case models::OpKind::MaxPool:
    case models::OpKind::AvgPool: {
        const bool dw = l.op == models::OpKind::DepthwiseConv2D;
        const uint64_t* wp = dw ? &wts : nullptr;
        if (!spm) {
            for (int64_t b = 0; b < B; ++b) window_rows(l, b, 0, l.out_h, in, out, wp, e, sink);
            return;
        }
        // Weights stay on chip for the layer; bands of output rows stream with the input rows they read.
        if (dw) sink.dma({{wts, window_weight_bytes(l, e)}}, true);
        const int64_t band = std::max<int64_t>(1, window_band_rows(l, e, o));
        const int64_t in_row = int64_t(l.in_w) * l.in_c, out_row = int64_t(l.out_w) * l.out_c;
        for (int64_t b = 0; b < B; ++b)
            for (int64_t oy0 = 0; oy0 < l.out_h; oy0 += band) {
                const int64_t oy1 = std::min<int64_t>(l.out_h, oy0 + band);
                const int64_t iy0 = std::max<int64_t>(0, oy0 * l.stride - l.padding);
                const int64_t iy1 = std::min<int64_t>(l.in_h, (oy1 - 1) * l.stride - l.padding + l.kernel_h);
                if (iy1 > iy0) sink.dma({{in + static_cast<uint64_t>((b * l.in_h + iy0) * in_row) * E, (iy1 - iy0) * in_row * e}}, true);
                window_rows(l, b, oy0, oy1, in, out, wp, e, sink);
                sink.dma({{out + static_cast<uint64_t>((b * l.out_h + oy0) * out_row) * E, (oy1 - oy0) * out_row * e}}, false);
            }
        return;
    }
    case models::OpKind::GlobalAvgPool: {
        const int64_t chunk = spm ? std::max<int64_t>(1, gap_chunk(l, e, o)) : l.out_c;
        const int64_t hw = int64_t(l.in_h) * l.in_w;
        for (int64_t b = 0; b < B; ++b)
            for (int64_t c0 = 0; c0 < l.out_c; c0 += chunk) {
                const int64_t c1 = std::min<int64_t>(l.out_c, c0 + chunk);
                if (spm) {
                    std::vector<DmaRun> runs;
                    for (int64_t p = 0; p < hw; ++p) {
                        const uint64_t a = in + static_cast<uint64_t>((b * hw + p) * l.in_c + c0) * E;
                        if (!runs.empty() && runs.back().addr + static_cast<uint64_t>(runs.back().bytes) == a) runs.back().bytes += (c1 - c0) * e;
                        else runs.push_back({a, (c1 - c0) * e});
                    }
                    sink.dma(runs, true);
                }
                gap_channels(l, b, c0, c1, in, out, e, sink);
                if (spm) sink.dma({{out + static_cast<uint64_t>(b * l.out_c + c0) * E, (c1 - c0) * e}}, false);
            }
        return;
    }
    case models::OpKind::Elementwise:
    case models::OpKind::Softmax:
    case models::OpKind::BatchNorm: {
        const int64_t n_in = B * std::min(in_elems, out_elems), n_out = B * out_elems;
        if (!spm) {
            stream(in, out, B * in_elems, n_out, e, sink);
            return;
        }
        const int64_t chunk = std::max<int64_t>(1, stream_chunk(e, o));
        for (int64_t i0 = 0; i0 < n_out; i0 += chunk) {
            const int64_t i1 = std::min(n_out, i0 + chunk), r1 = std::min(n_in, i1);
            if (r1 > i0) sink.dma({{in + static_cast<uint64_t>(i0) * E, (r1 - i0) * e}}, true);
            for (int64_t i = i0; i < i1; ++i) {
                if (i < n_in) sink.access(in + static_cast<uint64_t>(i) * E, e, false);
                sink.access(out + static_cast<uint64_t>(i) * E, e, true);
            }
            sink.dma({{out + static_cast<uint64_t>(i0) * E, (i1 - i0) * e}}, false);
        }
        return;
    }
    case models::OpKind::Reshape: return;  // a view: no data moves
    }
}

GemmAccessCount count_gemm_accesses(int64_t M, int64_t N, int64_t K, const TraceOptions& o) {
    // The partial-sum register is written back each time (m, n) changes and read back when a run starts
    // with k > 0, so C traffic = runs of constant (m, n). Each (m, n) has exactly one run starting at k = 0
    // (k is visited in increasing order), so reads = runs - M*N.
    GemmAccessCount c;
    if (M <= 0 || N <= 0 || K <= 0) return c;
    const std::array<int64_t, 3> dims{M, N, K};
    const std::array<int64_t, 3> tiles{o.tile_m > 0 ? std::min<int64_t>(o.tile_m, M) : M,
                                       o.tile_n > 0 ? std::min<int64_t>(o.tile_n, N) : N,
                                       o.tile_k > 0 ? std::min<int64_t>(o.tile_k, K) : K};
    std::array<int, 3> order{};
    for (int i = 0; i < 3; ++i) order[static_cast<size_t>(i)] = o.loop_order[static_cast<size_t>(i)] == 'm' ? 0 : o.loop_order[static_cast<size_t>(i)] == 'n' ? 1 : 2;
    int k_pos = 0;
    for (int i = 0; i < 3; ++i)
        if (order[static_cast<size_t>(i)] == 2) k_pos = i;
    // Each dimension has full tiles and at most one smaller edge tile: (extent, how many).
    std::array<std::vector<std::pair<int64_t, int64_t>>, 3> kinds;
    std::array<int64_t, 3> n_tiles{};
    for (size_t d = 0; d < 3; ++d) {
        const int64_t full = dims[d] / tiles[d], edge = dims[d] % tiles[d];
        if (full > 0) kinds[d].push_back({tiles[d], full});
        if (edge > 0) kinds[d].push_back({edge, 1});
        n_tiles[d] = full + (edge > 0 ? 1 : 0);
    }
    // Runs inside one block of extents (em, en, ek): k-runs merge only when every point loop inside k has
    // extent 1.
    int64_t runs = 0;
    for (const auto& [em, cm] : kinds[0])
        for (const auto& [en, cn] : kinds[1])
            for (const auto& [ek, ck] : kinds[2]) {
                const std::array<int64_t, 3> ext{em, en, ek};
                bool inner_nontrivial = false;
                for (int i = k_pos + 1; i < 3; ++i)
                    if (ext[static_cast<size_t>(order[static_cast<size_t>(i)])] > 1) inner_nontrivial = true;
                runs += cm * cn * ck * em * en * (inner_nontrivial ? ek : 1);
            }
    // Consecutive blocks continue one run when they differ only in the k tile and both hold a single (m, n):
    // that needs every tile loop inside the k tile loop to have one tile.
    bool k_tile_innermost = true;
    for (int i = k_pos + 1; i < 3; ++i)
        if (n_tiles[static_cast<size_t>(order[static_cast<size_t>(i)])] > 1) k_tile_innermost = false;
    if (k_tile_innermost) {
        int64_t single_m = 0, single_n = 0;
        for (const auto& [em, cm] : kinds[0])
            if (em == 1) single_m += cm;
        for (const auto& [en, cn] : kinds[1])
            if (en == 1) single_n += cn;
        runs -= single_m * single_n * (n_tiles[2] - 1);
    }
    c.c_writes = runs;
    c.c_reads = runs - M * N;
    c.ab_reads = 2 * M * N * K;
    return c;
}

int64_t count_layer_accesses(const models::WorkloadLayer& l, const TraceOptions& opts) {
    const TraceOptions o = layer_trace_options(l, opts);
    const int64_t B = o.batch;
    switch (l.op) {
    case models::OpKind::Dense:
    case models::OpKind::Gemm: {
        const auto c = count_gemm_accesses(B * l.gemm_m, l.gemm_n, l.gemm_k, o);
        return c.ab_reads + c.c_reads + c.c_writes;
    }
    case models::OpKind::Conv2D: {
        const int64_t M = B * l.gemm_m, N = l.gemm_n, K = l.gemm_k;
        const auto c = count_gemm_accesses(M, N, K, o);
        const int64_t taps = B * valid_window_taps(l) * l.in_c;  // in-bounds (m, k) pairs
        if (o.im2col) return taps + M * K + c.ab_reads + c.c_reads + c.c_writes;
        return 2 * taps * N + c.c_reads + c.c_writes;  // padded taps read neither operand
    }
    case models::OpKind::DepthwiseConv2D: return B * (2 * valid_window_taps(l) * l.out_c + l.output_elems());
    case models::OpKind::MaxPool:
    case models::OpKind::AvgPool: return B * (valid_window_taps(l) * l.out_c + l.output_elems());
    case models::OpKind::GlobalAvgPool: return B * (l.input_elems() + l.output_elems());
    case models::OpKind::Elementwise:
    case models::OpKind::Softmax:
    case models::OpKind::BatchNorm: return B * (std::min(l.input_elems(), l.output_elems()) + l.output_elems());
    case models::OpKind::Reshape: return 0;
    }
    return 0;
}

}  // namespace mlsys::sim
