// Foundation tests: Result/Status, the seeded Rng, the Latest mailbox, CommandQueue and Job.
#include "models/core/job.hpp"
#include "models/core/result.hpp"
#include "models/core/rng.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

using namespace mlsys::core;

TEST_SUITE_BEGIN("models.core");

namespace {
Result<int> parse_positive(int v) {
    if (v <= 0) return fail("value must be positive, got " + std::to_string(v));
    return v;
}
}  // namespace

TEST_CASE("Result carries a value or a message") {
    auto ok = parse_positive(3);
    REQUIRE(ok.ok());
    CHECK(*ok == 3);
    auto bad = parse_positive(-1);
    CHECK_FALSE(bad.ok());
    CHECK(bad.error() == "value must be positive, got -1");
    Status s = fail("nope");
    CHECK_FALSE(s.ok());
    CHECK(s.error() == "nope");
    CHECK(Status::success().ok());
}

TEST_CASE("Rng is deterministic per seed and well distributed") {
    Rng a(42), b(42), c(43);
    for (int i = 0; i < 100; ++i) {
        uint64_t va = a.next_u64();
        CHECK(va == b.next_u64());
        (void)c.next_u64();
    }
    CHECK(Rng(42).next_u64() != Rng(43).next_u64());
    // The first outputs for seed 1, computed by an independent Python transcription of xoshiro256** seeded
    // through splitmix64, pin the algorithm: a change to it would silently change every seeded result.
    Rng one(1);
    CHECK(one.next_u64() == 12966619160104079557ULL);
    CHECK(one.next_u64() == 9600361134598540522ULL);
    // Moments of 200k normals and uniforms.
    Rng r(7);
    double sum = 0, sum2 = 0, usum = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        double x = r.normal();
        sum += x;
        sum2 += x * x;
        usum += r.uniform();
    }
    CHECK(std::abs(sum / n) < 0.01);
    CHECK(std::abs(sum2 / n - 1.0) < 0.02);
    CHECK(std::abs(usum / n - 0.5) < 0.005);
    // uniform_int covers its range without bias at n = 3.
    int counts[3] = {0, 0, 0};
    for (int i = 0; i < 30000; ++i) counts[r.uniform_int(3)]++;
    for (int k : counts) CHECK(std::abs(k - 10000) < 400);
}

TEST_CASE("Rng shuffle is a permutation and reproducible") {
    std::vector<int> v(100), w;
    for (int i = 0; i < 100; ++i) v[i] = i;
    w = v;
    Rng a(5), b(5);
    a.shuffle(v);
    b.shuffle(w);
    CHECK(v == w);
    std::vector<int> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < 100; ++i) CHECK(sorted[i] == i);
    int fixed_points = 0;
    for (int i = 0; i < 100; ++i) fixed_points += v[i] == i;
    CHECK(fixed_points < 10);
}

TEST_CASE("Latest gives readers the newest snapshot under concurrent publishing") {
    Latest<std::vector<int>> box;
    CHECK(box.get() == nullptr);
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int i = 1; i <= 20000; ++i) box.publish(std::vector<int>(8, i));
        done = true;
    });
    int last = 0;
    while (!done.load()) {
        auto snap = box.get();
        if (!snap) continue;
        // A snapshot is never torn: all elements equal, and versions never go backwards.
        for (int v : *snap) CHECK(v == (*snap)[0]);
        CHECK((*snap)[0] >= last);
        last = (*snap)[0];
    }
    writer.join();
    CHECK((*box.get())[0] == 20000);
    CHECK(box.version() == 20000);
}

TEST_CASE("CommandQueue drains in order") {
    CommandQueue<int> q;
    q.push(1);
    q.push(2);
    q.push(3);
    auto got = q.drain();
    CHECK(got == std::vector<int>{1, 2, 3});
    CHECK(q.drain().empty());
}

TEST_CASE("Job finishes - fails - cancels and pauses cooperatively") {
    {
        Job job("ok", [](JobControl& c) {
            c.set_progress(1.0);
            return Status::success();
        });
        job.wait();
        CHECK(job.state() == JobState::Finished);
        CHECK(job.control().progress() == 1.0);
    }
    {
        Job job("fails", [](JobControl&) -> Status { return fail("dataset missing"); });
        job.wait();
        CHECK(job.state() == JobState::Failed);
        CHECK(job.error() == "dataset missing");
    }
    {
        Job job("throws", [](JobControl&) -> Status { throw std::runtime_error("boom"); });
        job.wait();
        CHECK(job.state() == JobState::Failed);
        CHECK(job.error().find("boom") != std::string::npos);
    }
    {
        std::atomic<int> steps{0};
        Job job("loops", [&](JobControl& c) {
            while (c.checkpoint()) steps++;
            return Status::success();
        });
        while (steps.load() < 10) std::this_thread::yield();
        job.control().set_paused(true);
        job.control().request_cancel();  // cancel must wake a paused job
        job.wait();
        CHECK(job.state() == JobState::Cancelled);
    }
}

TEST_SUITE_END();
