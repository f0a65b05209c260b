// Train workspace, the model section: preset picker, the layer list (read-only for a preset, a master-detail
// editor for a custom list) and the live totals from make_workload. Edits session::TrainSettings::custom_spec.
#include "app/gui/panels/train_workspace.hpp"

#include "app/gui/widgets/plot_math.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"
#include "models/model/model.hpp"
#include "models/model/model_spec.hpp"

#include <imgui_stdlib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cfloat>
#include <cstdio>

namespace mlsys::gui {
namespace {

using models::LayerKind;

constexpr LayerKind kAllKinds[] = {LayerKind::Dense,     LayerKind::Conv2D,    LayerKind::DepthwiseConv2D,
                                   LayerKind::MaxPool2D, LayerKind::AvgPool2D, LayerKind::GlobalAvgPool,
                                   LayerKind::Flatten,   LayerKind::ReLU,      LayerKind::Sigmoid,
                                   LayerKind::Tanh,      LayerKind::Softmax,   LayerKind::Dropout,
                                   LayerKind::BatchNorm};

const char* kind_help(LayerKind k) {
    switch (k) {
    case LayerKind::Dense: return "Fully connected: every output is Σ xᵢwᵢⱼ + b over all inputs (n_in·n_out weights).";
    case LayerKind::Conv2D: return "A small kernel slides over the image; each filter's weights are reused at every position.";
    case LayerKind::DepthwiseConv2D: return "One kernel per channel, no mixing between channels: far fewer MACs than a full convolution.";
    case LayerKind::MaxPool2D: return "Keeps the largest value of each window: shrinks the image, no weights.";
    case LayerKind::AvgPool2D: return "Averages each window: shrinks the image, no weights.";
    case LayerKind::GlobalAvgPool: return "Averages each channel over the whole image: one value per channel.";
    case LayerKind::Flatten: return "Reshapes an image into one vector for dense layers; no arithmetic.";
    case LayerKind::ReLU: return "max(0, x): the usual activation; cheap and does not saturate for positive inputs.";
    case LayerKind::Sigmoid: return "1 / (1 + e⁻ˣ): squashes to (0, 1); gradients vanish for large |x|.";
    case LayerKind::Tanh: return "Squashes to (-1, 1); zero-centred, used by TensorFlow Playground.";
    case LayerKind::Softmax: return "Turns the last layer's scores into class probabilities (fused with the loss in training).";
    case LayerKind::Dropout: return "Zeroes a random share of activations while training, so the network cannot rely on any one.";
    case LayerKind::BatchNorm: return "Normalises each channel over the batch, then scales and shifts it with learned values.";
    }
    return "";
}

std::string shape_text(const models::WorkloadLayer& w) {
    char buf[48];
    if (w.out_h == 1 && w.out_w == 1) std::snprintf(buf, sizeof buf, "%d", w.out_c);
    else std::snprintf(buf, sizeof buf, "%d×%d×%d", w.out_h, w.out_w, w.out_c);
    return buf;
}

bool edit_int(const char* label, const char* id, const char* help, const Theme& t, float lw, int& value, int lo, int hi) {
    settings_label(t, label, help, lw);
    int v = value;
    if (!ImGui::InputInt(id, &v)) return false;
    value = std::clamp(v, lo, hi);
    return true;
}

}  // namespace

const ModelTotals& TrainWorkspace::totals(const session::TrainSettings& st) {
    std::string key = st.dataset + "|" + st.model;
    if (st.model == "custom") key += "|" + models::to_json(st.custom_spec).dump();
    if (key != totals_key_) {
        totals_ = model_totals(st);
        totals_key_ = key;
    }
    return totals_;
}

void TrainWorkspace::draw_model_section(GuiContext& ctx, session::Session& s) {
    const Theme& t = *ctx.theme;
    const float lw = 128 * ctx.fonts.scale;
    session::TrainSettings& st = s.train;
    const bool is_custom = st.model == "custom";
    settings_label(t, "Preset", "A built-in network, or \"custom\": your own layer list. The last dense layer is "
                                "always resized to the dataset's number of classes.", lw);
    const std::string shown = is_custom ? "custom (" + std::to_string(st.custom_spec.layers.size()) + " layers)" : st.model;
    if (ImGui::BeginCombo("##model", shown.c_str())) {
        for (const std::string& name : models::preset_names())
            if (ImGui::Selectable(name.c_str(), name == st.model)) st.model = name;
        if (!st.custom_spec.layers.empty() && ImGui::Selectable("custom", is_custom)) st.model = "custom";
        ImGui::EndCombo();
    }
    const ModelTotals& tot = totals(st);

    // The layer list: a tree node so the column stays short; open while editing.
    const std::string header = "Layers (" + std::to_string(tot.ok ? tot.workload.layers.size() : st.custom_spec.layers.size()) +
                               ")###layers";
    if (is_custom && selected_layer_ >= 0) ImGui::SetNextItemOpen(true, ImGuiCond_Once);
    const bool open = ImGui::TreeNodeEx(header.c_str(), ImGuiTreeNodeFlags_SpanAvailWidth);
    ImGui::SameLine(ImGui::GetContentRegionMax().x - 96 * ctx.fonts.scale);
    if (!is_custom) {
        if (ImGui::SmallButton("Edit layers")) {
            auto spec = session::settings_spec(st);
            if (spec) {
                st.custom_spec = *spec;
                st.custom_spec.name = st.model + "-edited";
                const DatasetShape ds = dataset_shape(st.dataset);
                (void)models::adapt_to_dataset(st.custom_spec, ds.sample_shape, ds.n_classes);
                st.model = "custom";
                selected_layer_ = 0;
                ImGui::GetStateStorage()->SetInt(ImGui::GetID("###layers"), 1);
            }
        }
        metric_tooltip("Copy this preset into a layer list you can change: add, remove and reorder layers and edit "
                       "their settings, with the totals below updated as you type.");
    } else {
        ImGui::TextDisabled("editable");
    }
    if (open) {
        draw_layer_list(ctx, s, st.model == "custom");
        ImGui::TreePop();
    }
    draw_totals(ctx);
}

void TrainWorkspace::draw_layer_list(GuiContext& ctx, session::Session& s, bool editable) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    session::TrainSettings& st = s.train;
    const ModelTotals& tot = totals(st);
    auto spec = session::settings_spec(st);
    const std::vector<models::LayerSpec> empty;
    const std::vector<models::LayerSpec>& layers = editable ? st.custom_spec.layers : (spec ? spec->layers : empty);
    const int n = static_cast<int>(layers.size());
    if (selected_layer_ >= n) selected_layer_ = n - 1;

