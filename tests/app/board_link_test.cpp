// BoardLink, the Board workspace's connection thread, against the virtual board: connect, stream into the
// plotter series, capture a labelled window, deploy and infer (equal to the desktop), and a simulator that
// is killed and restarted: a clean "lost" state, then an automatic reconnect.
#include "app/session/board_link.hpp"
#include "process.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace mlsys;
using namespace mlsys::session;

using mlsys::test::count_lines;

TEST_SUITE_BEGIN("app.board");

namespace {
// Polls the link's snapshots until `pred` holds (bounded: fails after `limit_s` seconds).
template <class Pred>
std::shared_ptr<const BoardSnapshot> wait_for(const BoardLink& link, Pred pred, double limit_s = 30) {
    const auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < limit_s) {
        auto s = link.snapshot();
        if (s && pred(*s)) return s;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return nullptr;
}
}  // namespace

TEST_CASE("board link streams captures deploys and infers on the virtual board") {
    const auto runs = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "board_link_runs";
    std::filesystem::remove_all(runs);
    BoardLink link;
    link.set_runs_dir(runs.string());
    hardware::VirtualBoardConfig cfg;
    cfg.speed = 0;
    cfg.motion = hardware::Motion::Maritime;
    REQUIRE(link.start_virtual(cfg).ok());
    auto s = wait_for(link, [](const BoardSnapshot& x) { return x.state == LinkState::Connected; });
    REQUIRE(s);
    CHECK(s->has_firmware);
    REQUIRE(s->hello);
    CHECK(s->hello->board == "arduino-uno");

    link.send(LinkStream{"imu", 50});
    s = wait_for(link, [](const BoardSnapshot& x) { return x.t_s.size() >= 20; });
    REQUIRE(s);
    CHECK(s->channels.size() == 6);
    CHECK(s->series.size() == 6);

    link.send(LinkCapture{"maritime", 1.0});
    s = wait_for(link, [](const BoardSnapshot& x) { return !x.captures.empty(); });
    REQUIRE(s);
    CHECK(s->captures[0].label == "maritime");
    CHECK(s->captures[0].n_samples == 50);
    CHECK(s->last_window.size() == 6);
    const auto caps = link.captures();
    REQUIRE(caps.size() == 1);
    CHECK(caps[0].rows.size() == 50);
    // The capture is recorded in the connection's Run (kind board) as Edge Impulse CSV: header + 50 rows.
    const std::filesystem::path run_dir = link.capture_run_dir();
    REQUIRE_FALSE(run_dir.empty());
    CHECK(run_dir.parent_path() == runs);
    CHECK(run_dir.filename().string().find("-board-capture-arduino-uno-") != std::string::npos);
    CHECK(count_lines(run_dir / "artifacts" / "captures" / "001-maritime.csv") == 51);
    link.send(LinkStop{});

    const auto m = hardware::random_board_model({6, 8, 4}, 9);
    link.send(LinkDeploy{m});
    s = wait_for(link, [](const BoardSnapshot& x) { return x.upload_progress >= 1.0 || x.upload_status.find("failed") != std::string::npos; });
    REQUIRE(s);
    CHECK(s->upload_status.find("Deployed and verified") == 0);
    link.send(LinkInfer{{{1, 2, 3, 4, 5, 6}, {-100, 50, 0, 127, -128, 9}}, {}});
    s = wait_for(link, [](const BoardSnapshot& x) { return x.n_infer == 2; });
    REQUIRE(s);
    CHECK(s->n_infer_equal == 2);
    CHECK(s->median_cycles > 0);
}

TEST_CASE("killing the virtual board gives lost and restarting it reconnects") {
    const auto dir = std::filesystem::path(MLSYS_TEST_TMP_DIR) / "board_link";
    std::filesystem::create_directories(dir);
    const std::string link_path = (dir / "vboard").string();
    hardware::VirtualBoardConfig cfg;
    cfg.speed = 0;
    cfg.link_path = link_path;
    auto vb = hardware::VirtualBoard::start(cfg);
    REQUIRE_MESSAGE(vb.ok(), vb.error());
    const auto runs = dir / "runs";
    std::filesystem::remove_all(runs);
    BoardLink link;
    link.set_runs_dir(runs.string());
    link.send(LinkConnect{link_path, 115200});
    REQUIRE(wait_for(link, [](const BoardSnapshot& x) { return x.state == LinkState::Connected; }));
    link.send(LinkStream{"imu", 100});
    REQUIRE(wait_for(link, [](const BoardSnapshot& x) { return x.t_s.size() >= 10; }));
    link.send(LinkCapture{"idle", 600});  // still recording when the board goes away
    REQUIRE(wait_for(link, [](const BoardSnapshot& x) { return x.capture_progress > 0; }));

    vb->reset();  // the simulator goes away mid-stream (its port and link disappear)
    auto s = wait_for(link, [](const BoardSnapshot& x) { return x.state == LinkState::Lost; });
    REQUIRE(s);
    CHECK(s->status.find("disconnected") == 0);
    CHECK_FALSE(s->streaming);
    const size_t kept = s->t_s.size();
    CHECK(kept >= 10);  // what was plotted so far is kept
    // The capture cut short is kept: in the snapshot, in captures() and in the Run.
    REQUIRE(s->captures.size() == 1);
    CHECK(s->captures[0].partial);
    const auto caps = link.captures();
    REQUIRE(caps.size() == 1);
    CHECK(caps[0].n_samples() >= 1);
    const std::filesystem::path run_dir = link.capture_run_dir();
    REQUIRE_FALSE(run_dir.empty());
    CHECK(count_lines(run_dir / "artifacts" / "captures" / "001-idle-partial.csv") == static_cast<int>(caps[0].n_samples()) + 1);

    auto vb2 = hardware::VirtualBoard::start(cfg);
    REQUIRE_MESSAGE(vb2.ok(), vb2.error());
    s = wait_for(link, [](const BoardSnapshot& x) { return x.state == LinkState::Connected && x.n_reconnects == 1 && x.streaming; });
    REQUIRE(s);
    CHECK(s->has_firmware);
}
