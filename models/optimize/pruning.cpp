// Magnitude and structured pruning, sparsity reports and the prune + fine-tune driver (pruning.hpp).
#include "models/optimize/pruning.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlsys::models::optimize {
namespace {

using core::fail;

bool is_prunable(LayerKind k) {
    return k == LayerKind::Dense || k == LayerKind::Conv2D || k == LayerKind::DepthwiseConv2D;
}

Tensor* param(Layer& l, const std::string& name) {
    for (auto& p : l.params())
        if (p.name == name) return p.value;
    for (auto& p : l.state())
        if (p.name == name) return p.value;
    return nullptr;
}

// Zeroes the smallest `count` of the (layer, index) population by |w|, ties by position.
void zero_smallest(Model& model, const std::vector<int>& layers, int64_t count, PruneMasks& masks) {
    struct Item {
        float mag;
        int layer_pos;
        int64_t idx;
    };
    std::vector<Item> items;
    for (size_t p = 0; p < layers.size(); ++p) {
        const Tensor& w = *param(model.layer(layers[p]), "weight");
        for (int64_t i = 0; i < w.size(); ++i) items.push_back({std::fabs(w[i]), int(p), i});
    }
    count = std::clamp<int64_t>(count, 0, int64_t(items.size()));
    const auto less = [](const Item& a, const Item& b) {
        if (a.mag != b.mag) return a.mag < b.mag;
        if (a.layer_pos != b.layer_pos) return a.layer_pos < b.layer_pos;
        return a.idx < b.idx;
    };
    std::nth_element(items.begin(), items.begin() + count, items.end(), less);
    for (int64_t k = 0; k < count; ++k) {
        const Item& it = items[size_t(k)];
        const int li = layers[size_t(it.layer_pos)];
        (*param(model.layer(li), "weight"))[it.idx] = 0.0f;
        for (auto& m : masks)
            if (m.layer == li) m.keep[size_t(it.idx)] = 0;
    }
}

core::Status finetune(Model& model, const Dataset& train, int epochs, TrainConfig tc, const PruneMasks* masks,
                      const TrainProgress& progress, int64_t& done, int64_t total, core::JobControl* control) {
    if (epochs <= 0) return {};
    tc.epochs = epochs;
    auto trainer = Trainer::create(model, train, tc);
    if (!trainer) return fail(trainer.error());
    while (!(*trainer)->done()) {
        if (control && !control->checkpoint()) return fail("cancelled");
        const StepResult r = (*trainer)->step();
        if (masks) apply_masks(model, *masks);
        ++done;
        if (progress) progress(done, total, r.loss);
        if (control && total > 0) control->set_progress(double(done) / double(total));
    }
    return {};
}

// Selects rows (an index list into `src`'s dimension `axis` of a shape with the last axis fastest).
void copy_selected(const Tensor& src, Tensor& dst, const Shape& shape, const std::vector<std::vector<int>>& sel) {
    // shape: the source shape; sel[d]: kept indices along dimension d (empty = all).
    const size_t nd = shape.size();
    std::vector<std::vector<int>> keep(nd);
    for (size_t d = 0; d < nd; ++d) {
        if (d < sel.size() && !sel[d].empty()) keep[d] = sel[d];
        else {
            keep[d].resize(size_t(shape[d]));
            std::iota(keep[d].begin(), keep[d].end(), 0);
        }
    }
    std::vector<size_t> pos(nd, 0);
    int64_t out = 0;
    while (true) {
        int64_t src_idx = 0;
        for (size_t d = 0; d < nd; ++d) src_idx = src_idx * shape[d] + keep[d][pos[d]];
        dst[out++] = src[src_idx];
        size_t d = nd;
        while (d > 0) {
            --d;
            if (++pos[d] < keep[d].size()) break;
            pos[d] = 0;
            if (d == 0) return;
        }
        if (nd == 0) return;
    }
}

}  // namespace

