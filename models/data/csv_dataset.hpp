// Tabular classification data from a CSV file: numeric feature columns and one label column, the form
// exported feature sets (IMU windows, audio features, spreadsheets) come in. Reading only.
#pragma once

#include "models/core/result.hpp"
#include "models/data/dataset.hpp"

#include <filesystem>
#include <string>

namespace mlsys::models {

struct CsvDatasetOptions {
    // The label column's header name; empty means the last column. With has_header false, the label is
    // the last column unless label_index >= 0.
    std::string label_column;
    int label_index = -1;
    bool has_header = true;
    char delimiter = ',';
};

// Reads a CSV file into a Dataset with sample_shape {n_features}. Labels that are all non-negative
// integers are used as class numbers (n_classes = max + 1, names "0", "1", ...); otherwise the distinct
// label strings, sorted, become the classes. Blank lines are skipped; fields may be wrapped in double
// quotes but may not contain the delimiter. Errors name file:line, the column and the value.
core::Result<Dataset> load_csv_dataset(const std::filesystem::path& path, const CsvDatasetOptions& options = {});

}  // namespace mlsys::models
