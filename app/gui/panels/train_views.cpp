// The Train workspace's pure view-model (see train_views.hpp): totals, guidance, curves and pictures.
#include "app/gui/panels/train_views.hpp"

#include "app/gui/widgets/colormap.hpp"
#include "models/model/model.hpp"
#include "models/model/model_spec.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace mlsys::gui {

DatasetShape dataset_shape(const std::string& dataset) {
    if (dataset == "fashion-mnist") return {{28, 28, 1}, 10, true};  // Xiao et al. 2017: 28x28 grey, 10 classes
    return {{2}, 2, false};  // the playground sets: (x, y) points, DatasetOptions::n_classes = 2
}

ModelTotals model_totals(const session::TrainSettings& settings) {
    ModelTotals t;
    auto spec = session::settings_spec(settings);
    if (!spec) {
        t.error = spec.error();
        return t;
    }
    const DatasetShape ds = dataset_shape(settings.dataset);
    models::ModelSpec adapted = *spec;
    if (auto st = models::adapt_to_dataset(adapted, ds.sample_shape, ds.n_classes); !st) {
        t.error = st.error();
        return t;
    }
    auto wl = models::make_workload(adapted);
    if (!wl) {
        t.error = wl.error();
        return t;
    }
    t.ok = true;
    t.workload = std::move(*wl);
    t.params = t.workload.total_params();
    t.macs_per_sample = t.workload.total_macs();
    t.weight_bytes = t.params * 4;
    t.train_activation_bytes = (t.workload.total_activation_elems() + models::shape_size(ds.sample_shape)) * 4;
    t.infer_activation_bytes = t.workload.peak_activation_elems() * 4;
    return t;
}

int steps_per_epoch_estimate(const session::TrainSettings& s) {
    if (s.batch_size <= 0) return 0;
    int64_t n = dataset_shape(s.dataset).is_image ? 60000 : s.n_samples;  // Fashion-MNIST: 60,000 training images
    if (s.train_limit > 0) n = std::min<int64_t>(n, s.train_limit);
    n -= std::llround(static_cast<double>(n) * s.val_fraction);
    return static_cast<int>((n + s.batch_size - 1) / s.batch_size);
}

LrGuidance lr_guidance(double lr, const std::string& optimizer) {
    if (optimizer == "adam") {
        // Adam scales each step by its running gradient statistics, so its useful rates sit lower than
        // SGD's; 0.001 is the default of Kingma & Ba, "Adam" (ICLR 2015), Algorithm 1.
        if (lr >= 0.01)
            return {1, "High for Adam (its usual default is 0.001): expect the loss to jump or stall. The book warns "
                       "that too large a rate \"might cause unstable training\"."};
        if (lr < 0.0002) return {-1, "Very low for Adam: progress will be \"extremely slow\", as the book says of 0.0001."};
        return {0, "A typical range for Adam (default 0.001, Kingma & Ba 2015). The book's anchors (0.1, 0.01, "
                   "0.0001) are for plain SGD."};
    }
    if (lr >= 0.05)
        return {1, "Near 0.1 the book warns that training \"might cause unstable training\": the loss may jump "
                   "or diverge."};
    if (lr >= 0.003) return {0, "Around 0.01: the book's \"good balance\" between speed and stability for SGD."};
    if (lr >= 0.0003) return {-1, "Below the book's 0.01: stable but slow; expect to need more epochs."};
    return {-1, "Near 0.0001 the book calls SGD training \"extremely slow\": the loss will barely move."};
}

std::vector<float> smooth_ema(const std::vector<float>& values, float beta) {
    std::vector<float> out;
    out.reserve(values.size());
    double s = 0, decay = 1;
    for (float v : values) {
        s = beta * s + (1.0 - beta) * v;
        decay *= beta;
        out.push_back(static_cast<float>(decay < 1 ? s / (1.0 - decay) : v));
    }
    return out;
}

std::vector<float> to_percent(const std::vector<float>& values) {
    std::vector<float> out(values.size());
    std::transform(values.begin(), values.end(), out.begin(), [](float v) { return v * 100.0f; });
    return out;
}

