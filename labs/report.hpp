// The completion report a student hands in: a JSON snapshot (lab id and revision, chapter, predictions
// beside measurements, answers, settings, timestamps), the same as Markdown, and as HTML with the charts as
// PNG — all written into a Run of kind "lab".
#pragma once

#include "labs/runner.hpp"

#include "models/core/result.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace mlsys::labs {

inline constexpr const char* kReportFormat = "mlsys-lab-report";
inline constexpr int kReportFormatVersion = 1;

nlohmann::json report_snapshot(const LabRunner& runner);
std::string report_markdown(const nlohmann::json& snapshot);
// `charts`: artifact-relative PNG paths by step id ("" for the predictions chart), embedded as <img>.
std::string report_html(const nlohmann::json& snapshot, const std::map<std::string, std::string>& charts);
// The PNG charts of a snapshot by file name ("charts/predictions.png", "charts/<step>-curves.png").
std::map<std::string, std::string> report_charts(const nlohmann::json& snapshot);

// Writes a Run (kind "lab", named after the lab) with one event per step and the artifacts report.json,
// report.md, report.html and charts/*.png; returns the Run's directory.
core::Result<std::string> write_report_run(const LabRunner& runner, const std::string& runs_dir);

}  // namespace mlsys::labs
