// The self-contained HTML report of a selection of runs: a summary table; for two or more runs the curves
// of every metric overlaid on shared axes, the config diff and the final metrics side by side; then each
// run's charts, config, note and damage. Charts are PNGs embedded as data: URIs, so the file stands alone.
#include "app/session/chart_raster.hpp"
#include "app/session/runs_compare.hpp"
#include "app/session/runs_export.hpp"
#include "labs/markdown.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <set>

namespace mlsys::session {
using nlohmann::json;

namespace {

std::string base64(const std::string& in) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16 |
                           static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8 | static_cast<unsigned char>(in[i + 2]);
        out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
    }
    if (i + 1 == in.size()) {
        const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
        out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16 |
                           static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
        out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
    }
    return out;
}

std::string fmt(double v) {
    if (std::isnan(v)) return "&ndash;";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string hex_color(uint32_t rgb) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%06x", rgb & 0xFFFFFF);
    return buf;
}

ChartSeries series_of(const models::MetricsTable& m, const std::string& metric, uint32_t rgb) {
    ChartSeries s;
    s.rgb = rgb;
    const auto* col = m.column(metric);
    if (!col) return s;
    for (int i = 0; i < m.n_rows(); ++i) {
        s.x.push_back(static_cast<double>(m.step[i]));
        s.y.push_back((*col)[i]);
    }
    return s;
}

// One chart figure: the image with its axis ranges and legend as HTML.
std::string figure(const std::string& title, const std::vector<ChartSeries>& series, const std::vector<std::string>& legend) {
    const ChartImage img = render_line_chart(series, 480, 220);
    std::string out = "<figure><figcaption><b>" + labs::html_escape(title) + "</b></figcaption>";
    out += "<img width=\"480\" height=\"220\" alt=\"" + labs::html_escape(title) + "\" src=\"data:image/png;base64," + base64(img.png) + "\">";
    out += "<div class=\"axes\">y " + fmt(img.y_min) + " &ndash; " + fmt(img.y_max) + " &middot; step " + fmt(img.x_min) +
           " &ndash; " + fmt(img.x_max) + "</div>";
    if (legend.size() > 1) {
        out += "<div class=\"legend\">";
        for (size_t i = 0; i < legend.size(); ++i)
            out += "<span><i style=\"background:" + hex_color(series[i].rgb) + "\"></i>" + labs::html_escape(legend[i]) + "</span>";
        out += "</div>";
    }
    return out + "</figure>\n";
}

