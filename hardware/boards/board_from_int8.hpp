// The bridge from the optimization issue's int8 model (models/optimize, docs/INT8_FORMAT.md) to the board
// firmware's dense-only MLB1 model (board_model.hpp): same weights, biases, multipliers, shifts, zero points
// and clamps, so the board's outputs equal the desktop integer-only path bit for bit.
#pragma once

#include "hardware/boards/board_model.hpp"
#include "models/optimize/int8_model.hpp"

namespace mlsys::hardware {

// Converts a QuantizedModel made only of dense layers (ReLU fused) with symmetric 8-bit weights. The error
// names the first layer the board cannot run and why ("layer 0 (conv2d_1): conv2d has no board form ...").
[[nodiscard]] core::Result<BoardModel> board_model_from_int8(const models::optimize::QuantizedModel& q);

}  // namespace mlsys::hardware
