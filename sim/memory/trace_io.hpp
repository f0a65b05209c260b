// Trace files: Dinero IV's text format ("din": one `label hexaddress [size]` per line; label 0 = data read,
// 1 = data write, 2 = instruction fetch, 3 = unknown, 4 = cache flush; the rest of a line is ignored) and
// valgrind lackey's --trace-mem=yes output (" L addr,size", " S", " M" = load + store, "I" fetches), so a
// trace from another tool replays here and ours can be checked with another cache simulator.
#pragma once

#include "models/core/result.hpp"
#include "sim/memory/trace.hpp"

#include <filesystem>
#include <iosfwd>
#include <string>

namespace mlsys::sim {

struct TraceReadStats {
    int64_t reads = 0, writes = 0;
    int64_t instruction_fetches = 0;  // replayed as reads (Dinero's unified-cache view) unless skipped
    int64_t skipped = 0;              // flushes (label 4), skipped fetches, blank and comment lines
};

struct TraceReadOptions {
    bool include_instruction_fetches = true;
    int default_size = 1;  // Dinero's classic format has no size field
};

// Streams the file to `sink`; a bad line is an error naming the file and line ("t.din:7: label must be
// 0-4, got 9"). Lines starting with '#' and blank lines are skipped.
core::Result<TraceReadStats> read_dinero_trace(const std::filesystem::path& path, TraceSink& sink,
                                               const TraceReadOptions& o = {});
core::Result<TraceReadStats> read_dinero_trace(std::istream& in, const std::string& name, TraceSink& sink,
                                               const TraceReadOptions& o = {});
// valgrind --tool=lackey --trace-mem=yes output (its "==pid==" banner lines are skipped).
core::Result<TraceReadStats> read_lackey_trace(const std::filesystem::path& path, TraceSink& sink,
                                               const TraceReadOptions& o = {});
core::Result<TraceReadStats> read_lackey_trace(std::istream& in, const std::string& name, TraceSink& sink,
                                               const TraceReadOptions& o = {});

// A sink that writes Dinero lines `label hexaddress size` (readers of the classic format ignore the size).
class DineroWriter final : public TraceSink {
public:
    explicit DineroWriter(std::ostream& out) : out_(out) {}
    void access(uint64_t addr, int size, bool is_write) override;
    int64_t written() const { return n_; }

private:
    std::ostream& out_;
    int64_t n_ = 0;
};

}  // namespace mlsys::sim
