// Builds TrainSnapshots on the training thread: curves, systems strip, image grid, decision boundary and
// neuron thumbnails. Uses the model between steps (never during one). No GUI code.
#pragma once

#include "app/session/train_job.hpp"

namespace mlsys::session {

class SnapshotBuilder {
public:
    SnapshotBuilder(const TrainRequest& request, const models::DatasetSplits& data, const models::Model& model);

    void record_step(const models::StepResult& step, const models::Trainer& trainer);
    void record_val(double step, double loss, double accuracy, const models::EvalResult& eval);
    // Fills the model-dependent views (grid predictions, boundary, thumbnails) and returns a copy.
    TrainSnapshot build(models::Model& model, const std::string& status);
    TrainSnapshot& current() { return snap_; }

private:
    void build_image_grid(models::Model& model);
    void build_boundary(models::Model& model);

    const TrainRequest& request_;
    const models::DatasetSplits& data_;
    TrainSnapshot snap_;
    std::vector<int> grid_indices_;
    models::Tensor grid_x_;
    models::Tensor boundary_x_;
    bool two_d_ = false;
    bool image_ = false;
    int64_t macs_per_sample_ = 0;
};

}  // namespace mlsys::session
