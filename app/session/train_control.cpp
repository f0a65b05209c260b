// TrainJob: wraps run_training in a core::Job.
#include "app/session/train_control.hpp"

namespace mlsys::session {

TrainJob::TrainJob(TrainRequest request) : request_(std::move(request)) {
    request_.rich_snapshots = true;
    if (request_.eval_every_steps == 0) request_.eval_every_steps = 100;
    job_ = std::make_unique<core::Job>("train", [this](core::JobControl& control) -> core::Status {
        auto out = run_training(request_, control, nullptr, &snapshots_, &commands_);
        if (!out) return core::fail(out.error());
        std::lock_guard<std::mutex> lock(mutex_);
        outcome_ = std::move(*out);
        return core::Status::success();
    });
}

TrainJob::~TrainJob() { job_.reset(); }

std::optional<TrainOutcome> TrainJob::take_outcome() {
    if (!job_->is_done()) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    std::optional<TrainOutcome> out = std::move(outcome_);
    outcome_.reset();
    return out;
}

}  // namespace mlsys::session
