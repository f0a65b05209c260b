// SEC-DED (72,64), parity and the TMR voter (see ecc.hpp). Data bit j sits at Hamming position pos[j], the
// j-th position in 3..71 that is not a power of two; check bit i sits at position 2^i.
#include "faults/protect/ecc.hpp"

#include "faults/flips/bits.hpp"

#include <array>

namespace mlsys::faults {
namespace {

struct Positions {
    std::array<uint8_t, 64> pos{};         // data bit -> Hamming position
    std::array<int8_t, 128> data_at{};     // Hamming position -> data bit, or -1
    Positions() {
        data_at.fill(-1);
        int j = 0;
        for (int p = 3; j < 64; ++p) {
            if ((p & (p - 1)) == 0) continue;  // powers of two hold check bits
            pos[size_t(j)] = static_cast<uint8_t>(p);
            data_at[size_t(p)] = static_cast<int8_t>(j);
            ++j;
        }
    }
};
const Positions& positions() {
    static const Positions p;
    return p;
}

uint32_t syndrome_of_data(uint64_t data) {
    const auto& P = positions();
    uint32_t s = 0;
    while (data) {
        const int j = __builtin_ctzll(data);
        s ^= P.pos[size_t(j)];
        data &= data - 1;
    }
    return s;
}

}  // namespace

const char* to_string(EccOutcome o) {
    switch (o) {
    case EccOutcome::Clean: return "clean";
    case EccOutcome::Corrected: return "corrected";
    case EccOutcome::Detected: return "detected";
    }
    return "?";
}

Secded72 secded72_encode(uint64_t data) {
    Secded72 w;
    w.data = data;
    const uint32_t s = syndrome_of_data(data);  // 7 bits: check bit i = bit i of the data syndrome
    const int overall = __builtin_parityll(data) ^ __builtin_parity(s);
    w.check = static_cast<uint8_t>(s | (uint32_t(overall) << 7));
    return w;
}

EccDecoded secded72_decode(const Secded72& w) {
    EccDecoded r;
    r.data = w.data;
    const uint32_t s = syndrome_of_data(w.data) ^ (w.check & 0x7fu);
    const int overall = __builtin_parityll(w.data) ^ __builtin_parity(w.check);
    if (s == 0 && overall == 0) return r;
    if (overall == 0) {  // even number of flips with a non-zero syndrome: two errors
        r.outcome = EccOutcome::Detected;
        return r;
    }
    // Odd number of flips: assume one. s == 0 means the overall parity bit itself; a power of two a check
    // bit; otherwise the data bit at that position, if there is one.
    if (s == 0 || (s & (s - 1)) == 0) {
        r.outcome = EccOutcome::Corrected;
        return r;
    }
    const int j = positions().data_at[s & 127u];
    if (s > 127 || j < 0) {
        r.outcome = EccOutcome::Detected;
        return r;
    }
    r.data ^= uint64_t{1} << j;
    r.outcome = EccOutcome::Corrected;
    return r;
}

float majority3(float a, float b, float c) {
    return bits_float(majority3(float_bits(a), float_bits(b), float_bits(c)));
}

}  // namespace mlsys::faults
