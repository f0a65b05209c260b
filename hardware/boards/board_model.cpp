// The int8 board model: validation, the MLB1 binary form, and the integer-only reference inference.
// Arithmetic here is written independently of the firmware's kernel; tests compare the two bit for bit.
#include "hardware/boards/board_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace mlsys::hardware {

int64_t BoardModel::n_macs() const {
    int64_t n = 0;
    for (const auto& l : layers) n += int64_t{l.n_in} * l.n_out;
    return n;
}

core::Status validate_board_model(const BoardModel& m) {
    if (m.layers.empty()) return core::fail("board model: no layers");
    if (static_cast<int>(m.layers.size()) > kBoardMaxLayers)
        return core::fail("board model: " + std::to_string(m.layers.size()) + " layers (at most " +
                          std::to_string(kBoardMaxLayers) + ")");
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const auto& l = m.layers[i];
        const std::string where = "board model: layers[" + std::to_string(i) + "].";
        if (l.n_in < 1 || l.n_in > kBoardMaxWidth)
            return core::fail(where + "n_in = " + std::to_string(l.n_in) + " (must be 1.." +
                              std::to_string(kBoardMaxWidth) + ")");
        if (l.n_out < 1 || l.n_out > kBoardMaxWidth)
            return core::fail(where + "n_out = " + std::to_string(l.n_out) + " (must be 1.." +
                              std::to_string(kBoardMaxWidth) + ")");
        if (l.weights.size() != static_cast<size_t>(l.n_in) * static_cast<size_t>(l.n_out))
            return core::fail(where + "weights has " + std::to_string(l.weights.size()) + " values, expected " +
                              std::to_string(l.n_in * l.n_out));
        if (l.bias.size() != static_cast<size_t>(l.n_out))
            return core::fail(where + "bias has " + std::to_string(l.bias.size()) + " values, expected " +
                              std::to_string(l.n_out));
        if (l.multiplier.size() != static_cast<size_t>(l.n_out) || l.shift.size() != static_cast<size_t>(l.n_out))
            return core::fail(where + "needs one multiplier and one shift per output (" + std::to_string(l.n_out) + ")");
        for (int o = 0; o < l.n_out; ++o) {
            if (l.multiplier[static_cast<size_t>(o)] < 0)
                return core::fail(where + "multiplier[" + std::to_string(o) + "] is negative");
            const int sh = l.shift[static_cast<size_t>(o)];
            if (sh < 1 || sh > 62)
                return core::fail(where + "shift[" + std::to_string(o) + "] = " + std::to_string(sh) + " (must be 1..62)");
        }
        if (l.act_min > l.act_max) return core::fail(where + "act_min > act_max");
        if (i > 0) {
            const auto& p = m.layers[i - 1];
            if (p.n_out != l.n_in)
                return core::fail(where + "n_in = " + std::to_string(l.n_in) + " but layers[" +
                                  std::to_string(i - 1) + "].n_out = " + std::to_string(p.n_out));
            if (p.output_zero_point != l.input_zero_point)
                return core::fail(where + "input_zero_point differs from the previous layer's output_zero_point");
        }
    }
    return core::Status::success();
}

namespace {
void put_u16(std::vector<uint8_t>& b, uint32_t v) {
    b.push_back(static_cast<uint8_t>(v));
    b.push_back(static_cast<uint8_t>(v >> 8));
}
void put_u32(std::vector<uint8_t>& b, uint32_t v) {
    for (int k = 0; k < 4; ++k) b.push_back(static_cast<uint8_t>(v >> (8 * k)));
}
uint32_t get_u32(const uint8_t* p) {
    return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}
uint32_t get_u16(const uint8_t* p) { return uint32_t{p[0]} | (uint32_t{p[1]} << 8); }
uint32_t float_bits(float f) {
    uint32_t u = 0;
    std::memcpy(&u, &f, 4);
    return u;
}
float bits_float(uint32_t u) {
    float f = 0;
    std::memcpy(&f, &u, 4);
    return f;
}
}  // namespace

