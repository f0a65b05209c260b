// Campaigns: the BER sweep and single-fault vulnerability (see campaign.hpp). Every trial re-runs the real
// model on the same test images and compares each answer with the clean run's.
#include "faults/campaign/campaign.hpp"

#include "faults/flips/injector.hpp"
#include "models/data/batching.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace mlsys::faults {
namespace {

// The evaluated images, gathered once; each inference works on a copy (an ifmap fault may write to it).
struct EvalBatches {
    std::vector<models::Tensor> x;
    std::vector<std::vector<int>> y;
    std::vector<int> first;  // test index of each batch's first image
    int n = 0;
};

EvalBatches gather(const models::Dataset& test, int limit, int batch_size) {
    EvalBatches b;
    b.n = limit > 0 ? std::min(limit, test.size()) : test.size();
    std::vector<int> idx;
    for (int s = 0; s < b.n; s += batch_size) {
        idx.clear();
        for (int i = s; i < std::min(b.n, s + batch_size); ++i) idx.push_back(i);
        b.x.emplace_back();
        b.y.emplace_back();
        models::gather_batch(test, idx, b.x.back(), b.y.back());
        b.first.push_back(s);
    }
    return b;
}

// Predictions of every image (-1 when the output is not finite or a detector flagged the image).
std::vector<int> predict(models::Model& model, FaultInjector& inj, const EvalBatches& b) {
    std::vector<int> pred;
    pred.reserve(size_t(b.n));
    models::Tensor work;
    for (size_t i = 0; i < b.x.size(); ++i) {
        work = b.x[i];
        inj.before_inference(work);
        const models::Tensor& out = model.forward(work, false);
        const int64_t classes = out.sample_size();
        const auto& det = inj.detected_samples();
        for (int r = 0; r < out.batch(); ++r) {
            const float* row = out.ptr() + r * classes;
            int best = 0;
            bool finite = true;
            for (int64_t c = 0; c < classes; ++c) {
                if (!std::isfinite(row[c])) finite = false;
                if (row[c] > row[best]) best = static_cast<int>(c);
            }
            pred.push_back(finite && !det[size_t(r)] ? best : -1);
        }
    }
    return pred;
}

uint64_t trial_seed(uint64_t seed, uint64_t point, uint64_t trial) {
    core::Rng r(seed);
    return r.derive(point * 1000003ULL + trial).next_u64();
}

ImageOutcomes compare(const std::vector<int>& golden, const std::vector<int>& got, const EvalBatches& b) {
    ImageOutcomes o;
    size_t i = 0;
    for (const auto& ys : b.y)
        for (int label : ys) {
            ++o.n_images;
            if (got[i] == label) ++o.n_correct;
            if (got[i] < 0) ++o.n_detected;
            else if (got[i] != golden[i]) ++o.n_sdc;
            ++i;
        }
    return o;
}

void add(ImageOutcomes& a, const ImageOutcomes& o) {
    a.n_images += o.n_images;
    a.n_correct += o.n_correct;
    a.n_sdc += o.n_sdc;
    a.n_detected += o.n_detected;
}

// A clone to corrupt (int8 quantisation happens in place), its injector, the golden run.
struct Bench {
    std::unique_ptr<models::Model> model;  // on the heap: the injector holds a reference to it
    std::unique_ptr<FaultInjector> inj;
    EvalBatches batches;
    std::vector<int> golden;
    double clean_accuracy = 0;
};

core::Result<Bench> prepare(models::Model& model, const models::Dataset& test, const FaultSpec& spec, int limit,
                            int batch_size) {
    if (test.sample_shape != model.spec().input_shape)
        return core::fail("test set \"" + test.name + "\" has " + models::shape_str(test.sample_shape) +
                          " samples; the model takes " + models::shape_str(model.spec().input_shape));
    if (batch_size < 1) return core::fail("batch_size must be >= 1");
    auto clone = model.clone();
    if (!clone) return core::fail(clone.error());
    Bench b{std::make_unique<models::Model>(std::move(*clone)), nullptr, {}, {}, 0};
    auto inj = FaultInjector::create(*b.model, spec);
    if (!inj) return core::fail(inj.error());
    b.inj = std::move(*inj);
    b.batches = gather(test, limit, batch_size);
    if (spec.protection == Protection::Range) {
        // Profile on test images that are not evaluated when there are enough, as Ranger profiles on data
        // other than what it protects.
        const int rest = test.size() - b.batches.n;
        if (rest >= 200) {
            std::vector<int> idx;
            for (int i = b.batches.n; i < test.size(); ++i) idx.push_back(i);
            b.inj->profile_ranges(models::subset(test, idx), 2000);
        } else {
            b.inj->profile_ranges(test, b.batches.n);
        }
    }
    b.inj->set_armed(false);
    b.golden = predict(*b.model, *b.inj, b.batches);
    b.inj->set_armed(true);
    const ImageOutcomes o = compare(b.golden, b.golden, b.batches);
    b.clean_accuracy = o.n_images ? double(o.n_correct) / double(o.n_images) : 0.0;
    return b;
}

}  // namespace

