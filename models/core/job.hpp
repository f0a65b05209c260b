// Long work on a worker thread (DESIGN.md "Long work: jobs"): a Job runs a function with a JobControl;
// the UI publishes nothing but reads snapshots through Latest<T>, sends commands through CommandQueue<T>,
// and cancels or pauses through atomics. The UI never waits on a worker except at destruction.
#pragma once

#include "models/core/result.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mlsys::core {

// Newest-value mailbox: the writer publishes immutable snapshots; readers take the newest one. The lock
// is held only for a pointer swap.
template <class T>
class Latest {
public:
    void publish(T value) {
        auto p = std::make_shared<const T>(std::move(value));
        std::lock_guard<std::mutex> lock(mutex_);
        value_ = std::move(p);
        ++version_;
    }
    std::shared_ptr<const T> get() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return value_;
    }
    // Increments with every publish; lets a reader skip work when nothing changed.
    uint64_t version() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return version_;
    }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const T> value_;
    uint64_t version_ = 0;
};

// Commands from the UI to a job, drained by the job between steps.
template <class C>
class CommandQueue {
public:
    void push(C command) {
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.push_back(std::move(command));
    }
    std::vector<C> drain() {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<C> out(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
        queue_.clear();
        return out;
    }

private:
    std::mutex mutex_;
    std::deque<C> queue_;
};

// Cancellation, pause and progress shared by a job and its owner. Written by the UI (cancel, pause) and
// by the worker (progress, status); every field is atomic or guarded.
class JobControl {
public:
    void request_cancel();
    bool is_cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
    void set_paused(bool paused);
    bool is_paused() const { return paused_.load(std::memory_order_relaxed); }

    // Worker side: blocks while paused; returns false when the job should stop (cancelled).
    bool checkpoint();

    void set_progress(double fraction) { progress_.store(fraction, std::memory_order_relaxed); }
    double progress() const { return progress_.load(std::memory_order_relaxed); }
    void set_status(std::string text);
    std::string status() const;

private:
    std::atomic<bool> cancelled_{false};
    std::atomic<bool> paused_{false};
    std::atomic<double> progress_{0.0};
    mutable std::mutex mutex_;
    std::condition_variable resume_;
    std::string status_;
};

enum class JobState { Running, Finished, Cancelled, Failed };
const char* to_string(JobState state);

// A function running on its own thread. Exceptions are caught in the runner and become Failed.
class Job {
public:
    using Function = std::function<Status(JobControl&)>;

    Job(std::string name, Function function);
    ~Job();  // requests cancellation and joins
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

    const std::string& name() const { return name_; }
    JobControl& control() { return control_; }
    JobState state() const { return state_.load(); }
    bool is_done() const { return state() != JobState::Running; }
    // The failure message once the state is Failed (empty otherwise).
    std::string error() const;
    // Blocks until the job ends (CLI and tests only; the GUI polls is_done()).
    void wait();

private:
    std::string name_;
    JobControl control_;
    std::atomic<JobState> state_{JobState::Running};
    mutable std::mutex mutex_;
    std::string error_;
    std::thread thread_;
};

}  // namespace mlsys::core