PruneMasks magnitude_prune(Model& model, double sparsity, bool global) {
    PruneMasks masks;
    std::vector<int> layers;
    for (int i = 0; i < model.n_layers(); ++i) {
        if (!is_prunable(model.layer(i).kind())) continue;
        layers.push_back(i);
        const Tensor& w = *param(model.layer(i), "weight");
        masks.push_back({i, std::vector<uint8_t>(size_t(w.size()), 1)});
    }
    sparsity = std::clamp(sparsity, 0.0, 1.0);
    if (global) {
        int64_t total = 0;
        for (int li : layers) total += param(model.layer(li), "weight")->size();
        zero_smallest(model, layers, std::llround(sparsity * double(total)), masks);
    } else {
        for (int li : layers)
            zero_smallest(model, {li}, std::llround(sparsity * double(param(model.layer(li), "weight")->size())), masks);
    }
    return masks;
}

void apply_masks(Model& model, const PruneMasks& masks) {
    for (const auto& m : masks) {
        Tensor& w = *param(model.layer(m.layer), "weight");
        for (size_t i = 0; i < m.keep.size(); ++i)
            if (!m.keep[i]) w.data[i] = 0.0f;
    }
}

int64_t csr_bytes(int64_t rows, int64_t cols, int64_t nnz, int value_bytes) {
    const int64_t index_bytes = cols > 65535 ? 4 : 2;
    return nnz * (value_bytes + index_bytes) + (rows + 1) * 4;
}

std::vector<LayerSparsity> sparsity_report(Model& model) {
    std::vector<LayerSparsity> out;
    for (int i = 0; i < model.n_layers(); ++i) {
        Layer& l = model.layer(i);
        if (!is_prunable(l.kind())) continue;
        const Tensor& w = *param(l, "weight");
        LayerSparsity s;
        s.name = l.name();
        s.n_weights = w.size();
        for (int64_t k = 0; k < w.size(); ++k) s.n_zero += w[k] == 0.0f;
        s.rows = w.shape.back();  // output channels are the last axis (HWIO, [in][out], [kh][kw][c])
        s.cols = s.rows ? s.n_weights / s.rows : 0;
        s.dense_bytes = 4 * s.n_weights;
        s.csr_bytes = csr_bytes(s.rows, s.cols, s.n_weights - s.n_zero, 4);
        out.push_back(s);
    }
    return out;
}