core::Result<CampaignResult> run_campaign(models::Model& model, const models::Dataset& test,
                                          const CampaignConfig& config, core::JobControl* control,
                                          const CampaignProgress& progress) {
    if (config.trials < 1) return core::fail("trials must be >= 1");
    if (config.bers.empty()) return core::fail("bers: give at least one bit-error rate");
    auto bench = prepare(model, test, config.fault, config.eval_limit, config.batch_size);
    if (!bench) return core::fail(bench.error());
    Bench& b = *bench;
    CampaignResult res;
    res.clean_accuracy = b.clean_accuracy;
    res.n_images = b.batches.n;
    res.faults_per_layer.assign(size_t(b.model->n_layers()), 0);
    const bool fixed = config.fault.n_faults > 0 || !config.fault.sites.empty();
    const std::vector<double> bers = fixed ? std::vector<double>{config.fault.ber} : config.bers;
    const double total = double(bers.size()) * config.trials;
    for (size_t p = 0; p < bers.size(); ++p) {
        FaultSpec spec = config.fault;
        spec.ber = bers[p];
        if (auto st = b.inj->set_spec(spec); !st) return core::fail(st.error());
        res.points.push_back({});
        PointResult& pt = res.points.back();
        pt.ber = bers[p];
        int64_t faults = 0;
        for (int t = 0; t < config.trials; ++t) {
            if (control && !control->checkpoint()) {
                res.cancelled = true;
                break;
            }
            b.inj->begin_trial(trial_seed(config.seed, p, uint64_t(t)));
            const std::vector<int> got = predict(*b.model, *b.inj, b.batches);
            faults += b.inj->counters().n_faults;
            pt.counters += b.inj->counters();
            for (size_t l = 0; l < res.faults_per_layer.size(); ++l) res.faults_per_layer[l] += b.inj->faults_per_layer()[l];
            b.inj->end_trial();
            const ImageOutcomes o = compare(b.golden, got, b.batches);
            add(pt.images, o);
            if (o.n_sdc > 0) ++pt.trials_with_sdc;
            pt.trial_accuracy.push_back(double(o.n_correct) / double(std::max<int64_t>(1, o.n_images)));
            for (int i = 0; i < b.batches.n && int(res.flipped.size()) < config.max_flipped_images; ++i)
                if (got[size_t(i)] != b.golden[size_t(i)])
                    res.flipped.push_back({i, test.y[size_t(i)], b.golden[size_t(i)], got[size_t(i)], pt.ber, t});
            pt.trials = t + 1;
            pt.accuracy = mean_ci(pt.trial_accuracy, config.confidence);
            pt.accuracy_drop = res.clean_accuracy - pt.accuracy.mean;
            pt.sdc_ci = wilson_interval(pt.images.n_sdc, pt.images.n_images, config.confidence);
            pt.detected_ci = wilson_interval(pt.images.n_detected, pt.images.n_images, config.confidence);
            pt.trial_failure_ci = wilson_interval(pt.trials_with_sdc, pt.trials, config.confidence);
            pt.mean_faults = double(faults) / pt.trials;
            const double frac = (double(p) * config.trials + t + 1) / total;
            if (control) control->set_progress(frac);
            if (progress) progress(res, frac);
        }
        if (res.cancelled) {
            if (pt.trials == 0) res.points.pop_back();
            break;
        }
    }
    return res;
}

