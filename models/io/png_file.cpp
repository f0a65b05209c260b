// PNG writer over zlib: filter type 0 on every row (charts are mostly flat colour and compress well anyway).
#include "models/io/png_file.hpp"

#include "models/core/check.hpp"

#include <zlib.h>

namespace mlsys::models {
namespace {

void put32be(std::string& s, uint32_t v) {
    for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void chunk(std::string& out, const char* type, const std::string& data) {
    put32be(out, static_cast<uint32_t>(data.size()));
    const std::string body = std::string(type, 4) + data;
    out += body;
    put32be(out, static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

}  // namespace

std::string encode_png_rgb(int width, int height, const std::vector<uint8_t>& rgb) {
    MLSYS_CHECK(width > 0 && height > 0 && rgb.size() == static_cast<size_t>(width) * height * 3);
    std::string raw;
    raw.reserve(static_cast<size_t>(height) * (width * 3 + 1));
    for (int y = 0; y < height; ++y) {
        raw.push_back('\0');
        raw.append(reinterpret_cast<const char*>(rgb.data()) + static_cast<size_t>(y) * width * 3, static_cast<size_t>(width) * 3);
    }
    uLongf packed_len = compressBound(raw.size());
    std::string packed(packed_len, '\0');
    compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_len, reinterpret_cast<const Bytef*>(raw.data()), raw.size(), 6);
    packed.resize(packed_len);
    std::string out("\x89PNG\r\n\x1a\n", 8);
    std::string ihdr;
    put32be(ihdr, static_cast<uint32_t>(width));
    put32be(ihdr, static_cast<uint32_t>(height));
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, adaptive filtering, no interlace
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", packed);
    chunk(out, "IEND", "");
    return out;
}

}  // namespace mlsys::models
