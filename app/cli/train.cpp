// `mlsyslab train`: trains a model on a dataset with a progress bar, writes a Run (the model among its
// artifacts) and reports per-epoch and test metrics.
#include "app/cli/command.hpp"
#include "app/session/model_source.hpp"
#include "app/session/train_job.hpp"

#include <cmath>
#include <cstdio>
#include <memory>

namespace mlsys::cli {
namespace {

struct TrainOptions {
    std::string model = "mlp";
    std::string dataset = "fashion-mnist";
    int epochs = 3;
    int batch = 64;
    double lr = 0.001;
    std::string optimizer = "adam";
    double momentum = 0.9;
    double weight_decay = 0;
    std::string schedule = "constant";
    uint64_t seed = 1;
    std::string save;
    double val_fraction = 0.1;
    int train_limit = 0;
    int test_limit = 0;
    int n_samples = 1000;
    double noise = 0.05;
};

class CliObserver final : public session::TrainObserver {
public:
    explicit CliObserver(bool quiet) : quiet_(quiet) {}
    void on_start(const models::Trainer& t, const models::DatasetSplits& d) override {
        if (quiet_) return;
        std::fprintf(stderr, "training on %d images (%d validation, %d test), %lld steps per epoch\n", d.train.size(),
                     d.val.size(), d.test.size(), static_cast<long long>(t.steps_per_epoch()));
        start_epoch(1, t);
    }
    void on_step(const models::StepResult& s, const models::Trainer& t) override {
        loss_ema_ = loss_ema_ < 0 ? s.loss : 0.95 * loss_ema_ + 0.05 * s.loss;
        if (!bar_) return;
        char suffix[64];
        std::snprintf(suffix, sizeof suffix, "loss %.4f", loss_ema_);
        bar_->update((s.step - 1) % t.steps_per_epoch() + 1, suffix);
        if (s.epoch_ended && !t.done()) pending_next_ = true;
        next_epoch_ = t.epochs_done() + 1;
        trainer_ = &t;
    }
    void on_epoch(const models::EpochResult& e, double val_acc, double val_loss) override {
        if (quiet_) return;
        char suffix[64];
        std::snprintf(suffix, sizeof suffix, "loss %.4f", e.train_loss);
        if (bar_) bar_->finish(suffix);
        std::fprintf(stderr, "epoch %d: train loss %.4f, accuracy %.2f%%", e.epoch, e.train_loss, 100 * e.train_accuracy);
        if (!std::isnan(val_acc)) std::fprintf(stderr, " | validation loss %.4f, accuracy %.2f%%", val_loss, 100 * val_acc);
        std::fprintf(stderr, " | %.0f images/s\n", e.images_per_s);
        if (pending_next_ && trainer_) start_epoch(next_epoch_, *trainer_);
        pending_next_ = false;
    }

private:
    void start_epoch(int epoch, const models::Trainer& t) {
        bar_ = std::make_unique<ProgressBar>("epoch " + std::to_string(epoch) + "/" + std::to_string(t.config().epochs),
                                             t.steps_per_epoch(), true);
    }
    bool quiet_;
    std::unique_ptr<ProgressBar> bar_;
    double loss_ema_ = -1;
    bool pending_next_ = false;
    int next_epoch_ = 1;
    const models::Trainer* trainer_ = nullptr;
};

int run_train(const TrainOptions& o, const CommandContext& ctx) {
    auto spec = session::resolve_model_spec(o.model);
    if (!spec) return usage_error("train", spec.error());
    auto opt = models::parse_optimizer_kind(o.optimizer);
    if (!opt) return usage_error("train", opt.error());
    auto sched = models::parse_schedule_kind(o.schedule);
    if (!sched) return usage_error("train", sched.error());
    if (o.epochs < 1) return usage_error("train", "--epochs must be at least 1, got " + std::to_string(o.epochs));
    if (o.batch < 1) return usage_error("train", "--batch must be at least 1, got " + std::to_string(o.batch));
    if (!(o.lr > 0) || !std::isfinite(o.lr)) return usage_error("train", "--lr must be a positive number");
    if (!(o.val_fraction >= 0 && o.val_fraction < 1)) return usage_error("train", "--val-fraction must be in [0, 1)");

    session::TrainRequest req;
    req.dataset = o.dataset;
    req.spec = *spec;
    req.model_seed = o.seed;
    req.data.seed = o.seed;
    req.data.val_fraction = o.val_fraction;
    req.data.train_limit = o.train_limit;
    req.data.test_limit = o.test_limit;
    req.data.n_train = o.n_samples;
    req.data.noise = o.noise;
    req.train.epochs = o.epochs;
    req.train.batch_size = o.batch;
    req.train.seed = o.seed;
    req.train.optimizer.kind = *opt;
    req.train.optimizer.learning_rate = o.lr;
    req.train.optimizer.momentum = o.momentum;
    req.train.optimizer.weight_decay = o.weight_decay;
    req.train.schedule.kind = *sched;
    req.runs_dir = ctx.runs_dir;
    req.save_path = o.save;

    core::JobControl control;
    CliObserver observer(ctx.json);
    auto out = session::run_training(req, control, &observer);
    if (!out) {
        // Bad input (unknown dataset, missing package, shapes that do not fit) is a usage error.
        return usage_error("train", out.error());
    }
    if (ctx.json) {
        nlohmann::json epochs = nlohmann::json::array();
        for (size_t i = 0; i < out->epochs.size(); ++i) {
            const auto& e = out->epochs[i];
            nlohmann::json row{{"epoch", e.epoch}, {"train_loss", e.train_loss}, {"train_accuracy", e.train_accuracy},
                               {"seconds", e.seconds}, {"images_per_s", e.images_per_s}};
            if (i < out->val_accuracy.size()) row["val_accuracy"] = out->val_accuracy[i];
            epochs.push_back(row);
        }
        print_json({{"model", req.spec.name},
                    {"dataset", req.dataset},
                    {"params", out->model.n_params()},
                    {"epochs", epochs},
                    {"test_accuracy", out->test.accuracy},
                    {"test_loss", out->test.loss},
                    {"images_per_s", out->images_per_s},
                    {"seconds", out->seconds},
                    {"run_dir", out->run_dir},
                    {"model_path", out->model_path}});
        return kExitOk;
    }
    std::printf("test accuracy: %.2f%% (loss %.4f) on %d images\n", 100 * out->test.accuracy, out->test.loss,
                out->test.n_samples);
    std::printf("training throughput: %.0f images/s; total %.1f s\n", out->images_per_s, out->seconds);
    if (!out->run_dir.empty()) std::printf("run: %s\n", out->run_dir.c_str());
    if (!out->model_path.empty()) std::printf("model: %s\n", out->model_path.c_str());
    return kExitOk;
}

void setup_train(CLI::App& app, CommandContext& ctx) {
    auto o = std::make_shared<TrainOptions>();
    CLI::App* sub = app.add_subcommand("train", "Train a model on a dataset and record the Run");
    sub->add_option("--model", o->model, "A preset (mlp, cnn, dscnn, tiny, playground) or a model-description JSON file")
        ->capture_default_str();
    sub->add_option("--dataset", o->dataset, "fashion-mnist, circles, xor, blobs or spiral")->capture_default_str();
    sub->add_option("--epochs", o->epochs, "Passes over the training set")->capture_default_str();
    sub->add_option("--batch", o->batch, "Mini-batch size")->capture_default_str();
    sub->add_option("--lr", o->lr, "Learning rate")->capture_default_str();
    sub->add_option("--optimizer", o->optimizer, "sgd or adam")->capture_default_str();
    sub->add_option("--momentum", o->momentum, "SGD momentum")->capture_default_str();
    sub->add_option("--weight-decay", o->weight_decay, "L2 weight decay (decoupled for Adam)")->capture_default_str();
    sub->add_option("--schedule", o->schedule, "Learning-rate schedule: constant, step or cosine")->capture_default_str();
    sub->add_option("--seed", o->seed, "Seed for weights, data order and splits")->capture_default_str();
    sub->add_option("--save", o->save, "Also save the trained model to this path");
    sub->add_option("--val-fraction", o->val_fraction, "Share of the training set held out for validation")
        ->capture_default_str();
    sub->add_option("--train-limit", o->train_limit, "Use at most this many training samples (0 = all)");
    sub->add_option("--test-limit", o->test_limit, "Use at most this many test samples (0 = all)");
    sub->add_option("--samples", o->n_samples, "Playground sets: number of training points")->capture_default_str();
    sub->add_option("--noise", o->noise, "Playground sets: coordinate noise")->capture_default_str();
    add_common_flags(*sub, ctx);
    sub->callback([o, &ctx] { ctx.exit_code = run_train(*o, ctx); });
}

}  // namespace

MLSYS_CLI_COMMAND("train", setup_train);

}  // namespace mlsys::cli
