// Naive loop implementations of the engine's layers: the oracles the fast layers are tested against
// (and that the int8 and fault-injection code can compare with). Slow on purpose; clarity first.
#pragma once

#include "models/tensor/tensor.hpp"

namespace mlsys::models::reference {

// x {N, H, W, C}, weight [kh, kw, C, F], bias [F] (or empty) -> {N, OH, OW, F}.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int stride, int padding);
// x {N, H, W, C}, weight [kh, kw, C], bias [C] (or empty) -> {N, OH, OW, C}.
Tensor depthwise_conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int stride, int padding);
// x {N, K}, weight [K, F], bias [F] (or empty) -> {N, F}.
Tensor dense(const Tensor& x, const Tensor& weight, const Tensor& bias);
// Max or average pooling (padding ignored by max and not counted by the average).
Tensor pool2d(const Tensor& x, int kernel_h, int kernel_w, int stride, int padding, bool is_max);

}  // namespace mlsys::models::reference
