// The Board workspace's motion lab panel: runs the motion lab's stages (session/motion_lab.hpp) on a worker
// thread — capture, features, train, int8 deploy, live classification — and shows the dataset, the
// accuracies, the board's cycles and every live window's class and anomaly score against the threshold the
// student sets. The same state the lab actions drive, so the Labs workspace shows it beside the motion lab.
#include "app/gui/panels/board_workspace.hpp"

#include "app/gui/widgets/plot.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "app/session/motion_lab.hpp"
#include "app/session/session.hpp"

#include <imgui.h>

#include <chrono>
#include <cstdio>

namespace mlsys::gui {

namespace {
double num(const nlohmann::json& j, const char* key, double fallback = 0) {
    return j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}
}  // namespace

void BoardWorkspace::start_motion(GuiContext& ctx, bool all_stages) {
    if (!ctx.session) return;
    if (motion_job_.valid() && motion_job_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
    session::MotionLabState& st = session::motion_lab(*ctx.session);
    const std::string runs_dir = ctx.session->runs_dir();
    motion_message_.clear();
    motion_state_ = &st;
    st.cancel = false;
    motion_job_ = std::async(std::launch::async, [&st, runs_dir, all_stages]() -> core::Result<nlohmann::json> {
        std::lock_guard<std::mutex> lock(st.mutex);
        if (all_stages) {
            if (auto r = session::motion_capture(st, runs_dir); !r) return core::fail("capture: " + r.error());
            if (auto r = session::motion_train(st, runs_dir); !r) return core::fail("train: " + r.error());
            if (auto r = session::motion_deploy(st, runs_dir); !r) return core::fail("deploy: " + r.error());
        }
        auto r = session::motion_classify(st, runs_dir, {}, 1);
        if (!r) return core::fail("classify: " + r.error());
        return *r;
    });
}

void BoardWorkspace::draw_motion(GuiContext& ctx) {
    if (!ctx.session) return;
    ImGui::Spacing();
    if (!ImGui::CollapsingHeader("Motion classification lab", ImGuiTreeNodeFlags_DefaultOpen)) return;
    metric_tooltip("The textbook's lab 'Motion Classification and Anomaly Detection': windows of IMU data per motion, "
                   "spectral features (RMS and FFT spectral power per axis), a small dense classifier quantized to int8 "
                   "and run on the board, and a K-means anomaly score. Runs on its own connection: the virtual board, or "
                   "the lab's port (disconnect above first when that is a real board).");
    if (motion_job_.valid() && motion_job_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        auto r = motion_job_.get();
        motion_message_ = r ? "" : r.error();
    }
    const bool running = motion_job_.valid();
    session::MotionLabState& st = session::motion_lab(*ctx.session);
    std::unique_lock<std::mutex> lock(st.mutex, std::try_to_lock);
    if (!lock.owns_lock()) {
        ImGui::TextDisabled("A motion stage is running (the board streams in its own time) ...");
        if (const std::string a = st.activity(); !a.empty()) ImGui::TextWrapped("%s", a.c_str());
        return;
    }
    if (running) ImGui::BeginDisabled();
    if (ImGui::Button("Run all stages")) start_motion(ctx, true);
    metric_tooltip("Capture every class, compute features, train, quantize and deploy, then classify one live window per "
                   "motion (the classes and the unseen one). Each stage records a Run.");
    ImGui::SameLine();
    const bool can_classify = st.board_model.has_value();
    if (!can_classify) ImGui::BeginDisabled();
    if (ImGui::Button("Classify live")) start_motion(ctx, false);
    if (!can_classify) ImGui::EndDisabled();
    metric_tooltip("Stream one window per motion, compute its features on the desktop, run the int8 model on the board "
                   "(INFER) and score it against the K-means clusters.");
    if (running) ImGui::EndDisabled();
    float thr = static_cast<float>(st.settings.anomaly_threshold);
    ImGui::SetNextItemWidth(160);
    if (ImGui::SliderFloat("anomaly threshold", &thr, 0.0f, 10.0f, "%.2f")) st.settings.anomaly_threshold = thr;
    metric_tooltip("A window whose K-means score (distance to the nearest centroid minus that cluster's radius) exceeds "
                   "this is flagged as an anomaly. Training windows score 0 or less; choose it between the known "
                   "windows' scores and the unseen motion's.");
    if (!motion_message_.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme->bad), "%s", motion_message_.c_str());

    const auto& res = st.results;
    char buf[160];
    if (res.contains("capture")) {
        const auto& c = res["capture"];
        std::snprintf(buf, sizeof buf, "%d windows (%d train, %d test) x %d features", static_cast<int>(num(c, "n_windows")),
                      static_cast<int>(num(c, "n_train")), static_cast<int>(num(c, "n_test")), static_cast<int>(num(c, "n_features")));
        metric_value("dataset", buf, "Windows of window_s seconds every stride_s, from a separate stretch of each "
                                     "class's stream for the test set; per axis the RMS and the spectral power per FFT bin.");
    }
    if (res.contains("train")) {
        const auto& t = res["train"];
        std::snprintf(buf, sizeof buf, "%.1f%% train, %.1f%% test (float)", 100 * num(t, "train_accuracy"), 100 * num(t, "test_accuracy"));
        metric_value("classifier", buf, "The dense network's accuracy on the training and the held-out test windows.");
    }
    if (res.contains("deploy")) {
        const auto& d = res["deploy"];
        std::snprintf(buf, sizeof buf, "%.1f%% test, %d/%d equal to the desktop", 100 * num(d, "board_accuracy"),
                      static_cast<int>(num(d, "n_equal")), static_cast<int>(num(d, "n")));
        metric_value("int8 on the board", buf, "The int8 model's accuracy on the test windows as the board computed it, and how "
                                               "many of its outputs equal the desktop's integer-only reference bit for bit.");
        std::snprintf(buf, sizeof buf, "%.0f cycles = %.2f ms, %.0f-byte model", num(d, "median_cycles"), num(d, "latency_ms"),
                      num(d, "model_bytes"));
        metric_value("on-board inference", buf, "Median cycles the board's Timer1 counted around the int8 kernel, at its clock, "
                                                "and the model's size as uploaded (MLB1).");
    }
    if (st.live.empty()) return;
    if (ImGui::BeginTable("##motion_live", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("motion");
        ImGui::TableSetupColumn("board says");
        ImGui::TableSetupColumn("score");
        ImGui::TableSetupColumn("");
        ImGui::TableHeadersRow();
        const size_t from = st.live.size() > 10 ? st.live.size() - 10 : 0;
        for (size_t i = st.live.size(); i-- > from;) {
            const auto& l = st.live[i];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(l.motion.c_str());
            ImGui::TableNextColumn();
            const bool known = l.expected >= 0;
            const std::string name = l.board_class >= 0 && l.board_class < static_cast<int>(st.settings.classes.size())
                                         ? st.settings.classes[static_cast<size_t>(l.board_class)] : "?";
            const ImU32 col = !known ? ctx.theme->text_dim : l.board_class == l.expected ? ctx.theme->good : ctx.theme->bad;
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(col), "%s", name.c_str());
            ImGui::TableNextColumn();
            const bool flagged = l.anomaly_score > st.settings.anomaly_threshold;
            ImGui::Text("%.2f", l.anomaly_score);
            ImGui::TableNextColumn();
            if (flagged) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme->warning), "ANOMALY");
            else ImGui::TextDisabled("-");
        }
        ImGui::EndTable();
    }
    metric_tooltip("The newest live windows: the board's class (green when it is the motion the board felt), the K-means "
                   "anomaly score and whether it exceeds the threshold above.");
    // The newest live window, every axis (in the board's units), as the board streamed it.
    const auto& w = st.live.back();
    if (!w.window.empty() && !w.window[0].empty()) {
        const std::string title = "newest live window: " + w.motion;
        PlotSpec spec;
        spec.title = title.c_str();
        spec.help = "The last window classified live, one line per axis (mg), sample index on x: what the features "
                    "were computed from.";
        spec.size = ImVec2(0, 120 * ctx.fonts.scale);
        spec.legend = false;
        Plot plot("##motionwin", spec);
        for (size_t a = 0; a < w.window.size(); ++a)
            plot.line({a < st.settings.axes.size() ? st.settings.axes[a].c_str() : "", nullptr, w.window[a].data(),
                       static_cast<int>(w.window[a].size()), 0, 0, 1.0f, false});
        plot.draw();
    }
}

}  // namespace mlsys::gui
