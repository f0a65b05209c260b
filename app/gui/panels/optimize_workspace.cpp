// Optimize workspace: registration, per-frame polling of its optimize state, commands, the demo, the layout,
// help and saved state. The controls column is drawn in optimize_controls.cpp, the table in
// optimize_table.cpp, the charts in optimize_charts.cpp.
#include "app/gui/panels/optimize_workspace.hpp"

#include "app/gui/widgets/tooltip.hpp"
#include "app/session/optimize_state.hpp"
#include "app/session/session.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace mlsys::gui {

MLSYS_GUI_WORKSPACE((WorkspaceInfo{"optimize", "", "", 0, ""}), OptimizeWorkspace);

OptimizeWorkspace::OptimizeWorkspace() = default;
OptimizeWorkspace::~OptimizeWorkspace() = default;  // the jobs belong to the session's optimize state

session::OptimizeWorkspaceState* OptimizeWorkspace::state() const {
    return session_ ? &session_->optimize_state() : nullptr;
}


// ---- per frame ---------------------------------------------------------------------------------------

void OptimizeWorkspace::update(GuiContext& ctx) {
    if (!ctx.session) return;
    session_ = ctx.session;
    session::OptimizeWorkspaceState& st = ctx.session->optimize_state();
    if (!pending_state_.is_null()) {
        if (const core::Status s = session::apply_json(st.settings, pending_state_); !s)
            ctx.toast("Saved optimize settings not restored: " + s.error(), ToastKind::Warning);
        pending_state_ = nullptr;
    }
    const size_t n_before = st.variants.size();
    const std::string message = st.poll(*ctx.session);
    if (!message.empty()) ctx.toast(message, message.find("failed") != std::string::npos ? ToastKind::Error : ToastKind::Info);
    if (st.variants.size() > n_before && n_before > 0 && !ctx.scripted) {
        const auto& v = st.variants.back();
        ctx.toast("Added " + v.metrics.name + (v.run_dir.empty() ? "" : "; its Run is in " + v.run_dir), ToastKind::Success);
    }
    if (last_device_.empty()) last_device_ = st.settings.device;
    if (st.settings.device != last_device_) {
        last_device_ = st.settings.device;
        if (const core::Status s = st.reestimate(); !s) ctx.toast(s.error(), ToastKind::Error);
    }
    step_demo(ctx, st);
}

void OptimizeWorkspace::running_jobs(std::vector<JobView>& out) const {
    if (!session_) return;
    const session::OptimizeWorkspaceState& st = session_->optimize_state();
    if (demo_running()) {
        // One view over the whole demo, so --job-progress waits for it to finish (stages have gaps between jobs).
        JobView v;
        v.name = "Optimize demo";
        const int stage = static_cast<int>(demo_stage_) - 1;  // Training = 0 .. Sensitivity = 4
        double inner = 0;
        if (st.job) inner = std::clamp(st.job->progress(), 0.0, 1.0);
        else if (st.sensitivity_job) inner = std::clamp(st.sensitivity_job->progress(), 0.0, 1.0);
        v.progress = std::min(0.99, (stage + inner) / 5.0);
        v.detail = st.job ? st.job->title() : st.sensitivity_job ? st.sensitivity_job->title() : "";
        out.push_back(v);
        return;
    }
    for (const session::OptimizeJob* j : {st.job.get(), st.sensitivity_job.get()}) {
        if (!j || j->is_done()) continue;
        JobView v;
        v.name = "Optimize: " + j->title();
        v.progress = j->progress();
        v.detail = j->status();
        out.push_back(v);
    }
}

// ---- commands ----------------------------------------------------------------------------------------

bool OptimizeWorkspace::apply(GuiContext& ctx, std::string* error) {
    std::string e;
    if (!ctx.session) e = "the session is not available";
    else if (const core::Status s = ctx.session->optimize_state().apply(*ctx.session); !s) e = s.error();
    if (e.empty()) return true;
    if (error) *error = e;
    else ctx.show_error("Cannot optimize", e);
    return false;
}

bool OptimizeWorkspace::make_current(GuiContext& ctx, int index, std::string* error) {
    std::string e;
    if (!ctx.session) e = "the session is not available";
    else if (const core::Status s = ctx.session->optimize_state().make_current(*ctx.session, index); !s) e = s.error();
    if (e.empty()) {
        if (!ctx.scripted) ctx.toast("The current model is now " + ctx.session->model_label(), ToastKind::Success);
        return true;
    }
    if (error) *error = e;
    else ctx.show_error("Cannot make it the current model", e);
    return false;
}

