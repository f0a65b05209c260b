// The bridge from the optimization issue's int8 model (models/optimize, docs/INT8_FORMAT.md, "MLQ8") to the
// board format (MLB1): dense layers (with a following standalone ReLU folded into act_min) and symmetric
// weights only — what a 2 KB microcontroller runs. The arithmetic is the same, so the board's outputs equal
// models::optimize::int8_infer's bit for bit (tested).
#pragma once

#include "hardware/boards/board_model.hpp"
#include "models/optimize/int8_model.hpp"

namespace mlsys::hardware {

// Errors name the layer that has no board form (a conv, a pool, a non-zero weight zero point, a width
// over kBoardMaxWidth).
[[nodiscard]] core::Result<BoardModel> board_model_from_quantized(const models::optimize::QuantizedModel& q);

// Reads MLB1 or MLQ8 bytes (by magic); MLQ8 is converted. `what` names the source in errors.
[[nodiscard]] core::Result<BoardModel> parse_any_board_model(const std::vector<uint8_t>& bytes, const std::string& what);

}  // namespace mlsys::hardware
