// CSV feature tables: numeric and named labels, a chosen label column, load_dataset on a .csv path,
// and the error messages for malformed files (file:line, column, value).
#include "models/data/csv_dataset.hpp"
#include "models/data/dataset.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace mlsys::models;
namespace fs = std::filesystem;

TEST_SUITE_BEGIN("models.data");

namespace {
fs::path write_csv(const std::string& name, const std::string& text) {
    const fs::path dir = fs::path(MLSYS_TEST_TMP_DIR) / "data-csv";
    fs::create_directories(dir);
    const fs::path p = dir / name;
    std::ofstream(p, std::ios::trunc) << text;
    return p;
}
}  // namespace

TEST_CASE("CSV: numeric features with integer labels in the last column") {
    const auto p = write_csv("imu.csv", "ax,ay,az,label\n0.5,-1,2e-1,0\r\n\n1,2,3,2\n 4 , 5 ,\"6\",1\n");
    auto d = load_csv_dataset(p);
    REQUIRE_MESSAGE(d.ok(), d.error());
    CHECK(d->name == "imu");
    CHECK(d->size() == 3);
    CHECK(d->sample_shape == Shape{3});
    CHECK(d->x.shape == Shape{3, 3});
    CHECK(d->x.data == FloatBuffer{0.5f, -1.0f, 0.2f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f});
    CHECK(d->y == std::vector<int>{0, 2, 1});
    CHECK(d->n_classes == 3);
    CHECK(d->class_names == std::vector<std::string>{"0", "1", "2"});
    CHECK(validate_dataset(*d).ok());
}

TEST_CASE("CSV: named labels in a chosen column become sorted classes") {
    const auto p = write_csv("gesture.csv", "gesture,f1,f2\nwave,1,2\nidle,3,4\npunch,5,6\nwave,7,8\n");
    CsvDatasetOptions options;
    options.label_column = "gesture";
    auto d = load_csv_dataset(p, options);
    REQUIRE_MESSAGE(d.ok(), d.error());
    CHECK(d->class_names == std::vector<std::string>{"idle", "punch", "wave"});
    CHECK(d->y == std::vector<int>{2, 0, 1, 2});
    CHECK(d->x.data == FloatBuffer{1, 2, 3, 4, 5, 6, 7, 8});

    CsvDatasetOptions no_header;
    no_header.has_header = false;
    no_header.label_index = 0;
    const auto q = write_csv("raw.csv", "a,1,2\nb,3,4\n");
    auto r = load_csv_dataset(q, no_header);
    REQUIRE(r.ok());
    CHECK(r->y == std::vector<int>{0, 1});
    CHECK(r->x.data == FloatBuffer{1, 2, 3, 4});
}

TEST_CASE("CSV: malformed files are refused naming file and line and column and value") {
    auto bad_number = load_csv_dataset(write_csv("bad.csv", "x,y,label\n1,2,0\n3,abc,1\n"));
    REQUIRE_FALSE(bad_number.ok());
    CHECK(bad_number.error().ends_with("bad.csv:3: column 'y': 'abc' is not a number"));

    auto ragged = load_csv_dataset(write_csv("ragged.csv", "x,y,label\n1,2,0\n3,1\n"));
    REQUIRE_FALSE(ragged.ok());
    CHECK(ragged.error().ends_with("ragged.csv:3: 2 fields, expected 3"));

    CsvDatasetOptions named;
    named.label_column = "class";
    auto no_col = load_csv_dataset(write_csv("nocol.csv", "x,label\n1,0\n"), named);
    REQUIRE_FALSE(no_col.ok());
    CHECK(no_col.error().ends_with("nocol.csv:1: no column named 'class' in the header"));

    auto one_class = load_csv_dataset(write_csv("one.csv", "x,label\n1,a\n2,a\n"));
    REQUIRE_FALSE(one_class.ok());
    CHECK(one_class.error().ends_with("one.csv: labels name only one class; a classifier needs at least 2"));

    auto empty = load_csv_dataset(write_csv("empty.csv", "x,label\n"));
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().ends_with("empty.csv: no data rows"));

    auto missing = load_csv_dataset("/nonexistent/dir/data.csv");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().find("/nonexistent/dir/data.csv") == 0);
}

TEST_CASE("load_dataset: a .csv path is split into train and validation and test") {
    std::string text = "f,label\n";
    for (int i = 0; i < 100; ++i) text += std::to_string(i) + "," + (i % 2 ? "odd" : "even") + "\n";
    const auto p = write_csv("numbers.csv", text);
    DatasetOptions options;
    options.test_fraction = 0.2;
    options.val_fraction = 0.25;
    auto s = load_dataset(p.string(), options);
    REQUIRE_MESSAGE(s.ok(), s.error());
    CHECK(s->test.size() == 20);
    CHECK(s->val.size() == 20);
    CHECK(s->train.size() == 60);
    CHECK(class_counts(s->test) == std::vector<int>{10, 10});
    // Each number appears in exactly one split.
    std::vector<int> seen(100, 0);
    for (const Dataset* d : {&s->train, &s->val, &s->test})
        for (float v : d->x.data) seen[static_cast<size_t>(v)]++;
    CHECK(std::count(seen.begin(), seen.end(), 1) == 100);
}

TEST_SUITE_END();
