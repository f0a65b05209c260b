// XY charts over ImDrawList: lines, scatter points, a background image (e.g. a decision boundary) and
// reference lines, on linear or logarithmic axes, with ticks, legend, hover read-out and save-as-PNG.
// A Plot holds pointers to the caller's arrays for one frame only: it never copies or owns data.
#pragma once

#include "app/gui/widgets/chart_frame.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::gui {

enum class AxisFit {
    Nice,   // widen to tick multiples (or whole decades on log axes)
    Tight,  // exactly the data's extent
    Fixed,  // [lo, hi] as given
};

struct AxisSpec {
    std::string label;          // shown under the x axis / above the y axis, e.g. "step", "loss"
    bool log_scale = false;     // log10 axis; values <= 0 are skipped
    AxisFit fit = AxisFit::Nice;
    double lo = 0, hi = 1;      // for AxisFit::Fixed, and the range shown when there is no data
    bool include_zero = false;  // Nice/Tight on a linear axis: keep 0 inside the range
    const char* format = "%.4g";  // printf format of this axis's values in the hover read-out
};

struct PlotSpec {
    const char* title = nullptr;
    const char* help = nullptr;  // tooltip on the title: what the chart shows, in the textbook's terms
    ImVec2 size{0, 0};           // 0 width: all available; 0 height: 240 px x scale
    AxisSpec x{"", false, AxisFit::Tight};
    AxisSpec y{};
    bool legend = true;
    const char* empty_text = "No data yet";
};

// y[i] against x[i] (or against i when x is null). Element i lives at index (offset + i) % count, so a
// RingBuffer's raw() and index_of_oldest() plot without copying.
struct LineSeries {
    const char* label = nullptr;
    const float* x = nullptr;
    const float* y = nullptr;
    int count = 0;
    int offset = 0;
    ImU32 color = 0;  // 0: the theme's palette by series order
    float thickness = 2.0f;
    bool markers = false;  // a dot at every point (for short series)
};

struct ScatterSeries {
    const char* label = nullptr;
    const float* x = nullptr;
    const float* y = nullptr;
    int count = 0;
    ImU32 color = 0;
    float radius = 3.0f;
    const int* classes = nullptr;       // optional class per point, coloured by class_colors
    const ImU32* class_colors = nullptr;
    int n_class_colors = 0;
    const std::string* point_labels = nullptr;  // optional name per point for the read-out (e.g. layer names)
};

// An image stretched over [x_min, x_max] x [y_min, y_max], row 0 at y_max, drawn under the series.
struct PlotImage {
    const uint32_t* rgba = nullptr;  // w x h, IM_COL32 layout
    int w = 0, h = 0;
    double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
    std::string texture_key;  // GPU texture name (uploaded when version changes); empty: rectangles
    uint64_t version = 0;
    bool smooth = false;      // bilinear filtering (a continuous field); false: crisp pixels
};

struct RefLine {
    double value = 0;
    bool vertical = false;
    std::string label;
    ImU32 color = 0;
    bool label_at_end = false;  // put the label at the right (horizontal) or bottom (vertical) end of the line
};

class Plot {
public:
    Plot(const char* id, PlotSpec spec) : id_(id), spec_(std::move(spec)) {}
    Plot& line(const LineSeries& s);
    Plot& scatter(const ScatterSeries& s);
    Plot& image(const PlotImage& img);
    Plot& ref_line(const RefLine& r);
    // Lays the chart out at the cursor and draws it; returns true while the mouse is over it.
    bool draw();

private:
    struct Bounds {
        double lo = 1e300, hi = -1e300;
        void add(double v) {
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        bool valid() const { return lo <= hi; }
    };
    void collect_bounds(Bounds& bx, Bounds& by) const;
    std::string to_csv() const;

    const char* id_;
    PlotSpec spec_;
    std::vector<LineSeries> lines_;
    std::vector<ScatterSeries> scatters_;
    std::vector<PlotImage> images_;
    std::vector<RefLine> refs_;
};

// Fits an axis to data bounds as the spec asks (pure; exposed for tests).
Range fit_axis(const AxisSpec& axis, double data_lo, double data_hi, bool has_data);

}  // namespace mlsys::gui
