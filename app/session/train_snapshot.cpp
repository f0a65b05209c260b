// Snapshot building for the Train workspace.
#include "app/session/train_snapshot.hpp"

#include <algorithm>
#include <numeric>
#include <span>

namespace mlsys::session {

using models::Tensor;

namespace {
constexpr int kGridImages = 24;   // test images shown in the grid
constexpr int kBoundaryRes = 64;  // decision-boundary cells per side
constexpr int kThumbRes = 32;     // neuron thumbnail cells per side
}  // namespace

SnapshotBuilder::SnapshotBuilder(const TrainRequest& request, const models::DatasetSplits& data,
                                 const models::Model& model)
    : request_(request), data_(data) {
    const auto& spec = model.spec();
    snap_.epochs = request.train.epochs;
    snap_.class_names = data.train.class_names;
    const auto wl = model.workload();
    macs_per_sample_ = wl.total_macs();
    const int64_t n_params = const_cast<models::Model&>(model).n_params();
    snap_.weight_bytes = n_params * 4;
    snap_.gradient_bytes = n_params * 4;
    switch (request.train.optimizer.kind) {
    case models::OptimizerKind::Adam: snap_.optimizer_bytes = n_params * 8; break;  // two moments
    case models::OptimizerKind::Sgd: snap_.optimizer_bytes = request.train.optimizer.momentum != 0 ? n_params * 4 : 0; break;
    }
    snap_.activation_bytes =
        int64_t(request.train.batch_size) * (wl.total_activation_elems() + models::shape_size(spec.input_shape)) * 4;
    snap_.flops_per_step = 2.0 * static_cast<double>(macs_per_sample_) * request.train.batch_size * 3.0;

    two_d_ = spec.input_shape.size() == 1 && spec.input_shape[0] == 2;
    image_ = spec.input_shape.size() == 3 && (spec.input_shape[2] == 1 || spec.input_shape[2] == 3);
    if (!request.rich_snapshots) return;
    if (image_ && data.test.size() > 0) {
        // A fixed, seeded choice of test images so the grid is stable while the model learns.
        std::vector<int> idx(static_cast<size_t>(data.test.size()));
        std::iota(idx.begin(), idx.end(), 0);
        core::Rng rng(request.data.seed + 17);
        rng.shuffle(idx);
        idx.resize(std::min<size_t>(idx.size(), kGridImages));
        grid_indices_ = idx;
        std::vector<int> y;
        models::gather_batch(data.test, grid_indices_, grid_x_, y);
        snap_.grid_true = y;
        snap_.image_h = spec.input_shape[0];
        snap_.image_w = spec.input_shape[1];
        const int c = spec.input_shape[2];
        const int64_t px = int64_t(snap_.image_h) * snap_.image_w;
        snap_.grid_pixels.resize(static_cast<size_t>(px) * grid_indices_.size());
        for (size_t i = 0; i < grid_indices_.size(); ++i)
            for (int64_t p = 0; p < px; ++p) {
                float v = 0;
                for (int ch = 0; ch < c; ++ch) v += grid_x_[static_cast<int64_t>(i) * px * c + p * c + ch];
                snap_.grid_pixels[i * static_cast<size_t>(px) + static_cast<size_t>(p)] = v / static_cast<float>(c);
            }
    }
    if (two_d_) {
        const auto& tr = data.train;
        float lo_x = 1e9f, hi_x = -1e9f, lo_y = 1e9f, hi_y = -1e9f;
        for (int i = 0; i < tr.size(); ++i) {
            lo_x = std::min(lo_x, tr.sample(i)[0]);
            hi_x = std::max(hi_x, tr.sample(i)[0]);
            lo_y = std::min(lo_y, tr.sample(i)[1]);
            hi_y = std::max(hi_y, tr.sample(i)[1]);
        }
        const float pad_x = 0.1f * (hi_x - lo_x) + 1e-3f, pad_y = 0.1f * (hi_y - lo_y) + 1e-3f;
        snap_.x_min = lo_x - pad_x;
        snap_.x_max = hi_x + pad_x;
        snap_.y_min = lo_y - pad_y;
        snap_.y_max = hi_y + pad_y;
        snap_.boundary_res = kBoundaryRes;
        snap_.thumb_res = kThumbRes;
        boundary_x_.resize({kBoundaryRes * kBoundaryRes, 2});
        for (int r = 0; r < kBoundaryRes; ++r)
            for (int col = 0; col < kBoundaryRes; ++col) {
                const int64_t k = int64_t(r) * kBoundaryRes + col;
                boundary_x_[2 * k] = snap_.x_min + (snap_.x_max - snap_.x_min) * (col + 0.5f) / kBoundaryRes;
                boundary_x_[2 * k + 1] = snap_.y_max - (snap_.y_max - snap_.y_min) * (r + 0.5f) / kBoundaryRes;
            }
        const int n_points = std::min(tr.size(), 600);
        for (int i = 0; i < n_points; ++i) {
            snap_.points_xy.push_back(tr.sample(i)[0]);
            snap_.points_xy.push_back(tr.sample(i)[1]);
            snap_.points_label.push_back(tr.y[static_cast<size_t>(i)]);
        }
    }
}

void SnapshotBuilder::record_step(const models::StepResult& step, const models::Trainer& trainer) {
    snap_.step = step.step;
    snap_.total_steps = trainer.total_steps();
    snap_.epoch = step.epoch;
    snap_.learning_rate = step.learning_rate;
    snap_.step_x.push_back(static_cast<float>(step.step));
    snap_.train_loss.push_back(static_cast<float>(step.loss));
    snap_.train_accuracy.push_back(static_cast<float>(step.accuracy));
    const double step_ns = step.timing.forward_ns + step.timing.backward_ns + step.timing.update_ns;
    // Exponential moving averages keep the strip readable.
    const double a = snap_.forward_ms == 0 ? 1.0 : 0.1;
    snap_.forward_ms += a * (step.timing.forward_ns / 1e6 - snap_.forward_ms);
    snap_.backward_ms += a * (step.timing.backward_ns / 1e6 - snap_.backward_ms);
    snap_.update_ms += a * (step.timing.update_ns / 1e6 - snap_.update_ms);
    const double ips = step_ns > 0 ? step.batch_size / (step_ns / 1e9) : 0;
    snap_.images_per_s += a * (ips - snap_.images_per_s);
}

void SnapshotBuilder::record_val(double step, double loss, double accuracy, const models::EvalResult& eval) {
    snap_.val_x.push_back(static_cast<float>(step));
    snap_.val_loss.push_back(static_cast<float>(loss));
    snap_.val_accuracy.push_back(static_cast<float>(accuracy));
    snap_.confusion = eval.confusion;
}

void SnapshotBuilder::build_image_grid(models::Model& model) {
    if (grid_indices_.empty()) return;
    model.forward(grid_x_, false);
    const Tensor& logits = model.logits();
    snap_.grid_pred = models::argmax_rows(logits);
    const int k = static_cast<int>(logits.sample_size());
    snap_.grid_confidence.resize(snap_.grid_pred.size());
    for (size_t i = 0; i < snap_.grid_pred.size(); ++i) {
        const float* row = logits.ptr() + static_cast<int64_t>(i) * k;
        const float mx = row[snap_.grid_pred[i]];
        double denom = 0;
        for (int c = 0; c < k; ++c) denom += std::exp(static_cast<double>(row[c] - mx));
        snap_.grid_confidence[i] = static_cast<float>(1.0 / denom);
    }
}

void SnapshotBuilder::build_boundary(models::Model& model) {
    if (snap_.boundary_res == 0) return;
    model.forward(boundary_x_, false);
    const Tensor& logits = model.logits();
    const int k = static_cast<int>(logits.sample_size());
    const int n = logits.batch();
    snap_.boundary_class.resize(static_cast<size_t>(n));
    snap_.boundary_confidence.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const float* row = logits.ptr() + static_cast<int64_t>(i) * k;
        int best = 0;
        for (int c = 1; c < k; ++c)
            if (row[c] > row[best]) best = c;
        double denom = 0;
        for (int c = 0; c < k; ++c) denom += std::exp(static_cast<double>(row[c] - row[best]));
        snap_.boundary_class[static_cast<size_t>(i)] = best;
        snap_.boundary_confidence[static_cast<size_t>(i)] = static_cast<float>(1.0 / denom);
    }
    // Thumbnails: the output of every hidden activation layer, subsampled to thumb_res.
    snap_.neurons.clear();
    const int step = kBoundaryRes / kThumbRes;
    for (int li = 0; li < model.logits_layer(); ++li) {
        const auto kind = model.layer(li).kind();
        if (kind != models::LayerKind::ReLU && kind != models::LayerKind::Tanh && kind != models::LayerKind::Sigmoid)
            continue;
        const Tensor& act = model.activation(li);
        const int units = static_cast<int>(act.sample_size());
        if (units > 32) continue;  // thumbnails only for playground-sized layers
        TrainSnapshot::NeuronLayer nl;
        nl.name = model.layer(li).name();
        nl.n_neurons = units;
        nl.values.resize(static_cast<size_t>(units) * kThumbRes * kThumbRes);
        for (int u = 0; u < units; ++u)
            for (int r = 0; r < kThumbRes; ++r)
                for (int c = 0; c < kThumbRes; ++c) {
                    const int64_t cell = int64_t(r * step) * kBoundaryRes + c * step;
                    nl.values[(static_cast<size_t>(u) * kThumbRes + r) * kThumbRes + c] = act[cell * units + u];
                }
        snap_.neurons.push_back(std::move(nl));
    }
}

TrainSnapshot SnapshotBuilder::build(models::Model& model, const std::string& status) {
    snap_.status = status;
    if (request_.rich_snapshots) {
        build_image_grid(model);
        build_boundary(model);
    }
    return snap_;
}

}  // namespace mlsys::session
