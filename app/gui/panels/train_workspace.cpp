// Train workspace: registration, the per-frame job tracking, the layout, the toolbar, commands, demos, help
// and saved state. The settings column, layer editor, systems strip, charts and file dialogs are drawn in
// the other train_*.cpp files.
#include "app/gui/panels/train_workspace.hpp"

#include "app/gui/widgets/plot_math.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {

MLSYS_GUI_WORKSPACE((WorkspaceInfo{"train", "", "", 0, ""}), TrainWorkspace);

TrainWorkspace::TrainWorkspace() = default;
TrainWorkspace::~TrainWorkspace() = default;

namespace {

const char* kStateVersionKey = "version";

// The job's name as the status bar shows it: "Training cnn on fashion-mnist".
std::string job_name(const session::TrainJob& job) {
    return "Training " + job.request().spec.name + " on " + job.request().dataset;
}

}  // namespace

// ---- per frame ---------------------------------------------------------------------------------------

void TrainWorkspace::track_job(GuiContext& ctx, session::Session& s) {
    session::TrainJob* job = s.train_job();
    const double dt = last_update_s_ < 0 ? 0.0 : std::max(0.0, ctx.time_s - last_update_s_);
    last_update_s_ = ctx.time_s;
    if (job != job_seen_) {  // a new run (or the failed one was dropped by Session::poll)
        job_seen_ = job;
        job_active_s_ = 0;
        job_running_ = job && !job->is_done();
        if (job) rebuild_view(nullptr);  // the previous run's pictures must not pass for this one's
    }
    if (!job) {
        job_running_ = false;
        return;
    }
    if (!job->is_done() && !job->is_paused()) job_active_s_ += dt;
    if (auto snap = job->snapshot(); snap && snap != view_.snap) rebuild_view(std::move(snap));
    if (job_running_ && job->is_done()) {
        job_running_ = false;
        const session::TrainResult& r = s.last_train();
        char buf[256];
        if (r.valid && !r.cancelled) {
            std::snprintf(buf, sizeof buf, "Training finished: %.1f%% test accuracy. %s is now the current model.",
                          100.0 * r.test_accuracy, r.model_name.c_str());
            ctx.toast(buf, ToastKind::Success);
        } else if (r.valid) {
            std::snprintf(buf, sizeof buf, "Training stopped after %d epoch(s): %.1f%% test accuracy. The partly "
                          "trained %s is now the current model.", r.epochs_completed, 100.0 * r.test_accuracy,
                          r.model_name.c_str());
            ctx.toast(buf, ToastKind::Info);
        }
    }
}

void TrainWorkspace::update(GuiContext& ctx) {
    if (!ctx.session) return;
    session::Session& s = *ctx.session;
    session_ = &s;
    if (!pending_state_.is_null()) {
        std::vector<std::string> warnings;
        apply_state(s, pending_state_, warnings);
        for (const std::string& w : warnings) ctx.toast(w, ToastKind::Warning);
        pending_state_ = nullptr;
    }
    track_job(ctx, s);
    update_job_view(s);
    // The dialogs belong to no workspace window, so Ctrl+S works wherever the user is.
    draw_file_dialogs(ctx, s);
}

void TrainWorkspace::update_job_view(session::Session& s) {
    job_view_ = JobView{};
    has_job_view_ = false;
    const session::TrainJob* job = s.train_job();
    if (!job || job->is_done()) return;
    has_job_view_ = true;
    job_view_.name = job_name(*job);
    job_view_.progress = job->progress();
    job_view_.rate_unit = "images/s";
    const session::TrainSnapshot* snap = view_.snap.get();
    if (!snap) {
        job_view_.detail = job->status();
        return;
    }
    job_view_.rate = job->is_paused() ? 0.0 : snap->images_per_s;
    char buf[160];
    const double loss = view_.loss_smooth.empty() ? NAN : static_cast<double>(view_.loss_smooth.back());
    std::snprintf(buf, sizeof buf, "%sepoch %.1f/%d · loss %.3f", job->is_paused() ? "paused · " : "", snap->epoch,
                  snap->epochs, loss);
    job_view_.detail = buf;
}

void TrainWorkspace::running_jobs(std::vector<JobView>& out) const {
    if (has_job_view_) out.push_back(job_view_);
}

// ---- commands ----------------------------------------------------------------------------------------

