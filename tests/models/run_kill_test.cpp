// Crash safety: a child process appends metrics, events and artifacts in a tight loop and is killed
// with SIGKILL at an arbitrary moment; every file it leaves must still parse (complete lines, or a
// truncated last line reported as such, never a corrupt middle) and every artifact must be whole.
#include "models/io/run_log.hpp"
#include "models/io/run_reader.hpp"

#include "models/core/files.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace mlsys::models;
namespace fs = std::filesystem;

TEST_SUITE_BEGIN("models.runs");

namespace {

constexpr int kArtifactBytes = 256 * 1024;

std::string artifact_payload(int version) { return std::string(kArtifactBytes, static_cast<char>('a' + version % 26)); }

// The child: logs forever (bounded), telling the parent through `fd` its run directory and when
// `signal_after` rows are written. Never returns; uses no doctest.
[[noreturn]] void child_main(const fs::path& root, int fd, int signal_after) {
    auto run = RunWriter::create(root, "train", "killed", {{"seed", 1}});
    if (!run) ::_exit(3);
    const std::string dir = run->dir().string() + "\n";
    if (::write(fd, dir.data(), dir.size()) != static_cast<ssize_t>(dir.size())) ::_exit(4);
    const std::string padding(200, 'p');  // longer lines widen the window for a torn write
    for (int step = 0; step < 5'000'000; ++step) {
        if (!run->append_metrics(step, {{"loss", step * 0.5}, {"acc", step / 1e6}})) ::_exit(5);
        if (step % 10 == 0 && !run->append_event("tick", {{"step", step}, {"padding", padding}})) ::_exit(6);
        if (step % 97 == 0 && !run->write_artifact("checkpoint.bin", artifact_payload(step / 97))) ::_exit(7);
        if (step == signal_after && ::write(fd, "!", 1) != 1) ::_exit(8);
    }
    ::_exit(0);
}

std::string read_line(int fd) {
    std::string s;
    char c = 0;
    while (::read(fd, &c, 1) == 1 && c != '\n') s += c;
    return s;
}

}  // namespace

TEST_CASE("SIGKILL mid-append leaves a run whose files all parse") {
    const fs::path root = fs::path(MLSYS_TEST_TMP_DIR) / "runlog-kill";
    fs::remove_all(root);
    for (int trial = 0; trial < 6; ++trial) {
        CAPTURE(trial);
        const int signal_after = 150 + trial * 173;
        int pipe_fd[2];
        REQUIRE(::pipe(pipe_fd) == 0);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(pipe_fd[0]);
            child_main(root, pipe_fd[1], signal_after);
        }
        ::close(pipe_fd[1]);
        const fs::path dir = read_line(pipe_fd[0]);
        char mark = 0;
        const bool signalled = ::read(pipe_fd[0], &mark, 1) == 1;
        // Kill it while it is still writing (it has millions of rows to go).
        ::kill(pid, SIGKILL);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        ::close(pipe_fd[0]);
        REQUIRE_MESSAGE(signalled, "child exited early with status ", WEXITSTATUS(status));
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGKILL);

        auto r = read_run(dir);
        REQUIRE_MESSAGE(r.ok(), r.error());
        CHECK(r->status == RunStatus::Incomplete);  // the lock died with the process
        CHECK(r->config["seed"] == 1);
        // Only an interrupted last line or an interrupted artifact write may be damaged.
        int truncated_metrics = 0, truncated_events = 0;
        for (const auto& d : r->damage) {
            CAPTURE(d.file);
            CAPTURE(d.line);
            CAPTURE(d.reason);
            const bool last_line = d.reason.rfind("truncated last line", 0) == 0;
            const bool temp = d.reason.rfind("leftover temporary file", 0) == 0 && d.file.rfind("artifacts/", 0) == 0;
            CHECK((last_line || temp));
            truncated_metrics += last_line && d.file == "metrics.csv";
            truncated_events += last_line && d.file == "events.jsonl";
        }
        CHECK(truncated_metrics <= 1);
        CHECK(truncated_events <= 1);

        // Every complete row is there, in order, with exactly the values written.
        const int rows = r->metrics.n_rows();
        CHECK(rows > signal_after);
        const auto* loss = r->metrics.column("loss");
        const auto* acc = r->metrics.column("acc");
        REQUIRE(loss != nullptr);
        REQUIRE(acc != nullptr);
        int wrong = 0;
        for (int i = 0; i < rows; ++i) {
            wrong += r->metrics.step[static_cast<size_t>(i)] != i;
            wrong += (*loss)[static_cast<size_t>(i)] != i * 0.5;
            wrong += (*acc)[static_cast<size_t>(i)] != i / 1e6;
        }
        CHECK(wrong == 0);
        // Events: run_started, then ticks in order (artifact events in between).
        REQUIRE_FALSE(r->events.empty());
        CHECK(r->events[0]["type"] == "run_started");
        int expected_tick = 0, bad_ticks = 0;
        for (const auto& e : r->events)
            if (e["type"] == "tick") {
                bad_ticks += e["step"] != expected_tick;
                expected_tick += 10;
            }
        CHECK(bad_ticks == 0);
        CHECK(expected_tick > signal_after - 10);
        // The artifact, if present, is one whole version (atomic rename), never a torn mix.
        if (fs::exists(dir / "artifacts" / "checkpoint.bin")) {
            auto bytes = mlsys::core::read_file(dir / "artifacts" / "checkpoint.bin");
            REQUIRE(bytes.ok());
            CHECK(bytes->size() == static_cast<size_t>(kArtifactBytes));
            CHECK(bytes->find_first_not_of((*bytes)[0]) == std::string::npos);
        }
    }
    CHECK(list_runs(root).size() == 6);
}

TEST_SUITE_END();
