// The Optimize workspace's jobs (optimize_state.hpp): measuring the original, applying a technique through
// run_optimize (the code path of `mlsyslab optimize`, which also writes the Run), and per-layer sensitivity,
// each on a worker thread that publishes OptimizeProgress. Nothing here draws.
#include "app/session/optimize_state.hpp"

#include "models/train/evaluate.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::session {
namespace {

using core::fail;
constexpr int kHistogramBins = 48;

core::Result<models::DatasetSplits> load_data(const std::string& dataset, const OptimizeSettings& s, int test_limit,
                                              int train_limit) {
    models::DatasetOptions d;
    d.seed = s.seed;
    d.val_fraction = 0;
    d.train_limit = train_limit;
    d.test_limit = test_limit;
    return models::load_dataset(dataset.empty() ? "fashion-mnist" : dataset, d);
}

core::Result<const sim::DeviceProfile*> find_device(const sim::ProfileLibrary& lib, const std::string& id) {
    if (const sim::DeviceProfile* d = lib.device(id)) return d;
    return fail("unknown device \"" + id + "\"");
}

// "after" histograms over the same bins as `before`, matched by layer name (a float model).
std::vector<WeightHistogram> histograms_like(models::Model& model, const std::vector<WeightHistogram>& before) {
    std::vector<WeightHistogram> own = weight_histograms(model, kHistogramBins);
    std::vector<WeightHistogram> out;
    for (const WeightHistogram& h : own) {
        auto it = std::find_if(before.begin(), before.end(), [&](const WeightHistogram& b) { return b.layer == h.layer; });
        if (it == before.end()) {
            out.push_back(h);
            continue;
        }
        // Re-bin this layer on the "before" range (weight_histograms bins every layer over one range).
        for (const WeightHistogram& r : weight_histograms(model, kHistogramBins, it->lo, it->hi))
            if (r.layer == h.layer) out.push_back(r);
    }
    return out;
}

OptimizeProgress stage(std::string text) {
    OptimizeProgress p;
    p.stage = std::move(text);
    return p;
}

}  // namespace

OptimizeJob::~OptimizeJob() { job_.reset(); }

void OptimizeJob::launch(std::function<core::Result<OptimizeOutcome>(core::JobControl&, core::Latest<OptimizeProgress>&)> fn) {
    job_ = std::make_unique<core::Job>("optimize", [this, fn = std::move(fn)](core::JobControl& control) -> core::Status {
        auto out = fn(control, progress_);
        if (!out) return fail(out.error());
        if (control.is_cancelled()) return fail("cancelled");
        std::lock_guard<std::mutex> lock(mutex_);
        outcome_ = std::move(*out);
        control.set_progress(1.0);
        return core::Status::success();
    });
}

std::optional<OptimizeOutcome> OptimizeJob::take_outcome() {
    if (!job_->is_done()) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    std::optional<OptimizeOutcome> out = std::move(outcome_);
    outcome_.reset();
    return out;
}

core::Result<std::unique_ptr<OptimizeJob>> OptimizeJob::train(const TrainSettings& settings, const std::string& runs_dir) {
    auto rq = make_request(settings, runs_dir);
    if (!rq) return fail(rq.error());
    std::unique_ptr<OptimizeJob> job(new OptimizeJob());
    job->kind_ = Kind::Train;
    job->title_ = "training " + rq->spec.name + " on " + rq->dataset;
    job->launch([req = std::move(*rq)](core::JobControl& control, core::Latest<OptimizeProgress>& progress)
                    -> core::Result<OptimizeOutcome> {
        progress.publish(stage("training"));
        auto t = run_training(req, control);
        if (!t) return fail(t.error());
        OptimizeOutcome out;
        out.trained = std::make_shared<TrainOutcome>(std::move(*t));
        out.trained_dataset = req.dataset;
        return out;
    });
    return job;
}

