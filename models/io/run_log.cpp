// RunWriter: POSIX file descriptors opened O_APPEND, one write() per line, fdatasync at events and at
// finish, write_file_atomic for config, summary and artifacts. Never reads a run back.
#include "models/io/run_log.hpp"

#include "models/core/files.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlsys::models {
namespace {

using core::fail;
using Clock = std::chrono::steady_clock;

// An owned file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = o.fd_;
            o.fd_ = -1;
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

// "2025-03-01T12:34:56.789Z" and, for ids, "20250301-123456".
struct UtcStamp {
    std::string iso;
    std::string compact;
};

UtcStamp utc_now() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char iso[32], compact[24], frac[8];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%S", &tm);
    std::strftime(compact, sizeof compact, "%Y%m%d-%H%M%S", &tm);
    std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms % 1000));
    return {std::string(iso) + frac, compact};
}

// Four hex digits that differ between calls and processes (uniqueness comes from mkdir; this only makes
// collisions rare). Not experiment randomness, so no seed.
std::string hex4() {
    static std::atomic<uint64_t> counter{0};
    uint64_t z = static_cast<uint64_t>(Clock::now().time_since_epoch().count()) ^
                 (static_cast<uint64_t>(::getpid()) << 32) ^ (counter.fetch_add(1) * 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04x", static_cast<unsigned>(z & 0xffff));
    return buf;
}

bool valid_kind(const std::string& kind) {
    if (kind.empty() || kind.size() > 32) return false;
    for (char c : kind)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

core::Status check_metric_name(const std::string& name) {
    if (name.empty()) return fail("metric name is empty");
    if (name == kRunStepColumn || name == kRunWallTimeColumn) return fail("metric name '" + name + "' is reserved");
    for (char c : name)
        if (c == ',' || c == '"' || c == '\n' || c == '\r')
            return fail("metric name '" + name + "' contains ',', '\"' or a line break");
    return core::Status::success();
}

core::Status write_all(int fd, const std::string& text, const std::filesystem::path& path) {
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(path.string() + ": write failed (" + std::strerror(errno) + ")");
        }
        done += static_cast<size_t>(n);
    }
    return core::Status::success();
}

core::Result<Fd> open_append(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return fail(path.string() + ": cannot create (" + std::strerror(errno) + ")");
    return Fd(fd);
}

void append_number(std::string& out, double v) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

core::Status check_artifact_name(const std::string& name) {
    const std::filesystem::path p(name);
    if (name.empty() || p.is_absolute()) return fail("artifact name '" + name + "' must be a non-empty relative path");
    for (const auto& part : p)
        if (part == ".." || part == ".") return fail("artifact name '" + name + "' must not contain '.' or '..'");
    return core::Status::success();
}

}  // namespace

struct RunWriter::State {
    std::string id;
    std::filesystem::path dir;
    std::string created;
    Clock::time_point start;
    Fd metrics_fd;
    Fd events_fd;
    int segment = 1;
    std::vector<std::string> columns;  // metric columns of the current segment; empty until fixed
    bool header_written = false;
    int64_t n_metric_rows = 0;
    int64_t n_events = 0;
    bool finished = false;

    std::filesystem::path metrics_path() const { return dir / run_metrics_file(segment); }

    core::Status write_header() {
        std::string line = std::string(kRunStepColumn) + "," + kRunWallTimeColumn;
        for (const auto& c : columns) line += "," + c;
        line += "\n";
        header_written = true;
        return write_all(metrics_fd.get(), line, metrics_path());
    }
};

RunWriter::RunWriter(std::unique_ptr<State> state) : s_(std::move(state)) {}
RunWriter::RunWriter(RunWriter&&) noexcept = default;
RunWriter& RunWriter::operator=(RunWriter&&) noexcept = default;
RunWriter::~RunWriter() = default;

const std::string& RunWriter::id() const { return s_->id; }
const std::filesystem::path& RunWriter::dir() const { return s_->dir; }
bool RunWriter::is_finished() const { return s_->finished; }
double RunWriter::elapsed_s() const { return std::chrono::duration<double>(Clock::now() - s_->start).count(); }

