// Train workspace, the live views: loss and accuracy curves with the book's anchors, the confusion matrix,
// the test-image grid, the decision boundary and the neuron thumbnails — all drawn from the snapshot that
// rebuild_view() turned into arrays and RGBA pictures (uploaded as textures only when it changes).
#include "app/gui/panels/train_workspace.hpp"

#include "app/gui/widgets/heatmap.hpp"
#include "app/gui/widgets/plot.hpp"
#include "app/session/session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {
namespace {

constexpr float kSmoothing = 0.9f;        // TensorBoard's default-like smoothing of the per-step train curves
constexpr float kBoundaryStrength = 0.8f;  // background tint; the points keep the full colours

// Draws tile `uv` of an atlas into [a, b]: the GPU texture when there is one, else (headless) at most 8 x 8
// rectangles sampled from the pixels.
void draw_atlas_tile(ImDrawList* dl, ImTextureID tex, const std::vector<uint32_t>& atlas, int aw, int ah, TileUv uv,
                     ImVec2 a, ImVec2 b) {
    if (tex) {
        dl->AddImage(tex, a, b, ImVec2(uv.u0, uv.v0), ImVec2(uv.u1, uv.v1));
        return;
    }
    constexpr int kCells = 8;
    const float cw = (b.x - a.x) / kCells, ch = (b.y - a.y) / kCells;
    for (int r = 0; r < kCells; ++r)
        for (int c = 0; c < kCells; ++c) {
            const int px = std::clamp(static_cast<int>((uv.u0 + (uv.u1 - uv.u0) * (c + 0.5f) / kCells) * aw), 0, aw - 1);
            const int py = std::clamp(static_cast<int>((uv.v0 + (uv.v1 - uv.v0) * (r + 0.5f) / kCells) * ah), 0, ah - 1);
            dl->AddRectFilled(ImVec2(a.x + c * cw, a.y + r * ch), ImVec2(a.x + (c + 1) * cw, a.y + (r + 1) * ch),
                              atlas[static_cast<std::size_t>(py) * aw + px]);
        }
}

ImTextureID texture(const char* key, int w, int h, const std::vector<uint32_t>& rgba, uint64_t version) {
    GuiContext* ctx = current_gui_context();
    if (!ctx || !ctx->textures || rgba.empty()) return nullptr;
    return ctx->textures->update(key, w, h, rgba.data(), version);
}

}  // namespace

void TrainWorkspace::rebuild_view(std::shared_ptr<const session::TrainSnapshot> snap) {
    const int images_cols = view_.images_cols;
    const uint64_t version = view_.version + 1;
    view_ = View{};
    view_.version = version;
    view_.images_cols = images_cols;
    view_.snap = std::move(snap);
    const session::TrainSnapshot* s = view_.snap.get();
    if (!s) return;
    view_.loss_smooth = smooth_ema(s->train_loss, kSmoothing);
    view_.acc_pct = to_percent(s->train_accuracy);
    view_.acc_smooth_pct = to_percent(smooth_ema(s->train_accuracy, kSmoothing));
    view_.val_acc_pct = to_percent(s->val_accuracy);
    view_.n_classes = static_cast<int>(std::max(s->class_names.size(), s->confusion.size()));
    const int k = static_cast<int>(s->confusion.size());
    for (int r = 0; r < k; ++r) {
        for (int c = 0; c < k; ++c) {
            const auto& row = s->confusion[static_cast<std::size_t>(r)];
            view_.confusion.push_back(c < static_cast<int>(row.size()) ? static_cast<float>(row[static_cast<std::size_t>(c)]) : 0.0f);
        }
        view_.confusion_diagonal.push_back(r * k + r);
    }
    if (s->boundary_res > 0) view_.boundary = boundary_pixels(s->boundary_class, s->boundary_confidence, view_.n_classes, kBoundaryStrength);
    for (int c = 0; c < std::max(2, view_.n_classes); ++c) view_.point_palette.push_back(class_point_color(c, view_.n_classes));
    const std::size_t np = std::min(s->points_xy.size() / 2, s->points_label.size());
    for (std::size_t i = 0; i < np; ++i) {
        view_.point_x.push_back(s->points_xy[2 * i]);
        view_.point_y.push_back(s->points_xy[2 * i + 1]);
    }
    const int n_images = static_cast<int>(s->grid_true.size());
    if (n_images > 0 && s->image_h > 0)
        view_.images = image_atlas(s->grid_pixels, n_images, s->image_h, s->image_w, view_.images_cols, view_.images_w, view_.images_h);
    NeuronGrid grid;
    grid.res = s->thumb_res;
    for (const auto& layer : s->neurons) {
        grid.n_neurons.push_back(layer.n_neurons);
        grid.values.push_back(&layer.values);
    }
    view_.neurons = neuron_atlas(grid, view_.neurons_w, view_.neurons_h);
}

