// Radar chart geometry by hand: axis 0 points up, axes go clockwise, values scale along the spoke, the
// polygon area follows the shoelace formula, and the hover picks the nearest spoke.
#include "app/gui/widgets/radar_math.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace mlsys::gui;

TEST_SUITE_BEGIN("gui.radar");

TEST_CASE("radar axes start at the top and go clockwise") {
    // Four axes around (100, 100) with radius 50: up, right, down, left (screen y grows downward).
    const RadarPoint up = radar_point(100, 100, 50, 0, 4, 1.0);
    CHECK(up.x == doctest::Approx(100));
    CHECK(up.y == doctest::Approx(50));
    const RadarPoint right = radar_point(100, 100, 50, 1, 4, 1.0);
    CHECK(right.x == doctest::Approx(150));
    CHECK(right.y == doctest::Approx(100));
    const RadarPoint down = radar_point(100, 100, 50, 2, 4, 0.5);
    CHECK(down.x == doctest::Approx(100));
    CHECK(down.y == doctest::Approx(125));
    const RadarPoint left = radar_point(100, 100, 50, 3, 4, 1.0);
    CHECK(left.x == doctest::Approx(50));
    CHECK(left.y == doctest::Approx(100));
}

TEST_CASE("radar values are clamped and NaN sits at the centre") {
    const RadarPoint over = radar_point(0, 0, 10, 0, 6, 3.0);
    CHECK(over.y == doctest::Approx(-10));
    const RadarPoint nan = radar_point(5, 7, 10, 2, 6, std::nan(""));
    CHECK(nan.x == doctest::Approx(5));
    CHECK(nan.y == doctest::Approx(7));
    const RadarPoint neg = radar_point(5, 7, 10, 1, 6, -1.0);
    CHECK(neg.x == doctest::Approx(5));
}

TEST_CASE("six axes sit 60 degrees apart") {
    // Axis 1 of 6 is 60 degrees clockwise from up: (sin 60, -cos 60) x r.
    const RadarPoint p = radar_point(0, 0, 100, 1, 6, 1.0);
    CHECK(p.x == doctest::Approx(100 * std::sqrt(3.0) / 2));
    CHECK(p.y == doctest::Approx(-50));
    const auto poly = radar_polygon(0, 0, 100, {1, 1, 1, 1, 1, 1});
    REQUIRE(poly.size() == 6);
    // Neighbouring vertices of a regular hexagon are one radius apart.
    for (size_t i = 0; i < 6; ++i) {
        const auto& a = poly[i];
        const auto& b = poly[(i + 1) % 6];
        CHECK(std::hypot(a.x - b.x, a.y - b.y) == doctest::Approx(100).epsilon(1e-5));
    }
}

TEST_CASE("radar polygon area by the shoelace formula") {
    CHECK(radar_area({1, 1, 1, 1, 1, 1}) == doctest::Approx(3 * std::sqrt(3.0) / 2));
    CHECK(radar_area({1, 1, 1, 1}) == doctest::Approx(2.0));  // a square with diagonals 2
    CHECK(radar_area({1, 0, 1, 0}) == 0.0);                   // a line has no area
    CHECK(radar_area({0.5, 0.5, 0.5, 0.5, 0.5, 0.5}) == doctest::Approx(3 * std::sqrt(3.0) / 8));
    CHECK(radar_area({1, 1}) == 0.0);
    // Matches the shoelace sum over the drawn vertices.
    const std::vector<double> v{0.9, 0.2, 0.7, 1.0, 0.4, 0.6};
    const auto poly = radar_polygon(0, 0, 1, v);
    double shoelace = 0;
    for (size_t i = 0; i < poly.size(); ++i) {
        const auto& a = poly[i];
        const auto& b = poly[(i + 1) % poly.size()];
        shoelace += static_cast<double>(a.x) * b.y - static_cast<double>(b.x) * a.y;
    }
    CHECK(std::abs(shoelace) / 2 == doctest::Approx(radar_area(v)).epsilon(1e-5));
}

TEST_CASE("the hover picks the nearest spoke") {
    CHECK(radar_nearest_axis(0, 0, 0, -10, 6) == 0);      // straight up
    CHECK(radar_nearest_axis(0, 0, 10, -1, 4) == 1);      // right
    CHECK(radar_nearest_axis(0, 0, -1, -10, 6) == 0);     // just left of up wraps to axis 0
    CHECK(radar_nearest_axis(0, 0, 0, 10, 6) == 3);       // down
    CHECK(radar_nearest_axis(0, 0, -10, -1, 4) == 3);     // left
    CHECK(radar_nearest_axis(3, 3, 3, 3, 6) == -1);       // the centre
}

TEST_SUITE_END();