std::string run_slug(const std::string& name) {
    std::string slug;
    for (char c : name) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum) slug += c;
        else if (c >= 'A' && c <= 'Z') slug += static_cast<char>(c - 'A' + 'a');
        else if (!slug.empty() && slug.back() != '-') slug += '-';
        if (slug.size() >= 40) break;
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    return slug.empty() ? "run" : slug;
}

core::Result<RunWriter> RunWriter::create(const std::filesystem::path& root, const std::string& kind,
                                          const std::string& name, const nlohmann::json& config) {
    if (!valid_kind(kind))
        return fail("run kind '" + kind + "' must be 1-32 lower-case letters, digits or '_' (e.g. train, memsim)");
    if (!config.is_object() && !config.is_null()) return fail("run config must be a JSON object");
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec) return fail(root.string() + ": cannot create the runs directory (" + ec.message() + ")");

    auto state = std::make_unique<State>();
    state->start = Clock::now();
    const UtcStamp stamp = utc_now();
    state->created = stamp.iso;
    const std::string prefix = stamp.compact + "-" + kind + "-" + run_slug(name) + "-";
    for (int attempt = 0; attempt < 64 && state->dir.empty(); ++attempt) {
        const std::string id = prefix + hex4();
        const std::filesystem::path dir = root / id;
        if (::mkdir(dir.c_str(), 0755) == 0) {
            state->id = id;
            state->dir = dir;
        } else if (errno != EEXIST) {
            return fail(dir.string() + ": cannot create the run directory (" + std::strerror(errno) + ")");
        }
    }
    if (state->dir.empty()) return fail(root.string() + ": could not find a free run id for " + prefix + "XXXX");
    if (::mkdir((state->dir / kRunArtifactsDir).c_str(), 0755) != 0)
        return fail((state->dir / kRunArtifactsDir).string() + ": cannot create (" + std::strerror(errno) + ")");

    nlohmann::json doc = {{"format", kRunConfigFormat},
                          {"version", kRunFormatVersion},
                          {"id", state->id},
                          {"kind", kind},
                          {"name", name},
                          {"created", state->created},
                          {"config", config.is_null() ? nlohmann::json::object() : config}};
    const std::string text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (auto st = core::write_file_atomic(state->dir / kRunConfigFile, text); !st) return fail(st.error());

    auto metrics = open_append(state->metrics_path());
    if (!metrics) return fail(metrics.error());
    state->metrics_fd = std::move(*metrics);
    auto events = open_append(state->dir / kRunEventsFile);
    if (!events) return fail(events.error());
    state->events_fd = std::move(*events);
    // Held until the writer closes or the process dies (the kernel drops flock locks of dead processes).
    ::flock(state->events_fd.get(), LOCK_EX | LOCK_NB);

    RunWriter writer(std::move(state));
    if (auto st = writer.append_event("run_started", {{"kind", kind}, {"name", name}}); !st) return fail(st.error());
    return writer;
}

core::Status RunWriter::declare_metrics(const std::vector<std::string>& names) {
    if (s_->finished) return fail("run " + s_->id + " is already finished");
    if (s_->header_written) return fail("run " + s_->id + ": declare_metrics must come before the first metrics row");
    for (size_t i = 0; i < names.size(); ++i) {
        if (auto st = check_metric_name(names[i]); !st) return st;
        for (size_t j = 0; j < i; ++j)
            if (names[j] == names[i]) return fail("metric name '" + names[i] + "' is declared twice");
    }
    s_->columns = names;
    return s_->write_header();
}