void TrainWorkspace::draw_curves(GuiContext& ctx, float width, float height) {
    const Theme& t = *ctx.theme;
    const session::TrainSnapshot* s = view_.snap.get();
    const int n = s ? static_cast<int>(s->step_x.size()) : 0;
    const int nv = s ? static_cast<int>(s->val_x.size()) : 0;
    const int k = view_.n_classes > 1 ? view_.n_classes : dataset_shape(session_ ? session_->train.dataset : "").n_classes;
    const ImU32 raw0 = with_alpha(t.series[0], 0.28f);

    PlotSpec loss;
    loss.title = "Loss";
    loss.help = "Cross-entropy, −log of the probability given to the right class, averaged over a batch. A network "
                "that guesses uniformly among K classes scores ln K — ln 10 ≈ 2.3, where the book's MNIST run starts — "
                "and the book's MLP falls to ≈ 0.1. Train: per step (faint) and smoothed; validation: held-out data.";
    loss.size = ImVec2(width, height);
    loss.x.label = "step";
    loss.y.label = "loss";
    loss.y.include_zero = true;
    loss.empty_text = "Start training to see the loss fall";
    char chance[64];
    std::snprintf(chance, sizeof chance, "chance: ln %d ≈ %.2f", k, std::log(static_cast<double>(k)));
    Plot loss_plot("##train_loss", loss);
    if (n > 0) {
        loss_plot.line({nullptr, s->step_x.data(), s->train_loss.data(), n, 0, raw0, 1.0f})
            .line({"train", s->step_x.data(), view_.loss_smooth.data(), n, 0, t.series[0], 2.0f})
            .line({"validation", s->val_x.data(), s->val_loss.data(), nv, 0, t.series[1], 2.0f, nv < 60})
            .ref_line({std::log(static_cast<double>(k)), false, chance, 0, true});
        if (k == 10) loss_plot.ref_line({0.1, false, "book's MNIST MLP ends ≈ 0.1", with_alpha(t.good, 0.8f), true});
    }
    const ImVec2 loss_min = ImGui::GetCursorScreenPos();
    loss_plot.draw();
    layout_.loss = {loss_min, ImGui::GetItemRectMax()};
    ImGui::SameLine();

    PlotSpec acc;
    acc.title = "Accuracy";
    acc.help = "The share of images classified correctly. Chance is 1 / K (10% for ten classes); the book's MNIST MLP "
               "climbs \"from 10% … to over 95%\". A validation curve that stalls while train keeps rising is "
               "overfitting.";
    acc.size = ImVec2(width, height);
    acc.x.label = "step";
    acc.y = AxisSpec{"accuracy (%)", false, AxisFit::Fixed, 0, 100};
    acc.y.format = "%.1f";
    acc.empty_text = "Start training to see the accuracy climb";
    char chance_acc[48];
    std::snprintf(chance_acc, sizeof chance_acc, "chance %.0f%%", 100.0 / k);
    Plot acc_plot("##train_accuracy", acc);
    if (n > 0) {
        acc_plot.line({nullptr, s->step_x.data(), view_.acc_pct.data(), n, 0, raw0, 1.0f})
            .line({"train", s->step_x.data(), view_.acc_smooth_pct.data(), n, 0, t.series[0], 2.0f})
            .line({"validation", s->val_x.data(), view_.val_acc_pct.data(), nv, 0, t.series[1], 2.0f, nv < 60})
            .ref_line({100.0 / k, false, chance_acc, 0, true});
    }
    const ImVec2 acc_min = ImGui::GetCursorScreenPos();
    acc_plot.draw();
    layout_.accuracy = {acc_min, ImGui::GetItemRectMax()};
}

