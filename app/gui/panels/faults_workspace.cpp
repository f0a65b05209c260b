// Faults workspace: registration, the job, the settings column (model, fault model, target, rate,
// protection), demos, help and saved state. The result charts are drawn in faults_charts.cpp.
#include "app/gui/panels/faults_workspace.hpp"

#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"
#include "faults/flips/injector.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {

MLSYS_GUI_WORKSPACE((WorkspaceInfo{"faults", "", "", 0, ""}), FaultsWorkspace);

FaultsWorkspace::FaultsWorkspace() {
    settings.trials = 8;
    settings.eval_limit = 500;
    settings.points_per_decade = 1;
}
FaultsWorkspace::~FaultsWorkspace() = default;

namespace {
const char* kTargets[] = {"weights", "activations", "buffer", "pe"};
const char* kBuffers[] = {"ifmap", "filter", "ofmap"};
const char* kFaults[] = {"bitflip", "stuck0", "stuck1", "intermittent"};
const char* kPrecisions[] = {"fp32", "int8", "pytorchfi"};
const char* kProtections[] = {"none", "parity", "ecc", "range", "tmr", "abft"};
const char* kDataflows[] = {"os", "ws", "is"};

int index_of(const char* const* items, int n, const std::string& v) {
    for (int i = 0; i < n; ++i)
        if (v == items[i]) return i;
    return 0;
}

bool combo(const char* label, std::string& value, const char* const* items, int n, const char* help) {
    int i = index_of(items, n, value);
    const bool changed = ImGui::Combo(label, &i, items, n);
    if (changed) value = items[i];
    if (help && ImGui::IsItemHovered()) metric_tooltip(help);
    return changed;
}
}  // namespace

void FaultsWorkspace::sync_target_from_ui() {
    std::string t = kTargets[target_kind_];
    const std::string layer = layer_index_ >= 0 && layer_index_ < int(layer_names_.size())
                                  ? layer_names_[size_t(layer_index_)]
                                  : "";
    switch (target_kind_) {
    case 0: settings.target = layer.empty() ? "weights" : "weights:" + layer; break;
    case 1: settings.target = "activations:" + (layer.empty() ? (layer_names_.empty() ? "0" : layer_names_[0]) : layer); break;
    case 2: settings.target = std::string("buffer:") + kBuffers[buffer_kind_] + (layer.empty() ? "" : ":" + layer); break;
    default: settings.target = "pe:" + std::to_string(pe_row_) + "," + std::to_string(pe_col_); break;
    }
    char ber[64];
    if (ber_lo_exp_ == ber_hi_exp_) std::snprintf(ber, sizeof ber, "1e%d", ber_lo_exp_);
    else std::snprintf(ber, sizeof ber, "1e%d:1e%d", ber_lo_exp_, ber_hi_exp_);
    settings.ber = ber;
}

void FaultsWorkspace::update(GuiContext& ctx) {
    // The current model's layers, for the layer pickers and the PE view.
    const models::Model* m = ctx.session ? ctx.session->model() : nullptr;
    if (m) {
        const models::Workload w = m->workload();
        if (layer_names_.size() != w.layers.size() || (!w.layers.empty() && layer_names_[0] != w.layers[0].name)) {
            layer_names_.clear();
            matrix_layers_.clear();
            for (size_t i = 0; i < w.layers.size(); ++i) {
                layer_names_.push_back(w.layers[i].name);
                if (models::is_matrix_op(w.layers[i].op)) matrix_layers_.push_back(int(i));
            }
            layer_index_ = -1;
        }
    } else if (snap_ && !snap_->layer_names.empty() && layer_names_ != snap_->layer_names) {
        layer_names_ = snap_->layer_names;
    }
    if (!job_) return;
    if (auto s = job_->latest(); s && s != snap_) {
        snap_ = std::move(s);
        rebuild_series();
    }
    if (job_->is_done() && job_->state() == core::JobState::Failed && last_error_.empty()) {
        last_error_ = job_->error();
        ctx.toast("Fault campaign failed: " + last_error_, ToastKind::Error);
    }
}

