// Helpers for every GUI test: a headless ImGui context (no window, no renderer) that draws the real shell,
// running `mlsyslab --screenshot` under xvfb-run, and pixel statistics over the resulting PNG. Later
// workspaces' tests reuse these: draw_workspace_headless("memory"), take_screenshot({"memory"}).
#pragma once

#include "app/gui/gui_context.hpp"
#include "app/gui/settings.hpp"
#include "app/gui/shell_ui.hpp"
#include "app/session/session.hpp"

#include <SFML/Graphics/Image.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace mlsys::test {

// An ImGui context with DejaVu fonts built, DisplaySize set, no ini file and no backend, plus a Session
// (Runs under the test's temporary folder), the GuiContext and a ShellUi over it. Destroys everything in order.
class HeadlessGui {
public:
    explicit HeadlessGui(float width = 1280, float height = 800, const std::string& workspace = "train");
    ~HeadlessGui();
    HeadlessGui(const HeadlessGui&) = delete;
    HeadlessGui& operator=(const HeadlessGui&) = delete;

    // One frame: NewFrame, ShellUi::draw_frame, Render. Advances time by 1/60 s.
    void frame();
    // One frame that draws only `body` inside a full-screen window named "##test" (for widget tests).
    void frame_with(const std::function<void()>& body);
    // Presses (down for one frame, then up) an ImGui/GLFW key index, with Ctrl if asked.
    void press_key(int key, bool ctrl = false);

    // Vertices the named window (and its child windows) drew in the last frame; 0 if it did not exist.
    int window_vertex_count(const std::string& window_name) const;
    int total_vertex_count() const;

    std::unique_ptr<session::Session> session;  // destroyed after the ShellUi (it joins a running job)
    gui::GuiContext ctx;
    gui::GuiSettings settings;
    std::unique_ptr<gui::ShellUi> ui;

private:
    struct ImGuiContext* imgui_ = nullptr;
};

// Draws frames (sleeping sleep_ms between them, so worker jobs progress) until done() is true; false when
// max_frames pass first.
bool frames_until(HeadlessGui& gui, const std::function<bool()>& done, int max_frames = 3000, int sleep_ms = 20);

struct Screenshot {
    bool skipped = false;  // xvfb-run is not installed: the GUI tests fail (./test.sh installs it)
    std::string skip_reason;
    int exit_code = -1;
    std::string stderr_text;
    std::filesystem::path path;
    sf::Image image;
    bool loaded = false;
};

struct ScreenshotRequest {
    std::string workspace = "train";
    std::string demo;          // empty: none
    int frames = 10;
    int width = 1280, height = 800;
    std::string theme;         // empty: default
    std::string extra_args;    // appended to the command line
    std::string name;          // file name stem; default: workspace
};

// Runs `xvfb-run -a -s "-screen 0 WxHx24" MLSYS_EXE --screenshot ...` with XDG dirs inside the test's
// temporary directory, and loads the PNG.
Screenshot take_screenshot(const ScreenshotRequest& request);

// The checks every screenshot test starts with: xvfb-run was there, the app exited 0 and the PNG loaded.
// The app's stderr is attached to every later failure of the test case (hence a macro: INFO and REQUIRE
// act in the caller's scope).
#define MLSYS_REQUIRE_SCREENSHOT(shot)                   \
    REQUIRE_MESSAGE(!(shot).skipped, (shot).skip_reason); \
    INFO("stderr: " << (shot).stderr_text);               \
    REQUIRE((shot).exit_code == 0);                       \
    REQUIRE((shot).loaded)

// Pixel statistics over the rectangle [x0, x1) x [y0, y1) of an image.
struct RegionStats {
    int n_pixels = 0;
    int n_distinct_colors = 0;     // exact RGB triples
    double fraction_differing = 0;  // pixels whose RGB differs from `background` by more than 12 in any channel
    double mean_luminance = 0;      // 0..255
};
RegionStats region_stats(const sf::Image& image, int x0, int y0, int x1, int y1, sf::Color background);

// The most frequent colour in a region (e.g. a panel's background).
sf::Color dominant_color(const sf::Image& image, int x0, int y0, int x1, int y1);

// region_stats against the region's own most frequent colour: how much is drawn on a panel's background.
RegionStats drawn_stats(const sf::Image& image, int x0, int y0, int x1, int y1);

}  // namespace mlsys::test
