// Reduced float precisions simulated exactly: IEEE fp16, bfloat16 and the two OCP 8-bit formats (E4M3,
// E5M2), each with round-to-nearest-even, subnormals and its own overflow rule. Bit patterns in, bit
// patterns out; no hardware half type needed. Knows nothing of models (see precision_eval.hpp).
#pragma once

#include "models/core/result.hpp"

#include <cstdint>
#include <string>

namespace mlsys::models::optimize {

enum class FloatFormat {
    Fp32,     // unchanged
    Fp16,     // IEEE 754 binary16: 5 exponent bits (bias 15), 10 mantissa bits; overflow -> inf
    Bf16,     // bfloat16: fp32's 8 exponent bits, 7 mantissa bits; overflow -> inf
    Fp8E4M3,  // OCP FP8 E4M3: bias 7, no inf, max 448, S.1111.111 is NaN; overflow saturates to +-448
    Fp8E5M2,  // OCP FP8 E5M2: bias 15, IEEE-like with inf, max 57344; overflow -> inf
};

// "fp32", "fp16", "bf16", "fp8-e4m3", "fp8-e5m2".
const char* to_string(FloatFormat f);
core::Result<FloatFormat> parse_float_format(const std::string& name);
// Storage bits per value (32, 16, 16, 8, 8).
int format_bits(FloatFormat f);

// Encodes a float as the format's bit pattern (in the low bits), rounding to nearest, ties to even.
// NaN becomes the format's canonical quiet NaN. For Fp32 the float's own bits.
uint32_t encode_float(float x, FloatFormat f);
// Decodes a bit pattern of the format to the float it represents (exactly: every value of these formats
// is a float).
float decode_float(uint32_t bits, FloatFormat f);
// decode(encode(x)): the value the format stores for x.
float round_to_format(float x, FloatFormat f);

// Largest finite value of the format (65504 for fp16, 448 for E4M3, 57344 for E5M2).
double format_max_finite(FloatFormat f);

}  // namespace mlsys::models::optimize
