// The Train workspace end to end under Xvfb: `--demo spiral` trains the playground network while the app
// renders; an early and a late frame must differ where the loss curve and the decision boundary are drawn,
// the late one must show a formed boundary (both class colours), and the Fashion-MNIST demo fills the
// confusion matrix and the image grid. Skips only without xvfb-run.
#include "gui_test_support.hpp"

#include <doctest/doctest.h>

using namespace mlsys::test;

TEST_SUITE_BEGIN("gui.train");

namespace {

// Regions of the 1280x800 layout (scale 1): the charts' row under the systems strip, the boundary map
// below the loss chart. Generous rectangles inside each panel.
struct Rect {
    int x0, y0, x1, y1;
};
constexpr Rect kLossChart{575, 230, 900, 420};
constexpr Rect kBoundary{575, 470, 850, 735};
constexpr Rect kSystemsStrip{560, 85, 1260, 190};

double fraction_changed(const sf::Image& a, const sf::Image& b, Rect r) {
    int changed = 0, total = 0;
    for (int y = r.y0; y < r.y1; ++y)
        for (int x = r.x0; x < r.x1; ++x) {
            const sf::Color ca = a.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y));
            const sf::Color cb = b.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y));
            ++total;
            if (std::abs(ca.r - cb.r) > 12 || std::abs(ca.g - cb.g) > 12 || std::abs(ca.b - cb.b) > 12) ++changed;
        }
    return total ? static_cast<double>(changed) / total : 0.0;
}

// Pixels of the playground palette: blue-ish (b > r + 40) and orange-ish (r > b + 60).
void count_class_colours(const sf::Image& img, Rect r, int& blue, int& orange) {
    blue = orange = 0;
    for (int y = r.y0; y < r.y1; ++y)
        for (int x = r.x0; x < r.x1; ++x) {
            const sf::Color c = img.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y));
            if (c.b > c.r + 40) ++blue;
            if (c.r > c.b + 60) ++orange;
        }
}

}  // namespace

TEST_CASE("the spiral demo draws a loss curve that moves and a decision boundary that forms") {
    ScreenshotRequest early;
    early.workspace = "train";
    early.demo = "spiral";
    early.frames = 3;
    early.name = "train_spiral_early";
    const Screenshot a = take_screenshot(early);
    MLSYS_REQUIRE_SCREENSHOT(a);

    ScreenshotRequest late = early;
    late.frames = 60;
    late.extra_args = "--job-progress 0.95";  // the same stage on a fast or a loaded machine
    late.name = "train_spiral_late";
    const Screenshot b = take_screenshot(late);
    INFO("stderr: " << b.stderr_text);
    REQUIRE(b.exit_code == 0);
    REQUIRE(b.loaded);

    // The late frame has more curve drawn than the early one.
    CHECK(fraction_changed(a.image, b.image, kLossChart) > 0.01);
    const RegionStats curve = drawn_stats(b.image, kLossChart.x0, kLossChart.y0, kLossChart.x1, kLossChart.y1);
    CHECK(curve.fraction_differing > 0.02);
    // The boundary map: both class colours cover a real share of it once trained.
    int blue = 0, orange = 0;
    count_class_colours(b.image, kBoundary, blue, orange);
    const int area = (kBoundary.x1 - kBoundary.x0) * (kBoundary.y1 - kBoundary.y0);
    CHECK(blue > area / 10);
    CHECK(orange > area / 10);
    // The systems strip shows numbers and meters.
    const RegionStats strip =
        drawn_stats(b.image, kSystemsStrip.x0, kSystemsStrip.y0, kSystemsStrip.x1, kSystemsStrip.y1);
    CHECK(strip.n_distinct_colors > 30);
}

TEST_CASE("the fashion demo fills the confusion matrix and the test image grid") {
    ScreenshotRequest req;
    req.workspace = "train";
    req.demo = "fashion";
    req.frames = 30;
    req.extra_args = "--job-progress 0.6";  // past the first validation pass, which fills the matrix
    req.name = "train_fashion";
    const Screenshot s = take_screenshot(req);
    MLSYS_REQUIRE_SCREENSHOT(s);
    // Lower-left panel: the confusion matrix (viridis cells), lower-right: the image grid (greys).
    const Rect matrix{640, 500, 840, 700};
    const Rect images{940, 480, 1240, 740};
    const RegionStats m = drawn_stats(s.image, matrix.x0, matrix.y0, matrix.x1, matrix.y1);
    CHECK(m.fraction_differing > 0.05);  // diagonal cells lit
    const RegionStats g = drawn_stats(s.image, images.x0, images.y0, images.x1, images.y1);
    CHECK(g.n_distinct_colors > 100);  // grey-level pictures
    CHECK(g.fraction_differing > 0.2);
}

TEST_SUITE_END();
