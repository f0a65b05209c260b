// FaultInjector (see injector.hpp). [SECTIONS] setup, trials, per-layer hook, PE faults, ABFT.
#include "faults/flips/injector.hpp"

#include "faults/hw/pe_map.hpp"
#include "faults/protect/abft.hpp"
#include "models/data/batching.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlsys::faults {

// [SECTION] setup ------------------------------------------------------------------------------------------

core::Result<int> resolve_layer(const models::Model& model, const std::string& name) {
    const models::Workload w = model.workload();
    for (size_t i = 0; i < w.layers.size(); ++i)
        if (w.layers[i].name == name || model.layer(int(i)).name() == name) return static_cast<int>(i);
    char* end = nullptr;
    const long idx = std::strtol(name.c_str(), &end, 10);
    if (!name.empty() && *end == '\0' && idx >= 0 && idx < model.n_layers()) return static_cast<int>(idx);
    std::string names;
    for (const auto& l : w.layers) names += (names.empty() ? "" : ", ") + l.name;
    return core::fail("no layer \"" + name + "\" in model \"" + model.spec().name + "\" (layers: " + names + ")");
}

std::vector<int> matrix_layers(const models::Model& model) {
    std::vector<int> out;
    const models::Workload w = model.workload();
    for (size_t i = 0; i < w.layers.size(); ++i)
        if (models::is_matrix_op(w.layers[i].op)) out.push_back(static_cast<int>(i));
    return out;
}

FaultInjector::FaultInjector(models::Model& model, FaultSpec spec)
    : model_(model), spec_(std::move(spec)), workload_(model.workload()) {}

FaultInjector::~FaultInjector() {
    model_.set_activation_hook(nullptr);
    weights_.restore();
}

core::Result<std::unique_ptr<FaultInjector>> FaultInjector::create(models::Model& model, const FaultSpec& spec) {
    if (auto st = validate(spec); !st) return core::fail(st.error());
    if (spec.target.kind == TargetKind::Gradients)
        return core::fail("gradient faults happen during training: use train_under_faults, not an inference injector");
    std::unique_ptr<FaultInjector> inj(new FaultInjector(model, spec));
    if (auto st = inj->set_spec(spec); !st) return core::fail(st.error());
    if (spec.precision == Precision::Int8)
        for (int l = 0; l < model.n_layers(); ++l)
            for (auto& p : model.layer(l).params()) {
                std::span<float> v(p.value->ptr(), size_t(p.value->size()));
                quantize_in_place(v, int8_quant_for(v));
            }
    inj->per_layer_.assign(size_t(model.n_layers()), 0);
    inj->build_weight_memory(inj->target_layer_);
    FaultInjector* self = inj.get();
    model.set_activation_hook([self](int layer, models::Tensor& y) { self->on_layer(layer, y); });
    return inj;
}

core::Status FaultInjector::set_spec(const FaultSpec& spec) {
    if (auto st = validate(spec); !st) return st;
    if (spec.precision != spec_.precision || spec.target.kind != spec_.target.kind)
        return core::fail("set_spec cannot change the precision or the kind of target; make a new injector");
    int layer = -1;
    const auto& t = spec.target;
    if (!t.layer_name.empty()) {
        auto r = resolve_layer(model_, t.layer_name);
        if (!r) return core::fail(r.error());
        layer = *r;
    } else if (t.layer >= 0) {
        if (t.layer >= model_.n_layers()) return core::fail("target layer " + std::to_string(t.layer) + " is out of range");
        layer = t.layer;
    }
    const auto mats = matrix_layers(model_);
    if (t.kind == TargetKind::Activations && layer < 0) return core::fail("activations need a target layer");
    if (t.kind == TargetKind::Buffer && layer < 0) {
        if (mats.empty()) return core::fail("the model has no dense or conv layer whose buffers could be hit");
        layer = mats.front();
    }
    if ((t.kind == TargetKind::Buffer || t.kind == TargetKind::Pe) && layer >= 0 &&
        std::find(mats.begin(), mats.end(), layer) == mats.end())
        return core::fail("layer " + workload_.layers[size_t(layer)].name +
                          " does not run on the MAC array (pick a dense or conv layer)");
    const bool rebuild = layer != target_layer_ && !weights_.segments().empty();
    spec_ = spec;
    target_layer_ = layer;
    if (rebuild) build_weight_memory(target_layer_);
    return core::Status::success();
}