    ImGui::PushFont(ctx.fonts.small);
    if (ImGui::BeginTable("##layer_table", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("layer", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("output", ImGuiTableColumnFlags_WidthFixed, 70 * sc);
        ImGui::TableSetupColumn("params", ImGuiTableColumnFlags_WidthFixed, 44 * sc);
        ImGui::TableHeadersRow();
        for (int i = 0; i < n; ++i) {
            const models::LayerSpec& l = layers[static_cast<std::size_t>(i)];
            const bool has_w = tot.ok && i < static_cast<int>(tot.workload.layers.size());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushID(i);
            const std::string name = l.name.empty() ? models::to_string(l.kind) : l.name;
            if (editable) {
                if (ImGui::Selectable(name.c_str(), selected_layer_ == i, ImGuiSelectableFlags_SpanAllColumns))
                    selected_layer_ = i;
            } else {
                ImGui::TextUnformatted(name.c_str());
            }
            if (ImGui::IsItemHovered()) {
                const std::string summary = layer_summary(l);
                ImGui::BeginTooltip();
                ImGui::Text("%s%s%s", models::to_string(l.kind), summary.empty() ? "" : ": ", summary.c_str());
                ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
                ImGui::TextDisabled("%s", kind_help(l.kind));
                if (has_w) {
                    const models::WorkloadLayer& w = tot.workload.layers[static_cast<std::size_t>(i)];
                    ImGui::Text("%s parameters · %s MACs per image", format_count(w.n_params()).c_str(), format_si(static_cast<double>(w.macs)).c_str());
                }
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
            ImGui::PopID();
            ImGui::TableNextColumn();
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s",
                               has_w ? shape_text(tot.workload.layers[static_cast<std::size_t>(i)]).c_str() : "—");
            ImGui::TableNextColumn();
            const int64_t p = has_w ? tot.workload.layers[static_cast<std::size_t>(i)].n_params() : 0;
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s",
                               !has_w ? "—" : p == 0 ? "·" : format_si(static_cast<double>(p)).c_str());
        }
        ImGui::EndTable();
    }
    ImGui::PopFont();
    if (!editable) return;

    // Editing buttons: add after the selection, move, remove.
    const DatasetShape ds = dataset_shape(st.dataset);
    std::vector<models::LayerSpec>& edit = st.custom_spec.layers;
    bool changed = false;
    if (ImGui::SmallButton("+ Add")) ImGui::OpenPopup("##add_layer");
    metric_tooltip("Insert a layer after the selected one.");
    if (ImGui::BeginPopup("##add_layer")) {
        for (LayerKind k : kAllKinds) {
            if (ImGui::Selectable(models::to_string(k))) {
                selected_layer_ = insert_layer(edit, selected_layer_ < 0 ? n : selected_layer_ + 1, k);
                changed = true;
            }
            metric_tooltip(kind_help(k));
        }
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(selected_layer_ <= 0);
    if (ImGui::SmallButton("↑ Up")) selected_layer_ = move_layer(edit, selected_layer_, -1), changed = true;
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(selected_layer_ < 0 || selected_layer_ >= n - 1);
    if (ImGui::SmallButton("↓ Down")) selected_layer_ = move_layer(edit, selected_layer_, +1), changed = true;
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(selected_layer_ < 0 || n <= 1);
    if (ImGui::SmallButton("✗ Remove")) selected_layer_ = remove_layer(edit, selected_layer_), changed = true;
    ImGui::EndDisabled();
    if (selected_layer_ >= 0 && selected_layer_ < static_cast<int>(edit.size())) {
        const models::LayerSpec before = edit[static_cast<std::size_t>(selected_layer_)];
        draw_layer_fields(ctx, s, edit[static_cast<std::size_t>(selected_layer_)]);
        changed = changed || models::to_json(before) != models::to_json(edit[static_cast<std::size_t>(selected_layer_)]) ||
                  before.name != edit[static_cast<std::size_t>(selected_layer_)].name;
    }
    if (changed) (void)models::adapt_to_dataset(st.custom_spec, ds.sample_shape, ds.n_classes);  // totals report errors
}

void TrainWorkspace::draw_layer_fields(GuiContext& ctx, session::Session& s, models::LayerSpec& l) {
    const Theme& t = *ctx.theme;
    const float lw = 128 * ctx.fonts.scale;
    ImGui::PushID("layer_fields");
    settings_label(t, "Type", kind_help(l.kind), lw);
    if (ImGui::BeginCombo("##kind", models::to_string(l.kind))) {
        for (LayerKind k : kAllKinds) {
            if (ImGui::Selectable(models::to_string(k), k == l.kind) && k != l.kind) {
                std::vector<models::LayerSpec>& layers = s.train.custom_spec.layers;
                const int i = static_cast<int>(&l - layers.data());
                remove_layer(layers, i);
                selected_layer_ = insert_layer(layers, i, k);
                ImGui::EndCombo();
                ImGui::PopID();
                return;  // `l` now refers to the replacement; its fields are drawn next frame
            }
            metric_tooltip(kind_help(k));
        }
        ImGui::EndCombo();
    }
    settings_label(t, "Name", "Unique within the model; other workspaces show layers by this name.", lw);
    ImGui::InputText("##name", &l.name);
    switch (l.kind) {
    case LayerKind::Dense:
        edit_int("Units", "##units", "Output features: the layer has inputs × units weights plus units biases.", t, lw,
                 l.units, 1, 65536);
        break;
    case LayerKind::Conv2D:
        edit_int("Filters", "##filters", "Output channels: one kernel (k×k×input channels weights) per filter.", t, lw,
                 l.filters, 1, 4096);
        [[fallthrough]];
    case LayerKind::DepthwiseConv2D: {
        int k = l.kernel_h;
        if (edit_int("Kernel", "##kernel", "The square window each output looks at (k×k).", t, lw, k, 1, 15))
            l.kernel_h = l.kernel_w = k;
        edit_int("Stride", "##stride", "How far the window moves between outputs: stride 2 halves the image.", t, lw,
                 l.stride, 1, 8);
        edit_int("Padding", "##padding", "Zero pixels around the image: (kernel - 1) / 2 keeps its size (\"same\").", t,
                 lw, l.padding, 0, 7);
        break;
    }
    case LayerKind::MaxPool2D:
    case LayerKind::AvgPool2D: {
        int k = l.kernel_h;
        if (edit_int("Window", "##window", "The pooling window (k×k).", t, lw, k, 1, 8)) l.kernel_h = l.kernel_w = k;
        edit_int("Stride", "##pstride", "How far the window moves; equal to the window for non-overlapping pools.", t,
                 lw, l.stride, 1, 8);
        break;
    }
    case LayerKind::Dropout:
        settings_label(t, "Rate", "The share of activations zeroed in each training step.", lw);
        ImGui::SliderFloat("##rate", &l.rate, 0.0f, 0.9f, "%.2f");
        break;
    case LayerKind::BatchNorm:
        settings_label(t, "Momentum", "How slowly the running mean and variance (used at inference) follow the batches.", lw);
        ImGui::SliderFloat("##bn_momentum", &l.momentum, 0.5f, 0.999f, "%.3f");
        break;
    case LayerKind::GlobalAvgPool:
    case LayerKind::Flatten:
    case LayerKind::ReLU:
    case LayerKind::Sigmoid:
    case LayerKind::Tanh:
    case LayerKind::Softmax: break;
    }
    if (l.kind == LayerKind::Dense || l.kind == LayerKind::Conv2D || l.kind == LayerKind::DepthwiseConv2D) {
        ImGui::SetCursorPosX(lw);
        ImGui::Checkbox("bias##use_bias", &l.use_bias);
        metric_tooltip("Add a learned offset b to every output (one value per output feature or channel).");
    }
    ImGui::PopID();
}

void TrainWorkspace::draw_totals(GuiContext& ctx) {
    const Theme& t = *ctx.theme;
    const ModelTotals& tot = totals_;
    if (!tot.ok) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.bad), "✗ %s", tot.error.c_str());
        ImGui::PopTextWrapPos();
        return;
    }
    if (!ImGui::BeginTable("##totals", 2, ImGuiTableFlags_SizingFixedFit)) return;
    ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, 108 * ctx.fonts.scale);
    ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
    auto row = [&](const char* k, const std::string& v, const char* help) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", k);
        metric_tooltip(help);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(v.c_str());
        metric_tooltip(help);
    };
    row("Parameters", format_count(tot.params),
        "Weights and biases the network learns. A dense layer from n to m units has n·m weights and m biases "
        "(the book's 784-100-100-10 MLP: 89,610).");
    row("MACs / image", tot.macs_per_sample < 1000000 ? format_count(tot.macs_per_sample) : format_si(static_cast<double>(tot.macs_per_sample)),
        "Multiply-accumulates for one forward pass of one image (the book's 784-100-100-10 MLP: 89,400). One MAC is "
        "two FLOPs; training costs about three forward passes.");
    row("Weights", format_bytes(static_cast<double>(tot.weight_bytes)) + " (FP32)",
        "Parameters × 4 bytes. The book's MLP: 358.44 KB in FP32, half in FP16, a quarter in INT8.");
    row("Activations", format_bytes(static_cast<double>(tot.train_activation_bytes)) + " / image to train",
        "Training keeps every layer's output (and the input) for the backward pass; inference keeps only the current "
        "layer's input and output (the book's Tables 3.5 and 3.6).");
    row("", format_bytes(static_cast<double>(tot.infer_activation_bytes)) + " peak to infer",
        "The largest input + output of a single layer: what inference must hold at once.");
    ImGui::EndTable();
}

}  // namespace mlsys::gui
