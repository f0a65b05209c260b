// One set-associative cache level: tags, dirty bits and replacement state in flat arrays (LRU, FIFO or
// seeded random), addressed by line number. Optionally classifies misses as compulsory, capacity or conflict
// (Hill's 3C model: an infinite cache and a fully associative LRU cache of the same size run as shadows).
#pragma once

#include "models/core/rng.hpp"
#include "sim/memory/hierarchy_config.hpp"

#include <cstdint>
#include <list>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace mlsys::sim {

enum class MissKind { Compulsory, Capacity, Conflict };

class Cache {
public:
    Cache(const LevelConfig& config, bool classify_misses);

    struct Outcome {
        bool hit = false;
        bool allocated = false;       // the line was brought in (a fill from the level below)
        bool evicted = false;
        bool evicted_dirty = false;   // a write-back of evicted_line is due
        uint64_t evicted_line = 0;
        MissKind miss_kind = MissKind::Conflict;  // valid on a miss when classifying
    };

    // Looks up `line`; on a miss allocates it unless (is_write && !write_allocate). A write marks the line
    // dirty in a write-back cache.
    Outcome access(uint64_t line, bool is_write);
    bool contains(uint64_t line) const;
    // The replay's fast path: on a hit (no miss classification running) updates LRU and dirty state and
    // returns true; on a miss changes nothing and returns false (then call access()).
    bool hit_fast(uint64_t line, bool is_write) {
        const size_t base = static_cast<size_t>(line & set_mask_) * static_cast<size_t>(ways_);
        const uint64_t* t = tags_.data() + base;
        for (int w = 0; w < ways_; ++w)
            if (t[w] == line) {
                const size_t i = base + static_cast<size_t>(w);
                if (lru_) stamp_[i] = ++clock_;
                if (is_write && write_back_) dirty_[i] = 1;
                return true;
            }
        return false;
    }
    bool classifying() const { return classify_; }
    int line_shift() const { return line_shift_; }
    const LevelConfig& config() const { return config_; }

private:
    MissKind classify(uint64_t line);

    LevelConfig config_;
    bool lru_;
    bool write_back_;
    int ways_;
    int line_shift_;
    uint64_t set_mask_;
    std::vector<uint64_t> tags_;   // sets x ways; kInvalid when empty
    std::vector<uint64_t> stamp_;  // LRU: last use; FIFO: insertion time
    std::vector<uint8_t> dirty_;
    uint64_t clock_ = 0;
    core::Rng rng_;
    // 3C shadows.
    bool classify_;
    std::unordered_set<uint64_t> seen_;
    std::list<uint64_t> fa_order_;  // most recent first
    std::unordered_map<uint64_t, std::list<uint64_t>::iterator> fa_index_;
    size_t fa_capacity_;
};

}  // namespace mlsys::sim
