// Optimize workspace, the controls column: the technique and its knobs (each with a tooltip in the textbook's
// terms), the device and data limits, Apply/Cancel with the running job's progress and loss, and — with no
// model yet — the offer to train one briefly or open a model file. Edits only OptimizeSettings.
#include "app/gui/panels/optimize_workspace.hpp"

#include "app/gui/panels/train_views.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "app/session/optimize_state.hpp"
#include "app/session/session.hpp"
#include "models/core/files.hpp"
#include "sim/deploy/profiles.hpp"

#include <imgui_stdlib.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>

namespace mlsys::gui {
namespace {

const char* technique_label(const std::string& t) {
    if (t == "int8") return "int8 (integer-only)";
    if (t == "int4") return "int4 (integer-only)";
    if (t == "fp16") return "fp16";
    if (t == "bf16") return "bf16";
    if (t == "fp8-e4m3") return "fp8 E4M3";
    if (t == "fp8-e5m2") return "fp8 E5M2";
    if (t == "prune") return "pruning";
    return "distillation";
}

const char* technique_help(const std::string& t) {
    if (t == "int8" || t == "int4")
        return "Post-training quantization: each weight becomes a small integer times a scale, q = round(w / s) + z, and "
               "the network runs on integers only — int8 activations, int32 accumulators, a fixed-point multiplier and "
               "shift to requantize each layer's output, ReLU fused as a clamp — the arithmetic a microcontroller runs. "
               "A float weight takes 4 bytes and an int8 one 1 byte: about 4x less memory and memory traffic. Activation "
               "ranges are calibrated on a sample of training images.";
    if (t == "prune")
        return "Pruning removes the weights that matter least. Magnitude pruning zeroes the smallest |w| (the layer keeps "
               "its shape, so the savings need a sparse format such as CSR or sparse hardware); structured pruning "
               "removes whole filters or units by L1 norm, so the layers really shrink and the MACs fall. Fine-tuning "
               "afterwards lets the remaining weights recover the lost accuracy.";
    if (t == "distill")
        return "Knowledge distillation (Hinton et al., 2015): the current model is the teacher; a smaller student learns "
               "from the teacher's temperature-softened outputs as well as the labels. The softened probabilities carry "
               "'dark knowledge' — which wrong classes look alike — that hard labels lack. The student trained alone "
               "with the same budget is measured beside it.";
    return "Reduced floating-point precision, simulated exactly: every weight and activation is rounded to the format "
           "(fp16: 5 exponent + 10 mantissa bits; bf16: fp32's 8-bit exponent with 7 mantissa bits; fp8 E4M3 / E5M2 "
           "trade mantissa for range). Fewer bytes per value; accuracy measured, not assumed.";
}

void row_label(const Theme& t, const char* label, const char* help, float label_w) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", label);
    if (help) metric_tooltip(help);
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(-1);
}

}  // namespace

// ---- the controls column -----------------------------------------------------------------------------

void OptimizeWorkspace::draw_controls(GuiContext& ctx, session::Session& s, session::OptimizeWorkspaceState& st, float width,
                                      float height) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##optimize_controls", ImVec2(width, height), true);
    const float label_w = 100 * sc;
    session::OptimizeSettings& o = st.settings;

    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("Model");
    ImGui::PopFont();
    if (!s.has_model()) {
        draw_no_model(ctx, s, width);
        ImGui::EndChild();
        layout_.controls = {p0, ImVec2(p0.x + width, p0.y + height)};
        return;
    }
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", s.model_label().c_str());
    ImGui::PopTextWrapPos();
    metric_tooltip("The session's current model: every technique is applied to it. Making a variant current "
                   "(in the table) lets you chain techniques, e.g. prune and then quantize.");
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("Technique");
    ImGui::PopFont();
    row_label(t, "Apply", technique_help(o.technique), label_w);
    if (ImGui::BeginCombo("##technique", technique_label(o.technique))) {
        for (const std::string& name : session::optimize_techniques()) {
            if (ImGui::Selectable(technique_label(name), name == o.technique)) o.technique = name;
            metric_tooltip(technique_help(name));
        }
        ImGui::EndCombo();
    }
    draw_technique_knobs(ctx, st, label_w);

    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("Measure");
    ImGui::PopFont();
    row_label(t, "Device", "Where latency and fit are estimated: a per-layer roofline of the device profile (the "
              "Deploy workspace's model). An int8 model moves a quarter of the bytes and uses the device's integer "
              "throughput where it has one.", label_w);
    if (devices_.empty())
        if (auto lib = sim::load_profile_library())
            for (const auto& d : lib->devices) devices_.emplace_back(d.id, d.name);
    std::string cur_name = o.device;
    for (const auto& d : devices_)
        if (d.first == o.device) cur_name = d.second;
    if (ImGui::BeginCombo("##device", cur_name.c_str())) {
        for (const auto& d : devices_)
            if (ImGui::Selectable(d.second.c_str(), d.first == o.device)) o.device = d.first;
        ImGui::EndCombo();
    }
    row_label(t, "Test images", "Accuracy is measured on this many images of the real test set (0 = all 10,000).", label_w);
    ImGui::InputInt("##test_limit", &o.test_limit, 0, 0);
    o.test_limit = std::max(0, o.test_limit);
    row_label(t, "Train images", "Training images used for calibration, fine-tuning, QAT and distillation (0 = all).", label_w);
    ImGui::InputInt("##train_limit", &o.train_limit, 0, 0);
    o.train_limit = std::max(0, o.train_limit);

    ImGui::Spacing();
    draw_job(ctx, st);
    ImGui::EndChild();
    layout_.controls = {p0, ImVec2(p0.x + width, p0.y + height)};
}

