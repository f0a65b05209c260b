// Faults on a memory of words: drawing fault sites at a bit-error rate (or a fixed count), and applying
// them to fp32/int8/PyTorchFI words through a protection (none, parity, SEC-DED ECC, TMR), counting what
// the protection corrected and detected. Works on float storage it is given; knows nothing of models.
#pragma once

#include "faults/flips/fault_spec.hpp"
#include "models/core/rng.hpp"

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace mlsys::faults {

// Draws sites over n_words words of `word_bits` bits, each bit hit with probability `ber` (geometric gaps:
// cost proportional to the number of hits, not to the memory size), or exactly `n_faults` uniform sites
// when n_faults > 0. `bits` restricts the positions (empty: all word_bits); returned in index order.
std::vector<FaultSite> sample_sites(core::Rng& rng, int64_t n_words, int word_bits, const std::vector<int>& bits,
                                    double ber, int n_faults);

// One stretch of float storage seen as words of a number format: fp32 bit patterns, int8 codes with a
// scale (value = code × scale; the storage holds dequantised values), or PyTorchFI values with a range.
struct WordSegment {
    float* data = nullptr;
    int64_t n = 0;
    Precision precision = Precision::Fp32;
    float scale = 1.0f;  // int8: the quantisation step; pytorchfi: the layer's max |value|
    int layer = -1;      // for per-layer counts
};

struct ProtectionCounters {
    int64_t n_faults = 0;          // fault sites applied (bits hit)
    int64_t n_words_changed = 0;   // words whose value differs after the protection acted
    int64_t parity_detected = 0;   // words a parity check flagged (and zeroed)
    int64_t ecc_corrected = 0;     // codewords SEC-DED corrected
    int64_t ecc_detected = 0;      // codewords SEC-DED flagged as uncorrectable (zeroed)
    int64_t tmr_masked = 0;        // words where the vote outvoted a faulty replica
    int64_t abft_corrected = 0;    // GEMM outputs ABFT located and corrected
    int64_t abft_detected = 0;     // GEMMs whose checksums failed without a single located error
    int64_t range_clamped = 0;     // activations a range check clamped
    ProtectionCounters& operator+=(const ProtectionCounters& o);
};

// A set of segments addressed as one word space, with the original values kept for restore().
class WordMemory {
public:
    void add(WordSegment s);
    int64_t n_words() const { return n_words_; }
    int word_bits() const;  // of the first segment (all segments share a precision)
    const std::vector<WordSegment>& segments() const { return segs_; }
    // Segment index of word i.
    size_t segment_of(int64_t i) const;
    float& at(int64_t i);

    // The number of storage bits per word (or per codeword) the protection exposes to faults, and how many
    // data words one such unit holds: parity adds a bit per word; ECC stores 64 data bits in 72.
    struct Layout {
        int64_t n_units = 0;
        int unit_bits = 0;
        int words_per_unit = 1;
    };
    Layout layout(Protection p) const;

    // Applies fault sites (indices into the layout's units and bits; `replicas` sets for TMR, one set
    // otherwise) of `kind` through protection `p`, keeping originals for restore(). Only data bits listed
    // in `bits` (empty: all) and, for parity/ECC, the check bits, are hit.
    void apply(FaultKind kind, Protection p, const std::vector<std::vector<FaultSite>>& replicas,
               ProtectionCounters& counters);
    // Puts back every word changed since the last restore().
    void restore();
    bool has_changes() const { return !saved_.empty(); }

private:
    uint32_t code_of(int64_t i, float v) const;   // the stored bit pattern of value v at word i
    float value_of(int64_t i, uint32_t code) const;
    void save(int64_t i);
    void set_word(int64_t i, float v, ProtectionCounters& c);

    std::vector<WordSegment> segs_;
    std::vector<int64_t> starts_;
    int64_t n_words_ = 0;
    std::unordered_map<int64_t, float> saved_;
};

}  // namespace mlsys::faults
