// Run reader: tolerant line-by-line parsing of metrics segments and events, JSON files parsed without
// exceptions, damage collected instead of failing. Read-only.
#include "models/io/run_reader.hpp"

#include "models/core/files.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <limits>
#include <map>
#include <string_view>
#include <sys/file.h>
#include <unistd.h>

namespace mlsys::models {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Line {
    int number;  // 1-based
    std::string_view text;
};

// Splits text into complete lines; `truncated` gets the trailing bytes that have no newline.
std::vector<Line> split_lines(std::string_view text, std::string_view& truncated) {
    std::vector<Line> lines;
    int number = 0;
    truncated = {};
    while (!text.empty()) {
        const size_t nl = text.find('\n');
        ++number;
        if (nl == std::string_view::npos) {
            truncated = text;
            break;
        }
        std::string_view line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back({number, line});
        text.remove_prefix(nl + 1);
    }
    return lines;
}

std::string truncated_reason(std::string_view partial) {
    return "truncated last line (" + std::to_string(partial.size()) +
           " bytes without a newline: the writer was interrupted mid-append); skipped";
}

std::vector<std::string_view> split_csv(std::string_view line) {
    std::vector<std::string_view> fields;
    size_t start = 0;
    while (true) {
        const size_t comma = line.find(',', start);
        fields.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (comma == std::string_view::npos) return fields;
        start = comma + 1;
    }
}

template <class T>
bool parse_number(std::string_view s, T& out) {
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

// Reads one metrics segment into `table`, merging its columns by name.
void read_metrics_file(const std::filesystem::path& dir, const std::string& file, MetricsTable& table,
                       std::vector<RunDamage>& damage) {
    auto text = core::read_file(dir / file);
    if (!text) {
        damage.push_back({file, 0, "cannot read: " + text.error()});
        return;
    }
    std::string_view partial;
    const auto lines = split_lines(*text, partial);
    if (lines.empty()) {
        if (!partial.empty()) damage.push_back({file, 1, "truncated header line; no rows readable"});
        return;
    }
    const auto header = split_csv(lines[0].text);
    if (header.size() < 2 || header[0] != kRunStepColumn || header[1] != kRunWallTimeColumn) {
        damage.push_back({file, 1, "header must start with 'step,wall_time_s'; file skipped"});
        return;
    }
    std::vector<size_t> to_merged;  // segment column (from 2) -> table column
    for (size_t c = 2; c < header.size(); ++c) {
        const std::string name(header[c]);
        auto it = std::find(table.columns.begin(), table.columns.end(), name);
        if (it == table.columns.end()) {
            table.columns.push_back(name);
            table.values.emplace_back(table.step.size(), kNaN);
            it = table.columns.end() - 1;
        }
        to_merged.push_back(static_cast<size_t>(it - table.columns.begin()));
    }
    std::vector<double> row(to_merged.size());
    for (size_t i = 1; i < lines.size(); ++i) {
        const Line& line = lines[i];
        const auto fields = split_csv(line.text);
        if (fields.size() != header.size()) {
            damage.push_back({file, line.number,
                              std::to_string(fields.size()) + " fields, header has " + std::to_string(header.size()) +
                                  "; row skipped"});
            continue;
        }
        int64_t step = 0;
        double wall = 0.0;
        std::string bad;
        if (!parse_number(fields[0], step)) bad = "step '" + std::string(fields[0]) + "' is not an integer";
        else if (!parse_number(fields[1], wall)) bad = "wall_time_s '" + std::string(fields[1]) + "' is not a number";
        for (size_t c = 0; c < to_merged.size() && bad.empty(); ++c) {
            const std::string_view f = fields[c + 2];
            row[c] = kNaN;
            if (!f.empty() && !parse_number(f, row[c]))
                bad = "column '" + std::string(header[c + 2]) + "': '" + std::string(f) + "' is not a number";
        }
        if (!bad.empty()) {
            damage.push_back({file, line.number, bad + "; row skipped"});
            continue;
        }
        table.step.push_back(step);
        table.wall_time_s.push_back(wall);
        for (auto& column : table.values) column.push_back(kNaN);
        for (size_t c = 0; c < to_merged.size(); ++c) table.values[to_merged[c]].back() = row[c];
    }
    if (!partial.empty()) damage.push_back({file, lines.back().number + 1, truncated_reason(partial)});
}

std::vector<std::string> metrics_segments(const std::filesystem::path& dir) {
    std::map<int, std::string> later;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        int k = 0;
        if (name.size() > 12 && name.rfind("metrics-", 0) == 0 && name.ends_with(".csv") &&
            parse_number(std::string_view(name).substr(8, name.size() - 12), k) && k >= 2)
            later[k] = name;
    }
    std::vector<std::string> files = {kRunMetricsFile};
    for (const auto& [k, name] : later) files.push_back(name);
    return files;
}

void read_events(const std::filesystem::path& dir, RunRecord& run) {
    auto text = core::read_file(dir / kRunEventsFile);
    if (!text) {
        run.damage.push_back({kRunEventsFile, 0, "missing or unreadable: " + text.error()});
        return;
    }
    std::string_view partial;
    for (const Line& line : split_lines(*text, partial)) {
        if (line.text.empty()) continue;
        nlohmann::json j = nlohmann::json::parse(line.text, nullptr, false);
        if (j.is_discarded()) run.damage.push_back({kRunEventsFile, line.number, "not valid JSON; event skipped"});
        else if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
            run.damage.push_back({kRunEventsFile, line.number, "not an object with a string \"type\"; event skipped"});
        else run.events.push_back(std::move(j));
    }
    if (!partial.empty())
        run.damage.push_back({kRunEventsFile, static_cast<int>(std::count(text->begin(), text->end(), '\n')) + 1,
                              truncated_reason(partial)});
}

// Parses a JSON file that must be an object with the given "format"; the error says why not.
core::Result<nlohmann::json> read_json_object(const std::filesystem::path& path, const char* format) {
    auto text = core::read_file(path);
    if (!text) return core::fail("missing or unreadable");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::parse_error& e) {
        return core::fail(std::string("not valid JSON (") + e.what() + ")");
    }
    if (!j.is_object()) return core::fail("not a JSON object");
    if (!j.contains("format") || j["format"] != format)
        return core::fail(std::string("\"format\" is not \"") + format + "\"");
    return j;
}

