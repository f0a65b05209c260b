// What the Train workspace derives from the session's plain data to draw it: live model totals for the layer
// editor, learning-rate guidance, smoothed curves, and the RGBA pictures (decision boundary, test-image
// atlas, neuron thumbnails). Pure functions without ImGui, so the tests check them exactly; no training here.
#pragma once

#include "app/session/train_settings.hpp"
#include "models/layers/layer_spec.hpp"
#include "models/tensor/tensor.hpp"
#include "models/workload/workload.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mlsys::gui {

// What a dataset feeds a model, known without loading it: Fashion-MNIST is 28x28x1 with 10 classes; the
// playground sets (circles, xor, blobs, spiral) are 2-D points in two classes (DatasetOptions::n_classes).
struct DatasetShape {
    models::Shape sample_shape;
    int n_classes = 0;
    bool is_image = false;
};
DatasetShape dataset_shape(const std::string& dataset);

// The layer editor's live totals: the settings' spec adapted to the dataset and lowered to a Workload.
struct ModelTotals {
    bool ok = false;
    std::string error;           // why the model does not build, naming the layer ("layers[3]: ...")
    models::Workload workload;   // valid when ok
    int64_t params = 0;
    int64_t macs_per_sample = 0;
    int64_t weight_bytes = 0;             // parameters in FP32
    int64_t train_activation_bytes = 0;   // per sample: every layer's output, kept for the backward pass
    int64_t infer_activation_bytes = 0;   // per sample: the largest input + output of one layer
};
ModelTotals model_totals(const session::TrainSettings& settings);

// Training steps per epoch the settings imply, before loading the data: the training samples (Fashion-MNIST's
// 60,000 or the playground's n_samples, cut to train_limit) less the validation share, over the batch size,
// rounded up (the last batch may be smaller). 0 when the batch size is not positive.
int steps_per_epoch_estimate(const session::TrainSettings& settings);

// Learning-rate advice in the textbook's terms (BOOK.md §1(a), [S §3.5]: 0.1 "might cause unstable training",
// 0.01 "good balance", 0.0001 "extremely slow" — for SGD on MNIST). level: -1 slow, 0 balanced, +1 unstable.
struct LrGuidance {
    int level = 0;
    std::string text;
};
LrGuidance lr_guidance(double learning_rate, const std::string& optimizer);

// TensorBoard-style smoothing: a debiased exponential moving average, s_t = b s_{t-1} + (1 - b) x_t,
// reported as s_t / (1 - b^t), so the first value is x_0 and a constant series stays constant.
std::vector<float> smooth_ema(const std::vector<float>& values, float beta);
// Values x 100 (accuracy fractions as percent).
std::vector<float> to_percent(const std::vector<float>& values);

// Decision boundary: one RGBA pixel per cell (IM_COL32 layout). Two classes use TensorFlow Playground's
// orange-white-blue scale by P(class 1), faded by `strength` (0..1) so the data points stand out; more
// classes mix each cell's winning class colour into near-white by how sure the model is.
std::vector<uint32_t> boundary_pixels(const std::vector<int>& classes, const std::vector<float>& confidence,
                                      int n_classes, float strength);
// The colour a data point of class c is drawn with (saturated ends of the boundary scale).
uint32_t class_point_color(int c, int n_classes);

// n grayscale images (h x w, values in [0, 1], clamped) tiled row-major into `cols` columns with a
// 1-pixel transparent gap between tiles. atlas_w/atlas_h receive the atlas size.
std::vector<uint32_t> image_atlas(const std::vector<float>& pixels, int n, int h, int w, int cols, int& atlas_w,
                                  int& atlas_h);
// Where tile i lies in the atlas, as texture coordinates (u0, v0, u1, v1).
struct TileUv {
    float u0 = 0, v0 = 0, u1 = 1, v1 = 1;
};
TileUv atlas_tile_uv(int i, int h, int w, int cols, int atlas_w, int atlas_h);

// Neuron thumbnails: layer l's neuron u at tile (u, l) of res x res pixels; values on the diverging scale
// with each layer's largest |value| at full colour. atlas_w = max neurons x res, atlas_h = layers x res.
struct NeuronGrid {
    int res = 0;
    std::vector<int> n_neurons;  // per layer
    std::vector<const std::vector<float>*> values;  // per layer: n_neurons x res x res
};
std::vector<uint32_t> neuron_atlas(const NeuronGrid& grid, int& atlas_w, int& atlas_h);

// Byte counts in decimal units, as the book counts them (1 KB = 1,000 bytes, BOOK.md §1(a)): "358.4 KB".
std::string format_bytes(double bytes);
// "1:05" / "12 s" style durations.
std::string format_duration(double seconds);
// Whole counts with thousands separators: 105866 -> "105,866".
std::string format_count(int64_t n);
// Milliseconds with 3 significant digits and a unit that keeps them readable: 12.34 -> "12.3 ms",
// 0.474 -> "474 µs", 0.00474 -> "4.74 µs".
std::string format_ms(double ms);

// Model files. "~/x" and "~" become $HOME/x and $HOME; leading and trailing spaces are dropped.
std::string expand_user_path(const std::string& path);
// expand_user_path plus ".mlsys" when the name has no extension; empty for an empty path.
std::string model_file_path(const std::string& path);
// <data_dir>/models/<name>-<dataset>.mlsys (or <name>.mlsys without a dataset), unsafe characters made '-'.
std::string default_model_path(const std::filesystem::path& data_dir, const std::string& name,
                               const std::string& dataset);
// Every *.mlsys file under the roots (recursively, at most 4 levels deep), newest first, at most `limit`.
// Unreadable folders are skipped.
std::vector<std::string> find_model_files(const std::vector<std::filesystem::path>& roots, std::size_t limit);

// Layer-list editing (the editor's buttons). Each returns the index to select afterwards (-1: none).
models::LayerSpec default_layer(models::LayerKind kind);
// Inserts a default layer of `kind` at `at` (clamped) with a name no other layer uses ("dense_3").
int insert_layer(std::vector<models::LayerSpec>& layers, int at, models::LayerKind kind);
int remove_layer(std::vector<models::LayerSpec>& layers, int i);
int move_layer(std::vector<models::LayerSpec>& layers, int i, int delta);
// One line describing a layer's settings: "16 filters · 3×3 · stride 1 · pad 1".
std::string layer_summary(const models::LayerSpec& layer);

}  // namespace mlsys::gui
