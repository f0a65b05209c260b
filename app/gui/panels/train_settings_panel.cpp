// Train workspace, the settings column: data, model (train_layer_editor.cpp) and hyperparameters, editing
// session::TrainSettings in place. The learning-rate slider also steers a running job.
#include "app/gui/panels/train_workspace.hpp"

#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"
#include "models/data/dataset.hpp"

#include <imgui_stdlib.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {
namespace {

constexpr double kLrMin = 0.0001, kLrMax = 0.1;  // the book's range (BOOK.md §1(a))

const char* dataset_blurb(const std::string& name) {
    if (name == "fashion-mnist")
        return "70,000 grey 28×28 pictures of clothing in 10 classes (Zalando, Xiao et al. 2017): 60,000 to train, "
               "10,000 to test. Harder than MNIST digits.";
    if (name == "circles") return "One class inside a ring of the other: no straight line separates them.";
    if (name == "xor") return "Four clusters where opposite corners share a class: the classic problem one neuron cannot solve.";
    if (name == "blobs") return "Two Gaussian clusters: almost linearly separable, the easy case.";
    if (name == "spiral") return "Two interleaved spiral arms: needs a deep, non-linear boundary — the hardest playground set.";
    return "";
}

}  // namespace

// A dim label with a tooltip, then the next widget fills the rest of the row.
void settings_label(const Theme& t, const char* label, const char* help, float label_w) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", label);
    metric_tooltip(help);
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(-FLT_MIN);
}

void settings_heading(GuiContext& ctx, const char* title) {
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted(title);
    ImGui::PopFont();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x, p.y - 3), ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y - 3),
                                        ctx.theme->border);
    ImGui::Spacing();
}

void TrainWorkspace::draw_settings(GuiContext& ctx, session::Session& s, float width, float height) {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##train_settings", ImVec2(width, height), true);
    const session::TrainJob* job = s.train_job();
    const bool running = job && !job->is_done();
    ImGui::BeginDisabled(running);
    settings_heading(ctx, "Data");
    draw_dataset_section(ctx, s);
    settings_heading(ctx, "Model");
    draw_model_section(ctx, s);
    ImGui::EndDisabled();
    settings_heading(ctx, "Training");
    draw_hyperparameters(ctx, s);
    ImGui::EndChild();
    layout_.settings = {p0, ImVec2(p0.x + width, p0.y + height)};
}

void TrainWorkspace::draw_dataset_section(GuiContext& ctx, session::Session& s) {
    const Theme& t = *ctx.theme;
    const float lw = 128 * ctx.fonts.scale;
    session::TrainSettings& st = s.train;
    settings_label(t, "Dataset", "What the network learns from. Fashion-MNIST is an image set; the others are the 2-D "
                                 "\"playground\" sets, where you can watch the decision boundary form.", lw);
    if (ImGui::BeginCombo("##dataset", st.dataset.c_str())) {
        for (const std::string& name : models::dataset_names()) {
            if (ImGui::Selectable(name.c_str(), name == st.dataset) && name != st.dataset) select_dataset(ctx, name);
            metric_tooltip(dataset_blurb(name));
        }
        ImGui::EndCombo();
    }
    const DatasetShape shape = dataset_shape(st.dataset);
    if (shape.is_image) {
        settings_label(t, "Training images", "Use at most this many training images (0: all 60,000). Fewer images "
                                             "train faster but generalise worse.", lw);
        int limit = st.train_limit;
        if (ImGui::InputInt("##train_limit", &limit, 1000, 10000)) st.train_limit = std::clamp(limit, 0, 60000);
    } else {
        settings_label(t, "Points", "How many points to generate for training (the test set has its own 500).", lw);
        int n = st.n_samples;
        if (ImGui::InputInt("##n_samples", &n, 100, 1000)) st.n_samples = std::clamp(n, 50, 100000);
        settings_label(t, "Noise", "Standard deviation of the Gaussian noise added to each coordinate (the points "
                                   "span about -1 to 1). More noise blurs the classes into each other.", lw);
        float noise = static_cast<float>(st.noise);
        if (ImGui::SliderFloat("##noise", &noise, 0.0f, 0.5f, "%.2f")) st.noise = noise;
    }
    settings_label(t, "Validation", "The share of the training data held out to check generalisation while "
                                    "training: the validation curves. The test set is separate and used once at the end.", lw);
    float val = static_cast<float>(st.val_fraction * 100);
    if (ImGui::SliderFloat("##val", &val, 0.0f, 50.0f, "%.0f%%")) st.val_fraction = std::round(val) / 100.0;
    ImGui::PushTextWrapPos(0.0f);
    ImGui::PushFont(ctx.fonts.small);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", dataset_blurb(st.dataset));
    ImGui::PopFont();
    ImGui::PopTextWrapPos();
}

