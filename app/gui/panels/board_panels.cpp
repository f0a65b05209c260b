// Board workspace panels: board identity, stream and capture, deploy and inference, the serial plotter
// and the serial monitor. Everything drawn comes from a BoardSnapshot.
#include "app/gui/panels/board_workspace.hpp"

#include "app/gui/widgets/plot.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "hardware/boards/capture.hpp"
#include "sim/deploy/profiles.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

namespace mlsys::gui {

namespace {
void heading(GuiContext& ctx, const char* title) {
    ImGui::Spacing();
    if (ctx.fonts.bold) ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted(title);
    if (ctx.fonts.bold) ImGui::PopFont();
    ImGui::Separator();
}
std::string join(const std::vector<int8_t>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
    return s;
}
}  // namespace

void BoardWorkspace::draw_info(GuiContext& ctx, const session::BoardSnapshot& s) {
    heading(ctx, "Board");
    if (!s.hello) {
        ImGui::TextDisabled(s.state == session::LinkState::Connected ? "No MLSys firmware: raw lines only." : "Not connected.");
        return;
    }
    const auto& h = *s.hello;
    char buf[64];
    if (ImGui::BeginTable("##info", 3)) {
        ImGui::TableNextColumn();
        metric_value("board", h.board.c_str(), "What the firmware reports in HELLO (docs/PROTOCOL.md).");
        ImGui::TableNextColumn();
        std::snprintf(buf, sizeof buf, "%.0f MHz", static_cast<double>(h.clock_hz) / 1e6);
        metric_value("clock", buf, "CPU clock: cycles per second. Inference latency = cycles / clock.");
        ImGui::TableNextColumn();
        std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(h.ram_bytes));
        metric_value("RAM", buf, "On-chip SRAM. A microcontroller keeps weights, activations, buffers and the stack here "
                                 "(or weights in flash): the TinyML memory budget.");
        ImGui::TableNextColumn();
        std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(s.stats ? s.stats->free_ram_bytes : 0));
        metric_value("free RAM", buf, "Bytes between the heap and the stack when STATS ran: what is left after the "
                                      "firmware's buffers and the uploaded model.");
        ImGui::TableNextColumn();
        std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(h.model_max_bytes));
        metric_value("model limit", buf, "Largest int8 model the firmware's RAM buffer takes.");
        ImGui::TableNextColumn();
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s.counters.n_bad_lines));
        metric_value("bad lines", buf, "Lines the strict codec refused (noise, wrong baud rate, truncation). They are "
                                       "skipped, never trusted.");
        ImGui::EndTable();
    }
    ImGui::TextDisabled("%s · firmware %s · protocol %d · reconnects %d", h.mcu.c_str(), h.firmware.c_str(), h.protocol,
                        s.n_reconnects);
}