void FaultInjector::build_weight_memory(int only_layer) {
    weights_.restore();
    weights_ = WordMemory{};
    const bool filter = spec_.target.kind == TargetKind::Buffer && spec_.target.buffer == BufferKind::Filter;
    if (spec_.target.kind != TargetKind::Weights && !filter) return;
    for (int l = 0; l < model_.n_layers(); ++l) {
        if (only_layer >= 0 && l != only_layer) continue;
        for (auto& p : model_.layer(l).params()) {
            if (filter && p.name != "weight") continue;  // the filter buffer holds weights, not biases
            WordSegment s;
            s.data = p.value->ptr();
            s.n = p.value->size();
            s.precision = spec_.precision;
            s.layer = l;
            std::span<const float> v(s.data, size_t(s.n));
            if (spec_.precision == Precision::Int8) s.scale = int8_quant_for(v).scale;
            if (spec_.precision == Precision::PyTorchFI) s.scale = int8_quant_for(v).scale * 127.0f;
            weights_.add(s);
        }
    }
}

void FaultInjector::profile_ranges(const models::Dataset& data, int limit, int batch_size) {
    const int n = limit > 0 ? std::min(limit, data.size()) : data.size();
    std::vector<float> lo(size_t(model_.n_layers()), std::numeric_limits<float>::infinity());
    std::vector<float> hi(size_t(model_.n_layers()), -std::numeric_limits<float>::infinity());
    model_.set_activation_hook([&](int l, models::Tensor& y) {
        for (int64_t i = 0; i < y.size(); ++i) {
            lo[size_t(l)] = std::min(lo[size_t(l)], y[i]);
            hi[size_t(l)] = std::max(hi[size_t(l)], y[i]);
        }
    });
    models::Tensor x;
    std::vector<int> y, idx;
    for (int start = 0; start < n; start += batch_size) {
        idx.clear();
        for (int i = start; i < std::min(n, start + batch_size); ++i) idx.push_back(i);
        models::gather_batch(data, idx, x, y);
        model_.forward(x, false);
    }
    range_lo_ = lo;
    range_hi_ = hi;
    FaultInjector* self = this;
    model_.set_activation_hook([self](int layer, models::Tensor& t) { self->on_layer(layer, t); });
}

bool FaultInjector::covers(int layer) const {
    return spec_.protected_layers.empty() ||
           std::find(spec_.protected_layers.begin(), spec_.protected_layers.end(), layer) !=
               spec_.protected_layers.end();
}

// [SECTION] trials -----------------------------------------------------------------------------------------

namespace {
// The bit filter in the protection's storage layout: parity exposes its check bit, ECC its 8 check bits.
std::vector<int> unit_bits(const std::vector<int>& bits, Protection p, int wb) {
    if (bits.empty()) return {};
    std::vector<int> out;
    if (p == Protection::Ecc) {
        for (int j = 0; j < 64 / wb; ++j)
            for (int b : bits) out.push_back(j * wb + b);
        for (int b = 64; b < 72; ++b) out.push_back(b);
        std::sort(out.begin(), out.end());
        return out;
    }
    out = bits;
    if (p == Protection::Parity) out.push_back(wb);
    return out;
}

// Exact sites are written in word space; ECC addresses codewords.
std::vector<FaultSite> to_units(const std::vector<FaultSite>& sites, Protection p, int wb) {
    if (p != Protection::Ecc) return sites;
    std::vector<FaultSite> out;
    const int per = 64 / wb;
    for (const auto& s : sites) out.push_back({s.index / per, int(s.index % per) * wb + s.bit});
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.index != b.index ? a.index < b.index : a.bit < b.bit; });
    return out;
}

// Sites drawn in a space of `period` units repeated over n_units (a stuck SRAM cell at address a hits every
// element stored there; a stuck activation cell hits the same element of every sample).
std::vector<FaultSite> expand(const std::vector<FaultSite>& sites, int64_t period, int64_t n_units) {
    std::vector<FaultSite> out;
    if (period <= 0) return out;
    for (const auto& s : sites)
        for (int64_t u = s.index; u < n_units; u += period) out.push_back({u, s.bit});
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.index != b.index ? a.index < b.index : a.bit < b.bit; });
    return out;
}
}  // namespace

