// Address traces of a Workload's layers: each layer as the loop nest that computes it, emitting the exact
// byte address of every operand access (NHWC activations, HWIO weights, element size by precision).
// Dense and convolution layers run as a GEMM (out[M x N] = in[M x K] * W[K x N]) with a chosen loop order and
// tiling; a convolution reads its input directly (implicit im2col) or first materialises the im2col matrix.
// Partial sums stay in a register while consecutive iterations update the same output. Traces stream to a
// sink, so a large layer needs no memory.
#pragma once

#include "models/workload/workload.hpp"
#include "sim/deploy/profiles.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::sim {

struct TraceOptions {
    Precision precision = Precision::Fp32;
    int batch = 1;
    std::string loop_order = "mnk";  // outer to inner, a permutation of m, n, k
    int tile_m = 0, tile_n = 0, tile_k = 0;  // 0: untiled
    bool im2col = false;             // convolutions: build the im2col matrix first
    // A software-managed scratchpad of this many bytes (0: none, the caches decide). The loop nests then
    // stage every tile in and out by DMA (TraceSink::dma) and their accesses all hit the scratchpad; a GEMM
    // tile left at 0 is chosen to fit (scratchpad_tiles). simulate_workload sets it from the hierarchy.
    int64_t scratchpad_bytes = 0;
    bool double_buffer = false;      // two buffers per operand: a tile's transfers overlap the previous tile's compute
};
// Checks loop order and tiles; the error names the field.
core::Status validate_trace_options(const TraceOptions& o);

// Where each tensor lives: activations ping-pong between two buffers, weights get one region per layer,
// the im2col scratch has its own.
struct AddressMap {
    uint64_t activations[2] = {0x10000000ULL, 0x30000000ULL};
    uint64_t weights = 0x50000000ULL;
    uint64_t im2col = 0x70000000ULL;
};

// One contiguous piece of a DMA transfer (a tile row, a run of a gathered convolution patch).
struct DmaRun {
    uint64_t addr;
    int64_t bytes;
};

class TraceSink {
public:
    virtual ~TraceSink() = default;
    virtual void access(uint64_t addr, int size_bytes, bool is_write) = 0;
    // Scratchpad mode: one DMA descriptor moving `runs` (main-memory addresses) into the scratchpad
    // (to_scratchpad) or back out.
    virtual void dma(const std::vector<DmaRun>& runs, bool to_scratchpad) {
        (void)runs;
        (void)to_scratchpad;
    }
    // Scratchpad mode: false lets a GEMM report each tile's scratchpad accesses as counts (bulk) instead of
    // one access() each (the analytic mode: same transfers, closed-form accesses).
    virtual bool wants_accesses() const { return true; }
    virtual void bulk(int64_t reads, int64_t writes) {
        (void)reads;
        (void)writes;
    }
};

// A sink that keeps everything (tests, Dinero export, the GUI's step-by-step replay).
// A DMA descriptor is kept as one entry per run: kind 1 starts a descriptor, kind 2 continues it; size is
// the run's bytes and is_write means out of the scratchpad.
struct TraceEntry {
    uint64_t addr;
    int32_t size;
    bool is_write;
    uint8_t kind = 0;  // 0: a processor access; 1, 2: a DMA run
};
class VectorSink final : public TraceSink {
public:
    void access(uint64_t addr, int size, bool is_write) override { entries.push_back({addr, size, is_write, 0}); }
    void dma(const std::vector<DmaRun>& runs, bool to_scratchpad) override {
        for (size_t i = 0; i < runs.size(); ++i)
            entries.push_back({runs[i].addr, static_cast<int32_t>(runs[i].bytes), !to_scratchpad, uint8_t(i == 0 ? 1 : 2)});
    }
    std::vector<TraceEntry> entries;
};

// Scratchpad mode: the GEMM tiles (m, n, k) used for an M x N x K product: given tiles (clamped to the
// dimensions) are kept; tiles left at 0 start at the full dimension and the largest is halved until the
// working set (A tm x tk + B tk x tn + C tm x tn elements, twice with double buffering) fits. The error names
// the tiles, the bytes they need and the scratchpad's size_bytes.
core::Result<std::array<int64_t, 3>> scratchpad_tiles(int64_t m, int64_t n, int64_t k, const TraceOptions& o);
// The options a layer actually runs with (scratchpad mode fills in its GEMM tiles).
TraceOptions layer_trace_options(const models::WorkloadLayer& l, const TraceOptions& o);
// Scratchpad mode: refuses a workload whose tiles or streaming chunks cannot fit (the error names the layer,
// the tiling and size_bytes). Call before generate_layer_trace, which assumes it passed.
core::Status check_scratchpad_fit(const models::Workload& w, const TraceOptions& o);

// Emits layer `index` of `w` (its input in activations[index % 2], output in the other buffer, weights at
// weights + the sizes of the layers before it).
void generate_layer_trace(const models::Workload& w, size_t index, const TraceOptions& o, const AddressMap& map,
                          TraceSink& sink);
// The exact number of accesses generate_layer_trace would emit (computed in closed form, not traced).
int64_t count_layer_accesses(const models::WorkloadLayer& l, const TraceOptions& o);
// A GEMM's accesses by kind under a loop order and tiling: operand reads (2 per MAC) and the partial-sum
// register's write-backs and read-backs.
struct GemmAccessCount {
    int64_t ab_reads = 0, c_reads = 0, c_writes = 0;
    int64_t total() const { return ab_reads + c_reads + c_writes; }
};
GemmAccessCount count_gemm_accesses(int64_t m, int64_t n, int64_t k, const TraceOptions& o);

// A GEMM trace on its own (operands at a_base, b_base, c_base; row-major): the kernel behind dense and
// convolution layers, exposed for tests and the tiling lesson.
void generate_gemm_trace(int64_t m, int64_t n, int64_t k, int elem_bytes, uint64_t a_base, uint64_t b_base,
                         uint64_t c_base, const TraceOptions& o, TraceSink& sink);

}  // namespace mlsys::sim
