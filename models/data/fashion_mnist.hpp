// Fashion-MNIST from Debian's dataset-fashion-mnist package: gzipped IDX files read through zlib and
// validated (magic numbers, 28x28, counts, labels). Reading only; never downloads anything.
#pragma once

#include "models/core/result.hpp"
#include "models/data/dataset.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mlsys::models {

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
inline constexpr const char* kFashionMnistPackage = "dataset-fashion-mnist";
// IDX magic numbers (LeCun, "THE MNIST DATABASE", file formats section): 0x00000803 = unsigned bytes,
// 3 dimensions (images); 0x00000801 = unsigned bytes, 1 dimension (labels).
inline constexpr uint32_t kIdxImagesMagic = 2051;
inline constexpr uint32_t kIdxLabelsMagic = 2049;

enum class FashionSplit { Train, Test };

// The ten class names, in label order (Zalando Research, fashion-mnist README "Labels").
const std::vector<std::string>& fashion_mnist_class_names();

// File names of a split inside the dataset directory: {images, labels}.
std::string fashion_mnist_images_file(FashionSplit split);
std::string fashion_mnist_labels_file(FashionSplit split);

// An IDX images file: n_images x rows x cols unsigned bytes.
struct IdxImages {
    int n_images = 0;
    int rows = 0;
    int cols = 0;
    std::vector<uint8_t> pixels;  // n_images * rows * cols, row-major
};

// Reads a (gzipped or plain) IDX3 unsigned-byte images file. `limit` > 0 reads only the first `limit`
// images. Errors name the file and the problem (missing, bad magic, truncated, trailing data, corrupt gzip).
core::Result<IdxImages> read_idx_images(const std::filesystem::path& path, int limit = 0);
// Reads a (gzipped or plain) IDX1 unsigned-byte labels file, first `limit` labels if limit > 0.
core::Result<std::vector<uint8_t>> read_idx_labels(const std::filesystem::path& path, int limit = 0);

// Loads one split: sample_shape {28, 28, 1}, pixels scaled to [0, 1] (byte / 255), labels 0..9.
// limit > 0 keeps the first `limit` samples. A missing directory or file gives an error naming the
// Debian package that provides it; counts, sizes and labels are validated.
core::Result<Dataset> load_fashion_mnist(FashionSplit split, const std::string& dir = kFashionMnistDir,
                                         int limit = 0);

}  // namespace mlsys::models