bool FaultsWorkspace::start(GuiContext& ctx, std::string& error) {
    if (is_running()) {
        error = "a campaign is already running";
        return false;
    }
    sync_target_from_ui();
    session::FaultsRequest req;
    req.settings = settings;
    req.runs_dir = ctx.session ? ctx.session->runs_dir() : "";
    const models::Model* m = ctx.session ? ctx.session->model() : nullptr;
    if (!m) {
        error = "there is no current model: train one in the Train workspace, or press \"Demo\" to train a quick cnn";
        return false;
    }
    const auto& meta = ctx.session->model_metadata();
    if (meta.contains("dataset") && meta["dataset"].is_string()) req.settings.dataset = meta["dataset"];
    req.model_label = ctx.session->model_label();
    auto job = session::FaultsJob::start(*m, req);
    if (!job) {
        error = job.error();
        return false;
    }
    job_ = std::move(*job);
    snap_.reset();
    last_error_.clear();
    rebuild_series();
    return true;
}

bool FaultsWorkspace::on_start_pause(GuiContext& ctx) {
    if (is_running()) {
        job_->cancel();
        return true;
    }
    std::string error;
    if (!start(ctx, error)) ctx.show_error("Cannot start the campaign", error);
    return true;
}

bool FaultsWorkspace::start_demo(GuiContext& ctx, const std::string& name, std::string& error) {
    (void)ctx;
    session::FaultsRequest req;
    session::FaultsSettings s = settings;
    std::string preset;
    int train_limit = 0;
    if (name == "cnn") {
        preset = "cnn";
        train_limit = 6000;
        s.dataset = "fashion-mnist";
        s.ber = "1e-7:1e-3";
        s.points_per_decade = 2;
        s.trials = 6;
        s.eval_limit = 200;
        s.vulnerability = true;
        s.vulnerability_trials = 1;
        s.bits = "";
    } else if (name == "xor") {
        preset = "playground";
        train_limit = 1000;
        s.dataset = "xor";
        s.ber = "1e-5:1e-1";
        s.points_per_decade = 2;
        s.trials = 8;
        s.eval_limit = 300;
        s.vulnerability = true;
        s.vulnerability_trials = 4;
    } else {
        error = "unknown demo '" + name + "' (the Faults workspace has cnn and xor)";
        return false;
    }
    s.target = "weights";
    s.fault = "bitflip";
    settings = s;
    ber_lo_exp_ = name == "cnn" ? -7 : -5;
    ber_hi_exp_ = name == "cnn" ? -3 : -1;
    req.settings = s;
    auto job = session::FaultsJob::start_trained(preset, train_limit, req);
    if (!job) {
        error = job.error();
        return false;
    }
    job_ = std::move(*job);
    snap_.reset();
    demo_ = name;
    rebuild_series();
    return true;
}

void FaultsWorkspace::running_jobs(std::vector<JobView>& out) const {
    if (!is_running()) return;
    JobView v;
    v.name = "Fault campaign";
    v.progress = job_ ? const_cast<session::FaultsJob&>(*job_).progress() : -1;
    if (snap_) v.detail = snap_->phase;
    out.push_back(v);
}

void FaultsWorkspace::draw(GuiContext& ctx) {
    const float left_w = 330.0f * ctx.fonts.scale;
    ImGui::BeginChild("##faults_settings", ImVec2(left_w, 0), true);
    draw_settings(ctx);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##faults_results", ImVec2(0, 0), false);
    draw_results(ctx);
    ImGui::EndChild();
}

void FaultsWorkspace::draw_target(GuiContext& ctx) {
    (void)ctx;
    ImGui::Combo("target", &target_kind_, kTargets, 4);
    if (ImGui::IsItemHovered())
        metric_tooltip("Where the fault lands: weight memory, a layer's activations, the accelerator's SRAM buffers "
                       "(ifmap, filter, ofmap), or a processing element of the systolic array.");
    if (target_kind_ == 2) ImGui::Combo("buffer", &buffer_kind_, kBuffers, 3);
    if (target_kind_ != 3) {
        std::vector<const char*> names;
        names.push_back(target_kind_ == 0 ? "all layers" : "first dense/conv");
        for (const auto& n : layer_names_) names.push_back(n.c_str());
        int sel = layer_index_ + 1;
        if (ImGui::Combo("layer", &sel, names.data(), int(names.size()))) layer_index_ = sel - 1;
    } else {
        ImGui::SliderInt("PE row", &pe_row_, 0, settings.array_rows - 1);
        ImGui::SliderInt("PE column", &pe_col_, 0, settings.array_cols - 1);
        combo("dataflow", settings.dataflow, kDataflows, 3,
              "os keeps outputs in the PEs (a faulty PE hits a strided grid of outputs); ws keeps weights (it hits "
              "whole output channels); is keeps inputs (it hits whole output pixels).");
        ImGui::SliderInt("corrupted bit", &settings.pe_bit, 0, 31);
    }
}

