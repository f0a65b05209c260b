// QuantizedModel -> BoardModel (board_from_int8.hpp): a field-for-field copy with the board's limits checked.
#include "hardware/boards/board_from_int8.hpp"

namespace mlsys::hardware {

core::Result<BoardModel> board_model_from_int8(const models::optimize::QuantizedModel& q) {
    using models::optimize::QOp;
    BoardModel b;
    b.input_scale = q.input_q.scale;
    b.output_scale = q.output_q().scale;
    if (q.weight_bits != 8) return core::fail("the board runs 8-bit weights; this model has " + std::to_string(q.weight_bits));
    for (size_t k = 0; k < q.layers.size(); ++k) {
        const auto& l = q.layers[k];
        const std::string where = "layer " + std::to_string(k) + " (" + l.name + "): ";
        if (l.op != QOp::Dense)
            return core::fail(where + models::optimize::to_string(l.op) + " has no board form (the board firmware runs dense layers only)");
        for (int32_t z : l.weight_zero_point)
            if (z != 0) return core::fail(where + "asymmetric weights (zero point " + std::to_string(z) + "); the board needs symmetric weights");
        BoardDenseLayer d;
        d.n_in = static_cast<int>(l.in_elems());
        d.n_out = l.out_c;
        d.input_zero_point = static_cast<int8_t>(l.in_q.zero_point);
        d.output_zero_point = static_cast<int8_t>(l.out_q.zero_point);
        d.act_min = static_cast<int8_t>(l.act_min);
        d.act_max = static_cast<int8_t>(l.act_max);
        d.weights = l.weights;  // both [out][in]
        d.bias = l.bias;
        for (const auto& r : l.requant) {
            d.multiplier.push_back(r.multiplier);
            d.shift.push_back(static_cast<uint8_t>(r.shift));
        }
        b.layers.push_back(std::move(d));
    }
    if (auto st = validate_board_model(b); !st) return core::fail(st.error());
    return b;
}

}  // namespace mlsys::hardware