bool OptimizeWorkspace::run_sensitivity(GuiContext& ctx, std::string* error) {
    std::string e;
    if (!ctx.session) e = "the session is not available";
    else if (const core::Status s = ctx.session->optimize_state().run_sensitivity(*ctx.session); !s) e = s.error();
    if (e.empty()) return true;
    if (error) *error = e;
    else ctx.show_error("Cannot measure sensitivity", e);
    return false;
}

bool OptimizeWorkspace::train_briefly(GuiContext& ctx, std::string* error) {
    std::string e;
    if (!ctx.session) e = "the session is not available";
    else if (const core::Status s = ctx.session->optimize_state().train_briefly(*ctx.session); !s) e = s.error();
    if (e.empty()) return true;
    if (error) *error = e;
    else ctx.show_error("Cannot train a model", e);
    return false;
}

bool OptimizeWorkspace::on_export(GuiContext& ctx) {
    if (!ctx.session) return false;
    session::OptimizeWorkspaceState& st = ctx.session->optimize_state();
    if (st.variants.empty()) return false;
    const std::filesystem::path dir = ctx.export_dir / "optimize";
    auto files = st.export_variant(st.selected, dir.string());
    if (!files) {
        ctx.show_error("Cannot export the variant", files.error());
        return true;
    }
    std::string list;
    for (const std::string& f : *files) list += (list.empty() ? "" : ", ") + f;
    ctx.toast("Wrote " + list, ToastKind::Success);
    return true;
}

bool OptimizeWorkspace::on_start_pause(GuiContext& ctx) {
    if (!ctx.session || !ctx.session->has_model()) return false;
    apply(ctx);
    return true;
}

// ---- demo --------------------------------------------------------------------------------------------

bool OptimizeWorkspace::start_demo(GuiContext& ctx, const std::string& name, std::string& error) {
    if (name != "int8-prune") {
        error = "the Optimize workspace has no demo '" + name + "' (demos: int8-prune)";
        return false;
    }
    if (!ctx.session) {
        error = "the session is not available";
        return false;
    }
    session::OptimizeSettings& s = ctx.session->optimize_state().settings;
    // Small enough to finish in seconds: calibration and fine-tuning on 3,000 images, accuracy on 1,000.
    s.train_limit = 3000;
    s.test_limit = 1000;
    s.sensitivity_limit = 500;
    s.sensitivity_bits = 2;  // ternary weights in one layer at a time: the layers differ clearly
    s.sensitivity_prune = 0;
    demo_stage_ = DemoStage::Training;
    if (!ctx.session->has_model() && !train_briefly(ctx, &error)) return false;
    return true;
}

void OptimizeWorkspace::step_demo(GuiContext& ctx, session::OptimizeWorkspaceState& st) {
    if (!demo_running() || !ctx.session) return;
    session::Session& s = *ctx.session;
    if (!st.error.empty()) {  // a stage failed (no data, a bad setting): stop rather than wait forever
        ctx.toast("Optimize demo stopped: " + st.error, ToastKind::Error);
        demo_stage_ = DemoStage::Done;
        return;
    }
    const bool idle = !st.job;
    if (!idle) return;
    std::string error;
    switch (demo_stage_) {
    case DemoStage::Training:
        if (s.has_model()) demo_stage_ = DemoStage::Measuring;
        break;
    case DemoStage::Measuring:
        if (!st.variants.empty()) {
            st.settings.technique = "int8";
            st.settings.per_channel = true;
            st.settings.calib_samples = 200;
            if (!apply(ctx, &error)) break;
            demo_stage_ = DemoStage::Int8;
        }
        break;
    case DemoStage::Int8:
        st.settings.technique = "prune";
        st.settings.prune_fraction = 0.5;
        st.settings.structured = false;
        st.settings.finetune_epochs = 1;
        if (!apply(ctx, &error)) break;
        demo_stage_ = DemoStage::Prune;
        break;
    case DemoStage::Prune:
        st.selected = 0;  // the sensitivity of the original
        if (!run_sensitivity(ctx, &error)) break;
        st.selected = static_cast<int>(st.variants.size()) - 1;  // the pruned variant's histograms: the zero spike
        demo_stage_ = DemoStage::Sensitivity;
        break;
    case DemoStage::Sensitivity:
        if (!st.sensitivity_job) demo_stage_ = DemoStage::Done;
        break;
    case DemoStage::None:
    case DemoStage::Done:
        break;
    }
    if (!error.empty()) {
        ctx.toast("Optimize demo stopped: " + error, ToastKind::Error);
        demo_stage_ = DemoStage::Done;
    }
}

