// Seeded random int8 board models for tests and benchmarks.
#include "hardware/boards/board_model.hpp"

#include "models/core/rng.hpp"

#include <cmath>

namespace mlsys::hardware {

namespace {
int draw(core::Rng& rng, int lo, int hi) { return lo + static_cast<int>(rng.uniform_int(static_cast<uint64_t>(hi - lo + 1))); }
}  // namespace

BoardModel random_board_model(const std::vector<int>& widths, uint64_t seed) {
    core::Rng rng(seed);
    BoardModel m;
    m.input_scale = 0.05f;
    m.output_scale = 0.1f;
    int8_t zp = static_cast<int8_t>(draw(rng, -20, 20));
    for (size_t i = 0; i + 1 < widths.size(); ++i) {
        BoardDenseLayer l;
        l.n_in = widths[i];
        l.n_out = widths[i + 1];
        l.input_zero_point = zp;
        l.output_zero_point = static_cast<int8_t>(draw(rng, -30, 30));
        const bool last = i + 2 == widths.size();
        l.act_min = last ? int8_t{-128} : l.output_zero_point;
        l.act_max = 127;
        for (int k = 0; k < l.n_in * l.n_out; ++k) l.weights.push_back(static_cast<int8_t>(draw(rng, -127, 127)));
        for (int o = 0; o < l.n_out; ++o) {
            l.bias.push_back(static_cast<int32_t>(draw(rng, -3000, 3000)));
            int32_t mult = 0;
            uint8_t shift = 0;
            const double real = rng.uniform(0.5, 2.0) / (std::sqrt(double(l.n_in)) * 64.0);
            (void)quantize_multiplier(real, mult, shift);
            l.multiplier.push_back(mult);
            l.shift.push_back(shift);
        }
        zp = l.output_zero_point;
        m.layers.push_back(std::move(l));
    }
    return m;
}

}  // namespace mlsys::hardware
