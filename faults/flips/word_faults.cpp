// Fault sites and their application through protections (see word_faults.hpp).
#include "faults/flips/word_faults.hpp"

#include "faults/protect/ecc.hpp"
#include "models/core/check.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace mlsys::faults {

std::vector<FaultSite> sample_sites(core::Rng& rng, int64_t n_words, int word_bits, const std::vector<int>& bits,
                                    double ber, int n_faults) {
    std::vector<FaultSite> out;
    const int nb = bits.empty() ? word_bits : static_cast<int>(bits.size());
    const int64_t total = n_words * nb;
    if (total <= 0) return out;
    auto site_at = [&](int64_t idx) {
        const int j = static_cast<int>(idx % nb);
        return FaultSite{idx / nb, bits.empty() ? j : bits[size_t(j)]};
    };
    if (n_faults > 0) {
        for (int i = 0; i < n_faults; ++i) out.push_back(site_at(static_cast<int64_t>(rng.uniform_int(uint64_t(total)))));
        std::sort(out.begin(), out.end(), [](const FaultSite& a, const FaultSite& b) {
            return a.index != b.index ? a.index < b.index : a.bit < b.bit;
        });
        return out;
    }
    if (ber <= 0) return out;
    if (ber >= 1) {
        for (int64_t i = 0; i < total; ++i) out.push_back(site_at(i));
        return out;
    }
    // Gaps between hits of a Bernoulli(ber) sequence are geometric: floor(log(U) / log(1 - ber)).
    const double log_q = std::log1p(-ber);
    int64_t idx = -1;
    for (;;) {
        double u;
        do {
            u = rng.uniform();
        } while (u <= 0.0);
        const double gap = std::floor(std::log(u) / log_q);
        if (gap >= double(total - idx)) break;
        idx += 1 + static_cast<int64_t>(gap);
        if (idx >= total) break;
        out.push_back(site_at(idx));
    }
    return out;
}

ProtectionCounters& ProtectionCounters::operator+=(const ProtectionCounters& o) {
    n_faults += o.n_faults;
    n_words_changed += o.n_words_changed;
    parity_detected += o.parity_detected;
    ecc_corrected += o.ecc_corrected;
    ecc_detected += o.ecc_detected;
    tmr_masked += o.tmr_masked;
    abft_corrected += o.abft_corrected;
    abft_detected += o.abft_detected;
    range_clamped += o.range_clamped;
    return *this;
}

void WordMemory::add(WordSegment s) {
    MLSYS_CHECK(segs_.empty() || segs_.front().precision == s.precision);
    starts_.push_back(n_words_);
    n_words_ += s.n;
    segs_.push_back(s);
}

int WordMemory::word_bits() const { return segs_.empty() ? 32 : bits_per_word(segs_.front().precision); }

size_t WordMemory::segment_of(int64_t i) const {
    const auto it = std::upper_bound(starts_.begin(), starts_.end(), i);
    return static_cast<size_t>(it - starts_.begin() - 1);
}

float& WordMemory::at(int64_t i) {
    const size_t s = segment_of(i);
    return segs_[s].data[i - starts_[s]];
}

WordMemory::Layout WordMemory::layout(Protection p) const {
    const int wb = word_bits();
    switch (p) {
    case Protection::Parity: return {n_words_, wb + 1, 1};
    case Protection::Ecc: {
        const int per = 64 / wb;
        return {(n_words_ + per - 1) / per, 72, per};
    }
    case Protection::None:
    case Protection::Range:
    case Protection::Tmr:
    case Protection::Abft: return {n_words_, wb, 1};
    }
    return {n_words_, wb, 1};
}

uint32_t WordMemory::code_of(int64_t i, float v) const {
    const WordSegment& s = segs_[segment_of(i)];
    if (s.precision == Precision::Int8) {
        Int8Quant q;
        q.scale = s.scale;
        return static_cast<uint8_t>(q.quantize(v));
    }
    return float_bits(v);
}

float WordMemory::value_of(int64_t i, uint32_t code) const {
    const WordSegment& s = segs_[segment_of(i)];
    if (s.precision == Precision::Int8) return static_cast<float>(static_cast<int8_t>(code & 0xffu)) * s.scale;
    return bits_float(code);
}

void WordMemory::save(int64_t i) { saved_.emplace(i, at(i)); }

void WordMemory::set_word(int64_t i, float v, ProtectionCounters& c) {
    save(i);
    float& w = at(i);
    if (float_bits(w) != float_bits(v)) ++c.n_words_changed;
    w = v;
}

void WordMemory::restore() {
    for (const auto& [i, v] : saved_) at(i) = v;
    saved_.clear();
}

namespace {
uint32_t apply_bit(uint32_t code, int bit, FaultKind kind) {
    switch (kind) {
    case FaultKind::BitFlip:
    case FaultKind::Intermittent: return code ^ (1u << bit);
    case FaultKind::StuckAt0: return code & ~(1u << bit);
    case FaultKind::StuckAt1: return code | (1u << bit);
    }
    return code;
}
}  // namespace

