// Chart arithmetic with known answers: nice steps, linear and log ticks, ranges, transforms, labels,
// percentiles, the colour scales and the ring buffer.
#include "app/gui/widgets/colormap.hpp"
#include "app/gui/widgets/plot_math.hpp"
#include "app/gui/widgets/ring_buffer.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace mlsys::gui;

TEST_SUITE_BEGIN("gui.plot_math");

TEST_CASE("nice steps are 1 or 2 or 5 times a power of ten") {
    CHECK(nice_step(0.87, 5) == 0.2);   // 0.174 -> 0.2
    CHECK(nice_step(10, 5) == 2);       // exactly 2
    CHECK(nice_step(100, 5) == 20);
    CHECK(nice_step(1, 4) == 0.5);      // 0.25 -> 0.5
    CHECK(nice_step(7, 7) == 1);        // exactly 1
    CHECK(nice_step(8.1, 1) == 10);     // 8.1 -> 10
    CHECK(nice_step(3e-7, 3) == 1e-7);
    CHECK(nice_step(0, 5) == 1);        // degenerate span
    CHECK(nice_step(-1, 5) == 1);
}

TEST_CASE("linear ticks for 0..0.87 are exactly 0 0.2 0.4 0.6 0.8") {
    const std::vector<double> expected = {0.0, 0.2, 0.4, 0.6, 0.8};
    CHECK(linear_ticks(0, 0.87, 5) == expected);
}

TEST_CASE("linear ticks include both ends when they are multiples and handle negatives") {
    CHECK(linear_ticks(0, 1, 5) == std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1.0});
    CHECK(linear_ticks(-3, 7, 5) == std::vector<double>{-2, 0, 2, 4, 6});
    CHECK(linear_ticks(1950, 2025, 4) == std::vector<double>{1960, 1980, 2000, 2020});
    CHECK(linear_ticks(5, 5) == std::vector<double>{5});
    CHECK(linear_ticks(2, 1).empty());
    const auto ticks = linear_ticks(-0.3, 0.3, 6);  // step 0.1: zero is exactly 0, never -0
    REQUIRE(ticks.size() == 7);
    CHECK(ticks[3] == 0.0);
    CHECK_FALSE(std::signbit(ticks[3]));
}

TEST_CASE("log ticks for 3e-7..2e-2 are the decades 1e-6 to 1e-2") {
    CHECK(log_ticks(3e-7, 2e-2) == std::vector<double>{1e-6, 1e-5, 1e-4, 1e-3, 1e-2});
    CHECK(log_ticks(1, 1000) == std::vector<double>{1, 10, 100, 1000});
    CHECK(log_ticks(0.5, 5) == std::vector<double>{1});
    CHECK(log_ticks(2, 5).empty());   // no decade inside
    CHECK(log_ticks(0, 10).empty());  // log axes need positive bounds
    // 13 decades with at most 5 ticks: every third decade.
    CHECK(log_ticks(1e-6, 1e6, 5) == std::vector<double>{1e-6, 1e-3, 1, 1e3, 1e6});
}

TEST_CASE("log minor ticks are 2..9 times each decade inside the range") {
    CHECK(log_minor_ticks(1, 10) == std::vector<double>{2, 3, 4, 5, 6, 7, 8, 9});
    CHECK(log_minor_ticks(0.04, 0.3) == std::vector<double>{0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.2, 0.3});
}

TEST_CASE("nice ranges widen to tick multiples or whole decades") {
    Range r = nice_range(0.013, 0.87, false);
    CHECK(r.lo == 0.0);
    CHECK(r.hi == 1.0);
    r = nice_range(3e-7, 2e-2, true);
    CHECK(r.lo == 1e-7);
    CHECK(r.hi == 1e-1);
    r = nice_range(5, 5, false);  // empty span: +-|v|/2 then nice
    CHECK(r.lo == 2.0);
    CHECK(r.hi == 8.0);
    r = nice_range(0, 0, false);
    CHECK(r.lo == -1.0);
    CHECK(r.hi == 1.0);
    r = nice_range(100, 100, true);
    CHECK(r.lo == 100.0);
    CHECK(r.hi == 1000.0);
}

TEST_CASE("axis maps are linear or logarithmic and invert") {
    AxisMap x{0, 10, false, 100, 300};
    CHECK(x.to_px(0) == 100.0f);
    CHECK(x.to_px(10) == 300.0f);
    CHECK(x.to_px(2.5) == 150.0f);
    CHECK(x.from_px(250) == doctest::Approx(7.5));
    AxisMap y{0, 1, false, 500, 100};  // screen y grows downward
    CHECK(y.to_px(1) == 100.0f);
    CHECK(y.to_px(0.25) == 400.0f);
    AxisMap l{1e-6, 1e-2, true, 0, 400};  // four decades over 400 px: 100 px per decade
    CHECK(l.to_px(1e-6) == doctest::Approx(0.0f));
    CHECK(l.to_px(1e-4) == doctest::Approx(200.0f));
    CHECK(l.to_px(1e-3) == doctest::Approx(300.0f));
    CHECK(l.from_px(100) == doctest::Approx(1e-5));
    CHECK(std::isnan(l.to_px(0)));
    CHECK(std::isnan(l.to_px(-1)));
}

