// Hierarchy replay: fills, write-backs, write-through, per-level accounting.
#include "sim/memory/hierarchy.hpp"

#include <algorithm>

namespace mlsys::sim {

double ReplayStats::memory_energy_pj() const {
    double e = main.energy_pj;
    for (const auto& l : levels) e += l.energy_pj;
    return e;
}

Hierarchy::Hierarchy(const HierarchyConfig& config, bool classify_misses) : config_(config) {
    scratchpad_ = !config_.levels.empty() && config_.levels.front().is_scratchpad;
    first_cache_ = scratchpad_ ? 1 : 0;
    for (const auto& l : config_.levels) {
        if (!l.is_scratchpad) caches_.emplace_back(l, classify_misses);
        LevelStats s;
        s.name = l.name;
        s.scratchpad = l.is_scratchpad;
        stats_.levels.push_back(s);
    }
}

void Hierarchy::bulk(int64_t reads, int64_t writes) {
    if (!scratchpad_) return;
    LevelStats& s = stats_.levels.front();
    const double lat = static_cast<double>(reads) * config_.levels.front().hit_latency_cycles;
    if (last_was_dma_) window_cycles_ = 0;
    last_was_dma_ = false;
    window_cycles_ += lat;
    stats_.latency_cycles += lat;
    stats_.accesses += reads + writes;
    s.reads += reads;
    s.writes += writes;
    s.hits += reads + writes;
}

void Hierarchy::dma(const std::vector<DmaRun>& runs, bool to_scratchpad) {
    if (!scratchpad_ || runs.empty()) return;
    LevelStats& s = stats_.levels.front();
    const LevelConfig& lc = config_.levels.front();
    int64_t bytes = 0, beats = 0;
    for (const auto& r : runs) {
        bytes += r.bytes;
        beats += (r.bytes + lc.line_bytes - 1) / lc.line_bytes;
    }
    s.dma_transfers++;
    if (to_scratchpad) {
        s.bytes_from_below += bytes;
        s.fills += beats;
    } else {
        s.bytes_to_below += bytes;
        s.drains += beats;
    }
    // Route the data through the next level; its latency is this transfer's, not the processor's directly.
    const double before = stats_.latency_cycles;
    double bandwidth = config_.main.bandwidth_bytes_per_cycle;
    if (config_.levels.size() > 1) {
        const LevelConfig& next = config_.levels[1];
        bandwidth = next.bandwidth_bytes_per_cycle;
        const uint64_t line = static_cast<uint64_t>(next.line_bytes);
        for (const auto& r : runs) {
            uint64_t a = r.addr;
            const uint64_t end = r.addr + static_cast<uint64_t>(r.bytes);
            while (a < end) {
                const uint64_t n = std::min(end, (a / line + 1) * line);
                access_level(1, a, !to_scratchpad, static_cast<int>(n - a));
                a = n;
            }
        }
    } else {
        to_main(static_cast<uint64_t>(bytes), !to_scratchpad);
    }
    const double t = stats_.latency_cycles - before + static_cast<double>(bytes) / bandwidth;
    stats_.latency_cycles = before;
    double exposed = t;
    if (double_buffer_) {
        if (!last_was_dma_) hide_budget_ = window_cycles_;
        const double hidden = std::min(hide_budget_, t);
        hide_budget_ -= hidden;
        exposed = t - hidden;
    }
    last_was_dma_ = true;
    stats_.latency_cycles += exposed;
}

void Hierarchy::to_main(uint64_t bytes, bool is_write) {
    auto& m = stats_.main;
    if (is_write) {
        m.writes++;
        m.bytes_written += static_cast<int64_t>(bytes);
    } else {
        m.reads++;
        m.bytes_read += static_cast<int64_t>(bytes);
        stats_.latency_cycles += config_.main.latency_cycles;
    }
}

void Hierarchy::access_level(size_t level, uint64_t addr, bool is_write, int bytes) {
    if (level == config_.levels.size()) {
        to_main(static_cast<uint64_t>(bytes), is_write);
        return;
    }
    Cache& c = cache(level);
    LevelStats& s = stats_.levels[level];
    const LevelConfig& lc = c.config();
    const uint64_t line = addr >> c.line_shift();
    (is_write ? s.writes : s.reads)++;
    if (!is_write) stats_.latency_cycles += lc.hit_latency_cycles;
    const Cache::Outcome o = c.access(line, is_write);
    if (o.hit) {
        s.hits++;
        if (is_write && !lc.write_back) {
            s.bytes_to_below += bytes;
            access_level(level + 1, addr, true, bytes);
        }
        return;
    }
    s.misses++;
    switch (o.miss_kind) {
    case MissKind::Compulsory: s.compulsory++; break;
    case MissKind::Capacity: s.capacity++; break;
    case MissKind::Conflict: s.conflict++; break;
    }
    if (o.evicted) {
        s.evictions++;
        if (o.evicted_dirty) {
            s.dirty_evictions++;
            s.bytes_to_below += lc.line_bytes;
            access_level(level + 1, o.evicted_line << c.line_shift(), true, lc.line_bytes);
        }
    }
    if (o.allocated) {
        // Fetch the line from below (a write-allocate miss reads it too), then write it into this level.
        s.fills++;
        s.bytes_from_below += lc.line_bytes;
        access_level(level + 1, line << c.line_shift(), false, lc.line_bytes);
    }
    if (is_write && (!lc.write_back || !o.allocated)) {
        // Write-through, or a write-no-allocate miss: the data goes down.
        s.bytes_to_below += bytes;
        access_level(level + 1, addr, true, bytes);
    }
}

void Hierarchy::access(uint64_t addr, int size, bool is_write) {
    if (scratchpad_) {  // staged by the loop nest: a hit at the scratchpad's latency
        (void)addr;
        if (last_was_dma_) window_cycles_ = 0;
        last_was_dma_ = false;
        stats_.accesses++;
        LevelStats& s = stats_.levels.front();
        s.hits++;
        if (is_write) {
            s.writes++;
        } else {
            s.reads++;
            const double lat = config_.levels.front().hit_latency_cycles;
            window_cycles_ += lat;
            stats_.latency_cycles += lat;
        }
        return;
    }
    if (caches_.empty()) {  // no cache: the access goes straight to main memory
        stats_.accesses++;
        to_main(static_cast<uint64_t>(size > 0 ? size : 1), is_write);
        return;
    }
    Cache& l1 = caches_.front();
    const int shift = l1.line_shift();
    const uint64_t line_bytes = uint64_t{1} << shift;
    const uint64_t n = static_cast<uint64_t>(size > 0 ? size : 1);
    // Fast path: an access inside one line that hits L1 (the common case) without miss classification.
    if ((addr & (line_bytes - 1)) + n <= line_bytes && !l1.classifying() && (!is_write || l1.config().write_back) &&
        l1.hit_fast(addr >> shift, is_write)) {
        stats_.accesses++;
        LevelStats& s = stats_.levels.front();
        if (is_write) {
            s.writes++;
        } else {
            s.reads++;
            stats_.latency_cycles += l1.config().hit_latency_cycles;
        }
        s.hits++;
        return;
    }
    uint64_t a = addr;
    const uint64_t end = addr + n;
    while (a < end) {
        const uint64_t next = std::min(end, ((a >> shift) + 1) << shift);
        stats_.accesses++;
        access_level(0, a, is_write, static_cast<int>(next - a));
        a = next;
    }
}

void finalize_stats(ReplayStats& st, const HierarchyConfig& config) {
    // Energy: each access to a level costs its read or write energy (a fill is a write into it); main
    // memory costs per byte. Bandwidth: the busiest link bounds the replay's time.
    double busiest = 0;
    const size_t n = config.levels.size();
    for (size_t i = 0; i < n && i < st.levels.size(); ++i) {
        LevelStats& s = st.levels[i];
        const LevelConfig& lc = config.levels[i];
        s.energy_pj = static_cast<double>(s.reads + s.drains) * lc.read_energy_pj +
                      static_cast<double>(s.writes + s.fills) * lc.write_energy_pj;
        const double bytes = static_cast<double>(s.bytes_from_below + s.bytes_to_below);
        const double link_bw = i + 1 < n ? config.levels[i + 1].bandwidth_bytes_per_cycle : config.main.bandwidth_bytes_per_cycle;
        busiest = std::max(busiest, bytes / link_bw);
    }
    st.main.energy_pj = static_cast<double>(st.main.bytes_read + st.main.bytes_written) * config.main.energy_pj_per_byte;
    if (n == 0) {
        st.bandwidth_cycles = static_cast<double>(st.main.bytes_read + st.main.bytes_written) / config.main.bandwidth_bytes_per_cycle;
        st.stall_cycles = 0;  // nothing faster to compare with
        return;
    }
    st.bandwidth_cycles = busiest;
    const double l1 = config.levels.front().hit_latency_cycles;
    const int64_t reads0 = st.levels.front().reads;
    st.stall_cycles = std::max(0.0, st.latency_cycles - static_cast<double>(reads0) * l1);
}

ReplayStats subtract_counts(const ReplayStats& a, const ReplayStats& b) {
    ReplayStats d = a;
    for (size_t i = 0; i < d.levels.size() && i < b.levels.size(); ++i) {
        LevelStats& x = d.levels[i];
        const LevelStats& y = b.levels[i];
        x.reads -= y.reads;
        x.writes -= y.writes;
        x.hits -= y.hits;
        x.misses -= y.misses;
        x.compulsory -= y.compulsory;
        x.capacity -= y.capacity;
        x.conflict -= y.conflict;
        x.evictions -= y.evictions;
        x.dirty_evictions -= y.dirty_evictions;
        x.fills -= y.fills;
        x.bytes_from_below -= y.bytes_from_below;
        x.bytes_to_below -= y.bytes_to_below;
        x.drains -= y.drains;
        x.dma_transfers -= y.dma_transfers;
    }
    d.main.reads -= b.main.reads;
    d.main.writes -= b.main.writes;
    d.main.bytes_read -= b.main.bytes_read;
    d.main.bytes_written -= b.main.bytes_written;
    d.accesses -= b.accesses;
    d.latency_cycles -= b.latency_cycles;
    return d;
}

const ReplayStats& Hierarchy::stats() const {
    finalize_stats(stats_, config_);
    return stats_;
}

}  // namespace mlsys::sim