std::string string_field(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void read_config(const std::filesystem::path& dir, RunRecord& run) {
    auto j = read_json_object(dir / kRunConfigFile, kRunConfigFormat);
    if (!j) {
        run.damage.push_back({kRunConfigFile, 0, j.error()});
        return;
    }
    auto version = j->find("version");
    if (version == j->end() || !version->is_number_integer()) {
        run.damage.push_back({kRunConfigFile, 0, "\"version\" is missing or not an integer"});
    } else {
        run.format_version = version->get<int>();
        if (run.format_version > kRunFormatVersion)
            run.damage.push_back({kRunConfigFile, 0,
                                  "format version " + std::to_string(run.format_version) + " is newer than this reader (" +
                                      std::to_string(kRunFormatVersion) + "); read as version 1"});
    }
    if (auto kind = string_field(*j, "kind"); !kind.empty()) run.kind = kind;
    if (auto name = string_field(*j, "name"); !name.empty()) run.name = name;
    run.created = string_field(*j, "created");
    auto config = j->find("config");
    if (config != j->end() && config->is_object()) run.config = *config;
    else run.damage.push_back({kRunConfigFile, 0, "\"config\" is missing or not an object"});
}

void read_summary(const std::filesystem::path& dir, RunRecord& run) {
    std::error_code ec;
    if (!std::filesystem::exists(dir / kRunSummaryFile, ec)) {
        // No summary: still running if the writer holds its lock on events.jsonl, else it ended without one.
        run.status = RunStatus::Incomplete;
        const int fd = ::open((dir / kRunEventsFile).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            if (::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) run.status = RunStatus::Running;
            ::close(fd);
        }
        return;
    }
    auto j = read_json_object(dir / kRunSummaryFile, kRunSummaryFormat);
    if (!j) {
        run.damage.push_back({kRunSummaryFile, 0, j.error() + "; status unknown, shown as incomplete"});
        return;
    }
    run.summary = *j;
    const auto status = parse_run_status(string_field(*j, "status"));
    if (!status || *status == RunStatus::Running || *status == RunStatus::Incomplete)
        run.damage.push_back({kRunSummaryFile, 0, "\"status\" must be finished, failed or cancelled"});
    else run.status = *status;
    auto duration = j->find("duration_s");
    if (duration != j->end() && duration->is_number()) run.duration_s = duration->get<double>();
    auto headline = j->find("headline");
    if (headline != j->end() && headline->is_object()) run.headline = *headline;
    run.message = string_field(*j, "message");
}

void list_artifacts(const std::filesystem::path& dir, RunRecord& run) {
    const std::filesystem::path base = dir / kRunArtifactsDir;
    std::error_code ec;
    if (!std::filesystem::is_directory(base, ec)) return;
    for (auto it = std::filesystem::recursive_directory_iterator(base, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const std::string rel = std::filesystem::relative(it->path(), base, ec).generic_string();
        const size_t tmp = rel.rfind(".tmp");
        if (tmp != std::string::npos && tmp + 4 < rel.size() &&
            std::all_of(rel.begin() + static_cast<long>(tmp) + 4, rel.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            run.damage.push_back({std::string(kRunArtifactsDir) + "/" + rel, 0,
                                  "leftover temporary file of an interrupted artifact write"});
            continue;
        }
        run.artifacts.push_back(rel);
    }
    std::sort(run.artifacts.begin(), run.artifacts.end());
}

// "YYYYMMDD-HHMMSS" in UTC, the form run ids start with.
std::string compact_utc(std::filesystem::file_time_type t) {
    const auto sys = std::chrono::file_clock::to_sys(t);
    const std::time_t tt = std::chrono::system_clock::to_time_t(
        std::chrono::time_point_cast<std::chrono::system_clock::duration>(sys));
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[24];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return buf;
}

}  // namespace

const std::vector<double>* MetricsTable::column(const std::string& name) const {
    for (size_t c = 0; c < columns.size(); ++c)
        if (columns[c] == name) return &values[c];
    return nullptr;
}

bool parse_run_id(const std::string& id, RunIdParts& parts) {
    // YYYYMMDD-HHMMSS-<kind>-<slug>-<hhhh>
    if (id.size() < 15 + 1 + 1 + 1 + 1 + 1 + 4) return false;
    for (size_t i = 0; i < 15; ++i)
        if (i == 8 ? id[i] != '-' : !(id[i] >= '0' && id[i] <= '9')) return false;
    if (id[15] != '-' || id[id.size() - 5] != '-') return false;
    for (size_t i = id.size() - 4; i < id.size(); ++i)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'))) return false;
    const size_t kind_end = id.find('-', 16);
    if (kind_end == std::string::npos || kind_end == 16 || kind_end >= id.size() - 5) return false;
    for (size_t i = 16; i < kind_end; ++i) {
        const char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    parts.timestamp = id.substr(0, 15);
    parts.kind = id.substr(16, kind_end - 16);
    parts.slug = id.substr(kind_end + 1, id.size() - 5 - kind_end - 1);
    parts.suffix = id.substr(id.size() - 4);
    return !parts.slug.empty();
}

core::Result<RunRecord> read_run(const std::filesystem::path& dir, const RunReadOptions& options) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return core::fail(dir.string() + ": not a run directory");
    RunRecord run;
    run.dir = dir;
    run.id = dir.filename().string();
    if (run.id.empty()) run.id = dir.parent_path().filename().string();
    RunIdParts parts;
    if (parse_run_id(run.id, parts)) {
        run.kind = parts.kind;
        run.name = parts.slug;
    }
    read_config(dir, run);
    read_summary(dir, run);
    double last_wall_s = -1.0;
    if (options.metrics) {
        if (!std::filesystem::exists(dir / kRunMetricsFile, ec)) run.damage.push_back({kRunMetricsFile, 0, "missing"});
        for (const auto& file : metrics_segments(dir))
            if (std::filesystem::exists(dir / file, ec)) read_metrics_file(dir, file, run.metrics, run.damage);
        if (!run.metrics.wall_time_s.empty()) last_wall_s = run.metrics.wall_time_s.back();
    }
    if (options.events) {
        read_events(dir, run);
        for (const auto& e : run.events) {
            auto w = e.find("wall_time_s");
            if (w != e.end() && w->is_number()) last_wall_s = std::max(last_wall_s, w->get<double>());
        }
    }
    if (options.artifacts) list_artifacts(dir, run);
    if (run.duration_s < 0.0 && !run.summary.is_object()) run.duration_s = last_wall_s;
    return run;
}

std::vector<std::filesystem::path> list_runs(const std::filesystem::path& root) {
    struct Entry {
        std::string timestamp;
        std::filesystem::file_time_type mtime;
        std::filesystem::path dir;
    };
    std::vector<Entry> entries;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.' || !entry.is_directory(ec)) continue;
        RunIdParts parts;
        const bool is_id = parse_run_id(name, parts);
        const std::filesystem::path config = entry.path() / kRunConfigFile;
        const bool has_config = std::filesystem::exists(config, ec);
        if (!is_id && !has_config) continue;
        Entry e{parts.timestamp, {}, entry.path()};
        if (has_config) e.mtime = std::filesystem::last_write_time(config, ec);
        if (!is_id) e.timestamp = compact_utc(e.mtime);  // a renamed run sorts by when its config was written
        entries.push_back(std::move(e));
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        if (a.timestamp != b.timestamp) return a.timestamp > b.timestamp;
        if (a.mtime != b.mtime) return a.mtime > b.mtime;
        return a.dir.filename() > b.dir.filename();
    });
    std::vector<std::filesystem::path> dirs;
    dirs.reserve(entries.size());
    for (auto& e : entries) dirs.push_back(std::move(e.dir));
    return dirs;
}

}  // namespace mlsys::models
