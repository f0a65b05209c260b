// Dataset helpers (subset, counts, validation, stratified split) and load_dataset(), the one place that
// maps a dataset name to its loader.
#include "models/data/dataset.hpp"

#include "models/core/check.hpp"
#include "models/core/rng.hpp"
#include "models/data/csv_dataset.hpp"
#include "models/data/fashion_mnist.hpp"
#include "models/data/playground.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mlsys::models {

using core::fail;

Dataset empty_like(const Dataset& like) {
    Dataset d;
    d.name = like.name;
    d.sample_shape = like.sample_shape;
    d.n_classes = like.n_classes;
    d.class_names = like.class_names;
    d.x.resize(batched(0, like.sample_shape));
    return d;
}

Dataset subset(const Dataset& data, std::span<const int> indices) {
    Dataset d = empty_like(data);
    const int64_t per = data.sample_size();
    d.x.resize(batched(static_cast<int>(indices.size()), data.sample_shape));
    d.y.resize(indices.size());
    for (size_t i = 0; i < indices.size(); ++i) {
        const int src = indices[i];
        MLSYS_CHECK_MSG(src >= 0 && src < data.size(), "subset: sample index out of range");
        std::memcpy(d.x.ptr() + static_cast<int64_t>(i) * per, data.sample(src), static_cast<size_t>(per) * sizeof(float));
        d.y[i] = data.y[static_cast<size_t>(src)];
    }
    return d;
}

std::vector<int> class_counts(const Dataset& data) {
    std::vector<int> counts(static_cast<size_t>(std::max(data.n_classes, 0)), 0);
    for (int label : data.y)
        if (label >= 0 && label < data.n_classes) counts[static_cast<size_t>(label)]++;
    return counts;
}

core::Status validate_dataset(const Dataset& data) {
    const std::string who = "dataset '" + data.name + "'";
    if (data.x.shape != batched(data.size(), data.sample_shape))
        return fail(who + ": x has shape " + shape_str(data.x.shape) + ", expected " +
                    shape_str(batched(data.size(), data.sample_shape)));
    if (data.x.size() != shape_size(data.x.shape)) return fail(who + ": x holds " + std::to_string(data.x.size()) + " values");
    if (data.n_classes < 1) return fail(who + ": n_classes is " + std::to_string(data.n_classes));
    if (static_cast<int>(data.class_names.size()) != data.n_classes)
        return fail(who + ": " + std::to_string(data.class_names.size()) + " class names for " +
                    std::to_string(data.n_classes) + " classes");
    for (size_t i = 0; i < data.y.size(); ++i)
        if (data.y[i] < 0 || data.y[i] >= data.n_classes)
            return fail(who + ": label " + std::to_string(data.y[i]) + " of sample " + std::to_string(i) +
                        " is out of range 0.." + std::to_string(data.n_classes - 1));
    return core::Status::success();
}

SplitPair split_stratified(Dataset data, double fraction, uint64_t seed) {
    MLSYS_CHECK_MSG(fraction >= 0.0 && fraction < 1.0, "split_stratified: fraction must be in [0, 1)");
    std::vector<std::vector<int>> by_class(static_cast<size_t>(std::max(data.n_classes, 0)));
    for (int i = 0; i < data.size(); ++i) {
        const int label = data.y[static_cast<size_t>(i)];
        MLSYS_CHECK_MSG(label >= 0 && label < data.n_classes, "split_stratified: label out of range");
        by_class[static_cast<size_t>(label)].push_back(i);
    }
    std::vector<char> to_second(static_cast<size_t>(data.size()), 0);
    core::Rng rng(seed);
    for (auto& members : by_class) {
        rng.shuffle(members);
        const auto take = static_cast<size_t>(std::llround(fraction * static_cast<double>(members.size())));
        for (size_t k = 0; k < take; ++k) to_second[static_cast<size_t>(members[k])] = 1;
    }
    std::vector<int> second;
    for (int i = 0; i < data.size(); ++i)
        if (to_second[static_cast<size_t>(i)]) second.push_back(i);
    SplitPair out;
    out.second = subset(data, second);
    // Compact the kept samples in place (destination never passes the source), so splitting the
    // 188 MB Fashion-MNIST training set needs no second copy of it.
    const int64_t per = data.sample_size();
    int kept = 0;
    for (int i = 0; i < data.size(); ++i) {
        if (to_second[static_cast<size_t>(i)]) continue;
        if (kept != i) {
            std::memmove(data.x.ptr() + kept * per, data.x.ptr() + i * per, static_cast<size_t>(per) * sizeof(float));
            data.y[static_cast<size_t>(kept)] = data.y[static_cast<size_t>(i)];
        }
        ++kept;
    }
    data.y.resize(static_cast<size_t>(kept));
    data.x.resize(batched(kept, data.sample_shape));
    out.first = std::move(data);
    return out;
}

