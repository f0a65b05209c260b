// PNG encoding (RFC 2083: IHDR, one zlib IDAT, IEND) of 8-bit RGB images, for charts drawn without a GPU
// (the HTML run report). Pure function, no file I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::models {

// Encodes width x height RGB8 pixels (row 0 at the top, 3 bytes a pixel) as PNG file bytes.
std::string encode_png_rgb(int width, int height, const std::vector<uint8_t>& rgb);

}  // namespace mlsys::models