void FaultInjector::begin_trial(uint64_t seed) {
    weights_.restore();
    trial_rng_ = core::Rng(seed);
    inference_ = 0;
    counters_ = {};
    std::fill(per_layer_.begin(), per_layer_.end(), 0);
    burst_left_ = 0;
    active_ = false;
    trial_sites_.clear();
    const Protection p = spec_.protection;
    const int wb = bits_per_word(spec_.precision);
    const int n_rep = p == Protection::Tmr ? 3 : 1;
    auto draw = [&](int64_t n_words, int rep) {
        if (!spec_.sites.empty()) return rep == 0 ? to_units(spec_.sites, p, wb) : std::vector<FaultSite>{};
        WordMemory probe;
        float dummy = 0;
        probe.add({&dummy, n_words, spec_.precision, 1.0f, -1});
        const auto lay = probe.layout(p);
        return sample_sites(trial_rng_, lay.n_units, lay.unit_bits, unit_bits(spec_.bits, p, wb), spec_.ber,
                            spec_.n_faults);
    };
    const auto& t = spec_.target;
    const bool permanent = spec_.kind != FaultKind::BitFlip;
    if (t.kind == TargetKind::Weights) {
        for (int r = 0; r < n_rep; ++r) trial_sites_.push_back(draw(weights_.n_words(), r));
        if (spec_.kind != FaultKind::Intermittent) weights_.apply(spec_.kind, p, trial_sites_, counters_);
    } else if (permanent && t.kind == TargetKind::Activations) {
        const int64_t per_sample = workload_.layers[size_t(target_layer_)].output_elems();
        for (int r = 0; r < n_rep; ++r) trial_sites_.push_back(draw(per_sample, r));
    } else if (permanent && t.kind == TargetKind::Buffer) {
        for (int r = 0; r < n_rep; ++r) trial_sites_.push_back(draw(spec_.buffer_words > 0 ? spec_.buffer_words : 262144, r));
        if (t.buffer == BufferKind::Filter && spec_.kind != FaultKind::Intermittent) {
            std::vector<std::vector<FaultSite>> ex;
            for (auto& s : trial_sites_) {
                WordMemory probe;
                float dummy = 0;
                probe.add({&dummy, spec_.buffer_words > 0 ? spec_.buffer_words : 262144, spec_.precision, 1.0f, -1});
                ex.push_back(expand(s, probe.layout(p).n_units, weights_.layout(p).n_units));
            }
            weights_.apply(spec_.kind, p, ex, counters_);
        }
    }
    for (const auto& s : trial_sites_.empty() ? std::vector<FaultSite>{} : trial_sites_.front())
        if (t.kind == TargetKind::Weights && weights_.n_words() > 0) {
            const int per = p == Protection::Ecc ? 64 / wb : 1;
            const int64_t w = std::min(s.index * per + (p == Protection::Ecc ? std::min(s.bit, 63) / wb : 0),
                                       weights_.n_words() - 1);
            ++per_layer_[size_t(weights_.segments()[weights_.segment_of(w)].layer)];
        }
}

void FaultInjector::end_trial() {
    weights_.restore();
    trial_sites_.clear();
}

void FaultInjector::before_inference(models::Tensor& x) {
    input_ = &x;
    ++inference_;
    detected_.assign(size_t(std::max(0, x.batch())), 0);
    if (!armed_) return;
    core::Rng r = trial_rng_.derive(inference_);
    if (spec_.kind == FaultKind::Intermittent) {
        if (burst_left_ > 0) {
            active_ = true;
            --burst_left_;
        } else {
            active_ = r.bernoulli(spec_.intermittent_p);
            if (active_) burst_left_ = spec_.burst_length - 1;
        }
        if (spec_.target.kind == TargetKind::Weights) {
            weights_.restore();
            if (active_) weights_.apply(FaultKind::Intermittent, spec_.protection, trial_sites_, counters_);
        }
    }
    const auto& t = spec_.target;
    if (t.kind == TargetKind::Buffer && t.buffer == BufferKind::Filter &&
        (spec_.kind == FaultKind::BitFlip || spec_.kind == FaultKind::Intermittent)) {
        // Upsets while the filter tile sits in SRAM: fresh sites for every inference.
        weights_.restore();
        if (spec_.kind == FaultKind::BitFlip || active_) {
            const auto lay = weights_.layout(spec_.protection);
            std::vector<std::vector<FaultSite>> sites;
            const int n_rep = spec_.protection == Protection::Tmr ? 3 : 1;
            for (int k = 0; k < n_rep; ++k)
                sites.push_back(sample_sites(r, lay.n_units, lay.unit_bits,
                                             unit_bits(spec_.bits, spec_.protection, bits_per_word(spec_.precision)),
                                             spec_.ber, spec_.n_faults));
            weights_.apply(FaultKind::BitFlip, spec_.protection, sites, counters_);
        }
    }
    if (t.kind == TargetKind::Buffer && t.buffer == BufferKind::Ifmap && target_layer_ == 0)
        apply_tensor_faults(x, 0, true);
}

