// Training-memory accounting.
#include "sim/memory/training_memory.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace mlsys::sim {

const char* to_string(TrainPrecision p) {
    switch (p) {
    case TrainPrecision::Fp32: return "fp32";
    case TrainPrecision::Mixed: return "mixed";
    case TrainPrecision::Int8Inference: return "int8";
    }
    return "?";
}

core::Result<TrainPrecision> parse_train_precision(const std::string& s) {
    if (s == "fp32") return TrainPrecision::Fp32;
    if (s == "mixed" || s == "fp16" || s == "bf16") return TrainPrecision::Mixed;
    if (s == "int8") return TrainPrecision::Int8Inference;
    return core::fail("precision must be fp32, mixed (fp16, bf16) or int8, got \"" + s + "\"");
}

const char* to_string(OptimizerState o) {
    switch (o) {
    case OptimizerState::Sgd: return "sgd";
    case OptimizerState::Momentum: return "momentum";
    case OptimizerState::Adam: return "adam";
    }
    return "?";
}

core::Result<OptimizerState> parse_optimizer_state(const std::string& s) {
    if (s == "sgd") return OptimizerState::Sgd;
    if (s == "momentum") return OptimizerState::Momentum;
    if (s == "adam") return OptimizerState::Adam;
    return core::fail("optimizer must be sgd, momentum or adam, got \"" + s + "\"");
}

TrainingMemory training_memory(const models::Workload& w, const TrainingMemoryOptions& o) {
    TrainingMemory m;
    const double P = double(w.total_params());
    m.params = w.total_params();
    const int64_t B = std::max(1, o.batch);
    // Kept outputs: skip views; an element-wise activation or softmax right after a layer is fused with it.
    for (size_t i = 0; i < w.layers.size(); ++i) {
        const auto& l = w.layers[i];
        if (l.op == models::OpKind::Reshape) continue;
        const bool fused = (l.op == models::OpKind::Elementwise || l.op == models::OpKind::Softmax) && !m.layers.empty() &&
                           i > 0 && w.layers[i - 1].op != models::OpKind::Reshape;
        if (fused) continue;
        m.layers.push_back({l.name, B * l.output_elems()});
        m.activation_values += B * l.output_elems();
    }
    const auto state_per_param = [&] {
        switch (o.optimizer) {
        case OptimizerState::Sgd: return 0.0;
        case OptimizerState::Momentum: return 4.0;  // one fp32 velocity
        case OptimizerState::Adam: return 8.0;      // fp32 first and second moments
        }
        return 0.0;
    };
    double act_bytes_per_value = 4;
    switch (o.precision) {
    case TrainPrecision::Fp32:
        m.weights_bytes = 4 * P;
        m.gradient_bytes = 4 * P;
        m.optimizer_bytes = state_per_param() * P;
        break;
    case TrainPrecision::Mixed:
        // Micikevicius et al., "Mixed Precision Training" (ICLR 2018) / ZeRO (Rajbhandari et al., 2020):
        // fp16 weights and gradients, fp32 master weights and optimizer state.
        m.weights_bytes = 2 * P;
        m.master_weights_bytes = 4 * P;
        m.gradient_bytes = 2 * P;
        m.optimizer_bytes = state_per_param() * P;
        act_bytes_per_value = 2;
        break;
    case TrainPrecision::Int8Inference: {
        // Inference: int8 weights with int32 biases; only the largest live input + output pair.
        double biases = 0;
        for (const auto& l : w.layers) biases += double(l.n_biases);
        m.weights_bytes = (P - biases) + 4 * biases;
        m.activation_values = B * w.peak_activation_elems();
        m.layers.clear();
        m.activation_bytes = double(m.activation_values);
        m.activation_bytes_without_checkpointing = m.activation_bytes;
        return m;
    }
    }
    m.activation_bytes_without_checkpointing = double(m.activation_values) * act_bytes_per_value;
    m.activation_bytes = m.activation_bytes_without_checkpointing;
    if (o.checkpointing && m.layers.size() > 1) {
        // Chen et al., "Training Deep Nets with Sublinear Memory Cost" (2016): ceil(sqrt(n)) segments; keep each
        // segment's last output, recompute one segment at a time in the backward pass.
        const size_t n = m.layers.size();
        const size_t seg = size_t(std::ceil(std::sqrt(double(n))));
        int64_t kept = 0, largest = 0;
        for (size_t s = 0; s < n; s += seg) {
            int64_t sum = 0;
            for (size_t i = s; i < std::min(n, s + seg); ++i) sum += m.layers[i].values;
            kept += m.layers[std::min(n, s + seg) - 1].values;
            largest = std::max(largest, sum);
        }
        m.checkpoint_segments = int64_t((n + seg - 1) / seg);
        m.activation_bytes = double(kept + largest) * act_bytes_per_value;
        m.recompute_macs = B * w.total_macs();
    }
    return m;
}

nlohmann::json to_json(const TrainingMemory& m) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : m.layers) layers.push_back({{"name", l.name}, {"values", l.values}});
    return {{"params", m.params},
            {"activation_values", m.activation_values},
            {"weights_bytes", m.weights_bytes},
            {"master_weights_bytes", m.master_weights_bytes},
            {"gradient_bytes", m.gradient_bytes},
            {"optimizer_bytes", m.optimizer_bytes},
            {"activation_bytes", m.activation_bytes},
            {"activation_bytes_without_checkpointing", m.activation_bytes_without_checkpointing},
            {"checkpoint_segments", m.checkpoint_segments},
            {"recompute_macs", m.recompute_macs},
            {"total_bytes", m.total_bytes()},
            {"layers", layers}};
}

}  // namespace mlsys::sim