// ---- layout ------------------------------------------------------------------------------------------

void OptimizeWorkspace::draw(GuiContext& ctx) {
    layout_ = Layout{};
    session::Session* s = ctx.session;
    if (!s) {
        ImGui::TextDisabled("The session is not available in this build.");
        return;
    }
    session::OptimizeWorkspaceState& st = ctx.session->optimize_state();
    const float sc = ctx.fonts.scale;
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    // Embedded narrow (beside a lab step) the views get the whole width; the controls need the full size.
    const bool narrow = avail.x < 900.0f * sc;
    const float left_w = std::min(244.0f * sc, avail.x * 0.26f);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, 0);
    if (!narrow) {
        draw_controls(ctx, *s, st, left_w, avail.y);
        ImGui::SameLine(0, 12 * sc);
    }
    ImGui::BeginChild("##optimize_views", ImVec2(0, avail.y), false, ImGuiWindowFlags_NoScrollbar);
    const float w = ImGui::GetContentRegionAvail().x;
    const float h = ImGui::GetContentRegionAvail().y;
    const float gap = style.ItemSpacing.x;
    const float table_h = std::max(170.0f * sc, std::floor(h * 0.40f));
    const float charts_h = std::max(220.0f * sc, h - table_h - style.ItemSpacing.y);
    draw_table(ctx, *s, st, w, table_h);
    const float pareto_w = std::floor((w - 2 * gap) * 0.38f);
    const float rest_w = std::floor((w - 2 * gap - pareto_w) * 0.5f);
    draw_pareto(ctx, st, pareto_w, charts_h);
    ImGui::SameLine(0, gap);
    draw_histograms(ctx, st, rest_w, charts_h);
    ImGui::SameLine(0, gap);
    draw_sensitivity(ctx, st, w - pareto_w - rest_w - 2 * gap, charts_h);
    ImGui::EndChild();
    ImGui::PopStyleColor();
}

// ---- help and saved state ----------------------------------------------------------------------------

void OptimizeWorkspace::draw_help(GuiContext& ctx) {
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("The Optimize workspace");
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::BulletText("Making a model fit is a trade-off between size, latency and accuracy: choose a technique, press "
                      "Apply (Space), and the variant is measured on the real test set beside the original (the first, "
                      "amber row). Every variant is also a Run (see Runs) with before/after metrics.");
    ImGui::BulletText("The Pareto chart plots accuracy against weight bytes or estimated latency; the line joins the "
                      "variants no other variant beats on both.");
    ImGui::BulletText("Weight histograms show a layer before and after: int8 snaps weights to a grid of 255 levels, "
                      "pruning piles them at zero.");
    ImGui::BulletText("Per-layer sensitivity quantizes (or prunes) one layer at a time: the layers whose accuracy drops "
                      "most deserve more bits.");
    ImGui::BulletText("Make current turns a variant into the session's model for every other workspace (an integer "
                      "variant as float weights on its integer grid); apply another technique to chain them.");
    ImGui::BulletText("Export selected (Ctrl+E) writes the selected variant under the exports folder: an int8 image "
                      "(.mlq8) and a C header for firmware, or a .mlsys model file.");
    ImGui::PopTextWrapPos();
}

nlohmann::json OptimizeWorkspace::save_state() const {
    if (!session_) return nullptr;
    return nlohmann::json{{"version", 1}, {"settings", session::to_json(session_->optimize_state().settings)}};
}

void OptimizeWorkspace::restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) {
    if (state.is_null()) return;
    if (!state.is_object() || !state.contains("settings")) {
        warnings.push_back("workspaces.optimize: expected an object with \"settings\"; using the defaults");
        return;
    }
    pending_state_ = state["settings"];
}

}  // namespace mlsys::gui