void TrainWorkspace::draw_confusion(GuiContext& ctx, float width, float height) {
    (void)ctx;
    const session::TrainSnapshot* s = view_.snap.get();
    const int k = s ? static_cast<int>(s->confusion.size()) : 0;
    HeatmapSpec spec;
    spec.title = s && s->finished ? "Confusion matrix (test set)" : "Confusion matrix (validation)";
    spec.help = "Rows: the true class; columns: what the network predicted; each cell counts images. The diagonal "
                "(outlined) holds the correct answers; bright cells off it show which classes the network confuses — "
                "on Fashion-MNIST usually shirts, T-shirts, pullovers and coats.";
    spec.size = ImVec2(width, height);
    spec.row_axis = "true class";
    spec.col_axis = "predicted class";
    if (s && static_cast<int>(s->class_names.size()) == k) {
        spec.row_labels = &s->class_names;
        spec.col_labels = &s->class_names;
    }
    spec.show_values = true;
    spec.colorbar_label = "images";
    spec.highlight_cells = &view_.confusion_diagonal;
    spec.empty_text = "Filled in at the first validation pass";
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    heatmap("##train_confusion", spec, k > 0 ? view_.confusion.data() : nullptr, k, k);
    layout_.confusion = {p0, ImGui::GetItemRectMax()};
}

