// Parsing of the desktop app's flags (see gui_options.hpp). No window or ImGui code.
#include "app/gui/gui_options.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace mlsys::gui {
namespace {

constexpr const char* kGuiFlags[] = {"--screenshot", "--frames",      "--job-progress",      "--workspace", "--demo",
                                     "--size",       "--theme",       "--frame-stats", "--show",
                                     "--runs"};

bool is_gui_flag(const std::string& arg) {
    for (const char* f : kGuiFlags) {
        if (arg == f || arg.rfind(std::string(f) + "=", 0) == 0) return true;
    }
    return false;
}

bool parse_int(const std::string& text, int& out) {
    const char* first = text.data();
    const char* last = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(first, last, out);
    return ec == std::errc() && ptr == last;
}

}  // namespace

bool is_gui_invocation(int argc, const char* const* argv) {
    if (argc <= 1) return true;
    const std::string first = argv[1];
    return first == "gui" || is_gui_flag(first);
}

core::Result<GuiOptions> parse_gui_options(const std::vector<std::string>& args_in) {
    std::vector<std::string> args;
    for (const std::string& a : args_in) {  // accept --flag=value as well as --flag value
        const auto eq = a.find('=');
        if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
            args.push_back(a.substr(0, eq));
            args.push_back(a.substr(eq + 1));
        } else {
            args.push_back(a);
        }
    }
    if (!args.empty() && args.front() == "gui") args.erase(args.begin());

    GuiOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (flag == "--help" || flag == "-h") {
            o.help = true;
            continue;
        }
        if (!is_gui_flag(flag)) return core::fail(flag + ": unknown option (see mlsyslab gui --help)");
        if (i + 1 >= args.size()) return core::fail(flag + ": missing value");
        const std::string& value = args[++i];
        if (flag == "--screenshot") {
            if (value.empty()) return core::fail("--screenshot: missing file name");
            o.screenshot_path = value;
        } else if (flag == "--frames") {
            if (!parse_int(value, o.frames) || o.frames < 1 || o.frames > 1000000)
                return core::fail("--frames " + value + ": expected a whole number from 1 to 1000000");
        } else if (flag == "--job-progress") {
            char* end = nullptr;
            const double p = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || !(p >= 0 && p <= 1))
                return core::fail("--job-progress " + value + ": expected a fraction from 0 to 1");
            o.job_progress = p;
        } else if (flag == "--workspace") {
            o.workspace = value;
        } else if (flag == "--demo") {
            o.demo = value;
        } else if (flag == "--size") {
            const auto x = value.find('x');
            if (x == std::string::npos || !parse_int(value.substr(0, x), o.width) ||
                !parse_int(value.substr(x + 1), o.height))
                return core::fail("--size " + value + ": expected WIDTHxHEIGHT, e.g. 1280x800");
            if (o.width < 320 || o.height < 240 || o.width > 8192 || o.height > 8192)
                return core::fail("--size " + value + ": width must be 320..8192 and height 240..8192");
        } else if (flag == "--theme") {
            if (value != "dark" && value != "light") return core::fail("--theme " + value + ": expected dark or light");
            o.theme = value;
        } else if (flag == "--frame-stats") {
            o.frame_stats_path = value;
        } else if (flag == "--runs") {
            if (value.empty()) return core::fail("--runs: missing directory");
            o.runs_dir = value;
        } else if (flag == "--show") {
            std::size_t start = 0;
            while (start <= value.size()) {
                const std::size_t comma = std::min(value.find(',', start), value.size());
                const std::string item = value.substr(start, comma - start);
                if (item != "help" && item != "overlay" && item != "about" && item != "gallery")
                    return core::fail("--show " + value + ": '" + item + "' is not one of help, overlay, about, gallery");
                o.show.push_back(item);
                start = comma + 1;
            }
        }
    }
    if (!o.screenshot_path.empty() && o.frames == 0) o.frames = 10;  // enough for layout to settle
    return o;
}

std::string gui_usage() {
    return "Usage: mlsyslab [gui] [options]\n"
           "Opens the MLSys Lab desktop app. Subcommands (mlsyslab --help) run headless instead.\n"
           "\n"
           "Options:\n"
           "  --workspace ID       start on a workspace: train, memory, accelerator, deploy, faults, board,\n"
           "                       labs, runs (default: the one open when the app last closed)\n"
           "  --theme dark|light   colour theme (default: the saved one)\n"
           "  --size WxH           window size, e.g. 1280x800\n"
           "  --demo NAME          start the workspace's demo, e.g. --workspace train --demo spiral|fashion\n"
           "  --screenshot FILE    render --frames N frames (default 10), write the window as PNG, exit\n"
           "  --frames N           run N frames, then exit\n"
           "  --job-progress P     with --frames: also wait (at most 120 s) until a running job reaches\n"
           "                       progress P (0..1) or ends\n"
           "  --frame-stats FILE   write frame-time statistics (median, p99, ms) as JSON at exit\n"
           "  --show LIST          open windows at start: help, overlay, about, gallery (comma list)\n"
           "  --runs DIR           read and write Runs in DIR (default: $XDG_DATA_HOME/mlsyslab/runs)\n"
           "Scripted runs (--screenshot, --frames) neither read nor write the saved settings.\n";
}

}  // namespace mlsys::gui
