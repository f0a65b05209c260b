// RunWriter: creates a Run directory (docs/RUNS.md) and appends to it crash-safely: each metrics row and
// event is one write() of a whole line, summaries and artifacts are written to a temporary name and
// renamed. One writer per run, used from one thread (the job that owns the run); it never reads runs.
#pragma once

#include "models/core/result.hpp"
#include "models/io/run_format.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace mlsys::models {

struct MetricValue {
    std::string name;
    double value = 0.0;
};

class RunWriter {
public:
    // Makes <root>/<id>/ with id "YYYYMMDD-HHMMSS-<kind>-<slug>-<4 hex>" (UTC start time; the slug is the
    // name lower-cased with other characters turned into '-'; the hex suffix is retried until mkdir
    // succeeds, so ids are unique across processes), writes config.json atomically, creates metrics.csv,
    // events.jsonl and artifacts/, logs a "run_started" event and takes an advisory lock (flock) on
    // events.jsonl that readers use to tell a running run from a crashed one. kind is lower-case letters,
    // digits and '_' ("train", "memsim", "faults", ...); config must be a JSON object (or null for {}).
    static core::Result<RunWriter> create(const std::filesystem::path& root, const std::string& kind,
                                          const std::string& name, const nlohmann::json& config);

    RunWriter(RunWriter&&) noexcept;
    RunWriter& operator=(RunWriter&&) noexcept;
    RunWriter(const RunWriter&) = delete;
    RunWriter& operator=(const RunWriter&) = delete;
    // Closes the files. Without finish() the run stays without summary.json and reads as "incomplete".
    ~RunWriter();

    const std::string& id() const;
    const std::filesystem::path& dir() const;
    // Seconds since create() (steady clock): the wall_time_s of metrics rows and events.
    double elapsed_s() const;
    bool is_finished() const;

    // Fixes the metric columns before the first append_metrics(), so rows logged at different rates
    // (per-step loss, per-epoch validation accuracy) share one file. Names: non-empty, unique, not
    // "step"/"wall_time_s", without ',', '"' or line breaks. An error after metrics were written.
    core::Status declare_metrics(const std::vector<std::string>& names);

    // Appends the row "step,wall_time_s,<values in header order>" to the current metrics file in one
    // write(), with an empty field for a column this call does not name. The first call (without
    // declare_metrics) fixes the header to these names. A name not in the header starts a new segment,
    // metrics-<k>.csv, whose header is the old columns followed by the new ones; every file stays a
    // plain, rectangular CSV and read_run() merges the segments. Values are written in the shortest
    // form that reads back to the same double ("nan", "inf" for non-finite).
    core::Status append_metrics(int64_t step, const std::vector<MetricValue>& values);

    // Appends {"time": <UTC ISO 8601>, "wall_time_s": s, "type": type, ...fields} as one line of
    // events.jsonl and fsyncs it (and metrics.csv). fields must be an object without those three keys.
    core::Status append_event(const std::string& type, const nlohmann::json& fields = nlohmann::json::object());

    // Writes artifacts/<name> atomically (temporary file, fsync, rename) and logs an "artifact" event.
    // name is a relative path without "..", e.g. "model.mlsys" or "plots/loss.png".
    core::Status write_artifact(const std::string& name, const std::string& bytes);
    // The path of artifacts/<name> (parent directories created) for artifacts written by other code.
    core::Result<std::filesystem::path> artifact_path(const std::string& name) const;

    // Ends the run: logs "run_finished", fsyncs, and writes summary.json atomically with the status
    // (Finished, Failed or Cancelled), start and end times, duration, row and event counts, the headline
    // metrics object (e.g. {"test_accuracy": 0.91}) and an optional message (the error of a failed run).
    // Later appends return an error.
    core::Status finish(RunStatus status, const nlohmann::json& headline = nlohmann::json::object(),
                        const std::string& message = "");

private:
    struct State;
    explicit RunWriter(std::unique_ptr<State> state);
    std::unique_ptr<State> s_;
};

// The slug used in run ids: ASCII letters and digits lower-cased, runs of anything else as one '-',
// trimmed, at most 40 characters; "run" when nothing is left.
std::string run_slug(const std::string& name);

}  // namespace mlsys::models
