// Reduced-precision evaluation (precision_eval.hpp): round a copy's tensors and hook every activation.
#include "models/optimize/precision_eval.hpp"

#include <algorithm>

namespace mlsys::models::optimize {

void round_weights(Model& model, FloatFormat f) {
    for (auto& p : model.params())
        for (auto& v : p.value->data) v = round_to_format(v, f);
    for (auto& p : model.state())
        for (auto& v : p.value->data) v = round_to_format(v, f);
}

core::Result<EvalResult> evaluate_in_format(const Model& model, const Dataset& data, FloatFormat f, int limit) {
    auto copy = model.clone();
    if (!copy) return core::fail(copy.error());
    if (f == FloatFormat::Fp32) return evaluate(*copy, data, 256, limit);
    round_weights(*copy, f);
    copy->set_activation_hook([f](int, Tensor& out) {
        for (auto& v : out.data) v = round_to_format(v, f);
    });
    const int n = limit > 0 ? std::min(limit, data.size()) : data.size();
    std::vector<int> idx(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) idx[size_t(i)] = i;
    Dataset rounded = subset(data, idx);
    for (auto& v : rounded.x.data) v = round_to_format(v, f);
    return evaluate(*copy, rounded, 256, 0);
}

}  // namespace mlsys::models::optimize
