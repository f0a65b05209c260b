// OptimizeWorkspaceState (optimize_state.hpp): the variant list of the session's model and the lifecycle of
// its jobs — measure a new model as the original, append the variants a job made, make one the current
// model, re-estimate on another device. Runs on the owning (UI or lab) thread; never draws.
#include "app/session/deploy_state.hpp"
#include "app/session/optimize_state.hpp"
#include "app/session/session.hpp"

#include "models/core/files.hpp"
#include "models/io/model_file.hpp"
#include "models/optimize/int8_export.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace mlsys::session {
namespace {

using core::fail;
using nlohmann::json;

// Identity of the session's model: a new training, a loaded file or a make-current all give a new object.
std::string model_key(const Session& s) {
    if (!s.model()) return "";
    char buf[48];
    std::snprintf(buf, sizeof buf, "%p|", static_cast<const void*>(s.model()));
    return buf + s.model_source() + "|" + s.model_label();
}

std::string unique_name(const std::vector<OptimizeVariant>& variants, const std::string& name) {
    const auto taken = [&](const std::string& n) {
        return std::any_of(variants.begin(), variants.end(), [&](const OptimizeVariant& v) { return v.metrics.name == n; });
    };
    if (!taken(name)) return name;
    for (int i = 2;; ++i) {
        const std::string n = name + " #" + std::to_string(i);
        if (!taken(n)) return n;
    }
}

}  // namespace

void OptimizeWorkspaceState::start_measure(Session& s) {
    job.reset();  // a job on the previous model: cancelled and joined (it stops at its next step)
    sensitivity_job.reset();
    variants.clear();
    sensitivity.reset();
    selected = current = 0;
    error.clear();
    if (!s.model()) return;
    auto j = OptimizeJob::measure(*s.model(), s.model()->spec().name, dataset, settings);
    if (j) job = std::move(*j);
    else error = j.error();
}

std::string OptimizeWorkspaceState::poll(Session& s, bool* changed) {
    bool any = false;
    std::string message;
    const std::string key = model_key(s);
    if (key != model_key_) {
        model_key_ = key;
        dataset = s.model() ? model_dataset(s.model_metadata()) : "";
        start_measure(s);
        any = true;
    }
    if (job && job->is_done()) {
        const bool was_apply = job->kind() == OptimizeJob::Kind::Apply;
        if (auto out = job->take_outcome()) {
            if (out->trained) s.adopt_training(out->trained_dataset, std::move(*out->trained));  // measured next poll
            if (out->original) {
                variants.assign(1, std::move(*out->original));
                selected = current = 0;
            }
            for (OptimizeVariant& v : out->variants) {
                if (v.derived_from != "original" && !v.derived_from.empty())
                    v.metrics.name = v.derived_from + "+" + v.metrics.name;
                v.metrics.name = unique_name(variants, v.metrics.name);
                variants.push_back(std::move(v));
                if (!variants.back().is_baseline) selected = static_cast<int>(variants.size()) - 1;
            }
            error.clear();
        } else if (job->is_cancelled()) {
            message = was_apply ? "Optimization cancelled: no variant was added" : "";
        } else if (job->state() == core::JobState::Failed) {
            error = job->error();
            message = std::string(was_apply ? "Optimization" : job->kind() == OptimizeJob::Kind::Train ? "Training" : "Measuring the model") +
                      " failed: " + error;
        }
        job.reset();
        any = true;
    }
    if (sensitivity_job && sensitivity_job->is_done()) {
        if (auto out = sensitivity_job->take_outcome(); out && out->sensitivity) {
            sensitivity = std::make_shared<const SensitivityResult>(std::move(*out->sensitivity));
        } else if (!sensitivity_job->is_cancelled() && sensitivity_job->state() == core::JobState::Failed) {
            error = sensitivity_job->error();
            message = "Sensitivity failed: " + error;
        }
        sensitivity_job.reset();
        any = true;
    }
    if (changed) *changed = any;
    return message;
}

core::Status OptimizeWorkspaceState::apply(Session& s) {
    if (!s.model()) return fail("there is no model to optimize yet: train one briefly or open a model file");
    if (is_busy()) return fail("an optimization is already running (cancel it or wait)");
    if (variants.empty()) return fail("the current model has not been measured yet");
    const std::string source = current >= 0 && current < static_cast<int>(variants.size())
                                   ? variants[size_t(current)].metrics.name
                                   : s.model()->spec().name;
    auto j = OptimizeJob::apply(*s.model(), source, dataset, settings, s.runs_dir());
    if (!j) return fail(j.error());
    job = std::move(*j);
    ++n_applies;
    error.clear();
    return core::Status::success();
}

core::Status OptimizeWorkspaceState::train_briefly(Session& s) {
    if (s.model()) return fail("the session already has a model");
    if (is_busy()) return fail("a job is already running");
    if (s.train_job() && !s.train_job()->is_done()) return fail("the Train workspace is training a model already");
    TrainSettings t;
    // The LeNet-style cnn on 6,000 Fashion-MNIST images for one epoch: seconds, about 80% test accuracy —
    // enough to see what optimization costs. Train longer in the Train workspace for a better model.
    t.dataset = "fashion-mnist";
    t.model = "cnn";
    t.epochs = 1;
    t.batch_size = 64;
    t.learning_rate = 0.002;
    t.optimizer = "adam";
    t.schedule = "constant";
    t.train_limit = 6000;
    t.seed = 1;
    auto j = OptimizeJob::train(t, s.runs_dir());
    if (!j) return fail(j.error());
    job = std::move(*j);
    error.clear();
    return core::Status::success();
}