void BoardWorkspace::draw_stream_capture(GuiContext& ctx, const session::BoardSnapshot& s) {
    heading(ctx, "Stream and capture");
    const bool can = s.state == session::LinkState::Connected && s.has_firmware;
    if (!can) ImGui::BeginDisabled();
    if (s.hello && ImGui::BeginCombo("sensor", settings_.sensor.c_str())) {
        for (const auto& name : s.hello->sensors)
            if (ImGui::Selectable(name.c_str(), name == settings_.sensor)) settings_.sensor = name;
        ImGui::EndCombo();
    }
    ImGui::SliderInt("rate (Hz)", &settings_.rate_hz, 1, 200);
    metric_tooltip("Samples per second. At 115200 baud an IMU line (~50 bytes) fits about 200 times a second.");
    if (!s.streaming) {
        if (ImGui::Button("Start stream")) link_->send(session::LinkStream{settings_.sensor, settings_.rate_hz});
    } else if (ImGui::Button("Stop stream")) {
        link_->send(session::LinkStop{});
    }
    if (!can) ImGui::EndDisabled();
    ImGui::InputText("label", label_buf_, sizeof label_buf_);
    settings_.capture_label = label_buf_;
    float secs = static_cast<float>(settings_.capture_seconds);
    if (ImGui::SliderFloat("seconds", &secs, 0.5f, 10.0f, "%.1f")) settings_.capture_seconds = secs;
    metric_tooltip("Length of one recorded window, in the board's own time (its timestamps).");
    if (!s.streaming) ImGui::BeginDisabled();
    if (ImGui::Button("Record window")) link_->send(session::LinkCapture{label_buf_, settings_.capture_seconds});
    if (!s.streaming) ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Export captures")) export_captures(ctx);
    metric_tooltip("Writes every captured window as Edge Impulse CSV (timestamp in ms, one column per axis).");
    if (s.capture_progress >= 0 && s.capture_progress < 1) ImGui::ProgressBar(static_cast<float>(s.capture_progress));
    if (!s.captures.empty()) {
        std::map<std::string, int> per_label;
        for (const auto& c : s.captures) ++per_label[c.label];
        std::string summary;
        for (const auto& [label, n] : per_label) summary += (summary.empty() ? "" : ", ") + label + " x" + std::to_string(n);
        ImGui::TextWrapped("%zu windows: %s", s.captures.size(), summary.c_str());
        int n_partial = 0;
        for (const auto& c : s.captures) n_partial += c.partial ? 1 : 0;
        if (n_partial > 0) ImGui::TextWrapped("%d cut short when the board went away (kept as partial windows).", n_partial);
        if (const std::string run = link_->capture_run_dir(); !run.empty()) {
            ImGui::TextDisabled("Recorded in the Run %s", std::filesystem::path(run).filename().string().c_str());
            metric_tooltip(("Every captured window is written to " + run + "/artifacts/captures/ as Edge Impulse CSV (docs/RUNS.md).").c_str());
        }
        if (!s.last_window.empty() && !s.last_window[0].empty()) {
            PlotSpec spec;
            spec.title = "last window";
            spec.help = "The newest captured window, every channel, sample index on x.";
            spec.size = ImVec2(0, 120 * ctx.fonts.scale);
            spec.legend = false;
            Plot plot("##lastwin", spec);
            for (size_t c = 0; c < s.last_window.size(); ++c)
                plot.line({s.channels.size() > c ? s.channels[c].c_str() : "", nullptr, s.last_window[c].data(),
                           static_cast<int>(s.last_window[c].size()), 0, 0, 1.0f, false});
            plot.draw();
        }
    }
}