TEST_CASE("tick labels use the decimals the step needs") {
    CHECK(format_tick(0.6000000000000001, 0.2) == "0.6");
    CHECK(format_tick(0.05, 0.05) == "0.05");
    CHECK(format_tick(15, 5) == "15");
    CHECK(format_tick(-0.0, 0.5) == "0.0");
    CHECK(format_tick(-1e-17, 0.1) == "0.0");
    CHECK(format_tick(20000, 5000) == "20k");
    CHECK(format_tick(5000, 5000) == "5000");
    CHECK(format_tick(1.5e6, 5e5) == "1.5M");
    CHECK(format_tick(3e9, 1e9) == "3G");
}

TEST_CASE("decade labels read as plain numbers near 1 and as powers of ten elsewhere") {
    CHECK(format_log_tick(1e-6) == "10⁻⁶");
    CHECK(format_log_tick(1e-6, true) == "1e-6");
    CHECK(format_log_tick(1e12) == "10¹²");
    CHECK(format_log_tick(0.01) == "0.01");
    CHECK(format_log_tick(1) == "1");
    CHECK(format_log_tick(1000) == "1000");
    CHECK(format_log_tick(1e4) == "10⁴");
}

TEST_CASE("SI read-outs keep three significant digits") {
    CHECK(format_si(12345) == "12.3k");
    CHECK(format_si(2.5e9) == "2.5G");
    CHECK(format_si(0.000123) == "0.000123");
    CHECK(format_si(999) == "999");
    CHECK(format_si(5600) == "5.6k");       // was "5.6e+03" before 1e3 got its own suffix
    CHECK(format_si(999.7) == "1k");        // three digits would print "1e+03"
    CHECK(format_si(999999) == "1M");
    CHECK(format_si(-45600) == "-45.6k");
}

TEST_CASE("percentiles interpolate between closest ranks") {
    CHECK(percentile({1, 2, 3, 4}, 50) == 2.5);
    CHECK(percentile({5}, 99) == 5);
    CHECK(percentile({}, 50) == 0);
    std::vector<double> v;
    for (int i = 100; i >= 1; --i) v.push_back(i);  // order must not matter
    CHECK(percentile(v, 99) == doctest::Approx(99.01));
    CHECK(percentile(v, 0) == 1);
    CHECK(percentile(v, 100) == 100);
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("gui.colormap");

TEST_CASE("viridis hits its published anchors and gets brighter monotonically") {
    CHECK(viridis(0) == Rgb8{68, 1, 84});
    CHECK(viridis(1) == Rgb8{253, 231, 37});
    CHECK(viridis(1.0f / 9.0f) == Rgb8{72, 40, 120});
    CHECK(viridis(-3) == viridis(0));  // clamped
    CHECK(viridis(7) == viridis(1));
    CHECK(viridis(NAN) == Rgb8{128, 128, 128});
    float prev = -1;
    // Steps of 0.01 change luminance by at least 1.48/255 while 8-bit rounding moves it by at most 1/255.
    for (int i = 0; i <= 100; ++i) {
        const float l = luminance(viridis(static_cast<float>(i) / 100));
        CHECK(l > prev);
        prev = l;
    }
}

TEST_CASE("the diverging scale is orange below zero and blue above and light at zero") {
    const Rgb8 neg = diverging(-1), mid = diverging(0), pos = diverging(1);
    CHECK(neg == Rgb8{245, 147, 34});
    CHECK(pos == Rgb8{8, 119, 189});
    CHECK(luminance(mid) > 0.9f);
    CHECK(neg.r > neg.b);
    CHECK(pos.b > pos.r);
}

TEST_CASE("pack_rgba matches Dear ImGui's IM_COL32 layout") {
    CHECK(pack_rgba(Rgb8{0x11, 0x22, 0x33}, 0x44) == 0x44332211u);
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("gui.ring_buffer");

TEST_CASE("a ring buffer keeps the newest values oldest first") {
    RingBuffer<int> r(3);
    CHECK(r.empty());
    r.push(1);
    r.push(2);
    CHECK(r.size() == 2);
    CHECK(r.index_of_oldest() == 0);
    CHECK(r[0] == 1);
    r.push(3);
    r.push(4);  // overwrites 1
    CHECK(r.full());
    CHECK(r.size() == 3);
    CHECK(r.to_vector() == std::vector<int>{2, 3, 4});
    CHECK(r.newest() == 4);
    // Raw storage is {4, 2, 3} with the oldest at index 1.
    CHECK(r.index_of_oldest() == 1);
    CHECK(r.raw()[r.index_of_oldest()] == 2);
    r.clear();
    CHECK(r.empty());
    r.push(9);
    CHECK(r.to_vector() == std::vector<int>{9});
}

TEST_SUITE_END();
