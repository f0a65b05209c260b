// Job runner: a catch-all around the job function so no exception crosses the thread boundary.
#include "models/core/job.hpp"

#include <exception>

namespace mlsys::core {

void JobControl::request_cancel() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        cancelled_.store(true);
    }
    resume_.notify_all();
}

void JobControl::set_paused(bool paused) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        paused_.store(paused);
    }
    resume_.notify_all();
}

bool JobControl::checkpoint() {
    if (paused_.load()) {
        std::unique_lock<std::mutex> lock(mutex_);
        resume_.wait(lock, [&] { return !paused_.load() || cancelled_.load(); });
    }
    return !cancelled_.load();
}

void JobControl::set_status(std::string text) {
    std::lock_guard<std::mutex> lock(mutex_);
    status_ = std::move(text);
}

std::string JobControl::status() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
}

const char* to_string(JobState state) {
    switch (state) {
    case JobState::Running: return "running";
    case JobState::Finished: return "finished";
    case JobState::Cancelled: return "cancelled";
    case JobState::Failed: return "failed";
    }
    return "?";
}

Job::Job(std::string name, Function function) : name_(std::move(name)) {
    thread_ = std::thread([this, fn = std::move(function)] {
        JobState end = JobState::Finished;
        std::string message;
        try {
            Status status = fn(control_);
            if (!status.ok()) {
                end = control_.is_cancelled() ? JobState::Cancelled : JobState::Failed;
                message = status.error();
            } else if (control_.is_cancelled()) {
                end = JobState::Cancelled;
            }
        } catch (const std::exception& e) {
            end = JobState::Failed;
            message = std::string("unexpected exception: ") + e.what();
        } catch (...) {
            end = JobState::Failed;
            message = "unexpected exception";
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            error_ = std::move(message);
        }
        state_.store(end);
    });
}

Job::~Job() {
    control_.request_cancel();
    if (thread_.joinable()) thread_.join();
}

std::string Job::error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
}

void Job::wait() {
    if (thread_.joinable()) thread_.join();
}

}  // namespace mlsys::core
