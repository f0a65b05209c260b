// CSV feature-table loader: one pass splitting lines into fields, numbers parsed with from_chars.
#include "models/data/csv_dataset.hpp"

#include "models/core/files.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>
#include <vector>

namespace mlsys::models {
namespace {

// Integer labels are class numbers; a label this large is far more likely an id or a value column.
constexpr int kMaxNumericClass = 1000;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return s;
}

std::vector<std::string_view> split_fields(std::string_view line, char delimiter) {
    std::vector<std::string_view> fields;
    size_t start = 0;
    while (true) {
        const size_t end = line.find(delimiter, start);
        fields.push_back(trim(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return fields;
}

bool parse_float(std::string_view s, float& out) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
}

bool parse_class_number(std::string_view s, int& out) {
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size() && !s.empty() && out >= 0;
}

}  // namespace

core::Result<Dataset> load_csv_dataset(const std::filesystem::path& path, const CsvDatasetOptions& options) {
    auto text = core::read_file(path);
    if (!text) return core::fail(text.error());
    const std::string file = path.string();
    std::string_view rest(*text);

    std::vector<std::string> header;
    int n_columns = -1;
    int label_col = -1;
    std::vector<float> features;
    std::vector<std::string> label_text;
    int line_no = 0;
    while (!rest.empty()) {
        const size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        ++line_no;
        if (trim(line).empty()) continue;
        const auto fields = split_fields(line, options.delimiter);
        const std::string where = file + ":" + std::to_string(line_no) + ": ";
        if (n_columns < 0) {
            n_columns = static_cast<int>(fields.size());
            if (n_columns < 2) return core::fail(where + "need at least one feature column and a label column");
            if (options.has_header) {
                for (auto f : fields) header.emplace_back(f);
                if (!options.label_column.empty()) {
                    auto it = std::find(header.begin(), header.end(), options.label_column);
                    if (it == header.end())
                        return core::fail(where + "no column named '" + options.label_column + "' in the header");
                    label_col = static_cast<int>(it - header.begin());
                }
            }
            if (label_col < 0) label_col = options.label_index >= 0 ? options.label_index : n_columns - 1;
            if (label_col >= n_columns)
                return core::fail(where + "label column " + std::to_string(label_col) + " but the file has " +
                                  std::to_string(n_columns) + " columns");
            if (options.has_header) continue;
        }
        if (static_cast<int>(fields.size()) != n_columns)
            return core::fail(where + std::to_string(fields.size()) + " fields, expected " + std::to_string(n_columns));
        for (int c = 0; c < n_columns; ++c) {
            const auto f = fields[static_cast<size_t>(c)];
            if (c == label_col) {
                if (f.empty()) return core::fail(where + "empty label");
                label_text.emplace_back(f);
                continue;
            }
            float v = 0.0f;
            if (!parse_float(f, v)) {
                const std::string col = header.empty() ? "column " + std::to_string(c + 1)
                                                       : "column '" + header[static_cast<size_t>(c)] + "'";
                return core::fail(where + col + ": '" + std::string(f) + "' is not a number");
            }
            features.push_back(v);
        }
    }
    if (label_text.empty()) return core::fail(file + ": no data rows");

    Dataset d;
    d.name = path.stem().string();
    const int n_features = n_columns - 1;
    d.sample_shape = {n_features};
    const int n = static_cast<int>(label_text.size());
    d.y.resize(static_cast<size_t>(n));
    bool numeric = true;
    int max_class = 0;
    for (int i = 0; i < n && numeric; ++i) {
        int v = 0;
        numeric = parse_class_number(label_text[static_cast<size_t>(i)], v);
        d.y[static_cast<size_t>(i)] = v;
        max_class = std::max(max_class, v);
    }
    if (numeric && max_class >= kMaxNumericClass)
        return core::fail(file + ": label " + std::to_string(max_class) + " is too large for a class number (at most " +
                          std::to_string(kMaxNumericClass - 1) + "); use class names instead");
    if (numeric) {
        d.n_classes = max_class + 1;
        for (int c = 0; c < d.n_classes; ++c) d.class_names.push_back(std::to_string(c));
    } else {
        std::map<std::string, int> classes;
        for (const auto& s : label_text) classes.emplace(s, 0);
        for (auto& [name, id] : classes) {
            id = static_cast<int>(d.class_names.size());
            d.class_names.push_back(name);
        }
        d.n_classes = static_cast<int>(d.class_names.size());
        for (int i = 0; i < n; ++i) d.y[static_cast<size_t>(i)] = classes.at(label_text[static_cast<size_t>(i)]);
    }
    if (d.n_classes < 2) return core::fail(file + ": labels name only one class; a classifier needs at least 2");
    d.x.shape = batched(n, d.sample_shape);
    d.x.data.assign(features.begin(), features.end());
    return d;
}

}  // namespace mlsys::models