core::Status RunWriter::append_metrics(int64_t step, const std::vector<MetricValue>& values) {
    State& s = *s_;
    if (s.finished) return fail("run " + s.id + " is already finished");
    std::vector<std::string> added;
    for (size_t i = 0; i < values.size(); ++i) {
        const std::string& name = values[i].name;
        if (auto st = check_metric_name(name); !st) return st;
        for (size_t j = 0; j < i; ++j)
            if (values[j].name == name) return fail("metric '" + name + "' appears twice in one row");
        if (std::find(s.columns.begin(), s.columns.end(), name) == s.columns.end()) added.push_back(name);
    }
    if (!s.header_written) {
        s.columns.insert(s.columns.end(), added.begin(), added.end());
        if (auto st = s.write_header(); !st) return st;
    } else if (!added.empty()) {
        // A new column: continue in the next segment file so every file keeps one rectangular header.
        s.columns.insert(s.columns.end(), added.begin(), added.end());
        ::fdatasync(s.metrics_fd.get());
        s.segment++;
        auto fd = open_append(s.metrics_path());
        if (!fd) return fail(fd.error());
        s.metrics_fd = std::move(*fd);
        if (auto st = s.write_header(); !st) return st;
        if (auto st = append_event("metrics_segment", {{"file", run_metrics_file(s.segment)}, {"columns", s.columns}}); !st)
            return st;
    }

    std::string line;
    line.reserve(32 + 24 * s.columns.size());
    line += std::to_string(step);
    char wall[32];
    std::snprintf(wall, sizeof wall, ",%.6f", elapsed_s());
    line += wall;
    for (const auto& column : s.columns) {
        line += ',';
        for (const auto& v : values)
            if (v.name == column) {
                append_number(line, v.value);
                break;
            }
    }
    line += '\n';
    if (auto st = write_all(s.metrics_fd.get(), line, s.metrics_path()); !st) return st;
    s.n_metric_rows++;
    return core::Status::success();
}

core::Status RunWriter::append_event(const std::string& type, const nlohmann::json& fields) {
    State& s = *s_;
    if (s.finished) return fail("run " + s.id + " is already finished");
    if (type.empty()) return fail("event type is empty");
    if (!fields.is_object()) return fail("event '" + type + "': fields must be a JSON object");
    nlohmann::json event = {{"time", utc_now().iso}, {"wall_time_s", elapsed_s()}, {"type", type}};
    for (const auto& [key, value] : fields.items()) {
        if (event.contains(key)) return fail("event '" + type + "': field '" + key + "' is reserved");
        event[key] = value;
    }
    const std::string line = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (auto st = write_all(s.events_fd.get(), line, s.dir / kRunEventsFile); !st) return st;
    s.n_events++;
    ::fdatasync(s.events_fd.get());
    ::fdatasync(s.metrics_fd.get());
    return core::Status::success();
}

core::Result<std::filesystem::path> RunWriter::artifact_path(const std::string& name) const {
    if (auto st = check_artifact_name(name); !st) return fail(st.error());
    const std::filesystem::path p = s_->dir / kRunArtifactsDir / name;
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return fail(p.parent_path().string() + ": cannot create (" + ec.message() + ")");
    return p;
}

core::Status RunWriter::write_artifact(const std::string& name, const std::string& bytes) {
    if (s_->finished) return fail("run " + s_->id + " is already finished");
    auto path = artifact_path(name);
    if (!path) return fail(path.error());
    if (auto st = core::write_file_atomic(*path, bytes); !st) return st;
    return append_event("artifact", {{"name", name}, {"bytes", bytes.size()}});
}

core::Status RunWriter::finish(RunStatus status, const nlohmann::json& headline, const std::string& message) {
    State& s = *s_;
    if (s.finished) return fail("run " + s.id + " is already finished");
    if (status == RunStatus::Running || status == RunStatus::Incomplete)
        return fail(std::string("run ") + s.id + ": finish() takes finished, failed or cancelled, not " + to_string(status));
    if (!headline.is_object() && !headline.is_null()) return fail("run " + s.id + ": headline metrics must be a JSON object");
    const double duration_s = elapsed_s();
    nlohmann::json fields = {{"status", to_string(status)}};
    if (!message.empty()) fields["message"] = message;
    if (auto st = append_event("run_finished", fields); !st) return st;
    nlohmann::json summary = {{"format", kRunSummaryFormat},
                              {"version", kRunFormatVersion},
                              {"id", s.id},
                              {"status", to_string(status)},
                              {"created", s.created},
                              {"ended", utc_now().iso},
                              {"duration_s", duration_s},
                              {"n_metric_rows", s.n_metric_rows},
                              {"n_events", s.n_events},
                              {"metrics_segments", s.segment},
                              {"headline", headline.is_null() ? nlohmann::json::object() : headline},
                              {"message", message}};
    const std::string text = summary.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (auto st = core::write_file_atomic(s.dir / kRunSummaryFile, text); !st) return st;
    s.finished = true;
    s.metrics_fd.reset();
    s.events_fd.reset();  // releases the lock
    return core::Status::success();
}

}  // namespace mlsys::models
