// Train workspace, the systems strip: throughput, FLOPs per step, the training-memory split and the step-time
// split of the running (or last) job, from its snapshot — the numbers a training visualizer usually hides.
#include "app/gui/panels/train_workspace.hpp"

#include "app/gui/widgets/plot_math.hpp"
#include "app/gui/widgets/stacked_meter.hpp"
#include "app/gui/widgets/tooltip.hpp"

#include <algorithm>
#include <cstdio>

namespace mlsys::gui {
namespace {

constexpr const char* kThroughputHelp =
    "Training images processed per second — forward pass, backward pass and weight update — averaged over the "
    "last steps; evaluation is not counted. Larger batches usually raise it, because each step amortises its fixed "
    "costs over more images (the book: a batch \"can process images up to 32 times faster on parallel hardware\").";
constexpr const char* kFlopsHelp =
    "Floating-point operations in one training step: 2 FLOPs per multiply-accumulate × the model's MACs per image "
    "× the batch size × 3, since the backward pass costs about twice the forward pass. Divided by the step time it "
    "gives the FLOP/s this machine achieves.";
constexpr const char* kMemoryHelp =
    "What training holds at once, in FP32: the weights; one gradient per weight; the optimizer's state; and every "
    "layer's activations for the whole batch, kept for the backward pass. Inference needs only the weights and one "
    "layer's activations (the book's Tables 3.5 and 3.6).";
constexpr const char* kStepHelp =
    "The time of one training step, averaged over recent steps and split into the forward pass (outputs and loss), "
    "the backward pass (gradients by the chain rule, ∂L/∂W = ∂L/∂Z·Aᵀ) and the update (θ ← θ − α∇L).";

// A card's dim title and large value (the border is drawn once every card's height is known); returns the
// y where its body starts.
float card_header(GuiContext& ctx, ImVec2 p0, float width, const char* title, const char* value, const char* help) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* small = ctx.fonts.small;
    ImFont* big = ctx.fonts.heading;
    float y = p0.y + 8 * sc;
    dl->AddText(small, small->FontSize, ImVec2(p0.x + 12 * sc, y), t.text_dim, title);
    y += small->FontSize + 3 * sc;
    dl->AddText(big, big->FontSize, ImVec2(p0.x + 12 * sc, y), t.text, value);
    y += big->FontSize + 6 * sc;
    ImGui::SetCursorScreenPos(p0);
    ImGui::InvisibleButton(title, ImVec2(width, y - p0.y));
    metric_tooltip(help);
    return y;
}

// A dim "label value" line in a card with its own tooltip; returns the y of the next line.
float card_line(GuiContext& ctx, ImVec2 p0, float width, float y, const char* label, const std::string& value,
                const char* help) {
    const float sc = ctx.fonts.scale;
    ImFont* small = ctx.fonts.small;
    const float fs = small->FontSize;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 at(p0.x + 12 * sc, y);
    dl->AddText(small, fs, at, ctx.theme->text_dim, label);
    const float lw = small->CalcTextSizeA(fs, 1e9f, 0, label).x;
    dl->AddText(small, fs, ImVec2(at.x + lw + 6 * sc, y), ctx.theme->text, value.c_str());
    if (help) {
        ImGui::SetCursorScreenPos(at);
        ImGui::InvisibleButton(label, ImVec2(width - 24 * sc, fs + 2 * sc));
        metric_tooltip(help);
    }
    return y + fs + 4 * sc;
}

}  // namespace

