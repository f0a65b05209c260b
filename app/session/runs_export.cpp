// Run export: CSV, wide CSV, JSON Lines, TensorBoard event files and the zip bundle (the HTML report is in
// runs_report.cpp). Reads runs, never modifies them; writes through a temporary path and a rename.
#include "app/session/runs_export.hpp"

#include "app/session/runs_compare.hpp"
#include "app/session/runs_store.hpp"
#include "models/core/files.hpp"
#include "models/io/tfevents.hpp"
#include "models/io/zip_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>
#include <set>
#include <unistd.h>

namespace mlsys::session {
namespace fs = std::filesystem;
using nlohmann::json;

core::Result<ExportFormat> parse_export_format(const std::string& t) {
    if (t == "csv") return ExportFormat::Csv;
    if (t == "widecsv") return ExportFormat::WideCsv;
    if (t == "jsonl") return ExportFormat::Jsonl;
    if (t == "tfevents") return ExportFormat::TfEvents;
    if (t == "zip") return ExportFormat::Zip;
    if (t == "html") return ExportFormat::Html;
    return core::fail("unknown export format '" + t + "' (csv, widecsv, jsonl, tfevents, zip or html)");
}

const char* to_string(ExportFormat f) {
    switch (f) {
    case ExportFormat::Csv: return "csv";
    case ExportFormat::WideCsv: return "widecsv";
    case ExportFormat::Jsonl: return "jsonl";
    case ExportFormat::TfEvents: return "tfevents";
    case ExportFormat::Zip: return "zip";
    case ExportFormat::Html: return "html";
    }
    return "?";
}

double parse_iso_utc(const std::string& s) {
    std::tm tm{};
    int ms = 0;
    char frac[8] = {};
    if (s.size() < 20 || std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                                     &tm.tm_min, &tm.tm_sec) != 6)
        return std::numeric_limits<double>::quiet_NaN();
    if (s[19] == '.' && std::sscanf(s.c_str() + 20, "%7[0-9]", frac) == 1) {
        std::string f(frac);
        f.resize(3, '0');
        ms = std::atoi(f.c_str());
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<double>(timegm(&tm)) + ms / 1000.0;
}

std::string csv_field(const std::string& t) {
    if (t.find_first_of(",\"\n\r") == std::string::npos) return t;
    std::string out = "\"";
    for (char c : t) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string number_text(double v) {
    if (std::isnan(v)) return "";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

namespace {

json number_json(double v) { return std::isfinite(v) ? json(v) : json(); }

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
    return out;
}

void write_row(std::string& out, const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += "\n";
}

std::string temp_name(const fs::path& out) { return out.string() + ".tmp" + std::to_string(::getpid()); }

core::Status write_file_renamed(const fs::path& out, const std::string& bytes) {
    std::error_code ec;
    if (fs::is_directory(out, ec)) return core::fail(out.string() + ": is a directory; give a file name");
    return core::write_file_atomic(out, bytes);
}

}  // namespace

std::string export_runs_csv(const std::vector<ExportRun>& runs) {
    std::set<std::string> headline_keys, metric_keys, config_keys;
    std::vector<std::map<std::string, double>> finals;
    std::vector<std::map<std::string, json>> configs;
    for (const auto& r : runs) {
        if (r.record.headline.is_object())
            for (auto it = r.record.headline.begin(); it != r.record.headline.end(); ++it) headline_keys.insert(it.key());
        finals.push_back(final_metrics(r.record.metrics));
        for (const auto& [k, v] : finals.back()) metric_keys.insert(k);
        configs.push_back(flatten_config(r.record.config));
        for (const auto& [k, v] : configs.back()) config_keys.insert(k);
    }
    std::vector<std::string> header{"id", "kind", "name", "created", "status", "duration_s", "tags", "note"};
    for (const auto& k : headline_keys) header.push_back("headline." + k);
    for (const auto& k : metric_keys) header.push_back("final." + k);
    for (const auto& k : config_keys) header.push_back("config." + k);
    std::string out;
    write_row(out, header);
    for (size_t i = 0; i < runs.size(); ++i) {
        const auto& r = runs[i];
        std::vector<std::string> row{r.record.id, r.record.kind, r.display_name, r.record.created,
                                     models::to_string(r.record.status),
                                     r.record.duration_s >= 0 ? number_text(r.record.duration_s) : "", join(r.tags, " "), r.note};
        for (const auto& k : headline_keys) {
            const json& h = r.record.headline;
            row.push_back(h.is_object() && h.contains(k) ? (h[k].is_number() ? number_text(h[k].get<double>()) : config_value_text(h[k])) : "");
        }
        for (const auto& k : metric_keys) {
            auto it = finals[i].find(k);
            row.push_back(it == finals[i].end() ? "" : number_text(it->second));
        }
        for (const auto& k : config_keys) {
            auto it = configs[i].find(k);
            if (it == configs[i].end()) row.push_back("");
            else if (it->second.is_number()) row.push_back(number_text(it->second.get<double>()));
            else row.push_back(config_value_text(it->second));
        }
        write_row(out, row);
    }
    return out;
}

std::string export_wide_csv(const std::vector<ExportRun>& runs) {
    std::vector<std::string> columns;
    std::set<std::string> seen;
    for (const auto& r : runs)
        for (const auto& c : r.record.metrics.columns)
            if (seen.insert(c).second) columns.push_back(c);
    std::vector<std::string> header{"run", "wall_time", "step"};
    header.insert(header.end(), columns.begin(), columns.end());
    std::string out;
    write_row(out, header);
    for (const auto& r : runs) {
        const auto& m = r.record.metrics;
        double start = parse_iso_utc(r.record.created);
        if (std::isnan(start)) start = 0;  // unknown start: wall_time is relative to the run's start
        std::vector<const std::vector<double>*> cols;
        for (const auto& c : columns) cols.push_back(m.column(c));
        for (int row = 0; row < m.n_rows(); ++row) {
            std::string line = csv_field(r.record.id) + "," + number_text(start + m.wall_time_s[row]) + "," + std::to_string(m.step[row]);
            for (const auto* c : cols) line += "," + (c ? number_text((*c)[row]) : std::string());
            out += line + "\n";
        }
    }
    return out;
}

std::string export_jsonl(const std::vector<ExportRun>& runs) {
    std::string out;
    for (const auto& r : runs) {
        const auto& rec = r.record;
        json metrics{{"columns", rec.metrics.columns}, {"step", rec.metrics.step}, {"values", json::object()}};
        json wall = json::array();
        for (double w : rec.metrics.wall_time_s) wall.push_back(number_json(w));
        metrics["wall_time_s"] = wall;
        for (size_t c = 0; c < rec.metrics.columns.size(); ++c) {
            json col = json::array();
            for (double v : rec.metrics.values[c]) col.push_back(number_json(v));
            metrics["values"][rec.metrics.columns[c]] = col;
        }
        json finals = json::object();
        for (const auto& [k, v] : final_metrics(rec.metrics)) finals[k] = number_json(v);
        json damage = json::array();
        for (const auto& d : rec.damage) damage.push_back({{"file", d.file}, {"line", d.line}, {"reason", d.reason}});
        json line{{"id", rec.id},
                  {"kind", rec.kind},
                  {"name", r.display_name},
                  {"created", rec.created},
                  {"status", models::to_string(rec.status)},
                  {"duration_s", rec.duration_s >= 0 ? json(rec.duration_s) : json()},
                  {"tags", r.tags},
                  {"note", r.note},
                  {"config", rec.config},
                  {"headline", rec.headline},
                  {"final_metrics", finals},
                  {"metrics", metrics},
                  {"events", rec.events},
                  {"artifacts", rec.artifacts},
                  {"damage", damage}};
        out += line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    }
    return out;
}

namespace {

core::Status write_tfevents_dir(const std::vector<ExportRun>& runs, const fs::path& out) {
    std::error_code ec;
    if (fs::exists(out, ec) && !(fs::is_directory(out, ec) && fs::is_empty(out, ec)))
        return core::fail(out.string() + ": already exists; tfevents export writes a new directory (choose another --out)");
    const fs::path tmp = temp_name(out);
    fs::remove_all(tmp, ec);
    for (const auto& r : runs) {
        const auto& m = r.record.metrics;
        double start = parse_iso_utc(r.record.created);
        if (std::isnan(start)) start = 0;
        std::vector<models::ScalarPoint> points;
        for (int row = 0; row < m.n_rows(); ++row)
            for (size_t c = 0; c < m.columns.size(); ++c)
                if (!std::isnan(m.values[c][row]))
                    points.push_back({m.columns[c], m.step[row], start + m.wall_time_s[row], static_cast<float>(m.values[c][row])});
        if (auto p = models::write_tfevents_file(tmp / r.record.id, start, points); !p) {
            fs::remove_all(tmp, ec);
            return core::fail(p.error());
        }
    }
    fs::create_directories(tmp, ec);
    if (fs::exists(out, ec)) fs::remove(out, ec);  // the empty directory
    fs::rename(tmp, out, ec);
    if (ec) {
        fs::remove_all(tmp, ec);
        return core::fail(out.string() + ": cannot rename the finished export into place");
    }
    return {};
}

core::Status write_zip(const std::vector<ExportRun>& runs, const fs::path& out) {
    std::error_code ec;
    if (fs::is_directory(out, ec)) return core::fail(out.string() + ": is a directory; give a file name");
    if (!out.parent_path().empty()) fs::create_directories(out.parent_path(), ec);
    const fs::path tmp = temp_name(out);
    auto zip = models::ZipWriter::create(tmp);
    if (!zip) return core::fail(zip.error());
    auto fail_clean = [&](const std::string& msg) {
        fs::remove(tmp, ec);
        return core::Status(core::fail(msg));
    };
    for (const auto& r : runs) {
        std::vector<fs::path> files;
        for (auto it = fs::recursive_directory_iterator(r.record.dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            if (it->is_regular_file(ec)) files.push_back(it->path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            const std::string name = r.record.id + "/" + fs::relative(f, r.record.dir, ec).generic_string();
            if (auto st = zip->add_file(name, f); !st) return fail_clean(st.error());
        }
    }
    if (auto st = zip->finish(); !st) return fail_clean(st.error());
    fs::rename(tmp, out, ec);
    if (ec) return fail_clean(out.string() + ": cannot rename the finished export into place: " + ec.message());
    return {};
}

}  // namespace

core::Result<ExportReport> export_runs(const std::vector<fs::path>& run_dirs, ExportFormat format, const fs::path& out) {
    if (run_dirs.empty()) return core::fail("no runs to export");
    if (out.empty()) return core::fail("no output path");
    ExportReport report;
    report.path = out;
    std::vector<ExportRun> runs;
    for (const auto& dir : run_dirs) {
        auto rec = models::read_run(dir);
        if (!rec) return core::fail(rec.error());
        ExportRun r;
        r.record = std::move(*rec);
        for (const auto& d : r.record.damage)
            report.warnings.push_back(r.record.id + ": " + d.file + (d.line ? ":" + std::to_string(d.line) : "") + ": " + d.reason);
        auto user = read_run_user(dir);
        if (!user) report.warnings.push_back(r.record.id + ": " + user.error());
        r.display_name = user && !user->name.empty() ? user->name : r.record.name;
        if (user) {
            r.tags = user->tags;
            r.note = user->note;
        }
        runs.push_back(std::move(r));
    }
    report.n_runs = static_cast<int>(runs.size());
    core::Status st;
    switch (format) {
    case ExportFormat::Csv: st = write_file_renamed(out, export_runs_csv(runs)); break;
    case ExportFormat::WideCsv: st = write_file_renamed(out, export_wide_csv(runs)); break;
    case ExportFormat::Jsonl: st = write_file_renamed(out, export_jsonl(runs)); break;
    case ExportFormat::Html: st = write_file_renamed(out, export_html_report(runs)); break;
    case ExportFormat::TfEvents: st = write_tfevents_dir(runs, out); break;
    case ExportFormat::Zip: st = write_zip(runs, out); break;
    }
    if (!st) return core::fail(st.error());
    return report;
}

}  // namespace mlsys::session
