// Bit-level fault primitives (see bits.hpp).
#include "faults/flips/bits.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::faults {

BitField fp32_field(int bit) {
    if (bit == 31) return BitField::Sign;
    if (bit >= 23) return BitField::Exponent;
    return BitField::Mantissa;
}

const char* to_string(BitField f) {
    switch (f) {
    case BitField::Sign: return "sign";
    case BitField::Exponent: return "exponent";
    case BitField::Mantissa: return "mantissa";
    }
    return "?";
}

const char* to_string(Precision p) {
    switch (p) {
    case Precision::Fp32: return "fp32";
    case Precision::Int8: return "int8";
    case Precision::PyTorchFI: return "pytorchfi";
    }
    return "?";
}

int bits_per_word(Precision p) { return p == Precision::Fp32 ? 32 : 8; }

int8_t Int8Quant::quantize(float x) const {
    if (!std::isfinite(x)) return x > 0 ? int8_t{127} : int8_t{-127};
    const float r = std::nearbyint(x / scale);
    return static_cast<int8_t>(std::clamp(r, -127.0f, 127.0f));
}

Int8Quant int8_quant_for(std::span<const float> values) {
    float m = 0;
    for (float v : values)
        if (std::isfinite(v)) m = std::max(m, std::fabs(v));
    Int8Quant q;
    q.scale = m > 0 ? m / 127.0f : 1.0f;
    return q;
}

void quantize_in_place(std::span<float> values, const Int8Quant& q) {
    for (float& v : values) v = q.dequantize(q.quantize(v));
}

float pytorchfi_flip(float v, float layer_range, int bit) {
    // quantum = int((v / max) * 2^(bits-1)) truncates toward zero; the result is out * 2^-(bits-1) * max.
    const float range = layer_range > 0 ? layer_range : 1.0f;
    double quantum = std::trunc(static_cast<double>(v) / range * 128.0);
    quantum = std::clamp(quantum, -128.0, 127.0);  // PyTorchFI wraps +128 to -128; we saturate
    const auto q = static_cast<int8_t>(quantum);
    return static_cast<float>(flip_bit(q, bit) * (range / 128.0));
}

}  // namespace mlsys::faults
