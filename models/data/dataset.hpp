// Datasets: the in-memory labelled sample set every trainer, evaluator and simulator reads, and
// load_dataset(), which finds one by name and splits it. Loading only: no training, no printing.
#pragma once

#include "models/core/result.hpp"
#include "models/tensor/tensor.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mlsys::models {

// A labelled classification set held in memory. x is {N, sample_shape...} float32 (NHWC for images,
// {N, features} for tabular and 2-D sets); y[i] is the class of sample i, in [0, n_classes).
struct Dataset {
    std::string name;  // "fashion-mnist", "spiral", ...
    Shape sample_shape;
    int n_classes = 0;
    std::vector<std::string> class_names;  // n_classes entries
    Tensor x;
    std::vector<int> y;

    int size() const { return static_cast<int>(y.size()); }
    // Elements per sample (product of sample_shape).
    int64_t sample_size() const { return shape_size(sample_shape); }
    const float* sample(int i) const { return x.ptr() + static_cast<int64_t>(i) * sample_size(); }
};

// An empty set (0 samples) with `like`'s name, shape and classes.
Dataset empty_like(const Dataset& like);

// The samples at `indices` (in that order) as a new set with the same metadata. Indices must be valid.
Dataset subset(const Dataset& data, std::span<const int> indices);

// Number of samples of each class (n_classes entries).
std::vector<int> class_counts(const Dataset& data);

// Checks the invariants: x's shape is {size, sample_shape...}, labels in range, class_names complete.
// The error names the first problem found.
core::Status validate_dataset(const Dataset& data);

// A stratified, seeded split: round(fraction x count) samples of each class go to the second set, the
// rest to the first; both keep the original sample order. fraction in [0, 1). Pass the data with
// std::move to split without copying the first part.
struct SplitPair {
    Dataset first;
    Dataset second;
};
SplitPair split_stratified(Dataset data, double fraction, uint64_t seed);

struct DatasetSplits {
    Dataset train;
    Dataset val;  // taken from the training data; empty when val_fraction is 0
    Dataset test;
};

// What load_dataset() takes. Fields a dataset does not use are ignored.
struct DatasetOptions {
    uint64_t seed = 1;          // validation split, playground generation
    double val_fraction = 0.1;  // share of the training data held out for validation, in [0, 1)
    int train_limit = 0;        // keep at most this many training samples (before the split); 0 = all
    int test_limit = 0;         // keep at most this many test samples; 0 = all
    // Fashion-MNIST: where Debian's dataset-fashion-mnist package puts the files.
    std::string fashion_mnist_dir = "/usr/share/datasets/fashion-mnist";
    // Playground sets: sample counts, Gaussian coordinate noise (standard deviation; coordinates span
    // about [-1, 1]) and number of classes (xor has exactly 2).
    int n_train = 1000;
    int n_test = 500;
    double noise = 0.05;
    int n_classes = 2;
    // CSV files (a name ending in .csv): the share held out as the test split, and the label column's
    // header name (empty: the last column).
    double test_fraction = 0.2;
    std::string csv_label_column;
};

// Names load_dataset() accepts, in display order.
const std::vector<std::string>& dataset_names();

// Loads a dataset by name ("fashion-mnist", "circles", "xor", "blobs", "spiral", or a path ending in
// .csv) with train/val/test splits. Playground test sets are drawn from a seed derived from
// options.seed, so they are independent of the training samples. Unknown names and bad options return
// an error that lists what is accepted.
core::Result<DatasetSplits> load_dataset(const std::string& name, const DatasetOptions& options = {});

}  // namespace mlsys::models
