// Exporting a selection of runs to the formats other tools read (docs/RUNS.md, "Export"): a CSV of final
// metrics and configs (one row per run), a wide CSV of metric time series, JSON Lines, TensorBoard event
// files, a zip bundle of the run directories, and a self-contained HTML report. Every export is written
// to a temporary path and renamed, so a failed export never leaves a half-written file under the name.
#pragma once

#include "models/core/result.hpp"
#include "models/io/run_reader.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mlsys::session {

enum class ExportFormat { Csv, WideCsv, Jsonl, TfEvents, Zip, Html };

// "csv", "widecsv", "jsonl", "tfevents", "zip", "html"; the error lists them.
core::Result<ExportFormat> parse_export_format(const std::string& text);
const char* to_string(ExportFormat format);

struct ExportReport {
    std::filesystem::path path;          // the file (or, for tfevents, the directory) written
    int n_runs = 0;
    std::vector<std::string> warnings;   // damage in the exported runs: "<id>: file:line: reason"
};

// Reads the runs (damaged runs are exported with what is readable, and their damage is in the warnings)
// and writes them to `out` in `format`. tfevents writes a directory <out>/<run id>/events.out.tfevents.*
// (out must not exist or be an empty directory); the other formats write one file (replaced if it exists).
core::Result<ExportReport> export_runs(const std::vector<std::filesystem::path>& run_dirs, ExportFormat format,
                                       const std::filesystem::path& out);

// The pieces, for tests and the GUI's "copy" actions. Each takes runs already read.
struct ExportRun {
    models::RunRecord record;
    std::string display_name;  // user.json's name, else config.json's
    std::vector<std::string> tags;
    std::string note;
};
std::string export_runs_csv(const std::vector<ExportRun>& runs);
std::string export_wide_csv(const std::vector<ExportRun>& runs);
std::string export_jsonl(const std::vector<ExportRun>& runs);
std::string export_html_report(const std::vector<ExportRun>& runs);

// Seconds since the Unix epoch of "YYYY-MM-DDTHH:MM:SS[.fff]Z"; NaN if the text is not of that form.
double parse_iso_utc(const std::string& text);
// A CSV field, quoted as RFC 4180 when it holds ',', '"' or a line break.
std::string csv_field(const std::string& text);
// The shortest text that reads back as the same double; "" for NaN (an empty CSV cell), "inf"/"-inf".
std::string number_text(double v);

}  // namespace mlsys::session