void BoardWorkspace::draw_deploy(GuiContext& ctx, const session::BoardSnapshot& s) {
    heading(ctx, "Deploy and infer");
    const bool can = s.state == session::LinkState::Connected && s.has_firmware;
    if (ImGui::InputText("model (.mlb)", model_buf_, sizeof model_buf_)) {
        model_.reset();
        model_note_.clear();
    }
    metric_tooltip("An int8 model in the board format (MLB1): `mlsyslab board model` writes one.");
    if (ImGui::Button("Demo model")) {
        model_ = hardware::random_board_model({12, 16, 4}, 1);
        model_note_ = "demo model 12-16-4 (random int8 weights)";
    }
    ImGui::SameLine();
    if (!can) ImGui::BeginDisabled();
    if (ImGui::Button("Deploy")) deploy(ctx);
    ImGui::SameLine();
    if (ImGui::Button("Run 8 inputs")) run_inference(ctx, 8);
    if (!can) ImGui::EndDisabled();
    if (!model_note_.empty()) ImGui::TextDisabled("%s", model_note_.c_str());
    if (s.upload_progress >= 0 && s.upload_progress < 1) ImGui::ProgressBar(static_cast<float>(s.upload_progress));
    if (!s.upload_status.empty()) ImGui::TextWrapped("%s", s.upload_status.c_str());
    if (s.n_infer == 0) return;
    if (uno_int8_macs_per_s_ < 0) {
        uno_int8_macs_per_s_ = 0;
        if (auto lib = sim::load_profile_library())
            if (const auto* d = lib->device("atmega328p"))
                uno_int8_macs_per_s_ = d->peak_macs_per_s_int8 * d->compute_efficiency;
    }
    char buf[64];
    if (ImGui::BeginTable("##inf", 3)) {
        ImGui::TableNextColumn();
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s.median_cycles));
        metric_value("cycles", buf, "Median CPU cycles the board counted around the int8 kernel (Timer1 at the CPU clock).");
        ImGui::TableNextColumn();
        std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(s.median_micros) / 1000.0);
        metric_value("on-board latency", buf, "Measured by the board: cycles / clock. No serial time included.");
        ImGui::TableNextColumn();
        std::snprintf(buf, sizeof buf, "%d/%d", s.n_infer_equal, s.n_infer);
        metric_value("bit-exact", buf, "Inputs whose int8 outputs on the board equal the desktop's integer-only "
                                       "reference exactly.");
        ImGui::EndTable();
    }
    if (model_ && uno_int8_macs_per_s_ > 0 && s.hello && s.hello->mcu == "atmega328p")
        ImGui::TextWrapped("Deployment estimator (atmega328p profile, %.2g int8 MAC/s): %.3f ms for %lld MACs; measured %.3f ms.",
                           uno_int8_macs_per_s_, 1000.0 * static_cast<double>(model_->n_macs()) / uno_int8_macs_per_s_,
                           static_cast<long long>(model_->n_macs()), static_cast<double>(s.median_micros) / 1000.0);
    if (ImGui::BeginTable("##rows", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("board");
        ImGui::TableSetupColumn("desktop");
        ImGui::TableSetupColumn("class");
        ImGui::TableSetupColumn("cycles");
        ImGui::TableHeadersRow();
        const size_t first = s.infer_rows.size() > 8 ? s.infer_rows.size() - 8 : 0;
        for (size_t i = first; i < s.infer_rows.size(); ++i) {
            const auto& r = s.infer_rows[i];
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(join(r.board).c_str());
            ImGui::TableNextColumn();
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(r.board == r.desktop ? ctx.theme->good : ctx.theme->bad), "%s",
                               join(r.desktop).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d", r.board_class);
            ImGui::TableNextColumn();
            ImGui::Text("%lld", static_cast<long long>(r.cycles));
        }
        ImGui::EndTable();
    }
}

void BoardWorkspace::draw_plotter(GuiContext& ctx, const session::BoardSnapshot& s) {
    ImGui::Checkbox("pause", &plot_paused_);
    metric_tooltip("Freezes the plot (the link keeps receiving; the monitor keeps scrolling).");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(160);
    ImGui::SliderInt("points", &settings_.plot_window_points, 20, static_cast<int>(session::kPlotPoints));
    metric_tooltip("How many of the newest samples the plotter shows (the zoom on the time axis).");
    ImGui::SameLine();
    ImGui::Checkbox("auto y", &settings_.plot_auto_y);
    if (!settings_.plot_auto_y) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(90);
        ImGui::InputDouble("min", &settings_.plot_y_min, 0, 0, "%.0f");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(90);
        ImGui::InputDouble("max", &settings_.plot_y_max, 0, 0, "%.0f");
    }
    ImGui::SameLine();
    if (ImGui::Button("Clear")) link_->send(session::LinkClearPlot{});
    ImGui::SameLine();
    if (ImGui::Button("Export CSV")) export_plot_csv(ctx, s);
    PlotSpec spec;
    spec.title = "Serial plotter";
    spec.help = "Live samples, one line per channel, against the board's timestamps (seconds). Boards without our "
                "firmware are plotted from their Serial Plotter / data forwarder lines against the host's clock.";
    spec.size = ImVec2(0, ImGui::GetContentRegionAvail().y * 0.55f);
    spec.x = {"time (s)", false, AxisFit::Tight};
    std::string unit = s.units.empty() ? "value" : s.units[0];
    spec.y.label = unit;
    if (!settings_.plot_auto_y) {
        spec.y.fit = AxisFit::Fixed;
        spec.y.lo = settings_.plot_y_min;
        spec.y.hi = settings_.plot_y_max;
    }
    spec.empty_text = "Start a stream, or connect a board that prints numbers";
    Plot plot("##plotter", spec);
    const int n = static_cast<int>(s.t_s.size());
    const int shown = std::min(n, settings_.plot_window_points);
    const int first = n - shown;
    std::vector<std::string> labels(s.series.size());
    for (size_t c = 0; c < s.series.size(); ++c) {
        labels[c] = c < s.channels.size() ? s.channels[c] : "ch" + std::to_string(c);
        if (c < s.units.size()) labels[c] += " (" + s.units[c] + ")";
        if (static_cast<int>(s.series[c].size()) != n) continue;
        plot.line({labels[c].c_str(), s.t_s.data() + first, s.series[c].data() + first, shown, 0, 0, 1.5f, false});
    }
    plot.draw();
}