void FaultsWorkspace::load_target_into_ui() {
    auto t = faults::parse_fault_target(settings.target);
    if (!t) return;
    target_kind_ = t->kind == faults::TargetKind::Weights       ? 0
                   : t->kind == faults::TargetKind::Activations ? 1
                   : t->kind == faults::TargetKind::Buffer      ? 2
                                                                : 3;
    buffer_kind_ = int(t->buffer);
    pe_row_ = t->pe_row;
    pe_col_ = t->pe_col;
    layer_index_ = -1;
    for (size_t i = 0; i < layer_names_.size(); ++i)
        if (layer_names_[i] == t->layer_name || std::to_string(i) == t->layer_name) layer_index_ = int(i);
    auto bers = faults::parse_ber_range(settings.ber);
    if (bers && !bers->empty() && bers->front() > 0) {
        ber_lo_exp_ = std::clamp(int(std::lround(std::log10(bers->front()))), -10, -1);
        ber_hi_exp_ = std::clamp(int(std::lround(std::log10(bers->back()))), ber_lo_exp_, -1);
    }
}

void FaultsWorkspace::draw_settings(GuiContext& ctx) {
    // The session's Faults state is the one the labs set: pick up its changes, write ours back below.
    session::FaultsWorkspaceState* shared = ctx.session ? &session::faults_workspace(*ctx.session) : nullptr;
    if (shared && (shared->settings.target != settings.target || shared->settings.ber != settings.ber) &&
        shared_seen_) {
        settings = shared->settings;
        load_target_into_ui();
    } else if (shared && shared_seen_) {
        settings = shared->settings;
    }
    if (ctx.fonts.heading) ImGui::PushFont(ctx.fonts.heading);
    ImGui::TextUnformatted("Fault injection");
    if (ctx.fonts.heading) ImGui::PopFont();
    ImGui::TextDisabled("model: %s", ctx.session && ctx.session->has_model() ? ctx.session->model_label().c_str()
                                                                             : (snap_ ? (snap_->model_name + " (demo)").c_str()
                                                                                      : "none yet"));
    ImGui::Separator();
    ImGui::PushItemWidth(-110.0f * ctx.fonts.scale);
    combo("fault", settings.fault, kFaults, 4,
          "bitflip: a transient upset. stuck0/stuck1: a permanent cell stuck at 0 or 1. intermittent: fixed sites that "
          "misbehave on some inferences only.");
    combo("precision", settings.precision, kPrecisions, 3,
          "fp32 flips IEEE-754 bits (an exponent flip can make a weight 2^127). int8 quantises the model first. "
          "pytorchfi is PyTorchFI's model: quantise to int8 against the layer range, flip, dequantise.");
    draw_target(ctx);
    ImGui::SliderInt("BER from 1e", &ber_lo_exp_, -10, -1);
    if (ImGui::IsItemHovered()) metric_tooltip("Bit-error rate: the chance each stored bit is hit. The sweep is log-spaced.");
    ImGui::SliderInt("BER to 1e", &ber_hi_exp_, -10, -1);
    ber_hi_exp_ = std::max(ber_hi_exp_, ber_lo_exp_);
    ImGui::SliderInt("points/decade", &settings.points_per_decade, 1, 4);
    ImGui::SliderInt("trials", &settings.trials, 1, 50);
    if (ImGui::IsItemHovered()) metric_tooltip("Seeded repetitions per rate; more trials narrow the confidence intervals.");
    ImGui::SliderInt("test images", &settings.eval_limit, 100, 10000);
    combo("protection", settings.protect, kProtections, 6,
          "parity and SEC-DED ECC guard memory; range clamps activations to profiled bounds; TMR votes over three "
          "copies; ABFT checks each matrix multiply with row and column checksums.");
    char bits[64];
    std::snprintf(bits, sizeof bits, "%s", settings.bits.c_str());
    if (ImGui::InputText("bits", bits, sizeof bits)) settings.bits = bits;
    if (ImGui::IsItemHovered()) metric_tooltip("Bit positions that may be hit, e.g. 23-30 (fp32 exponent) or 0-22 (mantissa); empty = all.");
    int seed = static_cast<int>(settings.seed);
    if (ImGui::InputInt("seed", &seed)) settings.seed = static_cast<uint64_t>(std::max(0, seed));
    ImGui::Checkbox("layer x bit map", &settings.vulnerability);
    if (ImGui::IsItemHovered())
        metric_tooltip("Also inject single faults into every layer and bit (statistical fault injection) to find which matter.");
    ImGui::PopItemWidth();
    ImGui::Spacing();
    if (is_running()) {
        if (ImGui::Button("Cancel", ImVec2(-1, 0))) job_->cancel();
        ImGui::ProgressBar(static_cast<float>(job_->progress()), ImVec2(-1, 0), snap_ ? snap_->phase.c_str() : "starting");
    } else {
        if (ImGui::Button("Run campaign", ImVec2(-1, 0))) {
            std::string error;
            if (!start(ctx, error)) ctx.show_error("Cannot start the campaign", error);
        }
        if (ImGui::Button("Demo: train a quick cnn and break it", ImVec2(-1, 0))) {
            std::string error;
            if (!start_demo(ctx, "cnn", error)) ctx.show_error("Cannot start the demo", error);
        }
    }
    if (!last_error_.empty()) ImGui::TextWrapped("Last campaign failed: %s", last_error_.c_str());
    if (snap_ && !snap_->run_dir.empty()) ImGui::TextWrapped("Run: %s", snap_->run_dir.c_str());
    sync_target_from_ui();
    if (shared) {
        shared->settings = settings;
        shared_seen_ = true;
    }
}