core::Result<Model> structured_prune(Model& model, double fraction) {
    if (!(fraction >= 0 && fraction < 1)) return fail("structured pruning fraction must be in [0, 1), got " + std::to_string(fraction));
    const int n = model.n_layers();
    int classifier = -1;
    for (int i = 0; i < n; ++i)
        if (model.layer(i).kind() == LayerKind::Dense || model.layer(i).kind() == LayerKind::Conv2D) classifier = i;
    ModelSpec spec = model.spec();
    std::vector<std::vector<int>> keep_out(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        Layer& l = model.layer(i);
        if ((l.kind() != LayerKind::Dense && l.kind() != LayerKind::Conv2D) || i == classifier) continue;
        const Tensor& w = *param(l, "weight");
        const int oc = w.shape.back();
        std::vector<double> l1(size_t(oc), 0.0);
        for (int64_t k = 0; k < w.size(); ++k) l1[size_t(k % oc)] += std::fabs(w[k]);
        std::vector<int> order(static_cast<size_t>(oc));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return l1[size_t(a)] > l1[size_t(b)]; });
        const int n_keep = std::max(1, oc - static_cast<int>(std::lround(fraction * oc)));
        std::vector<int> kept(order.begin(), order.begin() + n_keep);
        std::sort(kept.begin(), kept.end());
        keep_out[size_t(i)] = kept;
        if (l.kind() == LayerKind::Dense) spec.layers[size_t(i)].units = n_keep;
        else spec.layers[size_t(i)].filters = n_keep;
    }
    auto built = Model::build(spec, 1);
    if (!built) return fail("structured pruning: " + built.error());
    const Shape& in_shape = model.spec().input_shape;
    std::vector<int> cur(size_t(in_shape.back()));
    std::iota(cur.begin(), cur.end(), 0);
    if (in_shape.size() != 3) {
        cur.resize(size_t(shape_size(in_shape)));
        std::iota(cur.begin(), cur.end(), 0);
    }
    for (int i = 0; i < n; ++i) {
        Layer& src = model.layer(i);
        Layer& dst = built->layer(i);
        switch (src.kind()) {
            case LayerKind::Conv2D:
            case LayerKind::Dense: {
                const Tensor& w = *param(src, "weight");
                std::vector<std::vector<int>> sel(w.shape.size());
                sel[sel.size() - 2] = cur;
                sel.back() = keep_out[size_t(i)];
                copy_selected(w, *param(dst, "weight"), w.shape, sel);
                if (Tensor* b = param(src, "bias")) copy_selected(*b, *param(dst, "bias"), b->shape, {keep_out[size_t(i)]});
                if (keep_out[size_t(i)].empty()) {
                    cur.resize(size_t(w.shape.back()));
                    std::iota(cur.begin(), cur.end(), 0);
                } else {
                    cur = keep_out[size_t(i)];
                }
                break;
            }
            case LayerKind::DepthwiseConv2D: {
                const Tensor& w = *param(src, "weight");
                copy_selected(w, *param(dst, "weight"), w.shape, {{}, {}, cur});
                if (Tensor* b = param(src, "bias")) copy_selected(*b, *param(dst, "bias"), b->shape, {cur});
                break;
            }
            case LayerKind::BatchNorm:
                for (const char* name : {"gamma", "beta", "running_mean", "running_var"}) {
                    const Tensor& t = *param(src, name);
                    copy_selected(t, *param(dst, name), t.shape, {cur});
                }
                break;
            case LayerKind::Flatten: {
                const Shape& s = src.input_shape();
                if (s.size() == 3) {
                    std::vector<int> flat;
                    for (int p = 0; p < s[0] * s[1]; ++p)
                        for (int ch : cur) flat.push_back(p * s[2] + ch);
                    cur = std::move(flat);
                }
                break;
            }
            default: break;
        }
    }
    return std::move(*built);
}

nlohmann::json to_json(const PruneConfig& c) {
    return {{"sparsity", c.sparsity},
            {"structured", c.structured},
            {"global", c.global},
            {"finetune_epochs", c.finetune_epochs},
            {"gradual_steps", c.gradual_steps}};
}

core::Result<Model> prune_model(Model& model, const Dataset& train, const PruneConfig& c, TrainConfig tc,
                                const TrainProgress& progress, core::JobControl* control) {
    if (!(c.sparsity >= 0 && c.sparsity < 1)) return fail("sparsity must be in [0, 1), got " + std::to_string(c.sparsity));
    if (c.finetune_epochs < 0) return fail("finetune_epochs must be >= 0");
    if (c.gradual_steps < 1) return fail("gradual_steps must be >= 1");
    const int64_t per_epoch = (train.size() + tc.batch_size - 1) / std::max(1, tc.batch_size);
    const int64_t total = per_epoch * c.finetune_epochs;
    int64_t done = 0;
    if (c.structured) {
        auto out = structured_prune(model, c.sparsity);
        if (!out) return out;
        if (auto st = finetune(*out, train, c.finetune_epochs, tc, nullptr, progress, done, total, control); !st)
            return fail(st.error());
        return out;
    }
    auto out = model.clone();
    if (!out) return out;
    const int k = c.gradual_steps;
    for (int s = 1; s <= k; ++s) {
        const double target = s == k ? c.sparsity : c.sparsity * (1.0 - std::pow(1.0 - double(s) / k, 3));
        const PruneMasks masks = magnitude_prune(*out, target, c.global);
        const int epochs = c.finetune_epochs * s / k - c.finetune_epochs * (s - 1) / k;
        tc.seed += uint64_t(s - 1);  // each round sees its own data order
        if (auto st = finetune(*out, train, epochs, tc, &masks, progress, done, total, control); !st) return fail(st.error());
    }
    return out;
}

}  // namespace mlsys::models::optimize
