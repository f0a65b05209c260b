// Comparing runs: configs flattened to key paths, the diff of only the keys whose values differ, final
// metric values side by side, and the headline metric a list shows. Pure functions over RunRecords.
#pragma once

#include "models/io/run_reader.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace mlsys::session {

// {"train": {"optimizer": {"lr": 0.1}}, "layers": [{"units": 8}]} -> {"train.optimizer.lr": 0.1,
// "layers[0].units": 8}. Leaves are scalars (and empty objects/arrays as themselves).
std::map<std::string, nlohmann::json> flatten_config(const nlohmann::json& config);

// A leaf value as text: strings as themselves, everything else as compact JSON; "" for a missing value.
std::string config_value_text(const nlohmann::json& value);

// One row of a config diff: the key and each run's value (null where the run has no such key).
struct ConfigDiffRow {
    std::string key;
    std::vector<nlohmann::json> values;
};
// The keys (sorted) whose values are not all equal across the configs; keys missing in some configs count
// as different.
std::vector<ConfigDiffRow> config_diff(const std::vector<nlohmann::json>& configs);

// The last finite value of every metric column, by name.
std::map<std::string, double> final_metrics(const models::MetricsTable& metrics);

// The metric a list of runs shows: the first of test_accuracy, accuracy, val_accuracy, test_loss, loss found
// among the summary's numeric headline values, else the first numeric headline value, else the last metric
// column's final value. Empty name when the run has none.
struct HeadlineMetric {
    std::string name;
    double value = 0;
};
HeadlineMetric headline_metric(const nlohmann::json& headline, const std::map<std::string, double>& finals,
                               const std::vector<std::string>& metric_columns);

// Side-by-side final metrics: the union of metric names (sorted), one value per run (NaN if absent).
struct MetricsSideBySide {
    std::vector<std::string> names;
    std::vector<std::vector<double>> values;  // values[metric][run]
};
MetricsSideBySide compare_final_metrics(const std::vector<const models::RunRecord*>& runs);

}  // namespace mlsys::session
