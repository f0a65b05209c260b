// The int8 model's two export forms: the compact binary ("MLQ8", little-endian, CRC-32 at the end) that
// the board firmware parses in place and the protocol's MODEL command uploads, and a C header for firmware
// that bakes the model in (the same bytes as an array, plus readable per-layer arrays and descriptions).
// Byte layout: docs/INT8_FORMAT.md. The parser trusts nothing: every length, count and shape is checked.
#pragma once

#include "models/core/result.hpp"
#include "models/optimize/int8_model.hpp"

#include <filesystem>
#include <string>

namespace mlsys::models::optimize {

inline constexpr char kInt8Magic[4] = {'M', 'L', 'Q', '8'};
inline constexpr uint16_t kInt8FormatVersion = 1;
inline constexpr int kInt8HeaderBytes = 32;
inline constexpr int kInt8LayerHeaderBytes = 36;

// The binary image of a quantized model. Errors when a field does not fit its byte width (e.g. a
// dimension over 65535 or more than 255 layers).
core::Result<std::string> serialize_int8(const QuantizedModel& m);
// Parses and validates an image; `what` names the source in errors ("model.mlq8: layer 2 (dense_1):
// n_weights 1000 does not match 64 x 10").
core::Result<QuantizedModel> parse_int8(const std::string& bytes, const std::string& what);

// Bytes the interpreter needs for activations: two buffers of the largest layer input/output.
int64_t int8_arena_bytes(const QuantizedModel& m);

// A C header: `symbol` is a C identifier ("fashion_cnn"); declares <symbol>_model[] (the binary image,
// in PROGMEM on AVR), <symbol>_model_bytes, per-layer weight/bias/multiplier/shift arrays and a comment
// table of the layers.
core::Result<std::string> write_c_header(const QuantizedModel& m, const std::string& symbol);
// The binary image inside a header written by write_c_header (for round-trip tests and `optimize --check`).
core::Result<std::string> image_from_c_header(const std::string& header_text, const std::string& what);

core::Status save_int8(const std::filesystem::path& path, const QuantizedModel& m);
core::Result<QuantizedModel> load_int8(const std::filesystem::path& path);

// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) — the same as zlib's crc32 and the protocol's.
uint32_t int8_crc32(const std::string& bytes, size_t n);

}  // namespace mlsys::models::optimize