core::Result<std::unique_ptr<OptimizeJob>> OptimizeJob::measure(const models::Model& model, std::string name,
                                                                std::string dataset, OptimizeSettings settings) {
    auto copy = model.clone();
    if (!copy) return fail(copy.error());
    auto shared = std::make_shared<models::Model>(std::move(*copy));
    std::unique_ptr<OptimizeJob> job(new OptimizeJob());
    job->kind_ = Kind::Measure;
    job->title_ = "measuring " + name;
    job->launch([shared, name, dataset, settings](core::JobControl& control, core::Latest<OptimizeProgress>& progress)
                    -> core::Result<OptimizeOutcome> {
        progress.publish(stage("loading " + (dataset.empty() ? std::string("fashion-mnist") : dataset)));
        control.set_status("loading the test set");
        auto data = load_data(dataset, settings, settings.test_limit, 10);
        if (!data) return fail(data.error());
        auto lib = sim::load_profile_library();
        if (!lib) return fail(lib.error());
        auto device = find_device(*lib, settings.device);
        if (!device) return fail(device.error());
        control.set_status("measuring accuracy on the test set");
        control.set_progress(0.2);
        OptimizeVariant v;
        v.metrics = describe_float(*shared, "original", "fp32", *device);
        v.metrics.is_original = true;
        const auto e = models::evaluate(*shared, data->test, 256, 0, &control);
        v.metrics.accuracy = e.accuracy;
        v.metrics.n_test = e.n_samples;
        v.model_accuracy = e.accuracy;
        v.technique = "original";
        v.detail = name;
        v.hist_before = weight_histograms(*shared, kHistogramBins);
        v.hist_after = v.hist_before;
        v.model = shared;
        OptimizeOutcome out;
        out.original = std::move(v);
        return out;
    });
    return job;
}

core::Result<std::unique_ptr<OptimizeJob>> OptimizeJob::apply(const models::Model& source, std::string source_name,
                                                              std::string dataset, OptimizeSettings settings,
                                                              std::string runs_dir) {
    auto rq = make_optimize_request(settings);
    if (!rq) return fail(rq.error());
    auto copy = source.clone();
    if (!copy) return fail(copy.error());
    auto shared = std::make_shared<models::Model>(std::move(*copy));
    std::unique_ptr<OptimizeJob> job(new OptimizeJob());
    job->kind_ = Kind::Apply;
    job->title_ = technique_title(settings) + " of " + source_name;
    OptimizeRequest req = std::move(*rq);
    req.dataset = dataset;
    req.runs_dir = std::move(runs_dir);
    job->launch([shared, source_name, settings, req](core::JobControl& control, core::Latest<OptimizeProgress>& progress) mutable
                    -> core::Result<OptimizeOutcome> {
        const bool distilling = settings.technique == "distill";
        if (distilling) req.teacher = shared.get();  // the student starts from req.model
        else req.source = shared.get();
        // The training part (fine-tuning, QAT, distillation) drives the progress bar; the rest is quick.
        OptimizeProgress p;
        p.stage = "starting";
        progress.publish(p);
        control.set_progress(0.02);
        const auto on_step = [&](int64_t done, int64_t total, double loss) {
            p.stage = control.status();
            p.steps_done = done;
            p.steps_total = total;
            if (std::isfinite(loss)) p.losses.push_back(static_cast<float>(loss));
            progress.publish(p);
            if (total > 0) control.set_progress(0.05 + 0.85 * double(done) / double(total));
        };
        auto r = run_optimize(req, on_step, &control);
        if (!r) return fail(r.error());
        if (control.is_cancelled()) return fail("cancelled");
        control.set_status("weight histograms");
        control.set_progress(0.92);
        const std::vector<WeightHistogram> before = weight_histograms(*shared, kHistogramBins);
        OptimizeOutcome out;
        out.notes = r->notes;
        for (const VariantMetrics& b : r->baselines) {
            if (b.name == "teacher") continue;  // the teacher is the model the table already shows
            OptimizeVariant v;
            v.metrics = b;
            v.is_baseline = true;
            v.technique = b.name == "student-alone" ? "student trained alone" : "int PTQ (before QAT)";
            v.detail = b.name == "student-alone" ? settings.student + " preset, same epochs, hard labels only"
                                                 : "the post-training baseline QAT is compared against";
            v.derived_from = source_name;
            v.run_dir = r->run_dir;
            out.variants.push_back(std::move(v));
        }
        OptimizeVariant v;
        v.metrics = r->variant;
        v.technique = technique_title(settings);
        v.detail = technique_detail(settings);
        v.derived_from = source_name;
        v.run_dir = r->run_dir;
        if (r->int8) {
            v.int8 = std::make_shared<models::optimize::QuantizedModel>(std::move(*r->int8));
            v.hist_before = before;
            v.hist_after = weight_histograms(*v.int8, before);
            // The float form the session can use: the same weights rounded to the integer grid.
            auto grid = weights_on_int_grid(*shared, req.quant);
            if (!grid) return fail(grid.error());
            v.model = std::make_shared<models::Model>(std::move(*grid));
            control.set_status("measuring the float form of the integer weights");
            auto data = load_data(req.dataset, settings, settings.test_limit, 10);
            if (!data) return fail(data.error());
            v.model_accuracy = models::evaluate(*v.model, data->test, 256, 0, &control).accuracy;
        } else if (r->model) {
            v.model = std::make_shared<models::Model>(std::move(*r->model));
            v.model_accuracy = v.metrics.accuracy;
            v.hist_before = before;
            v.hist_after = histograms_like(*v.model, before);
        }
        out.variants.push_back(std::move(v));
        return out;
    });
    return job;
}

