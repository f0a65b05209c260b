// FaultInjector's accelerator-level parts: a faulty processing element corrupting the outputs its dataflow
// assigns to it, and ABFT checksums over each dense/conv GEMM (im2col rebuilt here for convolutions).
#include "faults/flips/injector.hpp"

#include "faults/protect/abft.hpp"

#include <algorithm>

namespace mlsys::faults {

void FaultInjector::apply_pe_fault(int layer, models::Tensor& y) {
    if (spec_.kind == FaultKind::Intermittent && !active_) return;
    const models::WorkloadLayer& wl = workload_.layers[size_t(layer)];
    // The layer as one GEMM over the batch: M = batch x output pixels, N = output channels (a depthwise
    // layer's channels side by side), K = the reduction length. Output (m, n) is y[m * N + n] (NHWC).
    const int64_t n_out = wl.out_c;
    const int64_t m_out = y.size() / std::max<int64_t>(1, n_out);
    const int64_t k = wl.gemm_k;
    const int R = spec_.array_rows, C = spec_.array_cols, r = spec_.target.pe_row, c = spec_.target.pe_col;
    const uint32_t mask = 1u << spec_.pe_bit;
    int64_t hit = 0;
    const bool tmr = spec_.protection == Protection::Tmr && covers(layer);
    float* d = y.ptr();
    auto corrupt = [&](int64_t m, int64_t n) {
        ++hit;
        if (tmr) return;  // the two healthy replicas outvote the faulty one, bit for bit
        float& v = d[m * n_out + n];
        uint32_t u = float_bits(v);
        switch (spec_.kind) {
        case FaultKind::StuckAt0: u &= ~mask; break;
        case FaultKind::StuckAt1: u |= mask; break;
        case FaultKind::BitFlip:
        case FaultKind::Intermittent: u ^= mask; break;
        }
        v = bits_float(u);
    };
    switch (spec_.dataflow) {
    case sim::accel::Dataflow::OutputStationary:
        for (int64_t m = r; m < m_out; m += R)
            for (int64_t n = c; n < n_out; n += C) corrupt(m, n);
        break;
    case sim::accel::Dataflow::WeightStationary:
        if (r < k)
            for (int64_t m = 0; m < m_out; ++m)
                for (int64_t n = c; n < n_out; n += C) corrupt(m, n);
        break;
    case sim::accel::Dataflow::InputStationary:
        if (r < k)
            for (int64_t m = c; m < m_out; m += C)
                for (int64_t n = 0; n < n_out; ++n) corrupt(m, n);
        break;
    }
    counters_.n_faults += hit;
    if (tmr) counters_.tmr_masked += hit;
    else counters_.n_words_changed += hit;
    per_layer_[size_t(layer)] += hit;
}

void FaultInjector::apply_abft(int layer, models::Tensor& y) {
    const models::WorkloadLayer& wl = workload_.layers[size_t(layer)];
    const models::Tensor& x = layer == 0 ? *input_ : model_.activation(layer - 1);
    const models::Tensor* w = nullptr;
    const models::Tensor* b = nullptr;
    for (auto& p : model_.layer(layer).params()) {
        if (p.name == "weight") w = p.value;
        if (p.name == "bias") b = p.value;
    }
    if (!w) return;
    const int batch = y.batch();
    const int64_t n = wl.gemm_n, k = wl.gemm_k, m = int64_t(batch) * wl.gemm_m;
    std::vector<float> cols;
    const float* a = x.ptr();
    if (wl.op == models::OpKind::Conv2D) {
        cols.assign(size_t(m * k), 0.0f);
        const int64_t ih = wl.in_h, iw = wl.in_w, ic = wl.in_c;
        int64_t row = 0;
        for (int s = 0; s < batch; ++s)
            for (int oh = 0; oh < wl.out_h; ++oh)
                for (int ow = 0; ow < wl.out_w; ++ow, ++row) {
                    float* dst = cols.data() + row * k;
                    for (int kh = 0; kh < wl.kernel_h; ++kh)
                        for (int kw = 0; kw < wl.kernel_w; ++kw) {
                            const int64_t yy = int64_t(oh) * wl.stride - wl.padding + kh;
                            const int64_t xx = int64_t(ow) * wl.stride - wl.padding + kw;
                            float* cell = dst + (int64_t(kh) * wl.kernel_w + kw) * ic;
                            if (yy < 0 || yy >= ih || xx < 0 || xx >= iw) continue;
                            const float* src = a + ((int64_t(s) * ih + yy) * iw + xx) * ic;
                            std::copy(src, src + ic, cell);
                        }
                }
        a = cols.data();
    }
    const AbftReport rep = abft_check(a, w->ptr(), b ? b->ptr() : nullptr, y.ptr(), m, k, n, true);
    if (rep.clean()) return;
    if (rep.corrected) {
        ++counters_.abft_corrected;
        return;
    }
    ++counters_.abft_detected;
    for (int64_t row : rep.bad_rows) detected_[size_t(row / std::max<int64_t>(1, wl.gemm_m))] = 1;
    if (rep.bad_rows.empty())  // errors that cancel along rows: every sample of the batch is suspect
        std::fill(detected_.begin(), detected_.end(), uint8_t{1});
}

}  // namespace mlsys::faults
