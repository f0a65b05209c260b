// Reading pixels back from the OpenGL back buffer and writing them as PNG (SFML's sf::Image encodes).
// Deterministic screenshots come from here: read before the swap, never by grabbing the X root window.
#pragma once

#include "models/core/result.hpp"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace mlsys::gui {

// Reverses the row order of a w x h RGBA8 image in place (OpenGL rows start at the bottom, PNG's at the top).
void flip_rows_rgba(std::vector<uint8_t>& pixels, int width, int height);

// Writes w x h RGBA8 pixels (row 0 at the top) as a PNG, creating the directory; the error names the path.
[[nodiscard]] core::Status write_png_rgba(const std::filesystem::path& path, int width, int height,
                                          const std::vector<uint8_t>& pixels);

// Reads the rectangle with top-left (x, y) and size w x h, in framebuffer pixels measured from the top, from
// the current context's back buffer, flips it upright and returns RGBA8 pixels. Needs a current GL context.
std::vector<uint8_t> read_back_buffer(int fb_height, int x, int y, int width, int height);

// read_back_buffer + write_png_rgba, with alpha forced to 255 (the window is opaque).
[[nodiscard]] core::Status capture_png(const std::filesystem::path& path, int fb_height, int x, int y, int width,
                                       int height);

}  // namespace mlsys::gui
