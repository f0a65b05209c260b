// Seeded random numbers that give the same sequence on every platform: xoshiro256** seeded through
// splitmix64, with our own uniform/normal/int draws (std:: distributions differ between standard libraries).
#pragma once

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace mlsys::core {

class Rng {
public:
    explicit Rng(uint64_t seed = 1) { reseed(seed); }

    void reseed(uint64_t seed) {
        uint64_t x = seed;
        for (auto& s : s_) s = splitmix64(x);
        has_spare_ = false;
    }

    // An independent generator for a sub-task (e.g. a data loader, a trial of a campaign).
    Rng derive(uint64_t stream) const {
        uint64_t x = s_[0] ^ (stream * 0x9E3779B97F4A7C15ULL) ^ s_[3];
        return Rng(splitmix64(x));
    }

    uint64_t next_u64() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

    // Uniform integer in [0, n); unbiased (rejection). n must be > 0.
    uint64_t uniform_int(uint64_t n) {
        const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        uint64_t v;
        do {
            v = next_u64();
        } while (v >= limit);
        return v % n;
    }

    bool bernoulli(double p) { return uniform() < p; }

    // Standard normal by Box-Muller (the spare value is kept for the next call).
    double normal() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u1;
        do {
            u1 = uniform();
        } while (u1 <= 0.0);
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double theta = 6.283185307179586476925 * u2;
        spare_ = r * std::sin(theta);
        has_spare_ = true;
        return r * std::cos(theta);
    }
    double normal(double mean, double stddev) { return mean + stddev * normal(); }

    // Fisher-Yates shuffle.
    template <class T>
    void shuffle(std::vector<T>& v) {
        for (size_t i = v.size(); i > 1; --i) {
            const size_t j = static_cast<size_t>(uniform_int(i));
            std::swap(v[i - 1], v[j]);
        }
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static uint64_t splitmix64(uint64_t& x) {
        uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    uint64_t s_[4] = {};
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace mlsys::core