std::vector<uint8_t> write_board_model(const BoardModel& m) {
    std::vector<uint8_t> b = {'M', 'L', 'B', '1', 1, 0, static_cast<uint8_t>(m.layers.size()), 0};
    put_u32(b, float_bits(m.input_scale));
    put_u32(b, float_bits(m.output_scale));
    for (const auto& l : m.layers) {
        b.push_back(1);  // kind: dense
        b.push_back(0);  // flags (reserved)
        put_u16(b, static_cast<uint32_t>(l.n_in));
        put_u16(b, static_cast<uint32_t>(l.n_out));
        b.push_back(static_cast<uint8_t>(l.input_zero_point));
        b.push_back(static_cast<uint8_t>(l.output_zero_point));
        b.push_back(static_cast<uint8_t>(l.act_min));
        b.push_back(static_cast<uint8_t>(l.act_max));
        for (int8_t w : l.weights) b.push_back(static_cast<uint8_t>(w));
        for (int32_t v : l.bias) put_u32(b, static_cast<uint32_t>(v));
        for (int32_t v : l.multiplier) put_u32(b, static_cast<uint32_t>(v));
        for (uint8_t v : l.shift) b.push_back(v);
    }
    return b;
}

core::Result<BoardModel> parse_board_model(const std::vector<uint8_t>& bytes) {
    if (bytes.size() < kBoardModelHeaderBytes)
        return core::fail("board model: " + std::to_string(bytes.size()) + " bytes, shorter than the " +
                          std::to_string(kBoardModelHeaderBytes) + "-byte header");
    const uint8_t* p = bytes.data();
    if (std::memcmp(p, "MLB1", 4) != 0) return core::fail("board model: bad magic (expected MLB1)");
    if (p[4] != 1) return core::fail("board model: unsupported version " + std::to_string(p[4]));
    if (p[5] != 0) return core::fail("board model: unknown rounding mode " + std::to_string(p[5]));
    BoardModel m;
    const int n_layers = p[6];
    if (n_layers < 1 || n_layers > kBoardMaxLayers)
        return core::fail("board model: n_layers = " + std::to_string(n_layers));
    m.input_scale = bits_float(get_u32(p + 8));
    m.output_scale = bits_float(get_u32(p + 12));
    size_t at = kBoardModelHeaderBytes;
    for (int i = 0; i < n_layers; ++i) {
        const std::string where = "board model: layers[" + std::to_string(i) + "]";
        if (bytes.size() - at < kBoardLayerHeaderBytes) return core::fail(where + ": truncated header");
        const uint8_t* h = p + at;
        if (h[0] != 1) return core::fail(where + ": unknown layer kind " + std::to_string(h[0]));
        BoardDenseLayer l;
        l.n_in = static_cast<int>(get_u16(h + 2));
        l.n_out = static_cast<int>(get_u16(h + 4));
        l.input_zero_point = static_cast<int8_t>(h[6]);
        l.output_zero_point = static_cast<int8_t>(h[7]);
        l.act_min = static_cast<int8_t>(h[8]);
        l.act_max = static_cast<int8_t>(h[9]);
        at += kBoardLayerHeaderBytes;
        if (l.n_in < 1 || l.n_in > kBoardMaxWidth || l.n_out < 1 || l.n_out > kBoardMaxWidth)
            return core::fail(where + ": shape " + std::to_string(l.n_in) + "x" + std::to_string(l.n_out) +
                              " outside 1.." + std::to_string(kBoardMaxWidth));
        const size_t n_o = static_cast<size_t>(l.n_out);
        const size_t n_w = static_cast<size_t>(l.n_in) * n_o;
        const size_t need = n_w + 9 * n_o;
        if (bytes.size() - at < need)
            return core::fail(where + ": truncated (needs " + std::to_string(need) + " bytes, " +
                              std::to_string(bytes.size() - at) + " left)");
        l.weights.resize(n_w);
        for (size_t k = 0; k < n_w; ++k) l.weights[k] = static_cast<int8_t>(p[at + k]);
        at += n_w;
        l.bias.resize(n_o);
        l.multiplier.resize(n_o);
        l.shift.resize(n_o);
        for (size_t k = 0; k < n_o; ++k) l.bias[k] = static_cast<int32_t>(get_u32(p + at + 4 * k));
        at += 4 * n_o;
        for (size_t k = 0; k < n_o; ++k) l.multiplier[k] = static_cast<int32_t>(get_u32(p + at + 4 * k));
        at += 4 * n_o;
        for (size_t k = 0; k < n_o; ++k) l.shift[k] = p[at + k];
        at += n_o;
        m.layers.push_back(std::move(l));
    }
    if (at != bytes.size())
        return core::fail("board model: " + std::to_string(bytes.size() - at) + " trailing bytes");
    if (auto st = validate_board_model(m); !st) return core::fail(st.error());
    return m;
}