const std::vector<std::string>& dataset_names() {
    static const std::vector<std::string> names = {"fashion-mnist", "circles", "xor", "blobs", "spiral"};
    return names;
}

namespace {

std::string known_names() {
    std::string s;
    for (const auto& n : dataset_names()) s += (s.empty() ? "" : ", ") + n;
    return s + ", or a path to a .csv file";
}

void apply_limit(Dataset& d, int limit) {
    if (limit <= 0 || limit >= d.size()) return;
    d.y.resize(static_cast<size_t>(limit));
    d.x.resize(batched(limit, d.sample_shape));
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

core::Result<DatasetSplits> load_dataset(const std::string& name, const DatasetOptions& options) {
    if (!(options.val_fraction >= 0.0 && options.val_fraction < 1.0))
        return fail("val_fraction must be in [0, 1) (got " + std::to_string(options.val_fraction) + ")");
    if (options.train_limit < 0 || options.test_limit < 0)
        return fail("train_limit and test_limit must be >= 0 (0 = all)");

    DatasetSplits splits;
    Dataset train;
    if (name == "fashion-mnist") {
        auto tr = load_fashion_mnist(FashionSplit::Train, options.fashion_mnist_dir, options.train_limit);
        if (!tr) return fail(tr.error());
        auto te = load_fashion_mnist(FashionSplit::Test, options.fashion_mnist_dir, options.test_limit);
        if (!te) return fail(te.error());
        train = std::move(*tr);
        splits.test = std::move(*te);
    } else if (auto kind = parse_playground_kind(name)) {
        for (int n : {options.n_train, options.n_test}) {
            auto ok = check_playground_args(*kind, n, options.noise, options.n_classes);
            if (!ok) return fail(ok.error());
        }
        // The test set uses its own seed so it shares no points with the training set.
        const uint64_t test_seed = core::Rng(options.seed).derive(0x7e57).next_u64();
        train = make_playground(*kind, options.n_train, options.noise, options.seed, options.n_classes);
        splits.test = make_playground(*kind, options.n_test, options.noise, test_seed, options.n_classes);
        apply_limit(train, options.train_limit);
        apply_limit(splits.test, options.test_limit);
    } else if (ends_with(name, ".csv")) {
        if (!(options.test_fraction > 0.0 && options.test_fraction < 1.0))
            return fail("test_fraction must be in (0, 1) (got " + std::to_string(options.test_fraction) + ")");
        CsvDatasetOptions csv;
        csv.label_column = options.csv_label_column;
        auto all = load_csv_dataset(name, csv);
        if (!all) return fail(all.error());
        const uint64_t test_seed = core::Rng(options.seed).derive(0x7e57).next_u64();
        SplitPair parts = split_stratified(std::move(*all), options.test_fraction, test_seed);
        train = std::move(parts.first);
        splits.test = std::move(parts.second);
        apply_limit(train, options.train_limit);
        apply_limit(splits.test, options.test_limit);
    } else {
        return fail("unknown dataset '" + name + "' (known: " + known_names() + ")");
    }

    if (options.val_fraction > 0.0) {
        SplitPair parts = split_stratified(std::move(train), options.val_fraction, options.seed);
        splits.train = std::move(parts.first);
        splits.val = std::move(parts.second);
    } else {
        splits.val = empty_like(train);
        splits.train = std::move(train);
    }
    return splits;
}

}  // namespace mlsys::models