void OptimizeWorkspace::draw_technique_knobs(GuiContext& ctx, session::OptimizeWorkspaceState& st, float label_w) {
    const Theme& t = *ctx.theme;
    session::OptimizeSettings& o = st.settings;
    if (o.technique == "int8" || o.technique == "int4") {
        ImGui::Checkbox("Per-channel scales", &o.per_channel);
        metric_tooltip("One scale per output channel instead of one per tensor: channels with small weights keep their "
                       "resolution. Costs a few bytes per channel; usually recovers most of the int8 loss.");
        bool asym = o.asymmetric_weights;
        if (ImGui::Checkbox("Asymmetric weights", &asym)) o.asymmetric_weights = asym;
        metric_tooltip("Symmetric: zero point 0, the range [-max|w|, max|w|]. Asymmetric: a zero point shifts the range "
                       "to [min w, max w], using all 256 codes when the weights are lopsided (costs a subtraction per MAC).");
        row_label(t, "Calibration", "How each activation's range is chosen from the calibration images: min-max (every "
                  "value fits, outliers widen the step), a percentile (clips rare outliers) or MSE-optimal (the range "
                  "with the smallest quantization error).", label_w);
        const char* methods[] = {"minmax", "percentile", "mse"};
        if (ImGui::BeginCombo("##calib_method", o.calib_method.c_str())) {
            for (const char* m : methods)
                if (ImGui::Selectable(m, o.calib_method == m)) o.calib_method = m;
            ImGui::EndCombo();
        }
        row_label(t, "Calib images", "Training images the activation ranges are calibrated on.", label_w);
        ImGui::InputInt("##calib", &o.calib_samples, 0, 0);
        o.calib_samples = std::clamp(o.calib_samples, 1, 60000);
        row_label(t, "QAT epochs", "Quantization-aware training before converting: the forward pass sees fake-quantized "
                  "weights and activations, the backward pass the straight-through estimator. 0 = post-training only.",
                  label_w);
        ImGui::InputInt("##qat", &o.qat_epochs, 0, 0);
        o.qat_epochs = std::clamp(o.qat_epochs, 0, 20);
    } else if (o.technique == "prune") {
        row_label(t, "Remove", "The share of weights (or of channels, when structured) removed.", label_w);
        float frac = static_cast<float>(100 * o.prune_fraction);
        if (ImGui::SliderFloat("##prune", &frac, 5, 95, "%.0f%%")) o.prune_fraction = frac / 100.0;
        ImGui::Checkbox("Structured (whole channels)", &o.structured);
        metric_tooltip("Remove whole filters or dense units with the smallest L1 norm: the layers shrink, so MACs, "
                       "bytes and latency fall on any hardware. Unstructured pruning keeps the shapes (sparse).");
        ImGui::BeginDisabled(o.structured);
        ImGui::Checkbox("Per-layer threshold", &o.per_layer);
        metric_tooltip("Prune every layer to the same share, instead of one global magnitude threshold (which prunes "
                       "big layers harder and spares small, sensitive ones).");
        ImGui::EndDisabled();
        row_label(t, "Fine-tune", "Epochs of training after pruning, with the pruned weights held at zero.", label_w);
        ImGui::InputInt("##finetune", &o.finetune_epochs, 0, 0);
        o.finetune_epochs = std::clamp(o.finetune_epochs, 0, 20);
    } else if (o.technique == "distill") {
        row_label(t, "Student", "The preset the student is built from (adapted to the data); the current model teaches it.",
                  label_w);
        if (ImGui::BeginCombo("##student", o.student.c_str())) {
            for (const std::string& p : models::preset_names())
                if (p != "playground" && ImGui::Selectable(p.c_str(), p == o.student)) o.student = p;
            ImGui::EndCombo();
        }
        row_label(t, "Temperature", "T divides the logits before the softmax: T > 1 softens the teacher's distribution "
                  "so the student sees how similar the wrong classes are.", label_w);
        float temp = static_cast<float>(o.temperature);
        if (ImGui::SliderFloat("##temperature", &temp, 1, 10, "%.1f")) o.temperature = temp;
        row_label(t, "Alpha", "Weight of the soft (teacher) loss; 1 - alpha weighs the hard labels.", label_w);
        float alpha = static_cast<float>(o.alpha);
        if (ImGui::SliderFloat("##alpha", &alpha, 0, 1, "%.2f")) o.alpha = alpha;
        row_label(t, "Epochs", "Epochs of student training (the same for the student trained alone).", label_w);
        ImGui::InputInt("##distill_epochs", &o.distill_epochs, 0, 0);
        o.distill_epochs = std::clamp(o.distill_epochs, 1, 20);
    } else {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", technique_help(o.technique));
        ImGui::PopTextWrapPos();
    }
}

