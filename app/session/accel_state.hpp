// The Accelerator workspace's state as plain data (the GUI, the labs and tests read and set the same thing):
// what to map onto which array (AccelSettings), the evaluation of one topology in all three dataflows plus
// the comparison topology (AccelEvaluation), and the design-space sweep running on a worker thread
// (AccelSweepJob). The animated PE grid steps sim::accel::SystolicStepper in the GUI itself.
#pragma once

#include "models/core/job.hpp"
#include "models/core/result.hpp"
#include "models/workload/workload.hpp"
#include "sim/accel/accel_sim.hpp"
#include "sim/accel/sweep.hpp"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace mlsys::session {

struct AccelSettings {
    // A built-in topology ("resnet50"), a model preset ("cnn"), a SCALE-Sim CSV path, or "current" (the
    // session's current model; falls back to `fallback_preset` when there is none).
    std::string topology = "current";
    std::string compare_topology = "resnet50";  // the real network shown beside it
    std::string fallback_preset = "cnn";
    std::string config_file;  // a SCALE-Sim .cfg to start from ("" = the fields below)
    int array_rows = 32;
    int array_cols = 32;
    std::string dataflow = "os";  // the dataflow the table, animation and traffic views show
    int64_t sram_kib = 256;       // each of the three buffers
    bool user_bandwidth = false;  // USER mode: stall when DRAM is short
    double bandwidth_words_per_cycle = 16;
    int batch = 1;
    bool include_vector_layers = true;
    // Sweep over 8..256 squared and non-square arrays; the SRAM sizes in KiB.
    std::vector<int64_t> sweep_sram_kib{64, 256, 1024};
};
nlohmann::json to_json(const AccelSettings& s);
// Applies the keys present in `j`; the error names the first bad key or value (the settings stay unchanged).
core::Status apply_json(AccelSettings& s, const nlohmann::json& j);
// The AccelConfig the settings describe (the .cfg file's values overridden by the fields), validated.
core::Result<sim::accel::AccelConfig> accel_config(const AccelSettings& s);

// One network evaluated in all three dataflows.
struct AccelNetworkEval {
    std::string topology;  // as asked ("current", "resnet50", ...)
    std::string label;     // "cnn (current model)", "ResNet-50 (built-in)"
    models::Workload workload;
    std::array<sim::accel::NetworkResult, 3> by_dataflow;  // os, ws, is
    const sim::accel::NetworkResult& result(sim::accel::Dataflow df) const { return by_dataflow[size_t(df)]; }
};

struct AccelEvaluation {
    AccelSettings settings;
    sim::accel::AccelConfig config;
    AccelNetworkEval main;
    AccelNetworkEval compare;
    bool has_compare = false;
    std::vector<std::string> warnings;
};

// Evaluates settings.topology (and compare_topology unless empty) in os, ws and is. `current` is the
// session's current model's workload (null: the fallback preset). Fast (milliseconds): runs on the caller.
core::Result<AccelEvaluation> evaluate_accel(const AccelSettings& settings, const models::Workload* current);

// The workload a topology name stands for ("current" -> *current or the fallback preset).
core::Result<models::Workload> accel_workload(const std::string& topology, const models::Workload* current,
                                              const std::string& fallback_preset, std::string* label = nullptr);

// The design-space sweep of one workload on a worker thread: progress, cancel, the result when done.
class AccelSweepJob {
public:
    static std::unique_ptr<AccelSweepJob> start(models::Workload workload, sim::accel::AccelConfig base,
                                                sim::accel::SweepSpec spec, sim::accel::SimOptions options);
    ~AccelSweepJob();
    bool is_done() const { return job_->is_done(); }
    double progress() const { return job_->control().progress(); }
    void cancel() { job_->control().request_cancel(); }
    std::string error() const { return job_->error(); }
    const std::string& workload_name() const { return workload_name_; }
    int64_t total_points() const { return total_; }
    // The finished sweep (null until done, or when it failed).
    std::shared_ptr<const sim::accel::SweepResult> result() const;
    void wait() { job_->wait(); }

private:
    AccelSweepJob() = default;
    std::string workload_name_;
    int64_t total_ = 0;
    std::shared_ptr<core::Latest<sim::accel::SweepResult>> out_;
    std::unique_ptr<core::Job> job_;
};

}  // namespace mlsys::session
