// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF) — the checksum of the
// board protocol's binary payloads. The firmware computes the same function bit by bit (firmware/protocol.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace mlsys::hardware {

// Continues a CRC over more bytes: crc32_update(crc32_update(0, a), b) == crc32(a + b).
uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t n_bytes);
inline uint32_t crc32(const uint8_t* data, size_t n_bytes) { return crc32_update(0, data, n_bytes); }

}  // namespace mlsys::hardware
