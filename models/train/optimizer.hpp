// Optimizers (SGD with momentum, Adam) with weight decay, and learning-rate schedules (constant, step,
// cosine). Plain config structs with pure parsers; the optimizer owns its state tensors.
#pragma once

#include "models/core/result.hpp"
#include "models/layers/layer.hpp"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <vector>

namespace mlsys::models {

enum class OptimizerKind { Sgd, Adam };

struct OptimizerConfig {
    OptimizerKind kind = OptimizerKind::Adam;
    double learning_rate = 0.001;
    double momentum = 0.9;      // SGD only (0 = plain SGD)
    double beta1 = 0.9;         // Adam
    double beta2 = 0.999;       // Adam
    double epsilon = 1e-8;      // Adam
    // L2 penalty on weights (not biases or batchnorm): added to the gradient for SGD, decoupled for Adam
    // (AdamW, Loshchilov & Hutter 2019).
    double weight_decay = 0.0;
};

enum class ScheduleKind { Constant, Step, Cosine };

struct ScheduleConfig {
    ScheduleKind kind = ScheduleKind::Constant;
    int step_epochs = 1;   // Step: multiply by gamma every step_epochs epochs
    double gamma = 0.5;    // Step
    double min_factor = 0.0;  // Cosine: final learning rate as a fraction of the initial one
};

core::Result<OptimizerKind> parse_optimizer_kind(const std::string& name);  // "sgd", "adam"
core::Result<ScheduleKind> parse_schedule_kind(const std::string& name);    // "constant", "step", "cosine"
const char* to_string(OptimizerKind kind);
const char* to_string(ScheduleKind kind);
nlohmann::json to_json(const OptimizerConfig& c);
nlohmann::json to_json(const ScheduleConfig& c);

// Learning-rate factor at fractional epoch `epoch` (0 .. total_epochs).
double schedule_factor(const ScheduleConfig& s, double epoch, int total_epochs);

class Optimizer {
public:
    virtual ~Optimizer() = default;
    // Applies one update to every parameter with learning rate `lr` (after the schedule).
    virtual void step(std::vector<Param>& params, double lr) = 0;
    // Bytes of optimizer state (momentum buffers, Adam moments).
    virtual int64_t state_bytes() const = 0;
};

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config);

}  // namespace mlsys::models
