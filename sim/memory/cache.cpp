// Set-associative cache: a scan of the set's ways, then the replacement policy's victim.
#include "sim/memory/cache.hpp"

#include <bit>

namespace mlsys::sim {

namespace {
constexpr uint64_t kInvalid = ~uint64_t{0};
}

Cache::Cache(const LevelConfig& config, bool classify_misses)
    : config_(config),
      lru_(config.replacement == Replacement::Lru),
      write_back_(config.write_back),
      ways_(config.ways),
      line_shift_(std::countr_zero(static_cast<uint64_t>(config.line_bytes))),
      set_mask_(static_cast<uint64_t>(config.n_sets()) - 1),
      tags_(static_cast<size_t>(config.n_sets()) * static_cast<size_t>(config.ways), kInvalid),
      stamp_(tags_.size(), 0),
      dirty_(tags_.size(), 0),
      rng_(config.seed),
      classify_(classify_misses),
      fa_capacity_(static_cast<size_t>(config.size_bytes / config.line_bytes)) {}

bool Cache::contains(uint64_t line) const {
    const size_t base = static_cast<size_t>(line & set_mask_) * static_cast<size_t>(ways_);
    for (int w = 0; w < ways_; ++w)
        if (tags_[base + static_cast<size_t>(w)] == line) return true;
    return false;
}

MissKind Cache::classify(uint64_t line) {
    // Run both shadows on every access; report the kind of a miss of the real cache.
    const bool first_time = seen_.insert(line).second;
    auto it = fa_index_.find(line);
    const bool fa_hit = it != fa_index_.end();
    if (fa_hit) {
        fa_order_.splice(fa_order_.begin(), fa_order_, it->second);
    } else {
        fa_order_.push_front(line);
        fa_index_[line] = fa_order_.begin();
        if (fa_order_.size() > fa_capacity_) {
            fa_index_.erase(fa_order_.back());
            fa_order_.pop_back();
        }
    }
    if (first_time) return MissKind::Compulsory;
    return fa_hit ? MissKind::Conflict : MissKind::Capacity;
}

Cache::Outcome Cache::access(uint64_t line, bool is_write) {
    Outcome out;
    ++clock_;
    const MissKind kind = classify_ ? classify(line) : MissKind::Conflict;
    const size_t base = static_cast<size_t>(line & set_mask_) * static_cast<size_t>(ways_);
    for (int w = 0; w < ways_; ++w) {
        const size_t i = base + static_cast<size_t>(w);
        if (tags_[i] == line) {
            out.hit = true;
            if (config_.replacement == Replacement::Lru) stamp_[i] = clock_;
            if (is_write && config_.write_back) dirty_[i] = 1;
            return out;
        }
    }
    out.miss_kind = kind;
    if (is_write && !config_.write_allocate) return out;
    // Victim: an empty way first, else by policy.
    size_t victim = base;
    bool found_empty = false;
    for (int w = 0; w < ways_; ++w)
        if (tags_[base + static_cast<size_t>(w)] == kInvalid) {
            victim = base + static_cast<size_t>(w);
            found_empty = true;
            break;
        }
    if (!found_empty) {
        if (config_.replacement == Replacement::Random) {
            victim = base + static_cast<size_t>(rng_.uniform_int(static_cast<uint64_t>(ways_)));
        } else {  // LRU and FIFO both evict the smallest stamp (last use vs insertion)
            for (int w = 1; w < ways_; ++w)
                if (stamp_[base + static_cast<size_t>(w)] < stamp_[victim]) victim = base + static_cast<size_t>(w);
        }
        out.evicted = true;
        out.evicted_line = tags_[victim];
        out.evicted_dirty = dirty_[victim] != 0;
    }
    tags_[victim] = line;
    stamp_[victim] = clock_;
    dirty_[victim] = (is_write && config_.write_back) ? 1 : 0;
    out.allocated = true;
    return out;
}

}  // namespace mlsys::sim
