// Eigen views over Tensor storage. Include only from .cpp files that do math (each Eigen TU costs seconds).
// Row-major: a (batch, features) tensor maps to a batch x features matrix with no copy.
#pragma once

#include "models/tensor/tensor.hpp"

#include <Eigen/Core>

namespace mlsys::models {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<RowMatrix>;
using ConstMatrixMap = Eigen::Map<const RowMatrix>;
using RowVectorMap = Eigen::Map<Eigen::RowVectorXf>;
using ConstRowVectorMap = Eigen::Map<const Eigen::RowVectorXf>;
using VectorMap = Eigen::Map<Eigen::VectorXf>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;

// rows x cols view of a tensor's storage (rows * cols must equal its size).
inline MatrixMap as_matrix(Tensor& t, int64_t rows, int64_t cols) { return MatrixMap(t.ptr(), rows, cols); }
inline ConstMatrixMap as_matrix(const Tensor& t, int64_t rows, int64_t cols) {
    return ConstMatrixMap(t.ptr(), rows, cols);
}
// A read-only view even of a mutable tensor (Map<T> does not convert to Map<const T>).
inline ConstMatrixMap const_matrix(const Tensor& t, int64_t rows, int64_t cols) {
    return ConstMatrixMap(t.ptr(), rows, cols);
}
// The whole tensor as one row (biases broadcast with .rowwise() += ...).
inline RowVectorMap as_row(Tensor& t) { return RowVectorMap(t.ptr(), t.size()); }
inline ConstRowVectorMap as_row(const Tensor& t) { return ConstRowVectorMap(t.ptr(), t.size()); }
// batch x sample_size view.
inline MatrixMap as_batch_matrix(Tensor& t) { return as_matrix(t, t.batch(), t.sample_size()); }
inline ConstMatrixMap as_batch_matrix(const Tensor& t) { return as_matrix(t, t.batch(), t.sample_size()); }
inline VectorMap as_vector(Tensor& t) { return VectorMap(t.ptr(), t.size()); }
inline ConstVectorMap as_vector(const Tensor& t) { return ConstVectorMap(t.ptr(), t.size()); }

}  // namespace mlsys::models
