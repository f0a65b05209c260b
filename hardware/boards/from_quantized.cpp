// MLQ8 (models/optimize) -> MLB1 (board) conversion.
#include "hardware/boards/from_quantized.hpp"

#include "models/optimize/int8_export.hpp"

namespace mlsys::hardware {

core::Result<BoardModel> board_model_from_quantized(const models::optimize::QuantizedModel& q) {
    using models::optimize::QOp;
    BoardModel m;
    m.input_scale = q.input_q.scale;
    if (q.layers.empty()) return core::fail("int8 model '" + q.name + "' has no layers");
    for (size_t i = 0; i < q.layers.size(); ++i) {
        const auto& l = q.layers[i];
        const std::string where = "int8 model '" + q.name + "' layer " + std::to_string(i) + " (" + l.name + ", " +
                                  models::optimize::to_string(l.op) + ")";
        if (l.op == QOp::Relu) {
            if (m.layers.empty() || m.layers.back().output_zero_point != l.out_q.zero_point)
                return core::fail(where + ": a ReLU must follow a dense layer with the same zero point");
            auto& prev = m.layers.back();
            prev.act_min = static_cast<int8_t>(std::max<int32_t>(prev.act_min, l.out_q.zero_point));
            continue;
        }
        if (l.op != QOp::Dense)
            return core::fail(where + ": the board firmware runs dense layers only (export a dense model for the board)");
        BoardDenseLayer b;
        b.n_in = static_cast<int>(l.in_elems());
        b.n_out = l.out_c;
        if (b.n_in > kBoardMaxWidth || b.n_out > kBoardMaxWidth)
            return core::fail(where + ": " + std::to_string(b.n_in) + "x" + std::to_string(b.n_out) +
                              " is wider than the board format's " + std::to_string(kBoardMaxWidth));
        for (int32_t zp : l.weight_zero_point)
            if (zp != 0) return core::fail(where + ": asymmetric weights (zero point " + std::to_string(zp) + "); quantize with symmetric weights");
        b.input_zero_point = static_cast<int8_t>(l.in_q.zero_point);
        b.output_zero_point = static_cast<int8_t>(l.out_q.zero_point);
        b.act_min = static_cast<int8_t>(l.act_min);
        b.act_max = static_cast<int8_t>(l.act_max);
        b.weights = l.weights;
        b.bias = l.bias;
        if (l.requant.size() != static_cast<size_t>(b.n_out) && l.requant.size() != 1)
            return core::fail(where + ": " + std::to_string(l.requant.size()) + " requantization entries");
        for (int o = 0; o < b.n_out; ++o) {
            const auto& r = l.requant[l.requant.size() == 1 ? 0 : static_cast<size_t>(o)];
            b.multiplier.push_back(r.multiplier);
            b.shift.push_back(static_cast<uint8_t>(r.shift));
        }
        m.layers.push_back(std::move(b));
    }
    m.output_scale = q.output_q().scale;
    if (auto st = validate_board_model(m); !st) return core::fail("int8 model '" + q.name + "': " + st.error());
    return m;
}

core::Result<BoardModel> parse_any_board_model(const std::vector<uint8_t>& bytes, const std::string& what) {
    if (bytes.size() >= 4 && bytes[0] == 'M' && bytes[1] == 'L' && bytes[2] == 'Q' && bytes[3] == '8') {
        auto q = models::optimize::parse_int8(std::string(bytes.begin(), bytes.end()), what);
        if (!q) return core::fail(q.error());
        auto m = board_model_from_quantized(*q);
        if (!m) return core::fail(what + ": " + m.error());
        return m;
    }
    auto m = parse_board_model(bytes);
    if (!m) return core::fail(what + ": " + m.error());
    return m;
}

}  // namespace mlsys::hardware
