// The Memory workspace's state as plain data (GUI, CLI and labs read and set the same thing): what to
// simulate (MemorySettings: workload, hierarchy, knobs), how it resolves to a Workload, a HierarchyConfig
// and sim::MemsimOptions, the finished study (MemoryStudy: per-layer memory simulation plus training
// memory), and the job that computes it on a worker thread.
#pragma once

#include "models/core/job.hpp"
#include "sim/memory/memsim.hpp"
#include "sim/memory/training_memory.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace mlsys::session {

struct MemorySettings {
    std::string workload = "cnn";       // a preset or a model-description JSON path
    std::string model_file;             // a saved .mlsys model (wins over `workload` when set)
    std::string hierarchy = "rpi4";     // a preset or a hierarchy JSON path
    std::vector<std::string> levels;    // "SIZE,ASSOC,LINE[,POLICY]" innermost first: replaces the levels
    // The on-chip (innermost) level: "preset" as the hierarchy says, "cache", or "scratchpad" (software-
    // managed: tiles staged by DMA). scratchpad_bytes (> 0) resizes the scratchpad.
    std::string onchip = "preset";
    int64_t scratchpad_bytes = 0;
    bool double_buffer = false;         // scratchpad: two buffers per operand, transfers overlap compute
    std::string mode = "replay";        // replay (trace) or analytic
    int batch = 1;
    std::string precision = "fp32";     // fp32, fp16, int8 (element size of the traffic)
    std::string loop_order = "mnk";
    int tile_m = 0, tile_n = 0, tile_k = 0;
    bool im2col = false;
    bool warm = true;                   // caches keep their contents between layers
    bool classify_misses = true;
    std::string optimizer = "adam";     // training memory
    bool checkpointing = false;
};
nlohmann::json to_json(const MemorySettings& s);
// Applies the keys present in `j`; the error names the first bad key (the settings stay unchanged then).
core::Status apply_json(MemorySettings& s, const nlohmann::json& j);

// The hierarchy the settings name, with `levels` (if any) replacing its levels; validated.
core::Result<sim::HierarchyConfig> resolve_hierarchy(const MemorySettings& s);
// The workload (from model_file when set, else workload).
core::Result<models::Workload> resolve_workload(const MemorySettings& s);
core::Result<sim::MemsimOptions> resolve_memsim_options(const MemorySettings& s);
// Training precision for the training-memory view: fp32 -> fp32, fp16 -> mixed, int8 -> int8 inference.
sim::TrainingMemoryOptions resolve_training_options(const MemorySettings& s);

struct MemoryStudy {
    MemorySettings settings;
    sim::HierarchyConfig hierarchy;
    models::Workload workload;
    sim::MemsimResult result;
    sim::TrainingMemory training;
    double seconds = 0;  // wall time of the simulation
};
// Runs the whole study (used by the job, the CLI and the lab actions).
core::Result<MemoryStudy> run_memory_study(const MemorySettings& s, core::JobControl* control = nullptr);
nlohmann::json to_json(const MemoryStudy& m);
// One CSV row per layer (the Run's layers.csv).
std::string layers_csv(const MemoryStudy& m);

// The study as a job: the UI polls result() each frame; a newer job replaces an older one.
class MemoryStudyJob {
public:
    static std::unique_ptr<MemoryStudyJob> start(MemorySettings settings);
    bool is_done() const { return job_->is_done(); }
    double progress() const { return job_->control().progress(); }
    std::string status() const { return job_->control().status(); }
    std::string error() const { return job_->error(); }
    void cancel() { job_->control().request_cancel(); }
    void wait() { job_->wait(); }
    std::shared_ptr<const MemoryStudy> result() const { return result_->get(); }

private:
    MemoryStudyJob() = default;
    std::shared_ptr<core::Latest<MemoryStudy>> result_;
    std::unique_ptr<core::Job> job_;
};

// A compact summary of a study (the lab actions' result and the "memory" state section): totals, per-layer
// rows, the roofline and training memory, with units in the key names.
nlohmann::json study_summary(const MemoryStudy& m);

class Session;
// The Memory workspace's live state for a Session: the settings the panels edit, the running job and the
// newest finished study. The Session owns it (Session::memory_state(), created on first use); the GUI thread
// (or a lab runner) uses it.
struct MemoryWorkspaceState {
    MemorySettings settings;
    std::unique_ptr<MemoryStudyJob> job;
    std::shared_ptr<const MemoryStudy> study;
    std::string error;
    // Starts a job with the current settings (replacing a running one).
    void restart();
    // Collects a finished job's study or error; true when something changed.
    bool poll();
};
MemoryWorkspaceState& memory_workspace(const Session& s);

}  // namespace mlsys::session