void BoardWorkspace::draw_monitor(GuiContext& ctx, const session::BoardSnapshot& s) {
    ImGui::Checkbox("timestamps", &show_timestamps_);
    ImGui::SameLine();
    ImGui::Checkbox("autoscroll", &autoscroll_);
    ImGui::SameLine();
    if (ImGui::Button("Save log")) {
        std::filesystem::create_directories(ctx.export_dir);
        const auto path = ctx.export_dir / "serial-monitor.txt";
        std::ofstream out(path);
        for (const auto& l : s.monitor) out << l.t_s << (l.from_host ? " > " : " < ") << l.text << '\n';
        if (out) ctx.toast("Saved the serial monitor to " + path.string(), ToastKind::Success);
        else ctx.show_error("Save log", "Cannot write " + path.string());
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 60);
    const bool enter = ImGui::InputText("##send", send_buf_, sizeof send_buf_, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button("Send") || enter) && send_buf_[0]) {
        link_->send(session::LinkSend{send_buf_});
        send_buf_[0] = 0;
    }
    metric_tooltip("Sends one line (e.g. HELLO, STATS, STREAM imu 20, STOP). Commands are in docs/PROTOCOL.md.");
    if (ImGui::BeginChild("##monitor", ImVec2(0, 0), true)) {
        if (ctx.fonts.mono) ImGui::PushFont(ctx.fonts.mono);
        ImGuiListClipper clip;
        clip.Begin(static_cast<int>(s.monitor.size()));
        while (clip.Step())
            for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
                const auto& l = s.monitor[static_cast<size_t>(i)];
                if (show_timestamps_) {
                    ImGui::TextDisabled("%9.3f", l.t_s);
                    ImGui::SameLine();
                }
                if (l.from_host) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme->accent), "> %s", l.text.c_str());
                else ImGui::TextUnformatted(l.text.c_str());
            }
        if (autoscroll_ && ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 40) ImGui::SetScrollHereY(1.0f);
        if (ctx.fonts.mono) ImGui::PopFont();
    }
    ImGui::EndChild();
}

void BoardWorkspace::export_plot_csv(GuiContext& ctx, const session::BoardSnapshot& s) {
    hardware::Capture c;
    c.channels = s.channels;
    for (size_t i = 0; i < s.t_s.size(); ++i) {
        c.t_ms.push_back(1000.0 * s.t_s[i]);
        std::vector<double> row;
        for (const auto& ser : s.series) row.push_back(i < ser.size() ? ser[i] : 0.0);
        c.rows.push_back(std::move(row));
    }
    std::filesystem::create_directories(ctx.export_dir);
    const auto path = (ctx.export_dir / "serial-plotter.csv").string();
    if (auto st = hardware::write_edge_impulse_csv(c, path); !st) return ctx.show_error("Export CSV", st.error());
    ctx.toast("Exported " + std::to_string(c.rows.size()) + " samples to " + path, ToastKind::Success);
}

void BoardWorkspace::export_captures(GuiContext& ctx) {
    const auto caps = link_->captures();
    if (caps.empty()) return ctx.show_error("Export captures", "Record a window first.");
    const auto dir = ctx.export_dir / "board-captures";
    std::filesystem::create_directories(dir);
    int n = 0;
    for (const auto& c : caps) {
        const auto path = dir / (c.label + "." + std::to_string(n++) + ".csv");
        if (auto st = hardware::write_edge_impulse_csv(c, path.string()); !st) return ctx.show_error("Export captures", st.error());
    }
    ctx.toast("Exported " + std::to_string(n) + " windows (Edge Impulse CSV) to " + dir.string(), ToastKind::Success);
}

}  // namespace mlsys::gui