void WordMemory::apply(FaultKind kind, Protection p, const std::vector<std::vector<FaultSite>>& replicas,
                       ProtectionCounters& c) {
    if (segs_.empty()) return;
    const int wb = word_bits();
    const Precision prec = segs_.front().precision;
    if (p == Protection::Tmr && replicas.size() == 3) {
        // Each replica's faulty code per word; the voter outputs the bitwise majority.
        std::map<int64_t, std::array<uint32_t, 3>> words;
        for (size_t r = 0; r < 3; ++r)
            for (const FaultSite& s : replicas[r]) {
                ++c.n_faults;
                auto it = words.find(s.index);
                if (it == words.end()) {
                    const uint32_t clean = code_of(s.index, saved_.count(s.index) ? saved_[s.index] : at(s.index));
                    it = words.emplace(s.index, std::array<uint32_t, 3>{clean, clean, clean}).first;
                }
                it->second[r] = apply_bit(it->second[r], s.bit, kind);
            }
        for (const auto& [i, codes] : words) {
            const uint32_t voted = majority3(codes[0], codes[1], codes[2]);
            if (codes[0] != voted || codes[1] != voted || codes[2] != voted) ++c.tmr_masked;
            if (prec == Precision::PyTorchFI) {
                // PyTorchFI flips a value, not a code: vote on the flipped values instead.
                float v[3];
                for (int r = 0; r < 3; ++r) {
                    v[r] = at(i);
                    const uint32_t diff = codes[size_t(r)] ^ float_bits(at(i));
                    for (int b = 0; b < 8; ++b)
                        if (diff & (1u << b)) v[r] = pytorchfi_flip(v[r], segs_[segment_of(i)].scale, b);
                }
                set_word(i, majority3(v[0], v[1], v[2]), c);
            } else {
                set_word(i, value_of(i, voted), c);
            }
        }
        return;
    }
    const std::vector<FaultSite>& sites = replicas.front();
    c.n_faults += static_cast<int64_t>(sites.size());
    if (p == Protection::Ecc) {
        const int per = 64 / wb;
        const uint64_t mask = wb == 32 ? 0xffffffffull : 0xffull;
        size_t a = 0;
        while (a < sites.size()) {
            const int64_t unit = sites[a].index;
            uint64_t data = 0;
            for (int j = 0; j < per; ++j) {
                const int64_t w = unit * per + j;
                if (w < n_words_) data |= (uint64_t(code_of(w, at(w))) & mask) << (j * wb);
            }
            Secded72 cw = secded72_encode(data);
            for (; a < sites.size() && sites[a].index == unit; ++a) {
                const int b = sites[a].bit;
                switch (kind) {
                case FaultKind::BitFlip:
                case FaultKind::Intermittent: cw.flip(b); break;
                case FaultKind::StuckAt0:
                case FaultKind::StuckAt1: {
                    const bool is_set = b < 64 ? ((cw.data >> b) & 1u) : ((cw.check >> (b - 64)) & 1u);
                    if (is_set != (kind == FaultKind::StuckAt1)) cw.flip(b);
                    break;
                }
                }
            }
            const EccDecoded d = secded72_decode(cw);
            if (d.outcome == EccOutcome::Corrected) ++c.ecc_corrected;
            if (d.outcome == EccOutcome::Detected) ++c.ecc_detected;
            for (int j = 0; j < per; ++j) {
                const int64_t w = unit * per + j;
                if (w >= n_words_) break;
                const float v = d.outcome == EccOutcome::Detected
                                    ? 0.0f  // an uncorrectable word is dropped (read as zero)
                                    : value_of(w, static_cast<uint32_t>((d.data >> (j * wb)) & mask));
                if (float_bits(v) != float_bits(at(w))) set_word(w, v, c);
            }
        }
        return;
    }
    // None, parity, range, abft: the word takes the faults directly (parity also checks it).
    size_t a = 0;
    while (a < sites.size()) {
        const int64_t i = sites[a].index;
        const float clean = at(i);
        uint32_t code = code_of(i, clean);
        float value = clean;
        int parity_bit = parity32(code);
        for (; a < sites.size() && sites[a].index == i; ++a) {
            const int b = sites[a].bit;
            if (b == wb) {  // the parity bit itself
                parity_bit = static_cast<int>(apply_bit(uint32_t(parity_bit), 0, kind));
                continue;
            }
            if (prec == Precision::PyTorchFI) value = pytorchfi_flip(value, segs_[segment_of(i)].scale, b);
            else code = apply_bit(code, b, kind);
        }
        if (prec != Precision::PyTorchFI) value = value_of(i, code);
        if (p == Protection::Parity && parity32(code) != parity_bit) {
            ++c.parity_detected;
            value = 0.0f;
        }
        if (float_bits(value) != float_bits(clean)) set_word(i, value, c);
    }
}

}  // namespace mlsys::faults