core::Status OptimizeWorkspaceState::run_sensitivity(Session& s) {
    if (sensitivity_job && !sensitivity_job->is_done()) return fail("a sensitivity measurement is already running");
    const models::Model* m = nullptr;
    std::string name;
    if (selected >= 0 && selected < static_cast<int>(variants.size()) && variants[size_t(selected)].model) {
        m = variants[size_t(selected)].model.get();
        name = variants[size_t(selected)].metrics.name;
    } else if (!variants.empty() && variants[0].model) {
        m = variants[0].model.get();
        name = variants[0].metrics.name;
    } else if (s.model()) {
        m = s.model();
        name = s.model()->spec().name;
    }
    if (!m) return fail("there is no model to measure yet: train one briefly or open a model file");
    auto j = OptimizeJob::sensitivity(*m, name, dataset, settings);
    if (!j) return fail(j.error());
    sensitivity_job = std::move(*j);
    return core::Status::success();
}

core::Status OptimizeWorkspaceState::make_current(Session& s, int index) {
    if (index < 0 || index >= static_cast<int>(variants.size())) return fail("no variant " + std::to_string(index));
    const OptimizeVariant& v = variants[size_t(index)];
    if (!v.model)
        return fail("\"" + v.metrics.name + "\" is a comparison baseline whose model is not kept; only variants can become "
                    "the current model");
    auto copy = v.model->clone();
    if (!copy) return fail(copy.error());
    json metadata = s.model_metadata().is_object() ? s.model_metadata() : json::object();
    if (!dataset.empty()) metadata["dataset"] = dataset;
    if (std::isfinite(v.model_accuracy)) metadata["test_accuracy"] = v.model_accuracy;
    if (v.metrics.is_original) {
        metadata.erase("optimized");
    } else {
        metadata["optimized"] = {{"variant", v.metrics.name}, {"technique", v.technique}, {"detail", v.detail},
                                 {"precision", v.metrics.precision}, {"run_dir", v.run_dir},
                                 {"weights", v.int8 ? "float, rounded to the integer grid" : "float"}};
    }
    const std::string source = v.metrics.is_original ? "optimize: the original " + v.detail
                                                     : "optimize: " + v.metrics.name + (v.run_dir.empty() ? "" : " (" + v.run_dir + ")");
    s.set_model(std::move(*copy), std::move(metadata), source);
    model_key_ = model_key(s);  // our own change: keep the variant list
    current = index;
    return core::Status::success();
}

core::Result<std::vector<std::string>> OptimizeWorkspaceState::export_variant(int index, const std::string& dir) const {
    if (index < 0 || index >= static_cast<int>(variants.size())) return fail("no variant " + std::to_string(index));
    const OptimizeVariant& v = variants[size_t(index)];
    if (!v.int8 && !v.model) return fail("\"" + v.metrics.name + "\" is a comparison baseline whose model is not kept");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail("cannot create " + dir + ": " + ec.message());
    // A file and C symbol name from the variant's ("int8-per-channel+pruned50" -> "int8_per_channel_pruned50").
    std::string stem = v.metrics.name;
    for (char& c : stem)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    const std::filesystem::path base = std::filesystem::path(dir) / stem;
    std::vector<std::string> written;
    if (v.int8) {
        const std::string image = base.string() + ".mlq8", header = base.string() + ".h";
        if (auto st = models::optimize::save_int8(image, *v.int8); !st) return fail(st.error());
        auto h = models::optimize::write_c_header(*v.int8, std::isdigit(static_cast<unsigned char>(stem[0])) ? "model_" + stem : stem);
        if (!h) return fail(h.error());
        if (auto st = core::write_file_atomic(header, *h); !st) return fail(st.error());
        written = {image, header};
    } else {
        const std::string file = base.string() + ".mlsys";
        json metadata{{"dataset", dataset}, {"test_accuracy", v.model_accuracy},
                      {"optimized", {{"variant", v.metrics.name}, {"technique", v.technique}, {"run_dir", v.run_dir}}}};
        if (auto st = models::save_model(file, *v.model, metadata); !st) return fail(st.error());
        written = {file};
    }
    return written;
}

void OptimizeWorkspaceState::cancel() {
    if (job) job->cancel();
    if (sensitivity_job) sensitivity_job->cancel();
}

core::Status OptimizeWorkspaceState::reestimate() {
    auto lib = sim::load_profile_library();
    if (!lib) return fail(lib.error());
    const sim::DeviceProfile* device = lib->device(settings.device);
    if (!device) return fail("unknown device \"" + settings.device + "\"");
    for (OptimizeVariant& v : variants) {
        if (!v.model) continue;
        VariantMetrics m = v.int8 ? describe_int8(*v.int8, v.model->workload(), v.metrics.name, device)
                                  : describe_float(*v.model, v.metrics.name, v.metrics.precision, device);
        v.metrics.device = m.device;
        v.metrics.latency_s = m.latency_s;
        v.metrics.fits = m.fits;
        v.metrics.fit_reason = m.fit_reason;
    }
    // A baseline shares its variant's architecture and precision (the student alone, PTQ before QAT).
    for (OptimizeVariant& b : variants) {
        if (b.model) continue;
        for (const OptimizeVariant& v : variants)
            if (v.model && v.run_dir == b.run_dir && !b.run_dir.empty()) {
                b.metrics.device = v.metrics.device;
                b.metrics.latency_s = v.metrics.latency_s;
                b.metrics.fits = v.metrics.fits;
                b.metrics.fit_reason = v.metrics.fit_reason;
            }
    }
    return core::Status::success();
}

}  // namespace mlsys::session