std::string duration_text(double s) {
    if (s < 0) return "&ndash;";
    char buf[32];
    if (s < 60) std::snprintf(buf, sizeof buf, "%.1f s", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%d min %02d s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
    else std::snprintf(buf, sizeof buf, "%d h %02d min", static_cast<int>(s) / 3600, static_cast<int>(s) / 60 % 60);
    return buf;
}

const char* kStyle = R"CSS(<style>
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1040px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{display:inline-block;margin:0 12px 16px 0}figcaption{margin-bottom:2px}
.axes{color:#666;font-size:12px}.legend span{margin-right:12px;font-size:13px}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
pre{background:#f7f7f7;padding:8px;overflow:auto;max-height:420px}.damage{color:#a40000}.note{white-space:pre-wrap}
</style>
)CSS";

}  // namespace

std::string export_html_report(const std::vector<ExportRun>& runs) {
    std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>MLSys Lab runs report</title>\n";
    h += kStyle;
    const std::time_t now = std::time(nullptr);
    char when[32];
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    h += "</head><body>\n<h1>MLSys Lab runs report</h1>\n<p>" + std::to_string(runs.size()) + " run(s), generated " + when +
         " by <code>mlsyslab runs export --format html</code>.</p>\n";
    h += "<table><tr><th>name</th><th>id</th><th>kind</th><th>created</th><th>status</th><th>duration</th><th>headline</th><th>tags</th></tr>\n";
    for (const auto& r : runs) {
        const auto finals = final_metrics(r.record.metrics);
        const HeadlineMetric hm = headline_metric(r.record.headline, finals, r.record.metrics.columns);
        std::string tags;
        for (const auto& t : r.tags) tags += (tags.empty() ? "" : " ") + t;
        h += "<tr><td>" + labs::html_escape(r.display_name) + "</td><td><code>" + labs::html_escape(r.record.id) + "</code></td><td>" + labs::html_escape(r.record.kind) +
             "</td><td>" + labs::html_escape(r.record.created) + "</td><td>" + models::to_string(r.record.status) +
             (r.record.is_damaged() ? " <span class=\"damage\">(damaged)</span>" : "") + "</td><td class=\"num\">" +
             duration_text(r.record.duration_s) + "</td><td>" + (hm.name.empty() ? "" : labs::html_escape(hm.name) + " = " + fmt(hm.value)) +
             "</td><td>" + labs::html_escape(tags) + "</td></tr>\n";
    }
    h += "</table>\n";

    std::vector<std::string> metric_names;
    std::set<std::string> seen;
    for (const auto& r : runs)
        for (const auto& c : r.record.metrics.columns)
            if (seen.insert(c).second) metric_names.push_back(c);
    if (runs.size() >= 2) {
        h += "<h2>Comparison</h2>\n";
        std::vector<std::string> legend;
        for (const auto& r : runs) legend.push_back(r.display_name + " (" + r.record.id.substr(r.record.id.size() >= 4 ? r.record.id.size() - 4 : 0) + ")");
        for (const auto& metric : metric_names) {
            std::vector<ChartSeries> series;
            for (size_t i = 0; i < runs.size(); ++i) series.push_back(series_of(runs[i].record.metrics, metric, chart_color(static_cast<int>(i))));
            h += figure(metric, series, legend);
        }
        std::vector<json> configs;
        for (const auto& r : runs) configs.push_back(r.record.config);
        const auto diff = config_diff(configs);
        h += "<h3>Config differences</h3>\n";
        if (diff.empty()) {
            h += "<p>The configs are identical.</p>\n";
        } else {
            h += "<table><tr><th>key</th>";
            for (const auto& l : legend) h += "<th>" + labs::html_escape(l) + "</th>";
            h += "</tr>\n";
            for (const auto& row : diff) {
                h += "<tr><td><code>" + labs::html_escape(row.key) + "</code></td>";
                for (const auto& v : row.values) h += "<td>" + (v.is_null() ? std::string("&ndash;") : labs::html_escape(config_value_text(v))) + "</td>";
                h += "</tr>\n";
            }
            h += "</table>\n";
        }
        std::vector<const models::RunRecord*> recs;
        for (const auto& r : runs) recs.push_back(&r.record);
        const auto side = compare_final_metrics(recs);
        h += "<h3>Final metrics</h3>\n<table><tr><th>metric</th>";
        for (const auto& l : legend) h += "<th>" + labs::html_escape(l) + "</th>";
        h += "</tr>\n";
        for (size_t m = 0; m < side.names.size(); ++m) {
            h += "<tr><td>" + labs::html_escape(side.names[m]) + "</td>";
            for (double v : side.values[m]) h += "<td class=\"num\">" + fmt(v) + "</td>";
            h += "</tr>\n";
        }
        h += "</table>\n";
    }
    for (const auto& r : runs) {
        h += "<h2>" + labs::html_escape(r.display_name) + " <small><code>" + labs::html_escape(r.record.id) + "</code></small></h2>\n";
        if (!r.note.empty()) h += "<p class=\"note\"><b>Note:</b> " + labs::html_escape(r.note) + "</p>\n";
        if (!r.record.message.empty()) h += "<p><b>Message:</b> " + labs::html_escape(r.record.message) + "</p>\n";
        if (r.record.is_damaged()) {
            h += "<ul class=\"damage\">";
            for (const auto& d : r.record.damage)
                h += "<li>" + labs::html_escape(d.file + (d.line ? ":" + std::to_string(d.line) : "") + ": " + d.reason) + "</li>";
            h += "</ul>\n";
        }
        for (const auto& metric : r.record.metrics.columns)
            h += figure(metric, {series_of(r.record.metrics, metric, chart_color(0))}, {metric});
        h += "<details open><summary>Config</summary><pre>" + labs::html_escape(r.record.config.dump(2)) + "</pre></details>\n";
        if (!r.record.artifacts.empty()) {
            h += "<p><b>Artifacts:</b> ";
            for (size_t i = 0; i < r.record.artifacts.size(); ++i) h += (i ? ", " : "") + std::string("<code>") + labs::html_escape(r.record.artifacts[i]) + "</code>";
            h += "</p>\n";
        }
    }
    return h + "</body></html>\n";
}

}  // namespace mlsys::session
