// TrainJob: a training run on a worker thread, as the GUI and the labs drive it — start, pause, resume,
// stop, change the learning rate, read the newest snapshot, and take the outcome (the trained model) once.
// Nothing here blocks the caller except the destructor, which cancels and joins.
#pragma once

#include "app/session/train_job.hpp"

#include <memory>
#include <mutex>
#include <optional>

namespace mlsys::session {

class TrainJob {
public:
    // Starts training on a new thread. The request's rich_snapshots and eval_every_steps are set here.
    explicit TrainJob(TrainRequest request);
    ~TrainJob();
    TrainJob(const TrainJob&) = delete;
    TrainJob& operator=(const TrainJob&) = delete;

    // The newest snapshot (null until the first one).
    std::shared_ptr<const TrainSnapshot> snapshot() const { return snapshots_.get(); }
    uint64_t snapshot_version() const { return snapshots_.version(); }

    core::JobState state() const { return job_->state(); }
    bool is_done() const { return job_->is_done(); }
    bool is_paused() const { return job_->control().is_paused(); }
    double progress() const { return job_->control().progress(); }
    std::string status() const { return job_->control().status(); }
    // The failure message of a failed job.
    std::string error() const { return job_->error(); }

    void pause() { job_->control().set_paused(true); }
    void resume() { job_->control().set_paused(false); }
    // Stops between steps; the partly trained model and its Run (status "cancelled") are kept.
    void stop() { job_->control().request_cancel(); }
    void set_learning_rate(double lr) { commands_.push(TrainCommand{lr}); }

    // The outcome once the job is done (finished or stopped); empty before, and after it was taken.
    std::optional<TrainOutcome> take_outcome();

    const TrainRequest& request() const { return request_; }

private:
    TrainRequest request_;
    core::Latest<TrainSnapshot> snapshots_;
    core::CommandQueue<TrainCommand> commands_;
    std::mutex mutex_;
    std::optional<TrainOutcome> outcome_;  // written by the worker, taken by the owner
    std::unique_ptr<core::Job> job_;       // last: destroyed (joined) first
};

}  // namespace mlsys::session
