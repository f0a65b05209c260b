// The windowed app: GLFW window with an OpenGL 3.3 core context, Dear ImGui's GLFW/OpenGL3 backends, the
// frame loop, settings persistence, PNG captures before the swap, and the scripted (--screenshot) mode.
// Everything drawn comes from ShellUi; this file owns the platform objects only.
#include "app/gui/gl_textures.hpp"
#include "app/gui/gui_main.hpp"
#include "app/gui/png_capture.hpp"
#include "app/gui/settings.hpp"
#include "app/gui/shell_ui.hpp"
#include "app/gui/widgets/plot_math.hpp"
#include "app/session/session.hpp"
#include "models/core/files.hpp"
#include "models/core/log.hpp"

#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <GLFW/glfw3.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <stdlib.h>  // mkdtemp

namespace mlsys::gui {
namespace {

std::string& last_glfw_error() {
    static std::string error;
    return error;
}

bool& glfw_ready() {
    static bool ready = false;
    return ready;
}

// Before glfwInit succeeds the error is reported once by run_gui with advice; afterwards it is logged.
void on_glfw_error(int code, const char* description) {
    last_glfw_error() = description ? description : "unknown error";
    if (glfw_ready()) core::log_warn("GLFW error " + std::to_string(code) + ": " + last_glfw_error());
}

struct WindowDeleter {
    void operator()(GLFWwindow* w) const { glfwDestroyWindow(w); }
};
using WindowPtr = std::unique_ptr<GLFWwindow, WindowDeleter>;

double now_s() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// A saved position is used only if the window's title bar would land on a connected monitor.
bool position_is_visible(int x, int y) {
    int count = 0;
    GLFWmonitor** monitors = glfwGetMonitors(&count);
    for (int i = 0; i < count; ++i) {
        int mx = 0, my = 0, mw = 0, mh = 0;
        glfwGetMonitorWorkarea(monitors[i], &mx, &my, &mw, &mh);
        if (x + 80 >= mx && x + 80 < mx + mw && y + 10 >= my && y + 10 < my + mh) return true;
    }
    return false;
}

float content_scale(GLFWwindow* window) {
    float sx = 1, sy = 1;
    glfwGetWindowContentScale(window, &sx, &sy);
    const float s = std::max(sx, sy);
    return std::isfinite(s) ? std::clamp(s, 1.0f, 4.0f) : 1.0f;
}

// A scratch folder for the Runs of a scripted run (--screenshot, --frames), so tests and screenshots never
// write into the user's data; removed when the app exits.
struct ScratchDir {
    std::filesystem::path path;
    ~ScratchDir() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
};

std::filesystem::path make_scratch_dir() {
    std::string templ = (std::filesystem::temp_directory_path() / "mlsyslab-runs-XXXXXX").string();
    if (!::mkdtemp(templ.data())) return {};
    return templ;
}

// Everything the loop needs, destroyed in the right order: workspaces and textures before the GL context,
// then (members, in reverse) the session — which stops and joins a running job — then its scratch folder.
struct App {
    ScratchDir scratch_runs;
    std::unique_ptr<session::Session> session;
    GuiOptions options;
    GuiSettings settings;
    std::filesystem::path settings_path;
    std::string ini_path;
    WindowPtr window;
    GuiContext ctx;
    std::unique_ptr<GlTextureCache> textures;
    std::unique_ptr<ShellUi> ui;
    std::vector<double> all_frame_ms, all_work_ms, all_ui_ms;  // for --frame-stats
    std::vector<char> all_job_running;                       // per frame: was a job running
    std::vector<double> all_job_rate;                        // per frame with a job: its rate (e.g. images/s)
    bool imgui_ready = false;

