// Lab actions and state for the Train workspace: the "train" action (train the settings' model on its
// dataset and record a Run; headless and blocking for --auto, a live job in the GUI) and the "train"
// settings section (read and set like the workspace's panel does).
#include "app/session/lab_host.hpp"
#include "app/session/session.hpp"

#include "models/io/run_reader.hpp"

#include <cmath>

namespace mlsys::session {
namespace {

using core::fail;
using nlohmann::json;

// Settings keys a train action takes beyond the Train workspace's (they shape only this run).
constexpr const char* kTestLimit = "test_limit";

double finite_or(double v, double fallback) { return std::isfinite(v) ? v : fallback; }

// The step result: the headline numbers, per-epoch curves from the Run's epoch_end events, and where the
// Run is. Names are what lab checks read: test_accuracy, val_accuracy, overfit_gap, curves.val_accuracy...
json train_result(const Session& s) {
    const TrainResult& t = s.last_train();
    json curves{{"train_accuracy", json::array()}, {"val_accuracy", json::array()}};
    json losses{{"train_loss", json::array()}, {"val_loss", json::array()}};
    double seconds = 0, images_per_s = 0;
    if (!t.run_dir.empty()) {
        models::RunReadOptions opt;
        opt.metrics = false;
        opt.artifacts = false;
        if (auto run = models::read_run(t.run_dir, opt)) {
            for (const auto& e : run->events) {
                if (e.value("type", "") != "epoch_end") continue;
                curves["train_accuracy"].push_back(e.value("train_accuracy", 0.0));
                curves["val_accuracy"].push_back(e.value("val_accuracy", json()));
                losses["train_loss"].push_back(e.value("train_loss", 0.0));
                losses["val_loss"].push_back(e.value("val_loss", json()));
                seconds += e.value("seconds", 0.0);
                images_per_s = e.value("images_per_s", 0.0);
            }
        }
    }
    // The epoch with the best validation accuracy: where early stopping would have kept the model.
    int best_epoch = 0;
    double best_val = -1;
    for (size_t i = 0; i < curves["val_accuracy"].size(); ++i) {
        const json& v = curves["val_accuracy"][i];
        if (v.is_number() && v.get<double>() > best_val) best_val = v.get<double>(), best_epoch = static_cast<int>(i) + 1;
    }
    const double train_acc = curves["train_accuracy"].empty() ? 0.0 : curves["train_accuracy"].back().get<double>();
    json r{{"kind", "train"},
           {"dataset", t.dataset},
           {"model", t.model_name},
           {"epochs", t.epochs_completed},
           {"params", t.params},
           {"test_accuracy", t.test_accuracy},
           {"train_accuracy", train_acc},
           {"train_loss", finite_or(t.final_train_loss, 1e30)},
           {"val_accuracy", t.final_val_accuracy},
           {"best_val_epoch", best_epoch},
           {"best_val_accuracy", best_val},
           {"overfit_gap", t.final_val_accuracy >= 0 ? train_acc - t.final_val_accuracy : 0.0},
           {"seconds", seconds},
           {"images_per_s", images_per_s},
           {"cancelled", t.cancelled},
           {"run_dir", t.run_dir},
           {"curves", curves},
           {"losses", losses}};
    if (s.model()) {
        const auto wl = s.model()->workload();
        r["macs"] = wl.total_macs();
        r["activation_elems"] = wl.total_activation_elems();
    }
    return r;
}

core::Result<json> run_train(Session& s, const json& params, const labs::ActionContext& ctx) {
    json settings = params;
    int test_limit = 0;
    if (settings.contains(kTestLimit)) {
        if (!settings[kTestLimit].is_number_integer() || settings[kTestLimit].get<int64_t>() < 0)
            return fail("params.test_limit: must be a whole number >= 0, got " + settings[kTestLimit].dump());
        test_limit = settings[kTestLimit].get<int>();
        settings.erase(kTestLimit);
    }
    if (auto st = apply_json(s.train, settings); !st) return fail("params." + st.error().substr(st.error().find('.') + 1));
    if (!ctx.blocking) {
        // The GUI: a live job in the Train workspace, so the student watches the curves.
        if (auto st = s.start_training(); !st) return fail(st.error());
        return json{{"pending", true}, {"previous_run", s.last_train().run_dir}};
    }
    if (s.train_job() && !s.train_job()->is_done()) return fail("a training run is already in progress");
    auto req = make_request(s.train, s.runs_dir());
    if (!req) return fail(req.error());
    req->data.test_limit = test_limit;
    core::JobControl control;
    auto outcome = run_training(*req, control);
    if (!outcome) return fail(outcome.error());
    s.adopt_training(req->dataset, std::move(*outcome));
    return train_result(s);
}

std::optional<core::Result<json>> poll_train(Session& s, const json&, const json& started) {
    if (s.train_job() && !s.train_job()->is_done()) return std::nullopt;
    const std::string message = s.poll();
    if (!message.empty()) return core::Result<json>(fail(message));
    if (s.last_train().run_dir == started.value("previous_run", "")) return core::Result<json>(fail("the training run did not finish"));
    return core::Result<json>(train_result(s));
}

// The Train workspace's settings and job status, as Session::state_json() shows them.
json train_state(const Session& s) { return s.state_json()["train"]; }

core::Status set_train(Session& s, const json& settings) { return apply_json(s.train, settings); }

}  // namespace
}  // namespace mlsys::session

MLSYS_LAB_ACTION_ASYNC("train", "train the Train settings' model on its dataset (params: any train setting, test_limit) and record a Run",
                       mlsys::session::run_train, mlsys::session::poll_train);
MLSYS_LAB_STATE("train", mlsys::session::train_state, mlsys::session::set_train);
