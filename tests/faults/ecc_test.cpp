// SEC-DED (72,64): exhaustive single- and double-bit error tests on data words; parity and the TMR voter.
#include "faults/protect/ecc.hpp"
#include "faults/flips/bits.hpp"

#include <doctest/doctest.h>

using namespace mlsys::faults;

TEST_SUITE_BEGIN("faults.ecc");

TEST_CASE("SEC-DED corrects every single-bit error of a 72-bit codeword") {
    for (uint64_t data : {uint64_t{0}, ~uint64_t{0}, uint64_t{0x0123456789ABCDEF}, uint64_t{0x8000000000000001}}) {
        const Secded72 clean = secded72_encode(data);
        CHECK(secded72_decode(clean).outcome == EccOutcome::Clean);
        CHECK(secded72_decode(clean).data == data);
        for (int b = 0; b < 72; ++b) {
            Secded72 w = clean;
            w.flip(b);
            const EccDecoded d = secded72_decode(w);
            CHECK(d.outcome == EccOutcome::Corrected);
            CHECK(d.data == data);
        }
    }
}

TEST_CASE("SEC-DED detects every double-bit error of a 72-bit codeword") {
    for (uint64_t data : {uint64_t{0}, uint64_t{0xDEADBEEFCAFEF00D}}) {
        const Secded72 clean = secded72_encode(data);
        int64_t n = 0, detected = 0;
        for (int b1 = 0; b1 < 72; ++b1)
            for (int b2 = b1 + 1; b2 < 72; ++b2) {
                Secded72 w = clean;
                w.flip(b1);
                w.flip(b2);
                ++n;
                if (secded72_decode(w).outcome == EccOutcome::Detected) ++detected;
            }
        CHECK(n == 72 * 71 / 2);
        CHECK(detected == n);
    }
}

TEST_CASE("SEC-DED check bits of known words") {
    // All-zero data has all-zero check bits; data bit 0 sits at Hamming position 3 (p1 and p2 set), so its
    // check byte is 0b11 plus the overall parity of three set bits = 1 -> 0x83.
    CHECK(secded72_encode(0).check == 0);
    CHECK(secded72_encode(1).check == 0x83);
    // Data bit 1 sits at position 5 (p1, p4): 0b101 + overall parity 1 -> 0x85.
    CHECK(secded72_encode(2).check == 0x85);
}

TEST_CASE("parity and the 2-of-3 voter") {
    CHECK(parity32(0) == 0);
    CHECK(parity32(0b1011) == 1);
    CHECK(parity32(0xFFFFFFFFu) == 0);
    // Any single faulty replica is outvoted, bit for bit.
    const uint32_t good = 0x3F800000u;
    for (int b = 0; b < 32; ++b) {
        const uint32_t bad = good ^ (1u << b) ^ 0x00F0000Fu;
        CHECK(majority3(bad, good, good) == good);
        CHECK(majority3(good, bad, good) == good);
        CHECK(majority3(good, good, bad) == good);
    }
    CHECK(majority3(flip_bit(1.5f, 30), 1.5f, 1.5f) == 1.5f);
    // Two replicas faulty in the same bit win the vote.
    CHECK(majority3(0b100u, 0b100u, 0u) == 0b100u);
}

TEST_SUITE_END();
