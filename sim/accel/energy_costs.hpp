// Energy-per-access and area constants for the accelerator model, in one place with their sources so they
// can be unified with sim/memory's tables later. All 45 nm, 0.9 V figures from M. Horowitz, "Computing's
// energy problem (and what we can do about it)", ISSCC 2014 — the same data as BOOK.md §10.5's table.
// Holds no state and does no I/O.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace mlsys::sim::accel::energy {

// --- arithmetic (pJ per operation) ---
inline constexpr double kInt8MultPj = 0.2;   // Horowitz 2014; BOOK §10.5 "Integer MULT 8b"
inline constexpr double kInt8AddPj = 0.03;   // Horowitz 2014; BOOK §10.5 "Integer ADD 8b"
inline constexpr double kInt32AddPj = 0.1;   // Horowitz 2014; BOOK §10.5 "Integer ADD 32b"
inline constexpr double kFp16MultPj = 1.1;   // Horowitz 2014 (16b FP mult)
inline constexpr double kFp16AddPj = 0.4;    // Horowitz 2014; BOOK §10.5 "FP16 add"
inline constexpr double kFp32MultPj = 3.7;   // Horowitz 2014 (32b FP mult)
inline constexpr double kFp32AddPj = 0.9;    // Horowitz 2014; BOOK §10.5 "FP32 add"

// --- memory (pJ per 32-bit word) ---
// SRAM reads by array size: 8 KB 5 pJ, 32 KB 10 pJ, 1 MB 50 pJ (BOOK §10.5 figure data). BOOK.md lists an
// inconsistency: the chapter text says 10 pJ for an 8 KB L1 access; we use the table.
inline constexpr double kSram8KiBWordPj = 5.0;
inline constexpr double kSram32KiBWordPj = 10.0;
inline constexpr double kSram1MiBWordPj = 50.0;
// DRAM: 1.3-2.6 nJ per 64-bit access (BOOK §10.5 "DRAM access"); Horowitz's 32-bit DRAM read is 640 pJ.
inline constexpr double kDramWordPj = 640.0;

// --- area (µm² at 45 nm) ---
// Horowitz 2014 area column: 8b mult 282, 32b add 137, 16b FP mult 1640, 16b FP add 1360, 32b FP mult
// 7700, 32b FP add 4184.
inline constexpr double kInt8MultUm2 = 282;
inline constexpr double kInt32AddUm2 = 137;
inline constexpr double kFp16MultUm2 = 1640;
inline constexpr double kFp16AddUm2 = 1360;
inline constexpr double kFp32MultUm2 = 7700;
inline constexpr double kFp32AddUm2 = 4184;
// 6T SRAM bit cell at 45 nm: 0.346 µm² (Intel 45 nm, Mistry et al., IEDM 2007); periphery assumed to
// double it (array efficiency 0.5, an assumption stated in docs/ACCEL.md).
inline constexpr double kSramBitUm2 = 0.346;
inline constexpr double kSramArrayEfficiency = 0.5;

// One multiply-accumulate of the word width: int8 multiply with a 32-bit accumulator, fp16 or fp32.
inline double mac_pj(int word_bytes) {
    if (word_bytes <= 1) return kInt8MultPj + kInt32AddPj;
    if (word_bytes == 2) return kFp16MultPj + kFp16AddPj;
    return kFp32MultPj + kFp32AddPj;
}

// One element operation on the vector unit (an add/compare of the word width).
inline double vector_op_pj(int word_bytes) {
    if (word_bytes <= 1) return kInt8AddPj;
    if (word_bytes == 2) return kFp16AddPj;
    return kFp32AddPj;
}

// One SRAM access of a word in an array of sram_bytes: log-log interpolation through the three table
// points (flat below 8 KB, extrapolated above 1 MB), scaled by word size relative to 32 bits.
inline double sram_word_pj(int64_t sram_bytes, int word_bytes) {
    const double kb = std::max(double(sram_bytes) / 1024.0, 8.0);
    double pj;
    if (kb <= 32) {
        pj = kSram8KiBWordPj * std::pow(kSram32KiBWordPj / kSram8KiBWordPj, std::log(kb / 8) / std::log(4.0));
    } else {
        pj = kSram32KiBWordPj * std::pow(kSram1MiBWordPj / kSram32KiBWordPj, std::log(kb / 32) / std::log(32.0));
    }
    return pj * double(word_bytes) / 4.0;
}

inline double dram_word_pj(int word_bytes) { return kDramWordPj * double(word_bytes) / 4.0; }

// Area proxy of one PE: its multiplier and adder (registers and wiring left out).
inline double pe_area_um2(int word_bytes) {
    if (word_bytes <= 1) return kInt8MultUm2 + kInt32AddUm2;
    if (word_bytes == 2) return kFp16MultUm2 + kFp16AddUm2;
    return kFp32MultUm2 + kFp32AddUm2;
}

inline double sram_area_um2(int64_t bytes) { return double(bytes) * 8.0 * kSramBitUm2 / kSramArrayEfficiency; }

}  // namespace mlsys::sim::accel::energy
