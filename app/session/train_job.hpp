// Training as a job: what to train (TrainRequest, serialisable so a Run can be re-run), the snapshot the
// GUI draws (TrainSnapshot, plain data), and run_training(), which the CLI and the GUI both call on a worker
// thread. It loads the data, trains step by step between JobControl checkpoints, evaluates, writes a Run
// and returns the trained model.
#pragma once

#include "models/core/job.hpp"
#include "models/data/batching.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/train/evaluate.hpp"
#include "models/train/trainer.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mlsys::session {

struct TrainRequest {
    std::string dataset = "fashion-mnist";
    models::DatasetOptions data;
    models::ModelSpec spec;       // adapted to the dataset's input shape and classes before training
    uint64_t model_seed = 1;      // initial weights
    models::TrainConfig train;    // epochs, batch, optimizer, schedule, data-order seed
    std::string runs_dir;         // empty: core::default_runs_dir()
    bool write_run = true;
    std::string save_path;        // also save the trained model here when not empty
    int eval_every_steps = 0;     // > 0: a quick validation pass every this many steps (GUI curves)
    int quick_eval_samples = 1000;
    bool rich_snapshots = false;  // build the GUI's image grid, decision boundary and thumbnails
};
nlohmann::json to_json(const TrainRequest& r);
// Reads what to_json wrote (a Run's config.json "config" object); errors name the key.
core::Result<TrainRequest> parse_train_request(const nlohmann::json& j);

// What the GUI draws while a model trains. Every vector is a copy: nothing points into live state.
struct TrainSnapshot {
    std::string status;
    int64_t step = 0;
    int64_t total_steps = 0;
    double epoch = 0;
    int epochs = 0;
    double learning_rate = 0;
    // Curves by step (train: running values; val: quick validation passes and epoch ends).
    std::vector<float> step_x, train_loss, train_accuracy;
    std::vector<float> val_x, val_loss, val_accuracy;
    // Systems strip.
    double images_per_s = 0;
    double flops_per_step = 0;  // 2 x MACs x batch x 3 (forward, and backward at about twice the forward)
    int64_t weight_bytes = 0, gradient_bytes = 0, optimizer_bytes = 0, activation_bytes = 0;
    double forward_ms = 0, backward_ms = 0, update_ms = 0;
    // Latest validation confusion matrix [true][predicted].
    std::vector<std::vector<int64_t>> confusion;
    std::vector<std::string> class_names;
    // Image grid (image datasets): grayscale pixels of n images of image_h x image_w, with labels.
    int image_h = 0, image_w = 0;
    std::vector<float> grid_pixels;
    std::vector<int> grid_true, grid_pred;
    std::vector<float> grid_confidence;
    // 2-D datasets: class probabilities over a res x res grid of [x_min, x_max] x [y_min, y_max]
    // (row 0 at y_max), the winning class and its probability per cell, and the data points.
    int boundary_res = 0;
    float x_min = -1, x_max = 1, y_min = -1, y_max = 1;
    std::vector<int> boundary_class;
    std::vector<float> boundary_confidence;
    std::vector<float> points_xy;  // x0, y0, x1, y1, ...
    std::vector<int> points_label;
    // Per-neuron activation thumbnails of the hidden layers over the same grid (thumb_res x thumb_res).
    struct NeuronLayer {
        std::string name;
        int n_neurons = 0;
        std::vector<float> values;  // neuron-major: n_neurons x thumb_res x thumb_res
    };
    int thumb_res = 0;
    std::vector<NeuronLayer> neurons;
    // Filled at the end.
    bool finished = false;
    double test_accuracy = -1;
    std::string run_dir;
};

struct TrainOutcome {
    models::Model model;
    models::EvalResult test;
    std::vector<models::EpochResult> epochs;
    std::vector<double> val_accuracy;  // per epoch (empty without a validation set)
    double seconds = 0;
    double images_per_s = 0;   // training throughput over the whole run
    std::string run_dir;       // empty when no Run was written
    std::string model_path;    // the Run's model artifact (or save_path)
    bool cancelled = false;
};

// Callbacks for the caller's view of progress (the CLI's bar). All run on the job's thread.
struct TrainObserver {
    virtual ~TrainObserver() = default;
    virtual void on_start(const models::Trainer&, const models::DatasetSplits&) {}
    virtual void on_step(const models::StepResult&, const models::Trainer&) {}
    virtual void on_epoch(const models::EpochResult&, double val_accuracy, double val_loss) { (void)val_accuracy; (void)val_loss; }
};

// Commands the GUI sends to a running training job.
struct TrainCommand {
    double learning_rate = 0;  // > 0: set the base learning rate
};

// Runs the whole training. `snapshots` (may be null) receives TrainSnapshots at most every ~60 ms and at
// every epoch end; `commands` (may be null) is drained between steps. Cancellation stops between steps,
// finishes the Run as "cancelled" and still returns the partly trained model.
core::Result<TrainOutcome> run_training(const TrainRequest& request, core::JobControl& control,
                                        TrainObserver* observer = nullptr,
                                        core::Latest<TrainSnapshot>* snapshots = nullptr,
                                        core::CommandQueue<TrainCommand>* commands = nullptr);

}  // namespace mlsys::session
