// Exact-bit tests of the fault primitives: fp32 and int8 flips, stuck-at, fields, PyTorchFI's model.
#include "faults/flips/bits.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace mlsys::faults;

TEST_SUITE_BEGIN("faults.bits");

TEST_CASE("flipping bit 30 of 1.0f gives 2^128 as infinity-free huge value") {
    // 1.0f = 0x3F800000; bit 30 set -> 0x7F800000 = +inf (exponent all ones, mantissa 0).
    CHECK(float_bits(flip_bit(1.0f, 30)) == 0x7F800000u);
    CHECK(std::isinf(flip_bit(1.0f, 30)));
    // 0.5f = 0x3F000000 -> 0x7F000000 = 2^127.
    CHECK(flip_bit(0.5f, 30) == std::ldexp(1.0f, 127));
    // Sign and mantissa LSB.
    CHECK(flip_bit(1.0f, 31) == -1.0f);
    CHECK(float_bits(flip_bit(1.0f, 0)) == 0x3F800001u);
    // Bit 23 (exponent LSB) of 1.0f: exponent 127 -> 126, i.e. 0.5.
    CHECK(flip_bit(1.0f, 23) == 0.5f);
}

TEST_CASE("a flip changes exactly one bit of every fp32 and int8 word") {
    const std::vector<float> values = {0.0f, 1.0f, -3.25f, 1e-30f, 123456.0f};
    for (float v : values)
        for (int b = 0; b < 32; ++b) {
            const uint32_t d = float_bits(flip_bit(v, b)) ^ float_bits(v);
            CHECK(d == (1u << b));
            CHECK(float_bits(flip_bit(flip_bit(v, b), b)) == float_bits(v));
        }
    for (int v = -128; v < 128; ++v)
        for (int b = 0; b < 8; ++b) {
            const auto q = static_cast<int8_t>(v);
            const auto d = static_cast<uint8_t>(flip_bit(q, b)) ^ static_cast<uint8_t>(q);
            CHECK(d == (1u << b));
        }
    CHECK(flip_bit(int8_t{1}, 7) == int8_t{-127});  // 0x01 -> 0x81
    CHECK(flip_bit(int8_t{0}, 6) == int8_t{64});
}

TEST_CASE("stuck-at forces one bit and leaves the others") {
    CHECK(float_bits(stuck_bit(1.0f, 0, true)) == 0x3F800001u);
    CHECK(stuck_bit(1.0f, 0, false) == 1.0f);      // already 0
    CHECK(stuck_bit(1.0f, 29, false) == std::ldexp(1.0f, -64));  // 0x3F800000 & ~(1<<29) = 0x1F800000
    CHECK(stuck_bit(-2.0f, 31, false) == 2.0f);
    CHECK(stuck_bit(int8_t{5}, 7, true) == int8_t{-123});  // 0x85
    CHECK(stuck_bit(int8_t{-1}, 0, false) == int8_t{-2});
    // Idempotent: stuck twice = stuck once.
    CHECK(float_bits(stuck_bit(stuck_bit(3.0f, 30, true), 30, true)) == float_bits(stuck_bit(3.0f, 30, true)));
}

TEST_CASE("fp32 fields by bit position") {
    CHECK(fp32_field(31) == BitField::Sign);
    CHECK(fp32_field(30) == BitField::Exponent);
    CHECK(fp32_field(23) == BitField::Exponent);
    CHECK(fp32_field(22) == BitField::Mantissa);
    CHECK(fp32_field(0) == BitField::Mantissa);
}

TEST_CASE("int8 quantisation round trip") {
    const std::vector<float> v = {-1.27f, 0.5f, 0.0f, 1.27f};
    const Int8Quant q = int8_quant_for(v);
    CHECK(q.scale == doctest::Approx(0.01f));
    CHECK(q.quantize(1.27f) == 127);
    CHECK(q.quantize(-1.27f) == -127);
    CHECK(q.quantize(0.5f) == 50);
    CHECK(q.quantize(100.0f) == 127);  // saturates
    CHECK(q.dequantize(50) == doctest::Approx(0.5f));
}

TEST_CASE("PyTorchFI single-bit flip quantises truncates flips and dequantises") {
    // range 1: v = 0.5 -> quantum trunc(64.0) = 64 = 0b01000000; flipping bit 6 gives 0 -> 0.0.
    CHECK(pytorchfi_flip(0.5f, 1.0f, 6) == 0.0f);
    // flipping the MSB (PyTorchFI bit_pos 0) of 64 gives 0b11000000 = -64 -> -0.5.
    CHECK(pytorchfi_flip(0.5f, 1.0f, 7) == -0.5f);
    // v = 0.3: trunc(38.4) = 38 = 0b00100110; bit 0 -> 39 -> 39/128.
    CHECK(pytorchfi_flip(0.3f, 1.0f, 0) == doctest::Approx(39.0 / 128.0));
    // The flip never leaves [-range, range): unlike an IEEE-754 exponent flip it cannot make a huge value.
    for (int b = 0; b < 8; ++b) CHECK(std::fabs(pytorchfi_flip(0.9f, 2.0f, b)) <= 2.0f);
}

TEST_SUITE_END();