bool TrainWorkspace::start(GuiContext& ctx, std::string* error_out) {
    session::Session* s = ctx.session;
    std::string error;
    if (!s) {
        error = "the training session is not available";
    } else if (const ModelTotals& t = totals(s->train); !t.ok) {
        error = "the model does not fit the " + s->train.dataset + " data: " + t.error;
    } else if (const core::Status st = s->start_training(); !st) {
        error = st.error();
    }
    if (error.empty()) return true;
    if (error_out) *error_out = error;
    else ctx.show_error("Cannot start training", error);
    return false;
}

void TrainWorkspace::toggle_pause(GuiContext& ctx) {
    session::TrainJob* job = ctx.session ? ctx.session->train_job() : nullptr;
    if (!job || job->is_done()) return;
    if (job->is_paused()) job->resume();
    else job->pause();
}

void TrainWorkspace::stop(GuiContext& ctx) {
    session::TrainJob* job = ctx.session ? ctx.session->train_job() : nullptr;
    if (!job || job->is_done()) return;
    if (job->is_paused()) job->resume();  // a paused job must reach its next checkpoint to see the stop
    job->stop();
}

bool TrainWorkspace::on_start_pause(GuiContext& ctx) {
    if (!ctx.session) return false;
    const session::TrainJob* job = ctx.session->train_job();
    if (job && !job->is_done()) toggle_pause(ctx);
    else start(ctx);
    return true;
}

bool TrainWorkspace::on_save_model(GuiContext& ctx) {
    if (!ctx.session || !ctx.session->has_model()) return false;
    open_save_dialog(ctx, *ctx.session);
    return true;
}

bool TrainWorkspace::apply_demo_settings(session::TrainSettings& t, const std::string& name) {
    if (name == "spiral") {
        // The two-arm spiral with the Playground-sized 2-32-32-2 tanh network: Adam at 0.003 with batches
        // of 16 reaches ~97% test accuracy in about 100 epochs (measured with `mlsyslab train`).
        t.dataset = "spiral";
        t.model = "playground";
        t.epochs = 150;
        t.batch_size = 16;
        t.learning_rate = 0.003;
        t.optimizer = "adam";
        t.schedule = "constant";
        t.n_samples = 1000;
        t.noise = 0.05;
        t.train_limit = 0;
        t.seed = 1;
        return true;
    }
    if (name == "fashion") {
        // The LeNet-style cnn on a 10,000-image slice of Fashion-MNIST: two epochs take seconds, enough to
        // watch every view fill in (the whole set: set "Training images" to 0).
        t.dataset = "fashion-mnist";
        t.model = "cnn";
        t.epochs = 2;
        t.batch_size = 64;
        t.learning_rate = 0.002;
        t.optimizer = "adam";
        t.schedule = "constant";
        t.train_limit = 10000;
        t.seed = 1;
        return true;
    }
    return false;
}

bool TrainWorkspace::start_demo(GuiContext& ctx, const std::string& name, std::string& error) {
    if (!ctx.session) {
        error = "the training session is not available";
        return false;
    }
    if (!apply_demo_settings(ctx.session->train, name)) {
        error = "the Train workspace has no demo '" + name + "' (demos: spiral, fashion)";
        return false;
    }
    return start(ctx, &error);
}

// ---- layout ------------------------------------------------------------------------------------------

