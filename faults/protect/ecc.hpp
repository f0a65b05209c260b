// Error-correcting codes for weight memory: the SEC-DED extended Hamming (72,64) code that DRAM and SRAM
// ECC use (single-error correction, double-error detection; 8 check bits per 64 data bits = 12.5% memory),
// and even parity per 32-bit word (detection only, 3.125%). Pure bit arithmetic.
#pragma once

#include <cstdint>

namespace mlsys::faults {

// A 72-bit codeword: 64 data bits and 8 check bits (bits 0-6 the Hamming parities p1, p2, p4 ... p64, bit 7
// the overall parity). Codeword bit b in [0, 72): b < 64 is data bit b, b >= 64 is check bit b - 64.
struct Secded72 {
    uint64_t data = 0;
    uint8_t check = 0;
    void flip(int bit) {
        if (bit < 64) data ^= uint64_t{1} << bit;
        else check = static_cast<uint8_t>(check ^ (1u << (bit - 64)));
    }
};

enum class EccOutcome {
    Clean,      // no error seen
    Corrected,  // one bit was wrong and has been put right (data or check bit)
    Detected,   // an error that cannot be corrected (two bits, or a syndrome outside the code)
};
const char* to_string(EccOutcome o);

struct EccDecoded {
    uint64_t data = 0;  // corrected data (as read when Detected)
    EccOutcome outcome = EccOutcome::Clean;
};

Secded72 secded72_encode(uint64_t data);
// Decodes a possibly corrupted codeword. Three or more errors may decode as Clean or miscorrect: SEC-DED
// promises nothing beyond two.
EccDecoded secded72_decode(const Secded72& word);

// Even parity over a 32-bit word: 1 when the word has an odd number of set bits.
inline int parity32(uint32_t w) { return __builtin_parity(w); }

// Bitwise 2-of-3 majority: triple modular redundancy's voter.
inline uint32_t majority3(uint32_t a, uint32_t b, uint32_t c) { return (a & b) | (a & c) | (b & c); }
float majority3(float a, float b, float c);

}  // namespace mlsys::faults