void OptimizeWorkspace::draw_job(GuiContext& ctx, session::OptimizeWorkspaceState& st) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const bool busy = st.is_busy();
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::BeginDisabled(busy || st.variants.empty());
    ImGui::PushStyleColor(ImGuiCol_Button, with_alpha(t.accent, busy ? 0.35f : 0.85f));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, t.accent);
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 255, 255, 255));
    if (ImGui::Button("▶  Apply", ImVec2(std::floor(w * 0.6f), 0))) apply(ctx);
    ImGui::PopStyleColor(3);
    ImGui::EndDisabled();
    metric_tooltip("Apply the technique to the current model on a background thread (Space). The variant is measured "
                   "on the test set, added to the table and recorded as a Run with before/after metrics.");
    ImGui::SameLine();
    ImGui::BeginDisabled(!busy && !(st.sensitivity_job && !st.sensitivity_job->is_done()));
    if (ImGui::Button("■ Cancel", ImVec2(-1, 0))) st.cancel();
    ImGui::EndDisabled();
    metric_tooltip("Stop the running optimization at its next training step; no variant is added.");
    const session::OptimizeJob* j = st.job.get();
    if (j && !j->is_done()) {
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, t.accent);
        ImGui::ProgressBar(static_cast<float>(j->progress()), ImVec2(-1, 0), j->status().c_str());
        ImGui::PopStyleColor();
        ImGui::PushFont(ctx.fonts.small);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", j->title().c_str());
        ImGui::PopFont();
        if (auto p = j->snapshot(); p && p->losses.size() >= 2) {
            ImGui::PushStyleColor(ImGuiCol_PlotLines, t.series[0]);
            char label[64];
            std::snprintf(label, sizeof label, "loss %.3f", static_cast<double>(p->losses.back()));
            ImGui::PlotLines("##loss", p->losses.data(), static_cast<int>(p->losses.size()), 0, label, FLT_MAX, FLT_MAX,
                             ImVec2(-1, 44 * sc));
            ImGui::PopStyleColor();
            metric_tooltip("The training loss of the fine-tuning, QAT or distillation steps so far.");
        }
    } else if (!st.error.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.bad), "%s", st.error.c_str());
        ImGui::PopTextWrapPos();
    } else if (st.variants.empty()) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "Measuring the model…");
    }
}

void OptimizeWorkspace::draw_no_model(GuiContext& ctx, session::Session& s, float width) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    ImGui::PushTextWrapPos(0.0f);
    const session::OptimizeJob* j = ctx.session->optimize_state().job.get();
    const bool training = (s.train_job() && !s.train_job()->is_done()) || (j && !j->is_done());
    if (training) {
        const double p = j ? j->progress() : s.train_job()->progress();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s… it becomes the current model when done.",
                           j ? j->title().c_str() : "Training in the Train workspace");
        ImGui::ProgressBar(static_cast<float>(p), ImVec2(-1, 0));
        ImGui::PopTextWrapPos();
        return;
    }
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.warning), "There is no trained model yet.");
    ImGui::TextUnformatted("Optimization needs a trained model: its accuracy is what each technique trades away.");
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    if (ImGui::Button("Train the cnn briefly", ImVec2(-1, 0))) train_briefly(ctx);
    metric_tooltip("One epoch of the LeNet-style cnn on 6,000 Fashion-MNIST images (a few seconds, about 80% test "
                   "accuracy), recorded as a Run like any training. For a better model train longer in the Train workspace.");
    ImGui::Spacing();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "or open a model file (.mlsys):");
    if (!recent_scanned_) {
        recent_scanned_ = true;
        recent_models_ = find_model_files({core::data_dir() / "models", s.runs_dir()}, 6);
        if (!recent_models_.empty()) open_path_ = recent_models_.front();
    }
    ImGui::SetNextItemWidth(-1);
    ImGui::InputText("##open_path", &open_path_);
    if (ImGui::Button("Open", ImVec2(80 * sc, 0))) {
        if (const core::Status st = s.load_model(open_path_); !st) ctx.show_error("Could not open the model", st.error());
    }
    for (const std::string& p : recent_models_) {
        ImGui::PushFont(ctx.fonts.small);
        const std::string shown = p.size() > 40 ? "…" + p.substr(p.size() - 39) : p;
        if (ImGui::Selectable(shown.c_str(), p == open_path_, 0, ImVec2(width - 24 * sc, 0))) open_path_ = p;
        metric_tooltip(p.c_str());
        ImGui::PopFont();
    }
}

}  // namespace mlsys::gui