    ~App() {
        ui.reset();
        textures.reset();
        if (imgui_ready) {
            ImGui_ImplOpenGL3_Shutdown();
            ImGui_ImplGlfw_Shutdown();
            ImGui::DestroyContext();
        }
        window.reset();
        glfwTerminate();
    }
};

void reload_fonts(App& app, float scale) {
    add_font_glyphs("");
    app.ctx.fonts = load_fonts(scale);
    apply_theme(parse_theme_kind(app.settings.theme), scale);
    ImGui::GetIO().Fonts->Build();
}

void add_workspace_icons() {
    std::string icons;
    for (const WorkspaceEntry& e : workspace_catalog()) icons += e.info.icon;
    add_font_glyphs(icons);
}

// Writes the queued chart captures and the whole-window PNG (if asked) from the back buffer.
void write_captures(App& app, int fb_w, int fb_h) {
    const ImVec2 fb_scale = ImGui::GetIO().DisplayFramebufferScale;
    for (const RegionCapture& c : app.ctx.captures) {
        const int x0 = std::clamp(static_cast<int>(std::floor(c.min.x * fb_scale.x)), 0, fb_w);
        const int y0 = std::clamp(static_cast<int>(std::floor(c.min.y * fb_scale.y)), 0, fb_h);
        const int x1 = std::clamp(static_cast<int>(std::ceil(c.max.x * fb_scale.x)), 0, fb_w);
        const int y1 = std::clamp(static_cast<int>(std::ceil(c.max.y * fb_scale.y)), 0, fb_h);
        const core::Status st = capture_png(c.path, fb_h, x0, y0, x1 - x0, y1 - y0);
        if (st) app.ctx.toast("Saved " + c.path.string(), ToastKind::Success);
        else app.ctx.show_error("Could not save the chart", st.error());
    }
    app.ctx.captures.clear();
    if (app.ui->wants_window_png) {
        app.ui->wants_window_png = false;
        const std::filesystem::path path = app.ctx.export_dir / export_file_name("mlsyslab-" + app.ui->active_id(), "png");
        const core::Status st = capture_png(path, fb_h, 0, 0, fb_w, fb_h);
        if (st) app.ctx.toast("Saved the window as " + path.string(), ToastKind::Success);
        else app.ctx.show_error("Could not save the window as PNG", st.error());
    }
}

void save_settings(App& app) {
    if (app.options.is_scripted()) return;
    GLFWwindow* w = app.window.get();
    app.settings.window_maximized = glfwGetWindowAttrib(w, GLFW_MAXIMIZED) == GLFW_TRUE;
    if (!app.settings.window_maximized && glfwGetWindowAttrib(w, GLFW_ICONIFIED) != GLFW_TRUE) {
        glfwGetWindowPos(w, &app.settings.window_x, &app.settings.window_y);
        glfwGetWindowSize(w, &app.settings.window_width, &app.settings.window_height);
    }
    if (app.ui) app.ui->store_workspace_state();
    const core::Status st = save_gui_settings(app.settings_path, app.settings);
    if (!st) core::log_warn("could not save settings: " + st.error());
}

core::Status write_frame_stats(const App& app, int fb_w, int fb_h) {
    // The first frames upload fonts and shaders; they say nothing about steady-state cost.
    const std::size_t skip = std::min<std::size_t>(10, app.all_frame_ms.size() / 5);
    const std::vector<double> frames(app.all_frame_ms.begin() + static_cast<long>(skip), app.all_frame_ms.end());
    const std::vector<double> work(app.all_work_ms.begin() + static_cast<long>(skip), app.all_work_ms.end());
    const std::vector<double> ui(app.all_ui_ms.begin() + static_cast<long>(skip), app.all_ui_ms.end());
    // The same frames restricted to those drawn while a job (e.g. training) ran, with the job's rate.
    std::vector<double> job_frames;
    for (std::size_t i = skip; i < app.all_frame_ms.size() && i < app.all_job_running.size(); ++i)
        if (app.all_job_running[i]) job_frames.push_back(app.all_frame_ms[i]);
    nlohmann::json j = {
        {"format", "mlsyslab-frame-stats"},
        {"version", 1},
        {"workspace", app.ui->active_id()},
        {"demo", app.options.demo},
        {"frames_measured", frames.size()},
        {"frames_skipped", skip},
        {"frame_ms_median", percentile(frames, 50)},
        {"frame_ms_p99", percentile(frames, 99)},
        {"work_ms_median", percentile(work, 50)},
        {"work_ms_p99", percentile(work, 99)},
        {"ui_ms_median", percentile(ui, 50)},  // building the frame (workspaces + ImGui), before any GL call
        {"ui_ms_p99", percentile(ui, 99)},
        {"frames_with_job", job_frames.size()},
        {"job_frame_ms_median", percentile(job_frames, 50)},
        {"job_frame_ms_p99", percentile(job_frames, 99)},
        {"job_rate_median", percentile(app.all_job_rate, 50)},
        {"framebuffer", {fb_w, fb_h}},
        {"renderer", app.ui->renderer_name},
    };
    return core::write_file_atomic(app.options.frame_stats_path, j.dump(2) + "\n");
}

}  // namespace

int run_gui(const GuiOptions& options) {
    App app;
    app.options = options;
    const bool scripted = options.is_scripted();
    if (!scripted) {
        app.settings_path = gui_settings_path();
        SettingsLoad loaded = load_gui_settings(app.settings_path);
        for (const std::string& w : loaded.warnings) core::log_warn(w);
        app.settings = loaded.settings;
    }
    if (!options.theme.empty()) app.settings.theme = options.theme;
    if (!options.workspace.empty()) app.settings.workspace = options.workspace;
    if (options.width > 0) {
        app.settings.window_width = options.width;
        app.settings.window_height = options.height;
        app.settings.window_maximized = false;
    }

    glfwSetErrorCallback(on_glfw_error);
    if (!glfwInit()) {
        std::fprintf(stderr,
                     "mlsyslab: cannot open a window: %s\n"
                     "  The desktop app needs a display (or run it under xvfb-run). Headless subcommands: "
                     "mlsyslab --help\n",
                     last_glfw_error().c_str());
        return 1;
    }
    glfw_ready() = true;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);  // shown after it is placed, so it does not jump
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, scripted ? GLFW_FALSE : GLFW_TRUE);
    glfwWindowHint(GLFW_MAXIMIZED, app.settings.window_maximized ? GLFW_TRUE : GLFW_FALSE);
    app.window.reset(glfwCreateWindow(app.settings.window_width, app.settings.window_height, "MLSys Lab", nullptr,
                                      nullptr));
    if (!app.window) {
        std::fprintf(stderr, "mlsyslab: cannot create an OpenGL 3.3 window: %s\n", last_glfw_error().c_str());
        return 1;
    }
    GLFWwindow* window = app.window.get();
    if (!scripted && app.settings.window_x != -1 && position_is_visible(app.settings.window_x, app.settings.window_y))
        glfwSetWindowPos(window, app.settings.window_x, app.settings.window_y);
    glfwSetWindowSizeLimits(window, 640, 420, GLFW_DONT_CARE, GLFW_DONT_CARE);
    glfwShowWindow(window);
    glfwMakeContextCurrent(window);
    glfwSwapInterval(scripted ? 0 : 1);  // scripted runs measure frame cost, not the display's refresh

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    app.imgui_ready = true;
    ImGuiIO& io = ImGui::GetIO();
    if (scripted) {
        io.IniFilename = nullptr;
    } else {
        std::error_code ec;
        std::filesystem::create_directories(core::config_dir(), ec);
        app.ini_path = (core::config_dir() / "imgui.ini").string();
        io.IniFilename = app.ini_path.c_str();
    }
    float scale = content_scale(window);
    add_workspace_icons();
    reload_fonts(app, scale);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    app.ctx.export_dir = core::data_dir() / "exports";
    // The engine room every workspace shares. Runs go to the XDG data folder, or to a scratch folder that is
    // deleted at exit when the run is scripted.
    std::string runs_dir = options.runs_dir;
    if (scripted && runs_dir.empty()) {
        app.scratch_runs.path = make_scratch_dir();
        if (app.scratch_runs.path.empty()) {
            std::fprintf(stderr, "mlsyslab: cannot create a scratch folder under %s\n",
                         std::filesystem::temp_directory_path().string().c_str());
            return 1;
        }
        runs_dir = app.scratch_runs.path.string();
    }
    app.session = std::make_unique<session::Session>(runs_dir);
    app.ctx.session = app.session.get();
    app.ctx.can_capture = true;
    app.ctx.scripted = scripted;
    app.textures = std::make_unique<GlTextureCache>();
    app.ctx.textures = app.textures.get();
    set_current_gui_context(&app.ctx);
    app.ui = std::make_unique<ShellUi>(app.ctx, app.settings);
    const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    app.ui->renderer_name = renderer ? renderer : "unknown";

    if (!options.workspace.empty() && !app.ui->select(options.workspace)) {
        std::fprintf(stderr, "mlsyslab: --workspace %s: no such workspace (known: %s)\n", options.workspace.c_str(),
                     app.ui->known_ids().c_str());
        return 2;
    }
    for (const std::string& w : options.show) {
        if (w == "help") app.ui->toggle_help();
        if (w == "about") app.ui->show_about();
        if (w == "gallery") app.ui->show_gallery();
        if (w == "overlay") app.settings.performance_overlay = true;
    }
    if (!options.demo.empty()) {
        std::string error;
        if (!app.ui->start_demo(options.demo, error)) {
            std::fprintf(stderr, "mlsyslab: --demo %s: %s\n", options.demo.c_str(), error.c_str());
            return 2;
        }
    }

    const double start_s = now_s();
    double prev_frame_start = -1;
    int64_t frames_done = 0;
    bool job_seen = false;      // --job-progress: a job has been seen running
    double wait_start_s = -1;   // --job-progress: when the frame count was reached
    int exit_code = 0;
    while (!glfwWindowShouldClose(window) && !app.ui->wants_quit) {
        // Idle politely: with no job running and no toast fading, wait for input instead of spinning.
        std::vector<JobView> jobs;
        for (const ShellUi::Entry& e : app.ui->entries()) e.workspace->running_jobs(jobs);

        const bool animating = scripted || !jobs.empty() || !app.ctx.toasts.empty() || app.ctx.frame < 5;
        if (animating) glfwPollEvents();
        else glfwWaitEventsTimeout(0.25);
        if (glfwGetWindowAttrib(window, GLFW_ICONIFIED) == GLFW_TRUE) {
            glfwWaitEventsTimeout(0.1);
            continue;
        }
        if (const float s = content_scale(window); std::abs(s - scale) > 0.01f) {  // moved to another monitor
            scale = s;
            ImGui_ImplOpenGL3_DestroyFontsTexture();
            reload_fonts(app, scale);
            ImGui_ImplOpenGL3_CreateFontsTexture();
        }

        const double frame_start = now_s();
        app.ctx.time_s = frame_start - start_s;
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        app.ui->draw_frame();
        ImGui::Render();
        const double ui_ms = (now_s() - frame_start) * 1000.0;

        int fb_w = 0, fb_h = 0;
        glfwGetFramebufferSize(window, &fb_w, &fb_h);
        glViewport(0, 0, fb_w, fb_h);
        const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(app.ctx.theme->window_bg);
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

        write_captures(app, fb_w, fb_h);
        ++frames_done;
        // --job-progress: the frame count is reached, but wait until a job has come far enough or ended.
        bool job_ready = true;
        if (options.job_progress > 0) {
            if (!jobs.empty()) job_seen = true;
            bool reached = job_seen && jobs.empty();
            for (const JobView& j : jobs) reached = reached || j.progress >= options.job_progress;
            if (!reached && frames_done >= options.frames) {
                if (wait_start_s < 0) wait_start_s = now_s();
                if (now_s() - wait_start_s > 120.0) {
                    std::fprintf(stderr, "mlsyslab: --job-progress %g: not reached after 120 s; capturing anyway\n",
                                 options.job_progress);
                    reached = true;
                }
            }
            job_ready = reached;
        }
        const bool last_frame = options.frames > 0 && frames_done >= options.frames && job_ready;
        if (last_frame && !options.screenshot_path.empty()) {
            const core::Status st = capture_png(options.screenshot_path, fb_h, 0, 0, fb_w, fb_h);
            if (!st) {
                std::fprintf(stderr, "mlsyslab: --screenshot: %s\n", st.error().c_str());
                exit_code = 1;
            }
        }
        const double work_ms = (now_s() - frame_start) * 1000.0;
        glfwSwapBuffers(window);
        if (prev_frame_start >= 0) {
            const double frame_ms = (frame_start - prev_frame_start) * 1000.0;
            app.ui->frame_ms.push(static_cast<float>(frame_ms));
            if (!options.frame_stats_path.empty()) {
                app.all_frame_ms.push_back(frame_ms);
                app.all_job_running.push_back(jobs.empty() ? 0 : 1);
                for (const JobView& j : jobs)
                    if (j.rate > 0) app.all_job_rate.push_back(j.rate);
            }
        }
        app.ui->work_ms.push(static_cast<float>(work_ms));
        if (!options.frame_stats_path.empty()) {
            app.all_work_ms.push_back(work_ms);
            app.all_ui_ms.push_back(ui_ms);
        }
        prev_frame_start = frame_start;

        if (app.ui->settings_changed && !scripted) {
            app.ui->settings_changed = false;
            save_settings(app);
        }
        if (last_frame) break;
    }
    if (!options.frame_stats_path.empty()) {
        int fb_w = 0, fb_h = 0;
        glfwGetFramebufferSize(window, &fb_w, &fb_h);
        const core::Status st = write_frame_stats(app, fb_w, fb_h);
        if (!st) std::fprintf(stderr, "mlsyslab: --frame-stats: %s\n", st.error().c_str());
    }
    save_settings(app);
    return exit_code;
}

int gui_main(int argc, const char* const* argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    core::Result<GuiOptions> options = parse_gui_options(args);
    if (!options) {
        std::fprintf(stderr, "mlsyslab: %s\n", options.error().c_str());
        return 2;
    }
    if (options->help) {
        std::fputs(gui_usage().c_str(), stdout);
        return 0;
    }
    return run_gui(*options);
}

}  // namespace mlsys::gui
