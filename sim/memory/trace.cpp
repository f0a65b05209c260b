// Loop-nest trace generation.
#include "sim/memory/trace.hpp"

#include <algorithm>
#include <array>
#include <functional>

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

void run_gemm(int64_t M, int64_t N, int64_t K, int e, const GemmOperands& ops, const TraceOptions& o, TraceSink& sink) {
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
            point_loop(0);
            return;
        }
        const int d = order[static_cast<size_t>(depth)];
        for (t0[static_cast<size_t>(d)] = 0; t0[static_cast<size_t>(d)] < dims[static_cast<size_t>(d)];
             t0[static_cast<size_t>(d)] += tiles[static_cast<size_t>(d)])
            tile_loop(depth + 1);
    };
    tile_loop(0);
    flush();
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
    run_gemm(m, n, k, e, ops, o, sink);
}

void generate_layer_trace(const models::Workload& w, size_t index, const TraceOptions& o, const AddressMap& map,
                          TraceSink& sink) {
    const models::WorkloadLayer& l = w.layers[index];
    const int e = bytes_per_element(o.precision);
    const uint64_t E = static_cast<uint64_t>(e);
    const uint64_t in = map.activations[index % 2];
    const uint64_t out = map.activations[(index + 1) % 2];
    const uint64_t wts = map.weights + weight_offset(w, index, e);
    const int64_t B = o.batch;
    const int64_t in_elems = l.input_elems(), out_elems = l.output_elems();
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
        if (!o.im2col) {
            ops.a = tap;
            run_gemm(M, N, K, e, ops, o, sink);
            return;
        }
        // Materialise the im2col matrix (padding writes zeros), then multiply it.
        for (int64_t m = 0; m < M; ++m)
            for (int64_t k = 0; k < K; ++k) {
                uint64_t addr = 0;
                if (tap(m, k, addr)) sink.access(addr, e, false);
                sink.access(map.im2col + static_cast<uint64_t>(m * K + k) * E, e, true);
            }
        ops.a = [=](int64_t m, int64_t k, uint64_t& addr) {
            addr = map.im2col + static_cast<uint64_t>(m * K + k) * E;
            return true;
        };
        run_gemm(M, N, K, e, ops, o, sink);
        return;
    }
    case models::OpKind::DepthwiseConv2D:
        for (int64_t b = 0; b < B; ++b)
            for (int64_t oy = 0; oy < l.out_h; ++oy)
                for (int64_t ox = 0; ox < l.out_w; ++ox)
                    for (int64_t c = 0; c < l.out_c; ++c) {
                        for (int64_t ky = 0; ky < l.kernel_h; ++ky)
                            for (int64_t kx = 0; kx < l.kernel_w; ++kx) {
                                const int64_t iy = oy * l.stride - l.padding + ky, ix = ox * l.stride - l.padding + kx;
                                if (iy < 0 || iy >= l.in_h || ix < 0 || ix >= l.in_w) continue;
                                sink.access(in + static_cast<uint64_t>(((b * l.in_h + iy) * l.in_w + ix) * l.in_c + c) * E, e, false);
                                sink.access(wts + static_cast<uint64_t>((ky * l.kernel_w + kx) * l.in_c + c) * E, e, false);
                            }
                        sink.access(out + static_cast<uint64_t>(((b * l.out_h + oy) * l.out_w + ox) * l.out_c + c) * E, e, true);
                    }
        return;
    case models::OpKind::MaxPool:
    case models::OpKind::AvgPool:
        for (int64_t b = 0; b < B; ++b)
            for (int64_t oy = 0; oy < l.out_h; ++oy)
                for (int64_t ox = 0; ox < l.out_w; ++ox)
                    for (int64_t c = 0; c < l.out_c; ++c) {
                        for (int64_t ky = 0; ky < l.kernel_h; ++ky)
                            for (int64_t kx = 0; kx < l.kernel_w; ++kx) {
                                const int64_t iy = oy * l.stride - l.padding + ky, ix = ox * l.stride - l.padding + kx;
                                if (iy < 0 || iy >= l.in_h || ix < 0 || ix >= l.in_w) continue;
                                sink.access(in + static_cast<uint64_t>(((b * l.in_h + iy) * l.in_w + ix) * l.in_c + c) * E, e, false);
                            }
                        sink.access(out + static_cast<uint64_t>(((b * l.out_h + oy) * l.out_w + ox) * l.out_c + c) * E, e, true);
                    }
        return;
    case models::OpKind::GlobalAvgPool:
        for (int64_t b = 0; b < B; ++b)
            for (int64_t c = 0; c < l.out_c; ++c) {
                for (int64_t p = 0; p < int64_t(l.in_h) * l.in_w; ++p)
                    sink.access(in + static_cast<uint64_t>((b * l.in_h * l.in_w + p) * l.in_c + c) * E, e, false);
                sink.access(out + static_cast<uint64_t>(b * l.out_c + c) * E, e, true);
            }
        return;
    case models::OpKind::Elementwise:
    case models::OpKind::Softmax:
    case models::OpKind::BatchNorm:
        stream(in, out, B * in_elems, B * out_elems, e, sink);
        return;
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

int64_t count_layer_accesses(const models::WorkloadLayer& l, const TraceOptions& o) {
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
