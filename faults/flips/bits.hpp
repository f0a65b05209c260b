// Bit-level fault primitives: flips and stuck-at faults on IEEE-754 fp32 and int8 words, which field of
// an fp32 word a bit belongs to, per-tensor int8 quantisation, and PyTorchFI's single-bit-flip model.
// Pure functions on values; nothing here knows about models or campaigns.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

namespace mlsys::faults {

inline uint32_t float_bits(float v) {
    uint32_t u;
    std::memcpy(&u, &v, sizeof u);
    return u;
}
inline float bits_float(uint32_t u) {
    float v;
    std::memcpy(&v, &u, sizeof v);
    return v;
}

// Flips bit `bit` (0 = mantissa LSB, 31 = sign) of an fp32 value.
inline float flip_bit(float v, int bit) { return bits_float(float_bits(v) ^ (1u << bit)); }
// Forces bit `bit` to `value` (stuck-at-0 or stuck-at-1).
inline float stuck_bit(float v, int bit, bool value) {
    const uint32_t m = 1u << bit;
    return bits_float(value ? (float_bits(v) | m) : (float_bits(v) & ~m));
}
// The same on an int8 word (bit 7 = the two's-complement sign bit).
inline int8_t flip_bit(int8_t v, int bit) {
    return static_cast<int8_t>(static_cast<uint8_t>(v) ^ static_cast<uint8_t>(1u << bit));
}
inline int8_t stuck_bit(int8_t v, int bit, bool value) {
    const auto m = static_cast<uint8_t>(1u << bit);
    const auto u = static_cast<uint8_t>(v);
    return static_cast<int8_t>(value ? (u | m) : (u & static_cast<uint8_t>(~m)));
}

// The fields of an IEEE-754 binary32 word: bit 31 sign, bits 30-23 exponent, bits 22-0 mantissa.
enum class BitField { Sign, Exponent, Mantissa };
BitField fp32_field(int bit);
const char* to_string(BitField f);

// Number representation a fault model works on.
enum class Precision {
    Fp32,       // flips of the stored IEEE-754 bit pattern
    Int8,       // the model quantised to int8 (symmetric, per tensor); flips of the stored int8 word
    PyTorchFI,  // PyTorchFI's model: quantise the fp32 value to int8 against a per-layer range, flip one
                // bit of that integer, dequantise (the fp32 value in memory is never touched bitwise)
};
const char* to_string(Precision p);
int bits_per_word(Precision p);  // 32 or 8

// Symmetric per-tensor int8 quantisation: q = clamp(round(x / scale), -127, 127), x' = q * scale, with
// scale = max|x| / 127 (1 when the tensor is all zeros).
struct Int8Quant {
    float scale = 1.0f;
    int8_t quantize(float x) const;
    float dequantize(int8_t q) const { return static_cast<float>(q) * scale; }
};
Int8Quant int8_quant_for(std::span<const float> values);
// Replaces every value by its int8 round trip (what the model computes with once quantised).
void quantize_in_place(std::span<float> values, const Int8Quant& q);

// PyTorchFI's single-bit flip (pytorchfi/neuron_error_models.py, _flip_bit_signed): quantum =
// trunc(v / range * 128) as an 8-bit two's-complement word, flip `bit` (0 = LSB; PyTorchFI's bit_pos counts
// from the MSB, so its bit_pos p is our 7 - p), dequantise as quantum * range / 128. `layer_range` is the
// layer's max |value|. Values at +range saturate to 127 (PyTorchFI wraps them to -128).
float pytorchfi_flip(float v, float layer_range, int bit);

}  // namespace mlsys::faults
