// A memory hierarchy replaying an address stream: each access goes to the innermost level; misses fill from
// the level below, dirty evictions write back, write-through levels forward writes, main memory ends the
// chain. Counts hits, misses (3C split when asked), evictions, bytes moved between levels, cycles and energy.
#pragma once

#include "sim/memory/cache.hpp"
#include "sim/memory/hierarchy_config.hpp"
#include "sim/memory/trace.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::sim {

struct LevelStats {
    std::string name;
    bool scratchpad = false;              // a software-managed level: every access hits; data moves by DMA
    int64_t reads = 0, writes = 0;        // accesses arriving at this level
    int64_t hits = 0, misses = 0;
    int64_t compulsory = 0, capacity = 0, conflict = 0;  // when classifying
    int64_t evictions = 0, dirty_evictions = 0;
    int64_t fills = 0;
    int64_t bytes_from_below = 0;         // fills
    int64_t bytes_to_below = 0;           // write-backs and written-through data
    // Scratchpad: bytes_from_below / bytes_to_below are the bytes DMA'd in and out, fills and drains the
    // port-width beats they take (each costs a write or read access), dma_transfers the descriptors.
    int64_t drains = 0;
    int64_t dma_transfers = 0;
    double energy_pj = 0;
    double hit_rate() const { return reads + writes > 0 ? static_cast<double>(hits) / static_cast<double>(reads + writes) : 0; }
};

struct MainStats {
    int64_t reads = 0, writes = 0;        // line (or word) transfers
    int64_t bytes_read = 0, bytes_written = 0;
    double energy_pj = 0;
};

// The totals of a replay: per level, main memory, time and energy.
struct ReplayStats {
    std::vector<LevelStats> levels;
    MainStats main;
    int64_t accesses = 0;
    double latency_cycles = 0;     // every access's hit latency down to where it was served, no overlap
    double bandwidth_cycles = 0;   // the busiest link's bytes / bandwidth
    double cycles() const { return latency_cycles > bandwidth_cycles ? latency_cycles : bandwidth_cycles; }
    double stall_cycles = 0;       // cycles beyond an L1 hit for every access (with a scratchpad: DMA waits)
    double memory_energy_pj() const;
};

// Brings energy, bandwidth cycles and stall cycles up to date from the counts (replay and analytic mode
// both fill the counts, then call this).
void finalize_stats(ReplayStats& s, const HierarchyConfig& c);
// a - b, counts only (a layer's share of a running replay); finalize the result.
ReplayStats subtract_counts(const ReplayStats& a, const ReplayStats& b);

class Hierarchy {
public:
    explicit Hierarchy(const HierarchyConfig& config, bool classify_misses = false);

    // One access of `size` bytes at `addr` (split at line boundaries of the innermost level). With a
    // scratchpad innermost it hits there (the loop nest staged the data).
    void access(uint64_t addr, int size, bool is_write);
    // Scratchpad: one DMA descriptor between the scratchpad and the next level (routed through the caches
    // below line by line, or to main memory as one burst). It takes the next level's latency (reads) plus
    // bytes / its bandwidth; the processor waits for all of it, or with double buffering for the part the
    // previous tile's compute (the scratchpad accesses since the transfers before) does not hide.
    void dma(const std::vector<DmaRun>& runs, bool to_scratchpad);
    // Scratchpad: `reads` and `writes` scratchpad accesses at once (the analytic mode's closed-form counts).
    void bulk(int64_t reads, int64_t writes);
    void set_double_buffer(bool on) { double_buffer_ = on; }
    bool has_scratchpad() const { return scratchpad_; }
    const ReplayStats& stats() const;  // bandwidth cycles and energy brought up to date
    const HierarchyConfig& config() const { return config_; }

private:
    // `bytes`: what moves when this access reaches the next level (the access size, or a line).
    void access_level(size_t level, uint64_t addr, bool is_write, int bytes);
    void to_main(uint64_t bytes, bool is_write);

    Cache& cache(size_t level) { return caches_[level - first_cache_]; }

    HierarchyConfig config_;
    bool scratchpad_ = false;
    size_t first_cache_ = 0;           // 1 when levels[0] is a scratchpad (it has no Cache)
    std::vector<Cache> caches_;
    bool double_buffer_ = false;
    bool last_was_dma_ = false;
    double window_cycles_ = 0;         // scratchpad accesses' latency since the last transfers
    double hide_budget_ = 0;           // compute left to hide the current group of transfers
    mutable ReplayStats stats_;
};

}  // namespace mlsys::sim