void TrainWorkspace::draw_image_grid(GuiContext& ctx, float width, float height) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const session::TrainSnapshot* s = view_.snap.get();
    const int n = s ? static_cast<int>(std::min(s->grid_true.size(), s->grid_pred.size())) : 0;
    int correct = 0;
    for (int i = 0; i < n; ++i) correct += s->grid_true[static_cast<std::size_t>(i)] == s->grid_pred[static_cast<std::size_t>(i)];
    std::vector<LegendItem> legend;
    char counts[64];
    if (n > 0) {
        std::snprintf(counts, sizeof counts, "%d of %d right", correct, n);
        legend.push_back({counts, t.good});
        legend.push_back({"mistake", t.bad});
    }
    const ChartLayout L = begin_chart("##train_images", "Test images",
                                      "A fixed sample of test images the network never trains on, with its current "
                                      "prediction under each. Red frames are mistakes; hover for the true class and "
                                      "the network's confidence.",
                                      ImVec2(width, height), legend);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (n == 0 || view_.images.empty()) {
        draw_centered_note(dl, L.content_min, L.content_max, "Predictions on test images appear while training");
        end_chart(L, "Test images", nullptr);
        layout_.images = {L.frame_min, L.frame_max};
        return;
    }
    // The largest tiles that fit, each with a label row under it.
    ImFont* small = ctx.fonts.small;
    const float fs = small->FontSize, gap = 6 * sc, label_h = fs + 3 * sc;
    const float cw = L.content_max.x - L.content_min.x, ch = L.content_max.y - L.content_min.y;
    int cols = 1;
    float tile = 0;
    for (int c = 3; c <= 12; ++c) {
        const int rows = (n + c - 1) / c;
        const float tw = (cw - (c - 1) * gap) / c, th = (ch - (rows - 1) * gap) / rows - label_h;
        const float side = std::floor(std::min(tw, th));
        if (side > tile) {
            tile = side;
            cols = c;
        }
    }
    const float grid_w = cols * tile + (cols - 1) * gap;
    const float x0 = L.content_min.x + std::floor((cw - grid_w) * 0.5f);
    ImTextureID tex = texture("train.images", view_.images_w, view_.images_h, view_.images, view_.version);
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    for (int i = 0; i < n; ++i) {
        const ImVec2 a(x0 + (i % cols) * (tile + gap), L.content_min.y + (i / cols) * (tile + label_h + gap));
        const ImVec2 b(a.x + tile, a.y + tile);
        const TileUv uv = atlas_tile_uv(i, s->image_h, s->image_w, view_.images_cols, view_.images_w, view_.images_h);
        draw_atlas_tile(dl, tex, view_.images, view_.images_w, view_.images_h, uv, a, b);
        const int truth = s->grid_true[static_cast<std::size_t>(i)], pred = s->grid_pred[static_cast<std::size_t>(i)];
        const bool right = truth == pred;
        dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), right ? with_alpha(t.good, 0.55f) : t.bad, 2 * sc, 0,
                    right ? 1.0f : 2.0f * sc);
        const std::string& name = pred >= 0 && pred < static_cast<int>(s->class_names.size())
                                      ? s->class_names[static_cast<std::size_t>(pred)] : std::to_string(pred);
        // A long class name ("T-shirt/top") shrinks to fit under its tile (down to 80%), then is clipped.
        const float room = tile + gap;
        const float full_w = small->CalcTextSizeA(fs, 1e9f, 0, name.c_str()).x;
        const float size = full_w > room ? std::max(fs * 0.8f, fs * room / full_w) : fs;
        const float tw = full_w * size / fs;
        dl->PushClipRect(ImVec2(a.x - gap * 0.5f, b.y), ImVec2(b.x + gap * 0.5f, b.y + label_h), true);
        dl->AddText(small, size, ImVec2(std::max(a.x - gap * 0.5f, a.x + (tile - tw) * 0.5f), b.y + 2 * sc + (fs - size) * 0.5f),
                    right ? t.text_dim : t.bad, name.c_str());
        dl->PopClipRect();
        if (L.hovered && mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y + label_h) {
            const std::string& truth_name = truth >= 0 && truth < static_cast<int>(s->class_names.size())
                                                ? s->class_names[static_cast<std::size_t>(truth)] : std::to_string(truth);
            const float conf = i < static_cast<int>(s->grid_confidence.size()) ? s->grid_confidence[static_cast<std::size_t>(i)] : NAN;
            ImGui::BeginTooltip();
            ImGui::Text("true: %s", truth_name.c_str());
            ImGui::Text("predicted: %s (%.0f%% sure)", name.c_str(), 100.0 * conf);
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(right ? t.good : t.bad), "%s", right ? "✓ correct" : "✗ mistake");
            ImGui::EndTooltip();
        }
    }
    end_chart(L, "Test images", nullptr);
    layout_.images = {L.frame_min, L.frame_max};
}

void TrainWorkspace::draw_boundary(GuiContext& ctx, float width, float height) {
    (void)ctx;
    const session::TrainSnapshot* s = view_.snap.get();
    PlotSpec spec;
    spec.title = "Decision boundary";
    spec.help = "Every point of the plane coloured by the class the network predicts there — orange or blue, paler "
                "where it is unsure — with the training points on top, as in TensorFlow Playground. It repaints as "
                "the network learns.";
    spec.size = ImVec2(width, height);
    spec.legend = false;
    spec.empty_text = "The boundary forms here while a 2-D set trains";
    const bool has = s && s->boundary_res > 0;
    if (has) {
        spec.x = AxisSpec{"x₁", false, AxisFit::Fixed, s->x_min, s->x_max};
        spec.y = AxisSpec{"x₂", false, AxisFit::Fixed, s->y_min, s->y_max};
    }
    Plot plot("##train_boundary", spec);
    if (has) {
        plot.image({view_.boundary.data(), s->boundary_res, s->boundary_res, s->x_min, s->x_max, s->y_min, s->y_max,
                    "train.boundary", view_.version, /*smooth=*/true});
        plot.scatter(ScatterSeries{"training points", view_.point_x.data(), view_.point_y.data(),
                                   static_cast<int>(view_.point_x.size()), 0, 2.2f, s->points_label.data(),
                                   view_.point_palette.data(), static_cast<int>(view_.point_palette.size())});
    }
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    plot.draw();
    layout_.boundary = {p0, ImGui::GetItemRectMax()};
}

