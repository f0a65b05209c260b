// Framebuffer read-back and PNG encoding (see png_capture.hpp). The only OpenGL outside the shell's loop.
#include "app/gui/png_capture.hpp"

#include <SFML/Graphics/Image.hpp>

#include <GL/gl.h>

#include <algorithm>
#include <cstring>
#include <system_error>

namespace mlsys::gui {

void flip_rows_rgba(std::vector<uint8_t>& pixels, int width, int height) {
    const std::size_t row = static_cast<std::size_t>(width) * 4;
    if (pixels.size() < row * static_cast<std::size_t>(height)) return;
    std::vector<uint8_t> tmp(row);
    for (int y = 0; y < height / 2; ++y) {
        uint8_t* a = pixels.data() + static_cast<std::size_t>(y) * row;
        uint8_t* b = pixels.data() + static_cast<std::size_t>(height - 1 - y) * row;
        std::memcpy(tmp.data(), a, row);
        std::memcpy(a, b, row);
        std::memcpy(b, tmp.data(), row);
    }
}

core::Status write_png_rgba(const std::filesystem::path& path, int width, int height,
                            const std::vector<uint8_t>& pixels) {
    if (width <= 0 || height <= 0 || pixels.size() != static_cast<std::size_t>(width) * height * 4)
        return core::fail(path.string() + ": invalid image size " + std::to_string(width) + "x" + std::to_string(height));
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return core::fail(path.parent_path().string() + ": cannot create directory: " + ec.message());
    sf::Image image;
    image.create(static_cast<unsigned>(width), static_cast<unsigned>(height), pixels.data());
    if (!image.saveToFile(path.string())) return core::fail(path.string() + ": could not write the PNG file");
    return {};
}

std::vector<uint8_t> read_back_buffer(int fb_height, int x, int y, int width, int height) {
    std::vector<uint8_t> pixels(static_cast<std::size_t>(width) * height * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    // OpenGL's origin is the bottom-left corner.
    glReadPixels(x, fb_height - y - height, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    flip_rows_rgba(pixels, width, height);
    return pixels;
}

core::Status capture_png(const std::filesystem::path& path, int fb_height, int x, int y, int width, int height) {
    if (width <= 0 || height <= 0) return core::fail(path.string() + ": empty region");
    std::vector<uint8_t> pixels = read_back_buffer(fb_height, x, y, width, height);
    for (std::size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 255;
    return write_png_rgba(path, width, height, pixels);
}

}  // namespace mlsys::gui
