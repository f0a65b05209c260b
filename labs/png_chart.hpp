// Small raster charts for lab reports (no GUI library below app/): paired bars (prediction beside
// measurement) and line charts, encoded as PNG with zlib. Colours follow the app's chart palette.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::labs {

// An RGB canvas with a white background.
class Canvas {
public:
    Canvas(int width, int height);
    void fill_rect(int x0, int y0, int x1, int y1, uint32_t rgb);  // inclusive-exclusive, clipped
    void line(double x0, double y0, double x1, double y1, uint32_t rgb, int thickness = 2);
    // The image as a PNG file (8-bit RGB, one IDAT chunk).
    std::string encode_png() const;
    int width() const { return w_; }
    int height() const { return h_; }
    uint32_t pixel(int x, int y) const;

private:
    int w_, h_;
    std::vector<uint8_t> rgb_;
};

// Groups of two bars (prediction, measurement), each group scaled to its larger value so that groups with
// different units sit side by side. Prediction bars are light, measurement bars dark.
std::string paired_bars_png(const std::vector<std::pair<double, double>>& pairs, int width = 640, int height = 240);

// Line series over x = 1..n on shared axes from 0 to the largest value (accuracy curves per epoch).
std::string line_chart_png(const std::vector<std::vector<double>>& series, int width = 640, int height = 240);

}  // namespace mlsys::labs
