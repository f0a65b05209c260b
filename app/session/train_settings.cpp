// TrainSettings <-> JSON and -> TrainRequest.
#include "app/session/train_settings.hpp"

#include <cmath>
#include <cstdio>

namespace mlsys::session {

using core::fail;
using nlohmann::json;

json to_json(const TrainSettings& s) {
    json j{{"dataset", s.dataset},           {"model", s.model},         {"epochs", s.epochs},
           {"batch_size", s.batch_size},     {"learning_rate", s.learning_rate}, {"optimizer", s.optimizer},
           {"momentum", s.momentum},         {"weight_decay", s.weight_decay},   {"schedule", s.schedule},
           {"seed", s.seed},                 {"val_fraction", s.val_fraction},   {"train_limit", s.train_limit},
           {"n_samples", s.n_samples},       {"noise", s.noise}};
    if (s.model == "custom") j["custom_spec"] = models::to_json(s.custom_spec);
    return j;
}

namespace {
template <class T>
core::Status take_number(const json& j, const char* key, T& out, double lo, double hi) {
    if (!j.contains(key)) return core::Status::success();
    const json& v = j[key];
    if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi)
    {
        char range[64];
        std::snprintf(range, sizeof range, "[%g, %g]", lo, hi);
        return fail(std::string("train.") + key + ": must be a number in " + range + ", got " + v.dump());
    }
    out = v.get<T>();
    return core::Status::success();
}
core::Status take_string(const json& j, const char* key, std::string& out) {
    if (!j.contains(key)) return core::Status::success();
    if (!j[key].is_string()) return fail(std::string("train.") + key + ": must be a string, got " + j[key].dump());
    out = j[key].get<std::string>();
    return core::Status::success();
}
}  // namespace

core::Status apply_json(TrainSettings& s, const json& j) {
    if (!j.is_object()) return fail("train: must be an object");
    static const char* kKeys[] = {"dataset",  "model",     "custom_spec", "epochs",   "batch_size", "learning_rate",
                                  "optimizer", "momentum", "weight_decay", "schedule", "seed",       "val_fraction",
                                  "train_limit", "n_samples", "noise"};
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool known = false;
        for (const char* k : kKeys) known = known || it.key() == k;
        if (!known) return fail("train." + it.key() + ": not a training setting");
    }
    TrainSettings next = s;
    for (core::Status st : {take_string(j, "dataset", next.dataset), take_string(j, "model", next.model),
                            take_string(j, "optimizer", next.optimizer), take_string(j, "schedule", next.schedule),
                            take_number(j, "epochs", next.epochs, 1, 100000), take_number(j, "batch_size", next.batch_size, 1, 65536),
                            take_number(j, "learning_rate", next.learning_rate, 1e-9, 10),
                            take_number(j, "momentum", next.momentum, 0, 0.9999),
                            take_number(j, "weight_decay", next.weight_decay, 0, 1), take_number(j, "seed", next.seed, 0, 9e15),
                            take_number(j, "val_fraction", next.val_fraction, 0, 0.9),
                            take_number(j, "train_limit", next.train_limit, 0, 1e9),
                            take_number(j, "n_samples", next.n_samples, 10, 1e6), take_number(j, "noise", next.noise, 0, 5)})
        if (!st) return st;
    if (j.contains("custom_spec")) {
        auto spec = models::parse_model_spec(j["custom_spec"]);
        if (!spec) return fail("train.custom_spec: " + spec.error());
        next.custom_spec = *spec;
    }
    if (next.model != "custom") {
        if (auto spec = models::preset_spec(next.model); !spec) return fail("train.model: " + spec.error());
    }
    if (auto k = models::parse_optimizer_kind(next.optimizer); !k) return fail("train.optimizer: " + k.error());
    if (auto k = models::parse_schedule_kind(next.schedule); !k) return fail("train.schedule: " + k.error());
    s = next;
    return core::Status::success();
}

core::Result<models::ModelSpec> settings_spec(const TrainSettings& s) {
    if (s.model == "custom") {
        if (s.custom_spec.layers.empty()) return fail("the custom model has no layers");
        return s.custom_spec;
    }
    return models::preset_spec(s.model);
}

core::Result<TrainRequest> make_request(const TrainSettings& s, const std::string& runs_dir) {
    auto spec = settings_spec(s);
    if (!spec) return fail(spec.error());
    auto opt = models::parse_optimizer_kind(s.optimizer);
    if (!opt) return fail(opt.error());
    auto sched = models::parse_schedule_kind(s.schedule);
    if (!sched) return fail(sched.error());
    TrainRequest r;
    r.dataset = s.dataset;
    r.spec = *spec;
    r.model_seed = s.seed;
    r.data.seed = s.seed;
    r.data.val_fraction = s.val_fraction;
    r.data.train_limit = s.train_limit;
    r.data.n_train = s.n_samples;
    r.data.noise = s.noise;
    r.train.epochs = s.epochs;
    r.train.batch_size = s.batch_size;
    r.train.seed = s.seed;
    r.train.optimizer.kind = *opt;
    r.train.optimizer.learning_rate = s.learning_rate;
    r.train.optimizer.momentum = s.momentum;
    r.train.optimizer.weight_decay = s.weight_decay;
    r.train.schedule.kind = *sched;
    r.runs_dir = runs_dir;
    return r;
}

}  // namespace mlsys::session