void FaultsWorkspace::draw_help(GuiContext& ctx) {
    (void)ctx;
    ImGui::TextWrapped("Faults: choose a fault model, where it lands and how often, then Run (Space). Every trial "
                       "re-runs the model on the same test images and compares each answer with the clean run. "
                       "SDC = silent data corruption (the answer changed, nothing noticed). Bands are 95%% "
                       "confidence intervals. docs/FAULTS.md explains every number.");
}

nlohmann::json FaultsWorkspace::save_state() const {
    nlohmann::json j = session::to_json(settings);
    j["ui"] = {{"target_kind", target_kind_}, {"buffer_kind", buffer_kind_}, {"pe_row", pe_row_}, {"pe_col", pe_col_},
               {"ber_lo_exp", ber_lo_exp_}, {"ber_hi_exp", ber_hi_exp_}};
    return j;
}

void FaultsWorkspace::restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) {
    if (!state.is_object()) return;
    nlohmann::json s = state;
    nlohmann::json ui = s.contains("ui") ? s["ui"] : nlohmann::json::object();
    s.erase("ui");
    if (auto st = session::apply_json(settings, s); !st) warnings.push_back("faults workspace: " + st.error());
    try {
        target_kind_ = std::clamp(ui.value("target_kind", 0), 0, 3);
        buffer_kind_ = std::clamp(ui.value("buffer_kind", 0), 0, 2);
        pe_row_ = std::max(0, ui.value("pe_row", 0));
        pe_col_ = std::max(0, ui.value("pe_col", 0));
        ber_lo_exp_ = std::clamp(ui.value("ber_lo_exp", -7), -10, -1);
        ber_hi_exp_ = std::clamp(ui.value("ber_hi_exp", -2), -10, -1);
    } catch (const nlohmann::json::exception&) {
        warnings.push_back("faults workspace: the saved ui state is not readable; defaults kept");
    }
}

}  // namespace mlsys::gui