int32_t requantize(int32_t acc, int32_t multiplier, int shift) {
    const int64_t prod = int64_t{acc} * multiplier;  // |prod| < 2^62: no overflow with the rounding term
    const int64_t rounded = (prod + (int64_t{1} << (shift - 1))) >> shift;
    return static_cast<int32_t>(std::clamp<int64_t>(rounded, std::numeric_limits<int32_t>::min(),
                                                   std::numeric_limits<int32_t>::max()));
}

std::vector<int8_t> infer_board_model(const BoardModel& m, const std::vector<int8_t>& input) {
    if (static_cast<int>(input.size()) != m.n_inputs()) return {};
    std::vector<int8_t> x = input;
    for (const auto& l : m.layers) {
        std::vector<int8_t> y(static_cast<size_t>(l.n_out));
        for (int o = 0; o < l.n_out; ++o) {
            int32_t acc = l.bias[static_cast<size_t>(o)];
            for (int i = 0; i < l.n_in; ++i)
                acc += int32_t{l.weights[static_cast<size_t>(o) * static_cast<size_t>(l.n_in) + static_cast<size_t>(i)]} *
                       (int32_t{x[static_cast<size_t>(i)]} - l.input_zero_point);
            const auto so = static_cast<size_t>(o);
            const int64_t v = int64_t{requantize(acc, l.multiplier[so], l.shift[so])} + l.output_zero_point;
            y[so] = static_cast<int8_t>(std::clamp<int64_t>(v, l.act_min, l.act_max));
        }
        x = std::move(y);
    }
    return x;
}

int argmax_int8(const std::vector<int8_t>& v) {
    int best = 0;
    for (size_t i = 1; i < v.size(); ++i)
        if (v[i] > v[static_cast<size_t>(best)]) best = static_cast<int>(i);
    return best;
}

std::vector<int8_t> quantize_input(const BoardModel& m, const std::vector<float>& x) {
    std::vector<int8_t> q(x.size());
    const double inv = m.input_scale > 0 ? 1.0 / m.input_scale : 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double v = std::round(double{x[i]} * inv) + m.input_zero_point();
        q[i] = static_cast<int8_t>(std::clamp(v, -128.0, 127.0));
    }
    return q;
}

std::vector<float> dequantize_output(const BoardModel& m, const std::vector<int8_t>& q) {
    std::vector<float> y(q.size());
    for (size_t i = 0; i < q.size(); ++i)
        y[i] = m.output_scale * static_cast<float>(int{q[i]} - m.output_zero_point());
    return y;
}

core::Status quantize_multiplier(double real_multiplier, int32_t& multiplier, uint8_t& shift) {
    if (!(real_multiplier > 0.0) || !std::isfinite(real_multiplier))
        return core::fail("requantization scale " + std::to_string(real_multiplier) + " is not positive");
    int exponent = 0;
    const double significand = std::frexp(real_multiplier, &exponent);  // in [0.5, 1)
    int64_t q = std::llround(significand * static_cast<double>(int64_t{1} << 31));
    if (q == (int64_t{1} << 31)) {
        q /= 2;
        ++exponent;
    }
    const int s = 31 - exponent;  // M = q * 2^-s
    if (s < 1 || s > 62) return core::fail("requantization scale " + std::to_string(real_multiplier) + " out of range");
    multiplier = static_cast<int32_t>(q);
    shift = static_cast<uint8_t>(s);
    return core::Status::success();
}

}  // namespace mlsys::hardware