core::Result<std::unique_ptr<OptimizeJob>> OptimizeJob::sensitivity(const models::Model& model, std::string name,
                                                                    std::string dataset, OptimizeSettings settings) {
    if (settings.sensitivity_bits < 2 || settings.sensitivity_bits > 8)
        return fail("sensitivity bits must be 2..8, got " + std::to_string(settings.sensitivity_bits));
    if (settings.sensitivity_prune < 0 || settings.sensitivity_prune >= 1)
        return fail("sensitivity pruning share must be in [0, 1)");
    auto copy = model.clone();
    if (!copy) return fail(copy.error());
    auto shared = std::make_shared<models::Model>(std::move(*copy));
    std::unique_ptr<OptimizeJob> job(new OptimizeJob());
    job->kind_ = Kind::Sensitivity;
    job->title_ = "per-layer sensitivity of " + name;
    job->launch([shared, name, dataset, settings](core::JobControl& control, core::Latest<OptimizeProgress>& progress)
                    -> core::Result<OptimizeOutcome> {
        progress.publish(stage("loading the test set"));
        control.set_status("loading the test set");
        auto data = load_data(dataset, settings, settings.sensitivity_limit, 10);
        if (!data) return fail(data.error());
        SensitivityResult s;
        s.model_name = name;
        s.bits = settings.sensitivity_bits;
        s.prune = settings.sensitivity_prune;
        control.set_status("baseline accuracy");
        control.set_progress(0.1);
        const auto base = models::evaluate(*shared, data->test, 256, 0, &control);
        s.baseline_accuracy = base.accuracy;
        s.n_test = base.n_samples;
        if (control.is_cancelled()) return fail("cancelled");
        control.set_status(settings.sensitivity_prune > 0 ? "pruning one layer at a time" : "quantizing one layer at a time");
        control.set_progress(0.3);
        s.layers = layer_sensitivity(*shared, data->test, s.bits, s.prune);
        OptimizeOutcome out;
        out.sensitivity = std::move(s);
        return out;
    });
    return job;
}

}  // namespace mlsys::session
