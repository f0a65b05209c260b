// FaultInjector: puts a FaultSpec into a real Model — weight memory faults applied per trial, activation,
// SRAM-buffer and processing-element faults applied in the model's activation hook on every inference,
// intermittent faults switched on and off per inference — and runs the chosen protection (parity, ECC, TMR,
// range restriction, ABFT). One injector owns one model's hook; one thread.
#pragma once

#include "faults/flips/fault_spec.hpp"
#include "faults/flips/word_faults.hpp"
#include "models/core/rng.hpp"
#include "models/data/dataset.hpp"
#include "models/model/model.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mlsys::faults {

// Resolves a layer written as an index ("3") or a name ("conv2d_1", as in the model's Workload).
core::Result<int> resolve_layer(const models::Model& model, const std::string& name);

// Indices of the layers that run on the MAC array (dense, conv2d, depthwise_conv2d).
std::vector<int> matrix_layers(const models::Model& model);

class FaultInjector {
public:
    // Validates the spec against the model, resolves layer names, and — for Precision::Int8 — quantises the
    // model's parameters to int8 (symmetric per tensor) in place: the int8 model is then the clean baseline.
    static core::Result<std::unique_ptr<FaultInjector>> create(models::Model& model, const FaultSpec& spec);
    ~FaultInjector();
    FaultInjector(const FaultInjector&) = delete;
    FaultInjector& operator=(const FaultInjector&) = delete;

    const FaultSpec& spec() const { return spec_; }
    // Changes rate, count, bits, sites or the target layer between trials (not precision or target kind).
    core::Status set_spec(const FaultSpec& spec);

    // Range restriction: records each layer's min and max output over `limit` clean samples.
    void profile_ranges(const models::Dataset& data, int limit, int batch_size = 256);
    bool has_ranges() const { return !range_lo_.empty(); }
    const std::vector<float>& range_lo() const { return range_lo_; }
    const std::vector<float>& range_hi() const { return range_hi_; }

    // Starts a trial: draws its permanent and intermittent sites from `seed` and corrupts weight memory.
    void begin_trial(uint64_t seed);
    // Before each inference (batch): switches intermittent faults, hits the network input's ifmap buffer.
    // `x` is the batch about to run; it must outlive the forward pass.
    void before_inference(models::Tensor& x);
    // Ends the trial: weight memory back to its clean values.
    void end_trial();
    // Turns every fault off (clean inference with the model as prepared), or back on.
    void set_armed(bool armed) { armed_ = armed; }

    // Per sample of the last inference: 1 when a detector (ABFT without correction) flagged it.
    const std::vector<uint8_t>& detected_samples() const { return detected_; }
    // Totals since the trial began.
    const ProtectionCounters& counters() const { return counters_; }
    // Whether the intermittent fault was active in the last inference.
    bool intermittent_active() const { return active_; }
    // Fault sites applied so far this trial, per layer (indexed like the model's layers).
    const std::vector<int64_t>& faults_per_layer() const { return per_layer_; }

private:
    FaultInjector(models::Model& model, FaultSpec spec);
    void on_layer(int layer, models::Tensor& y);
    void build_weight_memory(int only_layer);
    void apply_tensor_faults(models::Tensor& t, int layer, bool per_sample_sites);
    void apply_pe_fault(int layer, models::Tensor& y);
    void apply_abft(int layer, models::Tensor& y);
    bool covers(int layer) const;

    models::Model& model_;
    FaultSpec spec_;
    models::Workload workload_;
    int target_layer_ = -1;
    WordMemory weights_;
    core::Rng trial_rng_{1};
    uint64_t inference_ = 0;
    bool armed_ = true;
    bool active_ = false;
    int burst_left_ = 0;
    std::vector<std::vector<FaultSite>> trial_sites_;  // permanent/intermittent sites (per replica for TMR)
    std::vector<float> range_lo_, range_hi_;
    std::vector<uint8_t> detected_;
    ProtectionCounters counters_;
    std::vector<int64_t> per_layer_;
    models::Tensor* input_ = nullptr;
};

}  // namespace mlsys::faults