void TrainWorkspace::select_dataset(GuiContext& ctx, const std::string& dataset) {
    if (!ctx.session) return;
    session::TrainSettings& st = ctx.session->train;
    const std::string previous = st.dataset;
    st.dataset = dataset;
    const bool was_image = dataset_shape(previous).is_image, is_image = dataset_shape(st.dataset).is_image;
    if (st.model == "custom") {  // keep the edited list; re-fit its input and head to the new data
        const DatasetShape ds = dataset_shape(st.dataset);
        (void)models::adapt_to_dataset(st.custom_spec, ds.sample_shape, ds.n_classes);  // totals show any error
        return;
    }
    if (was_image == is_image) return;
    // Switching between images and 2-D points: the presets and hyperparameters of one rarely suit the other.
    if (!is_image && st.model != "playground" && st.model != "tiny") {
        session::TrainSettings demo = st;
        TrainWorkspace::apply_demo_settings(demo, "spiral");
        st.model = demo.model;
        st.epochs = demo.epochs;
        st.batch_size = demo.batch_size;
        st.learning_rate = demo.learning_rate;
        ctx.toast("2-D points: switched to the playground network (2-32-32-2, tanh), 150 epochs, batch 16, "
                  "learning rate 0.003.");
    } else if (is_image && st.model == "playground") {
        st.model = "cnn";
        st.epochs = 3;
        st.batch_size = 64;
        st.learning_rate = 0.002;
        ctx.toast("Images: switched to the cnn preset, 3 epochs, batch 64, learning rate 0.002.");
    }
}

void TrainWorkspace::set_learning_rate(GuiContext& ctx, double learning_rate) {
    if (!ctx.session || !(learning_rate > 0)) return;
    ctx.session->train.learning_rate = learning_rate;
    session::TrainJob* job = ctx.session->train_job();
    if (job && !job->is_done()) job->set_learning_rate(learning_rate);
}

void TrainWorkspace::draw_hyperparameters(GuiContext& ctx, session::Session& s) {
    const Theme& t = *ctx.theme;
    const float lw = 128 * ctx.fonts.scale;
    session::TrainSettings& st = s.train;
    const session::TrainJob* job = s.train_job();
    const bool running = job && !job->is_done();

    ImGui::BeginDisabled(running);
    settings_label(t, "Epochs", "Passes over the whole training set.", lw);
    int epochs = st.epochs;
    if (ImGui::InputInt("##epochs", &epochs)) st.epochs = std::clamp(epochs, 1, 10000);
    settings_label(t, "Batch size", "Images per training step. Each step averages the gradient over the batch "
                                    "((1/B)·Σ∇L); larger batches run faster on parallel hardware but take fewer steps "
                                    "per epoch and need more activation memory. The book uses 32, 64 and 128.", lw);
    static const int kBatches[] = {8, 16, 32, 64, 128, 256, 512};
    char current[32];
    std::snprintf(current, sizeof current, "%d", st.batch_size);
    if (ImGui::BeginCombo("##batch", current)) {
        for (int b : kBatches) {
            char item[16];
            std::snprintf(item, sizeof item, "%d", b);
            if (ImGui::Selectable(item, b == st.batch_size)) st.batch_size = b;
        }
        ImGui::EndCombo();
    }
    const int steps = steps_per_epoch_estimate(st);
    if (steps > 0) {
        ImGui::PushFont(ctx.fonts.small);
        ImGui::SetCursorPosX(lw);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "≈ %d steps per epoch", steps);
        ImGui::PopFont();
        metric_tooltip("Training images after the validation split, divided by the batch size (the last batch may be "
                       "smaller). The book's example: 60,000 MNIST images at batch 32 give 1,875 iterations per epoch.");
    }
    ImGui::EndDisabled();

    draw_learning_rate(ctx, s);

    ImGui::BeginDisabled(running);
    settings_label(t, "Optimizer", "SGD: θ ← θ − α∇L, optionally with momentum. Adam keeps running averages of each "
                                   "gradient and its square (two extra values per parameter) and scales every step by "
                                   "them.", lw);
    if (ImGui::BeginCombo("##optimizer", st.optimizer.c_str())) {
        for (const char* o : {"sgd", "adam"})
            if (ImGui::Selectable(o, st.optimizer == o)) st.optimizer = o;
        ImGui::EndCombo();
    }
    if (st.optimizer == "sgd") {
        settings_label(t, "Momentum", "SGD momentum: each step adds this share of the previous step, smoothing noisy "
                                      "gradients (0 is plain SGD; costs one extra value per parameter).", lw);
        float m = static_cast<float>(st.momentum);
        if (ImGui::SliderFloat("##momentum", &m, 0.0f, 0.99f, "%.2f")) st.momentum = m;
    }
    settings_label(t, "Schedule", "How the learning rate changes over training: constant; step (× gamma every epoch); "
                                  "cosine (a smooth decay to a small fraction by the last epoch).", lw);
    if (ImGui::BeginCombo("##schedule", st.schedule.c_str())) {
        for (const char* k : {"constant", "step", "cosine"})
            if (ImGui::Selectable(k, st.schedule == k)) st.schedule = k;
        ImGui::EndCombo();
    }
    settings_label(t, "Weight decay", "L2 regularisation: pulls every weight towards zero by this factor each step "
                                      "(decoupled for Adam). 0 turns it off.", lw);
    ImGui::InputDouble("##wd", &st.weight_decay, 0.0, 0.0, "%.5g");
    st.weight_decay = std::clamp(st.weight_decay, 0.0, 1.0);
    settings_label(t, "Seed", "Seeds the initial weights, the data order and the validation split: the same seed "
                              "and settings give the same run.", lw);
    ImGui::InputScalar("##seed", ImGuiDataType_U64, &st.seed);
    ImGui::EndDisabled();
}