namespace {

// Okabe & Ito (2008) colours for more than two classes (the same family as the theme's series colours).
constexpr Rgb8 kClassColors[] = {{230, 159, 0}, {86, 180, 233}, {0, 158, 115}, {204, 121, 167},
                                 {240, 228, 66}, {0, 114, 178}, {213, 94, 0},  {120, 120, 120}};
constexpr int kNClassColors = sizeof kClassColors / sizeof kClassColors[0];
constexpr Rgb8 kNearWhite{232, 234, 235};

}  // namespace

std::vector<uint32_t> boundary_pixels(const std::vector<int>& classes, const std::vector<float>& confidence,
                                      int n_classes, float strength) {
    std::vector<uint32_t> out(classes.size());
    strength = std::clamp(strength, 0.0f, 1.0f);
    for (std::size_t i = 0; i < classes.size(); ++i) {
        const float conf = i < confidence.size() ? confidence[i] : 1.0f;
        if (n_classes <= 2) {
            const float p1 = classes[i] == 1 ? conf : 1.0f - conf;  // P(class 1)
            out[i] = pack_rgba(diverging((2.0f * p1 - 1.0f) * strength));
        } else {
            const float floor = 1.0f / static_cast<float>(n_classes);
            const float sure = (conf - floor) / (1.0f - floor);
            const Rgb8 c = kClassColors[((classes[i] % kNClassColors) + kNClassColors) % kNClassColors];
            out[i] = pack_rgba(mix(kNearWhite, c, sure * strength));
        }
    }
    return out;
}

uint32_t class_point_color(int c, int n_classes) {
    if (n_classes <= 2) return pack_rgba(diverging(c == 1 ? 1.0f : -1.0f));
    return pack_rgba(kClassColors[((c % kNClassColors) + kNClassColors) % kNClassColors]);
}

std::vector<uint32_t> image_atlas(const std::vector<float>& pixels, int n, int h, int w, int cols, int& atlas_w,
                                  int& atlas_h) {
    atlas_w = atlas_h = 0;
    if (n <= 0 || h <= 0 || w <= 0 || cols <= 0 || pixels.size() < static_cast<std::size_t>(n) * h * w) return {};
    const int rows = (n + cols - 1) / cols;
    atlas_w = cols * (w + 1) - 1;
    atlas_h = rows * (h + 1) - 1;
    std::vector<uint32_t> out(static_cast<std::size_t>(atlas_w) * atlas_h, 0u);
    for (int i = 0; i < n; ++i) {
        const int x0 = (i % cols) * (w + 1), y0 = (i / cols) * (h + 1);
        for (int r = 0; r < h; ++r)
            for (int c = 0; c < w; ++c) {
                const float v = std::clamp(pixels[(static_cast<std::size_t>(i) * h + r) * w + c], 0.0f, 1.0f);
                const auto g = static_cast<uint8_t>(std::lround(v * 255.0f));
                out[static_cast<std::size_t>(y0 + r) * atlas_w + x0 + c] = pack_rgba(Rgb8{g, g, g});
            }
    }
    return out;
}

TileUv atlas_tile_uv(int i, int h, int w, int cols, int atlas_w, int atlas_h) {
    const int x0 = (i % cols) * (w + 1), y0 = (i / cols) * (h + 1);
    const auto aw = static_cast<float>(atlas_w), ah = static_cast<float>(atlas_h);
    return {x0 / aw, y0 / ah, (x0 + w) / aw, (y0 + h) / ah};
}