void TrainWorkspace::draw(GuiContext& ctx) {
    layout_ = Layout{};
    session::Session* s = ctx.session;
    if (!s) {
        ImGui::TextDisabled("The training session is not available in this build.");
        return;
    }
    const float sc = ctx.fonts.scale;
    const ImGuiStyle& style = ImGui::GetStyle();
    draw_toolbar(ctx, *s);

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float left_w = std::min(330.0f * sc, avail.x * 0.36f);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, 0);  // borders only: filled panels cost pixels under llvmpipe
    draw_settings(ctx, *s, left_w, avail.y);
    ImGui::SameLine(0, 14 * sc);

    ImGui::BeginChild("##train_views", ImVec2(0, avail.y), false, ImGuiWindowFlags_NoScrollbar);
    const float w = ImGui::GetContentRegionAvail().x;
    const float gap = style.ItemSpacing.x;
    const float half = std::floor((w - gap) * 0.5f);
    draw_systems(ctx, w);
    const float rest = ImGui::GetContentRegionAvail().y - style.ItemSpacing.y;
    const float curves_h = std::max(190.0f * sc, std::floor(rest * 0.44f));
    const float bottom_h = std::max(250.0f * sc, rest - curves_h - style.ItemSpacing.y);
    draw_curves(ctx, half, curves_h);

    // The bottom row follows what the shown run trained on (or, before a run, the chosen dataset).
    const session::TrainSnapshot* snap = view_.snap.get();
    const bool two_d = snap ? snap->boundary_res > 0 : !dataset_shape(s->train.dataset).is_image;
    if (two_d) {
        // The boundary's plot area is kept about square (the playground sets span a square), and the neurons
        // and the confusion matrix take the rest of the row.
        const float boundary_w = std::clamp(bottom_h - 4 * sc, 220 * sc, w * 0.6f);
        const float side_w = w - boundary_w - gap;
        draw_boundary(ctx, boundary_w, bottom_h);
        ImGui::SameLine(0, gap);
        ImGui::BeginGroup();
        const float neurons_h = std::floor((bottom_h - style.ItemSpacing.y) * 0.52f);
        draw_neurons(ctx, side_w, neurons_h);
        draw_confusion(ctx, side_w, bottom_h - neurons_h - style.ItemSpacing.y);
        ImGui::EndGroup();
    } else {
        draw_confusion(ctx, half, bottom_h);
        ImGui::SameLine(0, gap);
        draw_image_grid(ctx, half, bottom_h);
    }
    ImGui::EndChild();
    ImGui::PopStyleColor();
}

// ---- toolbar -----------------------------------------------------------------------------------------

void TrainWorkspace::draw_toolbar(GuiContext& ctx, session::Session& s) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    session::TrainJob* job = s.train_job();
    const bool running = job && !job->is_done();
    const bool paused = running && job->is_paused();

    ImGui::BeginDisabled(running);
    ImGui::PushStyleColor(ImGuiCol_Button, with_alpha(t.accent, running ? 0.35f : 0.85f));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, t.accent);
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 255, 255, 255));
    if (ImGui::Button("▶  Start", ImVec2(96 * sc, 0))) start(ctx);
    ImGui::PopStyleColor(3);
    ImGui::EndDisabled();
    metric_tooltip("Train the model on the chosen data with these settings (Space). The trained model becomes "
                   "the current model every other workspace uses; the run is logged in Runs.");
    ImGui::SameLine();
    ImGui::BeginDisabled(!running);
    if (ImGui::Button(paused ? "▶  Resume###pause" : "▮▮  Pause###pause", ImVec2(96 * sc, 0))) toggle_pause(ctx);
    metric_tooltip("Pause between two training steps and resume where it stopped (Space).");
    ImGui::SameLine();
    if (ImGui::Button("■  Stop", ImVec2(84 * sc, 0))) stop(ctx);
    metric_tooltip("Stop after the current step. The partly trained model is evaluated on the test set and "
                   "becomes the current model; its run is kept as \"cancelled\".");
    ImGui::EndDisabled();

    // Progress and the run's headline numbers.
    ImGui::SameLine(0, 18 * sc);
    const session::TrainSnapshot* snap = view_.snap.get();
    const double progress = running ? job->progress() : (snap && snap->finished ? 1.0 : 0.0);
    char label[96];
    if (snap) std::snprintf(label, sizeof label, "epoch %.1f of %d", snap->epoch, snap->epochs);
    else if (running) std::snprintf(label, sizeof label, "%s", job->status().c_str());
    else std::snprintf(label, sizeof label, "idle");
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, paused ? t.warning : t.accent);
    ImGui::ProgressBar(static_cast<float>(progress), ImVec2(190 * sc, ImGui::GetFrameHeight()), label);
    ImGui::PopStyleColor();
    ImGui::SameLine(0, 14 * sc);
    std::string status;
    char buf[200];
    if (running && snap) {
        const double p = job->progress();
        const double left_s = p > 0.02 ? job_active_s_ * (1.0 - p) / p : NAN;
        std::snprintf(buf, sizeof buf, "%s %s of %s%s%s", paused ? "Paused at step" : "Step",
                      format_count(snap->step).c_str(), format_count(snap->total_steps).c_str(),
                      std::isfinite(left_s) && !paused ? " · about " : "",
                      std::isfinite(left_s) && !paused ? (format_duration(left_s) + " left").c_str() : "");
        status = buf;
    } else if (running) {
        status = "Starting…";
    } else if (snap && snap->finished) {
        std::snprintf(buf, sizeof buf, "%s · test accuracy %.1f%%", snap->status == "stopped" ? "Stopped" : "Finished",
                      100.0 * snap->test_accuracy);
        status = buf;
    } else {
        status = "Ready: press Start or Space";
    }
    // The status text is clipped short of the file buttons on a narrow window.
    const float files_w = 120 * sc + 110 * sc + ImGui::GetStyle().ItemSpacing.x;
    const float files_x = ImGui::GetWindowContentRegionMax().x - files_w;
    ImGui::AlignTextToFramePadding();
    const ImVec2 text_pos = ImGui::GetCursorScreenPos();
    const float text_w = std::max(0.0f, files_x + ImGui::GetWindowPos().x - 12 * sc - text_pos.x);
    ImGui::PushClipRect(text_pos, ImVec2(text_pos.x + text_w, text_pos.y + ImGui::GetFrameHeight()), true);
    ImGui::TextUnformatted(status.c_str());
    ImGui::PopClipRect();
    if (snap && snap->finished && !snap->run_dir.empty())
        metric_tooltip(("The run's log (configuration, metrics.csv, events, the model file) is in " + snap->run_dir).c_str());

    // Files, right-aligned.
    ImGui::SameLine(std::max(ImGui::GetCursorPosX(), files_x));
    if (ImGui::Button("Open model…", ImVec2(120 * sc, 0))) open_load_dialog(ctx);
    metric_tooltip("Load a saved model file (.mlsys) as the current model.");
    ImGui::SameLine();
    ImGui::BeginDisabled(!s.has_model());
    if (ImGui::Button("Save model…", ImVec2(110 * sc, 0))) open_save_dialog(ctx, s);
    ImGui::EndDisabled();
    metric_tooltip("Save the current model to a file (Ctrl+S).");
    layout_.toolbar = {p0, ImVec2(ImGui::GetWindowContentRegionMax().x + ImGui::GetWindowPos().x, ImGui::GetItemRectMax().y)};
    ImGui::Dummy(ImVec2(0, 2 * sc));
}

