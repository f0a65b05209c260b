// CRC-32 with a 256-entry table built once (the firmware uses the bitwise form of the same polynomial).
#include "hardware/protocol/crc32.hpp"

#include <array>

namespace mlsys::hardware {
namespace {
std::array<uint32_t, 256> make_table() {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
        t[i] = c;
    }
    return t;
}
}  // namespace

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t n_bytes) {
    static const std::array<uint32_t, 256> table = make_table();
    uint32_t c = crc ^ 0xFFFFFFFFu;
    for (size_t i = 0; i < n_bytes; ++i) c = table[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

}  // namespace mlsys::hardware