void TrainWorkspace::draw_learning_rate(GuiContext& ctx, session::Session& s) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const float lw = 128 * sc;
    session::TrainSettings& st = s.train;
    session::TrainJob* job = s.train_job();
    const bool running = job && !job->is_done();
    settings_label(t, "Learning rate", "α, the size of each step down the gradient, on a logarithmic scale. The book: "
                                       "0.1 \"might cause unstable training\", 0.0001 is \"extremely slow\", 0.01 a "
                                       "\"good balance\" (for SGD). While training, a change applies from the next step.", lw);
    float lr = static_cast<float>(std::clamp(st.learning_rate, kLrMin, kLrMax));
    const ImVec2 s0 = ImGui::GetCursorScreenPos();
    const float slider_w = ImGui::GetContentRegionAvail().x;
    if (ImGui::SliderFloat("##lr", &lr, static_cast<float>(kLrMin), static_cast<float>(kLrMax), "%.4g",
                           ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_NoRoundToFormat))
        set_learning_rate(ctx, lr);
    // The book's three anchors as ticks under the slider, where ImGui puts the grab for those values.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float grab = style.GrabMinSize, pad = 2.0f;
    const float y = s0.y + ImGui::GetFrameHeight() + 1 * sc;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* small = ctx.fonts.small;
    const float fs = small->FontSize;
    const struct {
        double v;
        const char* label;
        ImU32 color;
    } anchors[] = {{0.0001, "0.0001", t.text_dim}, {0.01, "0.01", t.good}, {0.1, "0.1", t.warning}};
    for (const auto& a : anchors) {
        const float f = static_cast<float>((std::log10(a.v) - std::log10(kLrMin)) / (std::log10(kLrMax) - std::log10(kLrMin)));
        const float x = s0.x + pad + grab * 0.5f + f * (slider_w - 2 * pad - grab);
        dl->AddLine(ImVec2(x, y), ImVec2(x, y + 4 * sc), a.color, 1.5f * sc);
        const float tw = small->CalcTextSizeA(fs, 1e9f, 0, a.label).x;
        const float tx = std::clamp(x - tw * 0.5f, s0.x, s0.x + slider_w - tw);
        dl->AddText(small, fs, ImVec2(tx, y + 4 * sc), a.color, a.label);
    }
    ImGui::Dummy(ImVec2(slider_w, fs + 6 * sc));

    const LrGuidance g = lr_guidance(st.learning_rate, st.optimizer);
    const ImU32 col = g.level > 0 ? t.warning : g.level < 0 ? t.text_dim : t.good;
    ImGui::PushFont(small);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::PushStyleColor(ImGuiCol_Text, col);
    ImGui::TextUnformatted(g.text.c_str());
    ImGui::PopStyleColor();
    if (running && view_.snap) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "The running job's rate now: %.4g",
                           view_.snap->learning_rate);
    }
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
}

}  // namespace mlsys::gui
