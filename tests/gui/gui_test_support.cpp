// Implementation of the GUI test helpers (see gui_test_support.hpp). Not a test file itself.
#include "gui_test_support.hpp"

#include "app/gui/fonts.hpp"
#include "app/gui/workspace.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <chrono>
#include <thread>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <sys/wait.h>

namespace mlsys::test {

HeadlessGui::HeadlessGui(float width, float height, const std::string& workspace) {
    imgui_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    // What the OpenGL3 backend announces; lets large draw lists use 32-bit offsets as in the real app.
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
    // Key map as the GLFW backend sets it, so shortcuts resolve the same way.
    io.KeyMap[ImGuiKey_Space] = 32;
    io.KeyMap[ImGuiKey_Enter] = 257;
    io.KeyMap[ImGuiKey_Escape] = 256;
    std::string icons;
    for (const gui::WorkspaceEntry& e : gui::workspace_catalog()) icons += e.info.icon;
    gui::add_font_glyphs(icons);
    ctx.fonts = gui::load_fonts(1.0f);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(1)));
    gui::apply_theme(gui::ThemeKind::Dark, 1.0f);
    ctx.export_dir = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "exports";
    gui::set_current_gui_context(&ctx);
    session = std::make_unique<session::Session>((std::filesystem::path(MLSYS_TEST_TMP_DIR) / "runs").string());
    ctx.session = session.get();
    settings.workspace = workspace;
    ui = std::make_unique<gui::ShellUi>(ctx, settings);
}

HeadlessGui::~HeadlessGui() {
    ui.reset();
    ImGui::DestroyContext(imgui_);
}

void HeadlessGui::frame() {
    ImGui::NewFrame();
    ui->draw_frame();
    ImGui::Render();
    ctx.time_s += 1.0 / 60.0;
}

void HeadlessGui::frame_with(const std::function<void()>& body) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("##test", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
    body();
    ImGui::End();
    ImGui::Render();
    ctx.time_s += 1.0 / 60.0;
}

void HeadlessGui::press_key(int key, bool ctrl) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = ctrl;
    io.KeysDown[key] = true;
    frame();
    io.KeysDown[key] = false;
    io.KeyCtrl = false;
    frame();
}

int HeadlessGui::window_vertex_count(const std::string& window_name) const {
    const ImGuiWindow* window = ImGui::FindWindowByName(window_name.c_str());
    if (!window || !window->Active) return 0;  // Active: Begin() was called this frame
    int n = window->DrawList->VtxBuffer.Size;
    for (const ImGuiWindow* child : window->DC.ChildWindows) n += child->DrawList->VtxBuffer.Size;
    return n;
}

int HeadlessGui::total_vertex_count() const {
    const ImDrawData* dd = ImGui::GetDrawData();
    return dd ? dd->TotalVtxCount : 0;
}

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

Screenshot take_screenshot(const ScreenshotRequest& r) {
    Screenshot shot;
    if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) {
        shot.skipped = true;
        shot.skip_reason = "xvfb-run is not installed (Debian package xvfb); CI installs it";
        return shot;
    }
    const std::string name = r.name.empty() ? r.workspace : r.name;
    const std::filesystem::path dir = std::filesystem::path(MLSYS_TEST_TMP_DIR) / ("shot_" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    shot.path = dir / (name + ".png");
    const std::filesystem::path err = dir / "stderr.txt";
    std::ostringstream cmd;
    cmd << "env XDG_CONFIG_HOME=" << (dir / "config") << " XDG_DATA_HOME=" << (dir / "data")
        << " xvfb-run -a -s \"-screen 0 " << r.width << "x" << r.height << "x24\" " << MLSYS_EXE
        << " --screenshot " << shot.path << " --frames " << r.frames << " --size " << r.width << "x" << r.height;
    if (!r.workspace.empty()) cmd << " --workspace " << r.workspace;
    if (!r.demo.empty()) cmd << " --demo " << r.demo;
    if (!r.theme.empty()) cmd << " --theme " << r.theme;
    if (!r.extra_args.empty()) cmd << " " << r.extra_args;
    cmd << " >/dev/null 2>" << err;
    const int status = std::system(cmd.str().c_str());
    shot.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    shot.stderr_text = slurp(err);
    if (shot.exit_code == 0) shot.loaded = shot.image.loadFromFile(shot.path.string());
    return shot;
}

RegionStats region_stats(const sf::Image& image, int x0, int y0, int x1, int y1, sf::Color background) {
    RegionStats s;
    const auto size = image.getSize();
    x1 = std::min<int>(x1, static_cast<int>(size.x));
    y1 = std::min<int>(y1, static_cast<int>(size.y));
    std::set<uint32_t> colors;
    int differing = 0;
    double lum = 0;
    for (int y = std::max(0, y0); y < y1; ++y) {
        for (int x = std::max(0, x0); x < x1; ++x) {
            const sf::Color c = image.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y));
            colors.insert((static_cast<uint32_t>(c.r) << 16) | (static_cast<uint32_t>(c.g) << 8) | c.b);
            if (std::abs(c.r - background.r) > 12 || std::abs(c.g - background.g) > 12 ||
                std::abs(c.b - background.b) > 12)
                ++differing;
            lum += 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
            ++s.n_pixels;
        }
    }
    s.n_distinct_colors = static_cast<int>(colors.size());
    if (s.n_pixels > 0) {
        s.fraction_differing = static_cast<double>(differing) / s.n_pixels;
        s.mean_luminance = lum / s.n_pixels;
    }
    return s;
}

sf::Color dominant_color(const sf::Image& image, int x0, int y0, int x1, int y1) {
    std::map<uint32_t, int> counts;
    const auto size = image.getSize();
    for (int y = std::max(0, y0); y < std::min<int>(y1, static_cast<int>(size.y)); ++y) {
        for (int x = std::max(0, x0); x < std::min<int>(x1, static_cast<int>(size.x)); ++x) {
            const sf::Color c = image.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y));
            ++counts[(static_cast<uint32_t>(c.r) << 16) | (static_cast<uint32_t>(c.g) << 8) | c.b];
        }
    }
    uint32_t best = 0;
    int best_n = -1;
    for (const auto& [rgb, n] : counts) {
        if (n > best_n) {
            best = rgb;
            best_n = n;
        }
    }
    return sf::Color(static_cast<uint8_t>(best >> 16), static_cast<uint8_t>(best >> 8), static_cast<uint8_t>(best));
}

RegionStats drawn_stats(const sf::Image& image, int x0, int y0, int x1, int y1) {
    return region_stats(image, x0, y0, x1, y1, dominant_color(image, x0, y0, x1, y1));
}

bool frames_until(HeadlessGui& gui, const std::function<bool()>& done, int max_frames, int sleep_ms) {
    for (int i = 0; i < max_frames; ++i) {
        gui.frame();
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    }
    return false;
}

}  // namespace mlsys::test