std::vector<uint32_t> neuron_atlas(const NeuronGrid& grid, int& atlas_w, int& atlas_h) {
    atlas_w = atlas_h = 0;
    const int layers = static_cast<int>(std::min(grid.n_neurons.size(), grid.values.size()));
    int max_n = 0;
    for (int l = 0; l < layers; ++l) max_n = std::max(max_n, grid.n_neurons[static_cast<std::size_t>(l)]);
    if (grid.res <= 0 || layers == 0 || max_n == 0) return {};
    const int res = grid.res;
    atlas_w = max_n * res;
    atlas_h = layers * res;
    std::vector<uint32_t> out(static_cast<std::size_t>(atlas_w) * atlas_h, 0u);
    for (int l = 0; l < layers; ++l) {
        const std::vector<float>& v = *grid.values[static_cast<std::size_t>(l)];
        const int n = grid.n_neurons[static_cast<std::size_t>(l)];
        const std::size_t cells = static_cast<std::size_t>(n) * res * res;
        if (v.size() < cells) continue;
        float m = 0;
        for (std::size_t k = 0; k < cells; ++k)
            if (std::isfinite(v[k])) m = std::max(m, std::abs(v[k]));
        if (m <= 0) m = 1;
        for (int u = 0; u < n; ++u)
            for (int r = 0; r < res; ++r)
                for (int c = 0; c < res; ++c) {
                    const float x = v[(static_cast<std::size_t>(u) * res + r) * res + c];
                    out[static_cast<std::size_t>(l * res + r) * atlas_w + u * res + c] = pack_rgba(diverging(x / m));
                }
    }
    return out;
}

std::string format_bytes(double bytes) {
    char buf[32];
    const double a = std::abs(bytes);
    if (a < 1e3) std::snprintf(buf, sizeof buf, "%.0f B", bytes);
    else if (a < 1e6) std::snprintf(buf, sizeof buf, "%.1f KB", bytes / 1e3);
    else if (a < 1e9) std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
    else std::snprintf(buf, sizeof buf, "%.2f GB", bytes / 1e9);
    return buf;
}

std::string format_duration(double seconds) {
    char buf[32];
    if (!std::isfinite(seconds) || seconds < 0) return "—";
    const long s = std::lround(seconds);
    if (s < 60) std::snprintf(buf, sizeof buf, "%ld s", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    return buf;
}

std::string expand_user_path(const std::string& path) {
    const std::size_t a = path.find_first_not_of(" \t");
    if (a == std::string::npos) return "";
    const std::size_t b = path.find_last_not_of(" \t");
    std::string p = path.substr(a, b - a + 1);
    if (p == "~" || p.rfind("~/", 0) == 0) {
        const char* home = std::getenv("HOME");
        if (home && *home) p = std::string(home) + p.substr(1);
    }
    return p;
}

std::string model_file_path(const std::string& path) {
    std::string p = expand_user_path(path);
    if (p.empty() || p.back() == '/') return p.empty() ? p : p + "model.mlsys";
    if (std::filesystem::path(p).extension().empty()) p += ".mlsys";
    return p;
}

std::string default_model_path(const std::filesystem::path& data_dir, const std::string& name,
                               const std::string& dataset) {
    std::string stem = name.empty() ? "model" : name;
    if (!dataset.empty()) stem += "-" + dataset;
    for (char& c : stem) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (!ok) c = '-';
    }
    return (data_dir / "models" / (stem + ".mlsys")).string();
}

