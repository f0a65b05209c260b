// PNG helpers: row flipping (OpenGL's bottom-up rows to PNG's top-down) and SFML encoding round trips.
#include "app/gui/png_capture.hpp"

#include <SFML/Graphics/Image.hpp>
#include <doctest/doctest.h>

#include <filesystem>

using namespace mlsys::gui;

TEST_SUITE_BEGIN("gui.png");

TEST_CASE("flip_rows_rgba reverses row order and keeps each row intact") {
    // 2 x 3 image, each pixel's red channel = 10 * row + column.
    std::vector<uint8_t> px;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 2; ++c) px.insert(px.end(), {static_cast<uint8_t>(10 * r + c), 0, 0, 255});
    flip_rows_rgba(px, 2, 3);
    CHECK(px[0] == 20);
    CHECK(px[4] == 21);
    CHECK(px[8] == 10);   // the middle row stays
    CHECK(px[16] == 0);
    CHECK(px[20] == 1);
}

TEST_CASE("write_png_rgba round-trips through sf::Image and names the path on failure") {
    const std::filesystem::path dir = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "png" / "nested";
    std::filesystem::remove_all(dir.parent_path());
    std::vector<uint8_t> px = {255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 9, 8, 7, 255};
    REQUIRE(write_png_rgba(dir / "a.png", 2, 2, px).ok());  // creates the directories
    sf::Image img;
    REQUIRE(img.loadFromFile((dir / "a.png").string()));
    CHECK(img.getSize().x == 2u);
    CHECK(img.getPixel(1, 0) == sf::Color(0, 255, 0));
    CHECK(img.getPixel(1, 1) == sf::Color(9, 8, 7));

    const auto bad = write_png_rgba(dir / "b.png", 3, 3, px);  // 9 pixels declared, 4 given
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == (dir / "b.png").string() + ": invalid image size 3x3");
}

TEST_SUITE_END();