// ---- help and saved state ----------------------------------------------------------------------------

void TrainWorkspace::draw_help(GuiContext& ctx) {
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("The Train workspace");
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::BulletText("Pick the data (Fashion-MNIST or a 2-D playground set), a model preset or your own layer list "
                      "(Edit layers shows parameters, MACs and memory as you edit), and the hyperparameters.");
    ImGui::BulletText("Start (Space) trains on a background thread; Space pauses and resumes, Stop ends early. "
                      "Moving the learning-rate slider while training changes the rate from the next step.");
    ImGui::BulletText("Loss starts near ln(number of classes) — ln 10 ≈ 2.3 for ten classes, a uniform guess — and "
                      "falls as the network learns. Validation points come from data the network never trains on.");
    ImGui::BulletText("The systems strip shows what training costs: images per second, FLOPs per step, the memory "
                      "split (weights, gradients, optimizer state, activations) and the time split of one step.");
    ImGui::BulletText("When training ends the model becomes the current model. Ctrl+S saves it; Open model loads a "
                      "saved one. Right-click any chart to save it as PNG or copy its data.");
    ImGui::PopTextWrapPos();
}

nlohmann::json TrainWorkspace::save_state() const {
    if (!session_) return nullptr;
    return nlohmann::json{{kStateVersionKey, 1}, {"settings", session::to_json(session_->train)}};
}

void TrainWorkspace::restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) {
    if (state.is_null()) return;
    if (!state.is_object() || !state.contains("settings")) {
        warnings.push_back("workspaces.train: expected an object with \"settings\"; using the defaults");
        return;
    }
    pending_state_ = state;  // applied at the first update, when the session is known
}

void TrainWorkspace::apply_state(session::Session& s, const nlohmann::json& state, std::vector<std::string>& warnings) {
    if (const core::Status st = session::apply_json(s.train, state["settings"]); !st)
        warnings.push_back("Saved training settings not restored: " + st.error());
}

}  // namespace mlsys::gui