std::vector<std::string> find_model_files(const std::vector<std::filesystem::path>& roots, std::size_t limit) {
    namespace fs = std::filesystem;
    std::vector<std::pair<fs::file_time_type, std::string>> found;
    for (const fs::path& root : roots) {
        std::error_code ec;
        fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
        for (; !ec && it != end; it.increment(ec)) {
            if (it.depth() > 4) {
                it.disable_recursion_pending();
                continue;
            }
            std::error_code fec;
            if (!it->is_regular_file(fec) || it->path().extension() != ".mlsys") continue;
            const auto t = fs::last_write_time(it->path(), fec);
            if (!fec) found.emplace_back(t, it->path().string());
        }
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<std::string> out;
    for (const auto& f : found) {
        if (out.size() >= limit) break;
        if (std::find(out.begin(), out.end(), f.second) == out.end()) out.push_back(f.second);
    }
    return out;
}

std::string format_count(int64_t n) {
    const std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::string format_ms(double ms) {
    char buf[32];
    if (!std::isfinite(ms)) return "—";
    if (std::abs(ms) >= 1.0) std::snprintf(buf, sizeof buf, "%.3g ms", ms);
    else std::snprintf(buf, sizeof buf, "%.3g µs", ms * 1000.0);
    return buf;
}

models::LayerSpec default_layer(models::LayerKind kind) {
    using models::LayerKind;
    models::LayerSpec l;
    l.kind = kind;
    switch (kind) {
    case LayerKind::Dense: l.units = 32; break;
    case LayerKind::Conv2D:
        l.filters = 16;
        l.padding = 1;  // "same" for a 3x3 kernel
        break;
    case LayerKind::DepthwiseConv2D: l.padding = 1; break;
    case LayerKind::MaxPool2D:
    case LayerKind::AvgPool2D:
        l.kernel_h = l.kernel_w = 2;
        l.stride = 2;
        break;
    case LayerKind::Dropout: l.rate = 0.25f; break;
    case LayerKind::GlobalAvgPool:
    case LayerKind::Flatten:
    case LayerKind::ReLU:
    case LayerKind::Sigmoid:
    case LayerKind::Tanh:
    case LayerKind::Softmax:
    case LayerKind::BatchNorm: break;
    }
    return l;
}

int insert_layer(std::vector<models::LayerSpec>& layers, int at, models::LayerKind kind) {
    at = std::clamp(at, 0, static_cast<int>(layers.size()));
    models::LayerSpec l = default_layer(kind);
    std::set<std::string> used;
    for (const auto& x : layers) used.insert(x.name);
    for (int k = 1;; ++k) {
        const std::string name = std::string(models::to_string(kind)) + "_" + std::to_string(k);
        if (!used.count(name)) {
            l.name = name;
            break;
        }
    }
    layers.insert(layers.begin() + at, l);
    return at;
}

int remove_layer(std::vector<models::LayerSpec>& layers, int i) {
    if (i < 0 || i >= static_cast<int>(layers.size())) return -1;
    layers.erase(layers.begin() + i);
    if (layers.empty()) return -1;
    return std::min(i, static_cast<int>(layers.size()) - 1);
}

int move_layer(std::vector<models::LayerSpec>& layers, int i, int delta) {
    const int n = static_cast<int>(layers.size());
    if (i < 0 || i >= n) return -1;
    const int j = std::clamp(i + delta, 0, n - 1);
    if (j != i) std::swap(layers[static_cast<std::size_t>(i)], layers[static_cast<std::size_t>(j)]);
    return j;
}

std::string layer_summary(const models::LayerSpec& l) {
    using models::LayerKind;
    char buf[128];
    switch (l.kind) {
    case LayerKind::Dense: std::snprintf(buf, sizeof buf, "%d units", l.units); return buf;
    case LayerKind::Conv2D:
        std::snprintf(buf, sizeof buf, "%d filters · %d×%d · stride %d · pad %d", l.filters, l.kernel_h, l.kernel_w,
                      l.stride, l.padding);
        return buf;
    case LayerKind::DepthwiseConv2D:
        std::snprintf(buf, sizeof buf, "%d×%d · stride %d · pad %d", l.kernel_h, l.kernel_w, l.stride, l.padding);
        return buf;
    case LayerKind::MaxPool2D:
    case LayerKind::AvgPool2D:
        std::snprintf(buf, sizeof buf, "%d×%d · stride %d", l.kernel_h, l.kernel_w, l.stride);
        return buf;
    case LayerKind::Dropout: std::snprintf(buf, sizeof buf, "rate %.2f", static_cast<double>(l.rate)); return buf;
    case LayerKind::BatchNorm:
        std::snprintf(buf, sizeof buf, "momentum %.2f", static_cast<double>(l.momentum));
        return buf;
    case LayerKind::GlobalAvgPool:
    case LayerKind::Flatten:
    case LayerKind::ReLU:
    case LayerKind::Sigmoid:
    case LayerKind::Tanh:
    case LayerKind::Softmax: return "";
    }
    return "";
}

}  // namespace mlsys::gui