core::Result<VulnerabilityResult> run_vulnerability(models::Model& model, const models::Dataset& test,
                                                    const VulnerabilityConfig& config, core::JobControl* control,
                                                    const VulnerabilityProgress& progress) {
    if (config.trials_per_cell < 1) return core::fail("trials_per_cell must be >= 1");
    const TargetKind kind = config.fault.target.kind;
    if (kind != TargetKind::Weights && kind != TargetKind::Activations)
        return core::fail("vulnerability maps take weights or activations as the target");
    VulnerabilityResult res;
    const models::Workload wl = model.workload();
    res.layers = config.layers;
    if (res.layers.empty()) {
        for (size_t l = 0; l < wl.layers.size(); ++l)
            if (kind == TargetKind::Weights ? wl.layers[l].n_params() > 0 : models::is_matrix_op(wl.layers[l].op))
                res.layers.push_back(int(l));
    }
    for (int l : res.layers) {
        if (l < 0 || l >= int(wl.layers.size())) return core::fail("layers: " + std::to_string(l) + " is out of range");
        res.layer_names.push_back(wl.layers[size_t(l)].name);
        res.population += double(kind == TargetKind::Weights ? wl.layers[size_t(l)].n_params()
                                                             : wl.layers[size_t(l)].output_elems());
    }
    const int wb = bits_per_word(config.fault.precision);
    res.bits = config.bits;
    if (res.bits.empty())
        for (int b = 0; b < wb; ++b) res.bits.push_back(b);
    res.population *= double(res.bits.size());
    res.leveugle_trials = res.population >= 1 ? leveugle_sample_size(res.population, 0.05, config.confidence) : 0;

    FaultSpec spec = config.fault;
    spec.n_faults = 1;
    spec.sites.clear();
    spec.target.layer_name = std::to_string(res.layers.empty() ? 0 : res.layers.front());
    auto bench = prepare(model, test, spec, config.eval_limit, config.batch_size);
    if (!bench) return core::fail(bench.error());
    Bench& b = *bench;
    const double total = double(res.layers.size() * res.bits.size()) * config.trials_per_cell;
    double done = 0;
    for (size_t li = 0; li < res.layers.size() && !res.cancelled; ++li)
        for (size_t bi = 0; bi < res.bits.size() && !res.cancelled; ++bi) {
            spec.target.layer_name = std::to_string(res.layers[li]);
            spec.bits = {res.bits[bi]};
            if (auto st = b.inj->set_spec(spec); !st) return core::fail(st.error());
            VulnerabilityCell cell;
            cell.layer = res.layers[li];
            cell.bit = res.bits[bi];
            for (int t = 0; t < config.trials_per_cell; ++t) {
                if (control && !control->checkpoint()) {
                    res.cancelled = true;
                    break;
                }
                b.inj->begin_trial(trial_seed(config.seed, li * 64 + bi, uint64_t(t)));
                const std::vector<int> got = predict(*b.model, *b.inj, b.batches);
                b.inj->end_trial();
                const ImageOutcomes o = compare(b.golden, got, b.batches);
                add(cell.images, o);
                ++cell.trials;
                if (o.n_sdc > 0 || o.n_detected > 0) ++cell.critical;
                done += 1;
                if (control) control->set_progress(done / total);
            }
            cell.critical_ci = wilson_interval(cell.critical, cell.trials, config.confidence);
            res.cells.push_back(cell);
            if (progress) progress(res, done / total);
        }
    return res;
}

nlohmann::json to_json(const CampaignConfig& c) {
    return {{"fault", to_json(c.fault)}, {"bers", c.bers},           {"trials", c.trials},
            {"seed", c.seed},            {"eval_limit", c.eval_limit}, {"batch_size", c.batch_size},
            {"confidence", c.confidence}};
}

nlohmann::json to_json(const PointResult& p) {
    const auto& c = p.counters;
    return {{"ber", p.ber},
            {"trials", p.trials},
            {"accuracy", p.accuracy.mean},
            {"accuracy_lo", p.accuracy.ci.lo},
            {"accuracy_hi", p.accuracy.ci.hi},
            {"accuracy_drop", p.accuracy_drop},
            {"n_images", p.images.n_images},
            {"sdc_rate", p.images.n_images ? double(p.images.n_sdc) / double(p.images.n_images) : 0.0},
            {"sdc_lo", p.sdc_ci.lo},
            {"sdc_hi", p.sdc_ci.hi},
            {"detected_rate", p.images.n_images ? double(p.images.n_detected) / double(p.images.n_images) : 0.0},
            {"detected_lo", p.detected_ci.lo},
            {"detected_hi", p.detected_ci.hi},
            {"trials_with_sdc", p.trials_with_sdc},
            {"mean_faults", p.mean_faults},
            {"ecc_corrected", c.ecc_corrected},
            {"ecc_detected", c.ecc_detected},
            {"parity_detected", c.parity_detected},
            {"tmr_masked", c.tmr_masked},
            {"abft_corrected", c.abft_corrected},
            {"abft_detected", c.abft_detected},
            {"range_clamped", c.range_clamped}};
}

nlohmann::json to_json(const CampaignResult& r) {
    nlohmann::json pts = nlohmann::json::array(), flipped = nlohmann::json::array();
    for (const auto& p : r.points) pts.push_back(to_json(p));
    for (const auto& f : r.flipped)
        flipped.push_back({{"index", f.index}, {"label", f.label}, {"clean", f.clean_prediction},
                           {"faulty", f.faulty_prediction}, {"ber", f.ber}, {"trial", f.trial}});
    return {{"clean_accuracy", r.clean_accuracy}, {"n_images", r.n_images}, {"points", pts},
            {"flipped", flipped}, {"faults_per_layer", r.faults_per_layer}, {"cancelled", r.cancelled}};
}

nlohmann::json to_json(const VulnerabilityResult& r) {
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& c : r.cells)
        cells.push_back({{"layer", c.layer}, {"bit", c.bit}, {"trials", c.trials}, {"critical", c.critical},
                         {"critical_lo", c.critical_ci.lo}, {"critical_hi", c.critical_ci.hi},
                         {"sdc_rate", c.sdc_rate()}, {"n_detected", c.images.n_detected}});
    return {{"layers", r.layers}, {"layer_names", r.layer_names}, {"bits", r.bits}, {"cells", cells},
            {"population", r.population}, {"leveugle_trials", r.leveugle_trials}, {"cancelled", r.cancelled}};
}

}  // namespace mlsys::faults
