// Config flattening and diffs, final metrics and headline choice for the Runs workspace, CLI and exports.
#include "app/session/runs_compare.hpp"

#include <cmath>
#include <limits>
#include <set>

namespace mlsys::session {
using nlohmann::json;

namespace {
void flatten(const json& j, const std::string& prefix, std::map<std::string, json>& out) {
    if (j.is_object() && !j.empty()) {
        for (auto it = j.begin(); it != j.end(); ++it) flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
    } else if (j.is_array() && !j.empty()) {
        for (size_t i = 0; i < j.size(); ++i) flatten(j[i], prefix + "[" + std::to_string(i) + "]", out);
    } else if (!prefix.empty()) {
        out[prefix] = j;
    }
}
}  // namespace

std::map<std::string, json> flatten_config(const json& config) {
    std::map<std::string, json> out;
    flatten(config, "", out);
    return out;
}

std::string config_value_text(const json& value) {
    if (value.is_null()) return "";
    if (value.is_string()) return value.get<std::string>();
    return value.dump();
}

std::vector<ConfigDiffRow> config_diff(const std::vector<json>& configs) {
    std::vector<std::map<std::string, json>> flat;
    std::set<std::string> keys;
    for (const json& c : configs) {
        flat.push_back(flatten_config(c));
        for (const auto& [k, v] : flat.back()) keys.insert(k);
    }
    std::vector<ConfigDiffRow> rows;
    for (const std::string& k : keys) {
        ConfigDiffRow row{k, {}};
        bool differs = false;
        for (const auto& f : flat) {
            auto it = f.find(k);
            row.values.push_back(it == f.end() ? json() : it->second);
            if (it == f.end() || row.values.back() != row.values.front()) differs = true;
        }
        if (differs) rows.push_back(std::move(row));
    }
    return rows;
}

std::map<std::string, double> final_metrics(const models::MetricsTable& metrics) {
    std::map<std::string, double> out;
    for (size_t c = 0; c < metrics.columns.size(); ++c) {
        const auto& v = metrics.values[c];
        for (size_t i = v.size(); i-- > 0;)
            if (std::isfinite(v[i])) {
                out[metrics.columns[c]] = v[i];
                break;
            }
    }
    return out;
}

HeadlineMetric headline_metric(const json& headline, const std::map<std::string, double>& finals,
                               const std::vector<std::string>& metric_columns) {
    if (headline.is_object()) {
        for (const char* k : {"test_accuracy", "accuracy", "val_accuracy", "test_loss", "loss"}) {
            auto it = headline.find(k);
            if (it != headline.end() && it->is_number()) return {k, it->get<double>()};
        }
        for (auto it = headline.begin(); it != headline.end(); ++it)
            if (it->is_number() && !it->is_number_integer()) return {it.key(), it->get<double>()};
    }
    for (size_t i = metric_columns.size(); i-- > 0;) {
        auto it = finals.find(metric_columns[i]);
        if (it != finals.end()) return {it->first, it->second};
    }
    return {};
}

MetricsSideBySide compare_final_metrics(const std::vector<const models::RunRecord*>& runs) {
    std::vector<std::map<std::string, double>> finals;
    std::set<std::string> names;
    for (const auto* r : runs) {
        finals.push_back(final_metrics(r->metrics));
        for (const auto& [k, v] : finals.back()) names.insert(k);
        if (r->headline.is_object())
            for (auto it = r->headline.begin(); it != r->headline.end(); ++it)
                if (it->is_number()) names.insert(it.key());
    }
    MetricsSideBySide out;
    for (const auto& name : names) {
        out.names.push_back(name);
        std::vector<double> row;
        for (size_t i = 0; i < runs.size(); ++i) {
            double v = std::numeric_limits<double>::quiet_NaN();
            const json& h = runs[i]->headline;
            if (h.is_object() && h.contains(name) && h[name].is_number()) v = h[name].get<double>();
            else if (auto it = finals[i].find(name); it != finals[i].end()) v = it->second;
            row.push_back(v);
        }
        out.values.push_back(std::move(row));
    }
    return out;
}

}  // namespace mlsys::session
