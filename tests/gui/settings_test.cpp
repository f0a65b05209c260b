// The settings file and the GUI flags: round trips, corrupt files ignored with a warning naming the key,
// and flag errors naming the flag and value.
#include "app/gui/gui_options.hpp"
#include "app/gui/settings.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace mlsys::gui;
namespace fs = std::filesystem;

TEST_SUITE_BEGIN("gui.settings");

TEST_CASE("settings round-trip through their JSON text") {
    GuiSettings s;
    s.window_x = 40;
    s.window_y = -20;  // a monitor left of or above the primary one
    s.window_width = 1600;
    s.window_height = 900;
    s.window_maximized = true;
    s.workspace = "memory";
    s.theme = "light";
    s.performance_overlay = true;
    const SettingsLoad back = parse_gui_settings(serialize_gui_settings(s), "settings.json");
    CHECK(back.warnings.empty());
    CHECK(back.settings == s);
}

TEST_CASE("a corrupt settings file gives the defaults and one warning") {
    for (const char* text : {"", "{", "not json at all", "[1, 2]", "{\"format\": \"other\", \"version\": 1}",
                             "{\"format\": \"mlsyslab-gui-settings\", \"version\": 99}"}) {
        CAPTURE(text);
        const SettingsLoad r = parse_gui_settings(text, "settings.json");
        CHECK(r.settings == GuiSettings{});
        REQUIRE(r.warnings.size() == 1);
        CHECK(r.warnings[0].rfind("settings.json: ", 0) == 0);
    }
}

TEST_CASE("a bad value keeps that key's default and names the key") {
    const std::string text = R"({"format": "mlsyslab-gui-settings", "version": 1,
        "window": {"width": 50, "height": "tall", "x": 10},
        "theme": "purple", "workspace": 7, "performance_overlay": "yes"})";
    const SettingsLoad r = parse_gui_settings(text, "s.json");
    CHECK(r.settings.window_width == 1280);
    CHECK(r.settings.window_height == 800);
    CHECK(r.settings.window_x == 10);  // the good key still applies
    CHECK(r.settings.theme == "dark");
    CHECK(r.settings.workspace == "train");
    CHECK_FALSE(r.settings.performance_overlay);
    REQUIRE(r.warnings.size() == 5);
    CHECK(r.warnings[0] == "s.json: window.width: must be an integer in 200..16384 (got 50); using 1280");
    CHECK(r.warnings[1].find("window.height") != std::string::npos);
    CHECK(r.warnings[2] == "s.json: workspace: must be a workspace id (got 7)");
    CHECK(r.warnings[3] == "s.json: theme: must be one of dark, light (got \"purple\")");
    CHECK(r.warnings[4].find("performance_overlay") != std::string::npos);
}

TEST_CASE("settings files - missing gives defaults silently - saved ones load back - garbage is ignored") {
    const fs::path dir = fs::path(MLSYS_TEST_TMP_DIR) / "settings_files";
    fs::remove_all(dir);
    const fs::path path = dir / "nested" / "settings.json";
    SettingsLoad r = load_gui_settings(path);
    CHECK(r.warnings.empty());
    CHECK(r.settings == GuiSettings{});

    GuiSettings s;
    s.theme = "light";
    s.workspace = "runs";
    REQUIRE(save_gui_settings(path, s).ok());  // creates the directories
    r = load_gui_settings(path);
    CHECK(r.warnings.empty());
    CHECK(r.settings == s);

    std::ofstream(path, std::ios::trunc) << "\x01\x02garbage";
    r = load_gui_settings(path);
    CHECK(r.settings == GuiSettings{});
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].find(path.string()) == 0);
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("gui.options");

namespace {
bool gui_invocation(std::vector<const char*> argv) {
    return is_gui_invocation(static_cast<int>(argv.size()), argv.data());
}
}  // namespace

TEST_CASE("main() opens the GUI for no arguments or 'gui' or GUI flags and the CLI otherwise") {
    CHECK(gui_invocation({"mlsyslab"}));
    CHECK(gui_invocation({"mlsyslab", "gui"}));
    CHECK(gui_invocation({"mlsyslab", "--screenshot", "a.png"}));
    CHECK(gui_invocation({"mlsyslab", "--workspace=memory"}));
    CHECK_FALSE(gui_invocation({"mlsyslab", "train", "--model", "cnn"}));
    CHECK_FALSE(gui_invocation({"mlsyslab", "--help"}));
    CHECK_FALSE(gui_invocation({"mlsyslab", "--screenshotx"}));
}

TEST_CASE("GUI flags parse in both --flag value and --flag=value forms") {
    auto r = parse_gui_options({"--screenshot", "out.png", "--frames", "30", "--workspace", "train", "--demo",
                                "spiral", "--size=1024x768", "--theme", "light"});
    REQUIRE(r.ok());
    CHECK(r->screenshot_path == "out.png");
    CHECK(r->frames == 30);
    CHECK(r->workspace == "train");
    CHECK(r->demo == "spiral");
    CHECK(r->width == 1024);
    CHECK(r->height == 768);
    CHECK(r->theme == "light");
    CHECK(r->is_scripted());
    CHECK(r->job_progress == 0);
    r = parse_gui_options({"--frames", "5", "--job-progress", "0.25"});
    REQUIRE(r.ok());
    CHECK(r->job_progress == 0.25);

    r = parse_gui_options({"gui", "--screenshot", "x.png"});
    REQUIRE(r.ok());
    CHECK(r->frames == 10);  // a screenshot without --frames still renders a few frames first
    r = parse_gui_options({});
    REQUIRE(r.ok());
    CHECK_FALSE(r->is_scripted());
}

TEST_CASE("bad GUI flags name the flag and the value") {
    auto error = [](std::vector<std::string> args) {
        auto r = parse_gui_options(args);
        return r.ok() ? std::string("(accepted)") : r.error();
    };
    CHECK(error({"--size", "12x"}) == "--size 12x: expected WIDTHxHEIGHT, e.g. 1280x800");
    CHECK(error({"--size", "100x100"}) == "--size 100x100: width must be 320..8192 and height 240..8192");
    CHECK(error({"--frames", "-3"}) == "--frames -3: expected a whole number from 1 to 1000000");
    CHECK(error({"--frames", "ten"}) == "--frames ten: expected a whole number from 1 to 1000000");
    CHECK(error({"--theme", "blue"}) == "--theme blue: expected dark or light");
    CHECK(error({"--job-progress", "1.5"}) == "--job-progress 1.5: expected a fraction from 0 to 1");
    CHECK(error({"--job-progress", "half"}) == "--job-progress half: expected a fraction from 0 to 1");
    CHECK(error({"--frames"}) == "--frames: missing value");
    CHECK(error({"--bogus", "1"}) == "--bogus: unknown option (see mlsyslab gui --help)");
    CHECK(error({"--show", "help,menu"}) == "--show help,menu: 'menu' is not one of help, overlay, about, gallery");
    auto r = parse_gui_options({"--show", "help,overlay"});
    REQUIRE(r.ok());
    CHECK(r->show == std::vector<std::string>{"help", "overlay"});
}

TEST_SUITE_END();
