// run_training: the one training loop behind `mlsyslab train`, the GUI's Train workspace and the labs.
#include "app/session/train_job.hpp"

#include "app/session/train_snapshot.hpp"
#include "models/core/files.hpp"
#include "models/io/model_file.hpp"
#include "models/io/run_log.hpp"

#include <chrono>
#include <cmath>

namespace mlsys::session {

using core::fail;
using nlohmann::json;

json to_json(const TrainRequest& r) {
    return json{{"dataset", r.dataset},
                {"data",
                 {{"seed", r.data.seed},
                  {"val_fraction", r.data.val_fraction},
                  {"train_limit", r.data.train_limit},
                  {"test_limit", r.data.test_limit},
                  {"n_train", r.data.n_train},
                  {"n_test", r.data.n_test},
                  {"noise", r.data.noise},
                  {"n_classes", r.data.n_classes}}},
                {"model", models::to_json(r.spec)},
                {"model_seed", r.model_seed},
                {"train", models::to_json(r.train)}};
}

namespace {

template <class T>
core::Status read_number(const json& j, const char* key, T& out, const std::string& where) {
    if (!j.contains(key)) return core::Status::success();
    if (!j[key].is_number()) return fail(where + "." + key + ": must be a number, got " + j[key].dump());
    out = j[key].get<T>();
    return core::Status::success();
}

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

core::Result<TrainRequest> parse_train_request(const json& j) {
    TrainRequest r;
    if (!j.is_object()) return fail("config: must be an object");
    if (j.contains("dataset")) {
        if (!j["dataset"].is_string()) return fail("config.dataset: must be a string");
        r.dataset = j["dataset"].get<std::string>();
    }
    if (j.contains("data")) {
        const json& d = j["data"];
        if (!d.is_object()) return fail("config.data: must be an object");
        for (auto st : {read_number(d, "seed", r.data.seed, "config.data"),
                        read_number(d, "val_fraction", r.data.val_fraction, "config.data"),
                        read_number(d, "train_limit", r.data.train_limit, "config.data"),
                        read_number(d, "test_limit", r.data.test_limit, "config.data"),
                        read_number(d, "n_train", r.data.n_train, "config.data"),
                        read_number(d, "n_test", r.data.n_test, "config.data"),
                        read_number(d, "noise", r.data.noise, "config.data"),
                        read_number(d, "n_classes", r.data.n_classes, "config.data")})
            if (!st) return fail(st.error());
    }
    if (!j.contains("model")) return fail("config.model: missing");
    auto spec = models::parse_model_spec(j["model"]);
    if (!spec) return fail("config.model: " + spec.error());
    r.spec = *spec;
    if (auto st = read_number(j, "model_seed", r.model_seed, "config"); !st) return fail(st.error());
    if (j.contains("train")) {
        const json& t = j["train"];
        if (!t.is_object()) return fail("config.train: must be an object");
        for (auto st : {read_number(t, "epochs", r.train.epochs, "config.train"),
                        read_number(t, "batch_size", r.train.batch_size, "config.train"),
                        read_number(t, "seed", r.train.seed, "config.train")})
            if (!st) return fail(st.error());
        if (t.contains("optimizer")) {
            const json& o = t["optimizer"];
            if (!o.is_object()) return fail("config.train.optimizer: must be an object");
            if (o.contains("kind")) {
                auto k = models::parse_optimizer_kind(o["kind"].is_string() ? o["kind"].get<std::string>() : "?");
                if (!k) return fail("config.train.optimizer.kind: " + k.error());
                r.train.optimizer.kind = *k;
            }
            for (auto st : {read_number(o, "learning_rate", r.train.optimizer.learning_rate, "config.train.optimizer"),
                            read_number(o, "momentum", r.train.optimizer.momentum, "config.train.optimizer"),
                            read_number(o, "beta1", r.train.optimizer.beta1, "config.train.optimizer"),
                            read_number(o, "beta2", r.train.optimizer.beta2, "config.train.optimizer"),
                            read_number(o, "epsilon", r.train.optimizer.epsilon, "config.train.optimizer"),
                            read_number(o, "weight_decay", r.train.optimizer.weight_decay, "config.train.optimizer")})
                if (!st) return fail(st.error());
        }
        if (t.contains("schedule")) {
            const json& s = t["schedule"];
            if (!s.is_object()) return fail("config.train.schedule: must be an object");
            if (s.contains("kind")) {
                auto k = models::parse_schedule_kind(s["kind"].is_string() ? s["kind"].get<std::string>() : "?");
                if (!k) return fail("config.train.schedule.kind: " + k.error());
                r.train.schedule.kind = *k;
            }
            for (auto st : {read_number(s, "step_epochs", r.train.schedule.step_epochs, "config.train.schedule"),
                            read_number(s, "gamma", r.train.schedule.gamma, "config.train.schedule"),
                            read_number(s, "min_factor", r.train.schedule.min_factor, "config.train.schedule")})
                if (!st) return fail(st.error());
        }
    }
    return r;
}

core::Result<TrainOutcome> run_training(const TrainRequest& request, core::JobControl& control, TrainObserver* observer,
                                        core::Latest<TrainSnapshot>* snapshots,
                                        core::CommandQueue<TrainCommand>* commands) {
    const double t_start = now_s();
    control.set_status("loading " + request.dataset);
    auto data = models::load_dataset(request.dataset, request.data);
    if (!data) return fail(data.error());
    models::ModelSpec spec = request.spec;
    if (auto st = models::adapt_to_dataset(spec, data->train.sample_shape, data->train.n_classes); !st)
        return fail(st.error());
    auto model = models::Model::build(spec, request.model_seed);
    if (!model) return fail(model.error());
    // The outcome owns the model from here on; the trainer keeps a reference to it, so it must not move.
    TrainOutcome out{std::move(*model), {}, {}, {}, 0, 0, "", "", false};
    models::Model& m = out.model;
    auto trainer = models::Trainer::create(m, data->train, request.train);
    if (!trainer) return fail(trainer.error());

    std::optional<models::RunWriter> run;
    if (request.write_run) {
        TrainRequest logged = request;
        logged.spec = spec;
        const std::string root = request.runs_dir.empty() ? core::default_runs_dir().string() : request.runs_dir;
        auto created = models::RunWriter::create(root, "train", spec.name + "-" + request.dataset, to_json(logged));
        if (!created) return fail(created.error());
        run.emplace(std::move(*created));
        if (auto st = run->declare_metrics({"epoch", "loss", "accuracy", "learning_rate", "val_loss", "val_accuracy"}); !st)
            return fail(st.error());
        if (auto st = run->append_event("training_started", {{"steps_per_epoch", (*trainer)->steps_per_epoch()},
                                                             {"params", m.n_params()}});
            !st)
            return fail(st.error());
    }

    // An error after the Run exists finishes it as failed, with the reason, so the log stays valid.
    auto fail_run = [&run](const std::string& message) -> core::Error {
        if (run && !run->is_finished()) (void)run->finish(models::RunStatus::Failed, json::object(), message);
        return fail(message);
    };
    SnapshotBuilder builder(request, *data, m);
    if (observer) observer->on_start(**trainer, *data);
    double last_publish = 0;
    double train_seconds = 0;
    int64_t train_images = 0;
    const bool has_val = data->val.size() > 0;

    while (!(*trainer)->done()) {
        if (!control.checkpoint()) {
            out.cancelled = true;
            break;
        }
        if (commands)
            for (const auto& c : commands->drain())
                if (c.learning_rate > 0) (*trainer)->set_learning_rate(c.learning_rate);
        const models::StepResult step = (*trainer)->step();
        train_seconds += (step.timing.forward_ns + step.timing.backward_ns + step.timing.update_ns) / 1e9;
        train_images += step.batch_size;
        control.set_progress(static_cast<double>(step.step) / (*trainer)->total_steps());
        if (observer) observer->on_step(step, **trainer);
        if (run)
            if (auto st = run->append_metrics(step.step, {{"epoch", step.epoch}, {"loss", step.loss},
                                                          {"accuracy", step.accuracy}, {"learning_rate", step.learning_rate}});
                !st)
                return fail_run(st.error());
        builder.record_step(step, **trainer);
        const bool quick_eval = request.eval_every_steps > 0 && has_val && step.step % request.eval_every_steps == 0;
        if (quick_eval && !step.epoch_ended) {
            const auto ev = models::evaluate(m, data->val, 256, request.quick_eval_samples);
            builder.record_val(static_cast<double>(step.step), ev.loss, ev.accuracy, ev);
        }
        if (step.epoch_ended) {
            const auto& ep = (*trainer)->last_epoch();
            double val_acc = std::nan(""), val_loss = std::nan("");
            if (has_val) {
                const auto ev = models::evaluate(m, data->val);
                val_acc = ev.accuracy;
                val_loss = ev.loss;
                builder.record_val(static_cast<double>(step.step), ev.loss, ev.accuracy, ev);
                out.val_accuracy.push_back(val_acc);
            }
            out.epochs.push_back(ep);
            if (run) {
                json e{{"epoch", ep.epoch}, {"train_loss", ep.train_loss}, {"train_accuracy", ep.train_accuracy},
                       {"seconds", ep.seconds}, {"images_per_s", ep.images_per_s}};
                if (has_val) {
                    e["val_loss"] = val_loss;
                    e["val_accuracy"] = val_acc;
                    if (auto st = run->append_metrics(step.step, {{"val_loss", val_loss}, {"val_accuracy", val_acc}}); !st)
                        return fail_run(st.error());
                }
                if (auto st = run->append_event("epoch_end", e); !st) return fail_run(st.error());
            }
            if (observer) observer->on_epoch(ep, val_acc, val_loss);
        }
        const double t = now_s();
        if (snapshots && (t - last_publish > 0.06 || step.epoch_ended || quick_eval)) {
            snapshots->publish(builder.build(m, "training"));
            last_publish = now_s();
        }
    }

    control.set_status("evaluating on the test set");
    out.test = models::evaluate(m, data->test);
    out.seconds = now_s() - t_start;
    out.images_per_s = train_seconds > 0 ? static_cast<double>(train_images) / train_seconds : 0;

    const json metadata{{"dataset", request.dataset},
                        {"test_accuracy", out.test.accuracy},
                        {"epochs_completed", static_cast<int>(out.epochs.size())},
                        {"train", models::to_json(request.train)},
                        {"class_names", data->train.class_names}};
    const std::string bytes = models::serialize_model(m, metadata);
    if (run) {
        if (auto st = run->write_artifact("model.mlsys", bytes); !st) return fail_run(st.error());
        out.run_dir = run->dir().string();
        out.model_path = (run->dir() / "artifacts" / "model.mlsys").string();
    }
    if (!request.save_path.empty()) {
        if (auto st = core::write_file_atomic(request.save_path, bytes); !st) return fail_run(st.error());
        out.model_path = request.save_path;
    }
    if (run) {
        json summary{{"test_accuracy", out.test.accuracy}, {"test_loss", out.test.loss},
                     {"epochs_completed", static_cast<int>(out.epochs.size())}, {"images_per_s", out.images_per_s},
                     {"seconds", out.seconds}, {"params", m.n_params()}};
        if (!out.val_accuracy.empty()) summary["val_accuracy"] = out.val_accuracy.back();
        if (auto st = run->finish(out.cancelled ? models::RunStatus::Cancelled : models::RunStatus::Finished, summary); !st)
            return fail_run(st.error());
    }
    if (snapshots) {
        TrainSnapshot s = builder.build(m, out.cancelled ? "stopped" : "finished");
        s.finished = true;
        s.test_accuracy = out.test.accuracy;
        s.confusion = out.test.confusion;
        s.run_dir = out.run_dir;
        snapshots->publish(std::move(s));
    }
    return out;
}

}  // namespace mlsys::session