void TrainWorkspace::draw_neurons(GuiContext& ctx, float width, float height) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const session::TrainSnapshot* s = view_.snap.get();
    const ChartLayout L = begin_chart("##train_neurons", "Hidden neurons",
                                      "Each square is one hidden neuron's output over the same plane as the boundary: "
                                      "blue where it is positive, orange where negative. Early layers draw simple "
                                      "edges; later ones combine them into the curved regions the boundary needs.",
                                      ImVec2(width, height), {});
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (!s || s->neurons.empty() || view_.neurons.empty()) {
        draw_centered_note(dl, L.content_min, L.content_max, "Neuron pictures appear for small 2-D networks");
        end_chart(L, "Hidden neurons", nullptr);
        layout_.neurons = {L.frame_min, L.frame_max};
        return;
    }
    ImFont* small = ctx.fonts.small;
    const float fs = small->FontSize, gap = 3 * sc, head = fs + 4 * sc;
    const float cw = L.content_max.x - L.content_min.x, ch = L.content_max.y - L.content_min.y;
    // The largest thumbnail size at which every layer fits.
    float tile = 6 * sc;
    for (float side = 48 * sc; side >= 6 * sc; side -= 1) {
        const int per_row = std::max(1, static_cast<int>((cw + gap) / (side + gap)));
        float need = 0;
        for (const auto& layer : s->neurons) need += head + ((layer.n_neurons + per_row - 1) / per_row) * (side + gap);
        if (need <= ch) {
            tile = side;
            break;
        }
    }
    const int per_row = std::max(1, static_cast<int>((cw + gap) / (tile + gap)));
    ImTextureID tex = texture("train.neurons", view_.neurons_w, view_.neurons_h, view_.neurons, view_.version);
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    float y = L.content_min.y;
    for (std::size_t l = 0; l < s->neurons.size(); ++l) {
        const auto& layer = s->neurons[l];
        char label[96];
        std::snprintf(label, sizeof label, "%s · %d neurons", layer.name.c_str(), layer.n_neurons);
        dl->AddText(small, fs, ImVec2(L.content_min.x, y), t.text_dim, label);
        y += head;
        for (int u = 0; u < layer.n_neurons; ++u) {
            const ImVec2 a(L.content_min.x + (u % per_row) * (tile + gap), y + (u / per_row) * (tile + gap));
            const ImVec2 b(a.x + tile, a.y + tile);
            const float res = static_cast<float>(s->thumb_res);
            const TileUv uv{u * res / view_.neurons_w, l * res / view_.neurons_h, (u + 1) * res / view_.neurons_w,
                            (l + 1) * res / view_.neurons_h};
            draw_atlas_tile(dl, tex, view_.neurons, view_.neurons_w, view_.neurons_h, uv, a, b);
            if (L.hovered && mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) {
                dl->AddRect(a, b, t.text, 0, 0, 1.5f * sc);
                ImGui::SetTooltip("%s, neuron %d: its output over the input plane", layer.name.c_str(), u + 1);
            }
        }
        y += ((layer.n_neurons + per_row - 1) / per_row) * (tile + gap);
    }
    end_chart(L, "Hidden neurons", nullptr);
    layout_.neurons = {L.frame_min, L.frame_max};
}

}  // namespace mlsys::gui
