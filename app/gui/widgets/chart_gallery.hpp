// Debug > Chart gallery: every chart type of the plotting module drawn from analytic example functions
// (clearly labelled as examples), the way ImGui's demo window documents ImGui. A developer tool only.
#pragma once

#include <memory>

namespace mlsys::gui {

class ChartGallery {
public:
    ChartGallery();
    ~ChartGallery();
    // Draws the gallery window; `time_s` animates the live ring-buffer example.
    void draw(bool* open, double time_s);

private:
    struct Data;
    std::unique_ptr<Data> data_;
};

}  // namespace mlsys::gui