void TrainWorkspace::draw_systems(GuiContext& ctx, float width) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const session::TrainSnapshot* snap = view_.snap.get();
    const bool has = snap && snap->step > 0;
    const float inner = width - 2 * gap;
    // Widths that fit two legend columns in the memory and step cards at 1280 x 800.
    const float w0 = std::floor(inner * 0.225f), w1 = std::floor(inner * 0.42f), w2 = inner - w0 - w1;
    float bottom = origin.y;  // the lowest content of any card
    const double step_ms = has ? snap->forward_ms + snap->backward_ms + snap->update_ms : 0;

    // Throughput: images/s, FLOPs per step, and the FLOP/s they imply.
    ImVec2 p0 = origin;
    float y = card_header(ctx, p0, w0, "Throughput (images / s)", has ? format_si(snap->images_per_s).c_str() : "—",
                          kThroughputHelp);
    y = card_line(ctx, p0, w0, y, "FLOPs / step", has ? format_si(snap->flops_per_step) : "—", kFlopsHelp);
    y = card_line(ctx, p0, w0, y, "achieved", has && step_ms > 0 ? format_si(snap->flops_per_step / (step_ms / 1000)) + " FLOP/s" : "—",
              "FLOPs per step divided by the step time: the arithmetic rate this machine sustains while training. "
              "Compare it with a processor's peak to see how much of the hardware the training loop uses.");
    bottom = std::max(bottom, y);

    // Training memory.
    p0 = ImVec2(origin.x + w0 + gap, origin.y);
    const double mem = has ? static_cast<double>(snap->weight_bytes + snap->gradient_bytes + snap->optimizer_bytes +
                                                 snap->activation_bytes)
                           : 0.0;
    y = card_header(ctx, p0, w1, "Training memory (FP32)", has ? format_bytes(mem).c_str() : "—", kMemoryHelp);
    if (has) {
        auto bytes = [](int64_t b) { return format_bytes(static_cast<double>(b)); };
        ImGui::SetCursorScreenPos(ImVec2(p0.x + 12 * sc, y));
        stacked_meter("##memory_meter",
                      {{"weights", static_cast<double>(snap->weight_bytes), bytes(snap->weight_bytes), t.series[0],
                        "The parameters, 4 bytes each: what inference also needs."},
                       {"gradients", static_cast<double>(snap->gradient_bytes), bytes(snap->gradient_bytes), t.series[1],
                        "One gradient ∂L/∂θ per parameter, computed by the backward pass."},
                       {"optimizer", static_cast<double>(snap->optimizer_bytes), bytes(snap->optimizer_bytes), t.series[2],
                        "Adam keeps two running moments per parameter; SGD with momentum one; plain SGD none."},
                       {"activations", static_cast<double>(snap->activation_bytes), bytes(snap->activation_bytes), t.series[3],
                        "Every layer's output for the whole batch, kept for the backward pass: grows with the batch size."}},
                      w1 - 24 * sc);
        bottom = std::max(bottom, ImGui::GetItemRectMax().y);
    } else {
        bottom = std::max(bottom, card_line(ctx, p0, w1, y, "weights · gradients · optimizer · activations", "", nullptr));
    }

    // Step time.
    p0 = ImVec2(origin.x + w0 + w1 + 2 * gap, origin.y);
    y = card_header(ctx, p0, w2, "Step time", has ? format_ms(step_ms).c_str() : "—", kStepHelp);
    if (has) {
        ImGui::SetCursorScreenPos(ImVec2(p0.x + 12 * sc, y));
        stacked_meter("##step_meter",
                      {{"forward", snap->forward_ms, format_ms(snap->forward_ms), t.series[0],
                        "Computing every layer's output and the loss for the batch."},
                       {"backward", snap->backward_ms, format_ms(snap->backward_ms), t.series[1],
                        "Propagating the loss gradient back through every layer: about twice the forward work."},
                       {"update", snap->update_ms, format_ms(snap->update_ms), t.series[2],
                        "Applying the optimizer to every parameter: θ ← θ − α∇L (Adam does more per parameter)."}},
                      w2 - 24 * sc);
        bottom = std::max(bottom, ImGui::GetItemRectMax().y);
    } else {
        bottom = std::max(bottom, card_line(ctx, p0, w2, y, "forward · backward · update", "", nullptr));
    }

    // One height for the row: the tallest content, never less than two legend rows need.
    const float h = std::max(104 * sc, std::ceil(bottom - origin.y + 8 * sc));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float xs[3] = {origin.x, origin.x + w0 + gap, origin.x + w0 + w1 + 2 * gap}, ws[3] = {w0, w1, w2};
    for (int i = 0; i < 3; ++i) dl->AddRect(ImVec2(xs[i], origin.y), ImVec2(xs[i] + ws[i], origin.y + h), t.border, 6 * sc);
    ImGui::SetCursorScreenPos(origin);
    ImGui::Dummy(ImVec2(width, h));
    layout_.systems = {origin, ImVec2(origin.x + width, origin.y + h)};
}

}  // namespace mlsys::gui
