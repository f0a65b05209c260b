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
    for (const auto& l : config_.levels) {
        caches_.emplace_back(l, classify_misses);
        LevelStats s;
        s.name = l.name;
        stats_.levels.push_back(s);
    }
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
    if (level == caches_.size()) {
        to_main(static_cast<uint64_t>(bytes), is_write);
        return;
    }
    Cache& c = caches_[level];
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
    if (caches_.empty()) {  // no cache: the access goes straight to main memory
        stats_.accesses++;
        to_main(static_cast<uint64_t>(size > 0 ? size : 1), is_write);
        return;
    }
    const uint64_t line_bytes = static_cast<uint64_t>(config_.levels.front().line_bytes);
    uint64_t a = addr;
    const uint64_t end = addr + static_cast<uint64_t>(size > 0 ? size : 1);
    while (a < end) {
        const uint64_t next = std::min(end, (a / line_bytes + 1) * line_bytes);
        stats_.accesses++;
        access_level(0, a, is_write, static_cast<int>(next - a));
        a = next;
    }
}

const ReplayStats& Hierarchy::stats() const {
    // Energy: each access to a level costs its read or write energy (a fill is a write into it); main
    // memory costs per byte. Bandwidth: the busiest link bounds the replay's time.
    double busiest = 0;
    for (size_t i = 0; i < caches_.size(); ++i) {
        LevelStats& s = stats_.levels[i];
        const LevelConfig& lc = config_.levels[i];
        s.energy_pj = static_cast<double>(s.reads) * lc.read_energy_pj +
                      static_cast<double>(s.writes + s.fills) * lc.write_energy_pj;
        const double bytes = static_cast<double>(s.bytes_from_below + s.bytes_to_below);
        const double link_bw = i + 1 < caches_.size() ? config_.levels[i + 1].bandwidth_bytes_per_cycle
                                                      : config_.main.bandwidth_bytes_per_cycle;
        busiest = std::max(busiest, bytes / link_bw);
    }
    stats_.main.energy_pj = static_cast<double>(stats_.main.bytes_read + stats_.main.bytes_written) * config_.main.energy_pj_per_byte;
    stats_.bandwidth_cycles = busiest;
    if (caches_.empty()) {
        stats_.bandwidth_cycles = static_cast<double>(stats_.main.bytes_read + stats_.main.bytes_written) /
                                  config_.main.bandwidth_bytes_per_cycle;
        stats_.stall_cycles = 0;  // nothing faster to compare with
        return stats_;
    }
    const double l1 = config_.levels.front().hit_latency_cycles;
    int64_t reads0 = stats_.levels.front().reads;
    stats_.stall_cycles = std::max(0.0, stats_.latency_cycles - static_cast<double>(reads0) * l1);
    return stats_;
}

}  // namespace mlsys::sim