// [SECTION] per-layer hook ---------------------------------------------------------------------------------

void FaultInjector::on_layer(int layer, models::Tensor& y) {
    if (!armed_) return;
    const auto& t = spec_.target;
    if (t.kind == TargetKind::Activations && layer == target_layer_) apply_tensor_faults(y, layer, false);
    if (t.kind == TargetKind::Buffer && t.buffer == BufferKind::Ofmap && layer == target_layer_)
        apply_tensor_faults(y, layer, true);
    if (t.kind == TargetKind::Buffer && t.buffer == BufferKind::Ifmap && layer + 1 == target_layer_)
        apply_tensor_faults(y, layer + 1, true);
    if (t.kind == TargetKind::Pe && models::is_matrix_op(workload_.layers[size_t(layer)].op) &&
        (target_layer_ < 0 || target_layer_ == layer))
        apply_pe_fault(layer, y);
    if (spec_.protection == Protection::Abft && covers(layer) &&
        (workload_.layers[size_t(layer)].op == models::OpKind::Dense ||
         workload_.layers[size_t(layer)].op == models::OpKind::Conv2D))
        apply_abft(layer, y);
    if (spec_.protection == Protection::Range && !range_lo_.empty()) {
        const float lo = range_lo_[size_t(layer)], hi = range_hi_[size_t(layer)];
        float* d = y.ptr();
        int64_t clamped = 0;
        for (int64_t i = 0; i < y.size(); ++i) {
            const float v = d[i];
            if (v >= lo && v <= hi) continue;
            d[i] = std::isnan(v) ? 0.0f : std::clamp(v, lo, hi);  // Ranger: out-of-range values take the bound
            ++clamped;
        }
        counters_.range_clamped += clamped;
    }
}

void FaultInjector::apply_tensor_faults(models::Tensor& t, int layer, bool buffer_addressing) {
    if (spec_.kind == FaultKind::Intermittent && !active_) return;
    const Protection p = covers(layer) ? spec_.protection : Protection::None;
    WordMemory mem;
    WordSegment seg{t.ptr(), t.size(), spec_.precision, 1.0f, layer};
    std::span<const float> v(t.ptr(), size_t(t.size()));
    if (spec_.precision == Precision::Int8) seg.scale = int8_quant_for(v).scale;
    if (spec_.precision == Precision::PyTorchFI) seg.scale = int8_quant_for(v).scale * 127.0f;
    mem.add(seg);
    const auto lay = mem.layout(p);
    const int wb = bits_per_word(spec_.precision);
    std::vector<std::vector<FaultSite>> sites;
    if (spec_.kind == FaultKind::BitFlip) {
        core::Rng r = trial_rng_.derive(inference_ * 7919 + uint64_t(layer) + 1);
        const int n_rep = p == Protection::Tmr ? 3 : 1;
        for (int k = 0; k < n_rep; ++k) {
            if (!spec_.sites.empty()) {
                sites.push_back(k == 0 ? to_units(spec_.sites, p, wb) : std::vector<FaultSite>{});
                if (!buffer_addressing && k == 0) {
                    // exact activation sites address one sample; hit every sample of the batch
                    WordMemory one;
                    float dummy = 0;
                    one.add({&dummy, t.sample_size(), spec_.precision, 1.0f, -1});
                    sites.back() = expand(sites.back(), one.layout(p).n_units, lay.n_units);
                }
            } else {
                sites.push_back(sample_sites(r, lay.n_units, lay.unit_bits, unit_bits(spec_.bits, p, wb), spec_.ber,
                                             spec_.n_faults));
            }
        }
    } else {
        const int64_t period_words = buffer_addressing ? (spec_.buffer_words > 0 ? spec_.buffer_words : 262144)
                                                       : t.sample_size();
        WordMemory probe;
        float dummy = 0;
        probe.add({&dummy, period_words, spec_.precision, 1.0f, -1});
        for (const auto& s : trial_sites_) sites.push_back(expand(s, probe.layout(p).n_units, lay.n_units));
    }
    const int64_t before = counters_.n_faults;
    mem.apply(spec_.kind, p, sites, counters_);
    per_layer_[size_t(layer)] += counters_.n_faults - before;
}

}  // namespace mlsys::faults
