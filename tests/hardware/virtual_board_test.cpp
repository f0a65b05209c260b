// The virtual board end to end: the real firmware in simavr behind a pseudo-terminal, driven through the
// same client the app uses. HELLO, IMU streaming with the board's timestamps, chunked model upload with
// CRC checks, inference equal to the desktop's integer reference, cycles measured; the firmware's own
// error replies; unplugging and a board that never answers.
#include "hardware/boards/board_client.hpp"
#include "hardware/boards/board_model.hpp"
#include "hardware/protocol/crc32.hpp"
#include "hardware/virtual/virtual_board.hpp"

#include "models/core/rng.hpp"

#include <doctest/doctest.h>

#include <pty.h>
#include <unistd.h>

#include <cmath>

using namespace mlsys;
using namespace mlsys::hardware;

TEST_SUITE_BEGIN("hardware.virtual");

namespace {
struct Bench {
    std::unique_ptr<VirtualBoard> board;
    std::unique_ptr<BoardClient> client;
};
// speed 0: the simulation runs as fast as the host allows (tests measure simulated time, not wall time).
Bench connect(Motion motion = Motion::Idle, double speed = 0) {
    VirtualBoardConfig cfg;
    cfg.motion = motion;
    cfg.speed = speed;
    cfg.seed = 3;
    auto vb = VirtualBoard::start(cfg);
    REQUIRE_MESSAGE(vb.ok(), vb.error());
    auto c = BoardClient::open((*vb)->port_path());
    REQUIRE_MESSAGE(c.ok(), c.error());
    return {std::move(*vb), std::move(*c)};
}
}  // namespace

TEST_CASE("virtual board says hello with its identity") {
    auto b = connect();
    auto h = b.client->hello();
    REQUIRE_MESSAGE(h.ok(), h.error());
    CHECK(h->board == "arduino-uno");
    CHECK(h->mcu == "atmega328p");
    CHECK(h->protocol == kProtocolVersion);
    CHECK(h->clock_hz == 16000000);
    CHECK(h->ram_bytes == 2048);
    CHECK(h->sensors == std::vector<std::string>{"imu", "distance", "analog"});
    CHECK(h->model_max_bytes == 1024);
    CHECK(b.client->port().backend() == std::string("termios"));
    auto s = b.client->stats();
    REQUIRE_MESSAGE(s.ok(), s.error());
    CHECK(s->free_ram_bytes > 100);
    CHECK(s->free_ram_bytes < 2048);
    CHECK_FALSE(s->has_model);
    CHECK(b.board->stats().n_resets == 1);
}

TEST_CASE("virtual board streams two seconds of IMU samples") {
    auto b = connect(Motion::Idle);
    REQUIRE(b.client->hello().ok());
    auto info = b.client->start_stream("imu", 50);
    REQUIRE_MESSAGE(info.ok(), info.error());
    CHECK(info->channels == std::vector<std::string>{"ax", "ay", "az", "gx", "gy", "gz"});
    CHECK(info->units == std::vector<std::string>{"mg", "mg", "mg", "mdps", "mdps", "mdps"});
    std::vector<SampleLine> got;
    // 2 s of simulated time at 50 Hz = 100 samples. Read 100 and check by the board's own timestamps that
    // they span 99 periods of 20 ms (within 0.5%): counting the samples inside a 2 s window instead gives
    // 100 or 101 depending on the timer's phase.
    REQUIRE(b.client->read_samples(60000, [&](const SampleLine& s) {
        got.push_back(s);
        return got.size() < 100;
    }).ok());
    REQUIRE(got.size() == 100);
    const uint64_t span_us = got.back().t_us - got.front().t_us;
    CHECK(span_us > 1970000u);
    CHECK(span_us < 1990000u);
    for (size_t i = 1; i < got.size(); ++i) {
        CHECK(got[i].t_us - got[i - 1].t_us > 19000u);
        CHECK(got[i].t_us - got[i - 1].t_us < 21000u);
    }
    double mean_az = 0;
    for (const auto& s : got) {
        REQUIRE(s.values.size() == 6);
        CHECK(std::abs(s.values[0]) < 100);  // idle: no acceleration on x (mg; one ADC count is ~16 mg)
        mean_az += s.values[2] / 100.0;
    }
    CHECK(mean_az == doctest::Approx(1000).epsilon(0.03));  // gravity on z, 1 g
    REQUIRE(b.client->stop_stream().ok());
}

TEST_CASE("model upload in chunks and inference equal the desktop integer reference") {
    auto b = connect();
    REQUIRE(b.client->hello().ok());
    const BoardModel m = random_board_model({12, 16, 4}, 11);
    const auto bytes = write_board_model(m);
    size_t last_progress = 0;
    auto up = b.client->upload_model(bytes, [&](size_t done, size_t) { last_progress = done; });
    REQUIRE_MESSAGE(up.ok(), up.error());
    CHECK(up->n_chunks == static_cast<int>((bytes.size() + kModelChunkBytes - 1) / kModelChunkBytes));
    CHECK(up->n_retries == 0);
    CHECK(last_progress == bytes.size());
    CHECK(up->summary == "bytes=" + std::to_string(bytes.size()) + " layers=2 inputs=12 outputs=4");

    core::Rng rng(5);
    int64_t min_cycles = INT64_MAX, max_cycles = 0;
    for (int t = 0; t < 20; ++t) {
        std::vector<int8_t> x(12);
        for (auto& v : x) v = static_cast<int8_t>(static_cast<int>(rng.uniform_int(256)) - 128);
        auto r = b.client->infer(x, 4);
        REQUIRE_MESSAGE(r.ok(), r.error());
        const auto expect = infer_board_model(m, x);
        CHECK(r->scores == expect);
        CHECK(r->predicted_class == argmax_int8(expect));
        min_cycles = std::min(min_cycles, r->cycles);
        max_cycles = std::max(max_cycles, r->cycles);
        CHECK(r->micros == r->cycles / 16);
    }
    // 12x16 + 16x4 = 256 MACs and 20 requantizations: thousands of cycles on an 8-bit AVR.
    CHECK(min_cycles > 2000);
    CHECK(max_cycles < 60000);
    auto s = b.client->stats();
    REQUIRE(s.ok());
    CHECK(s->model_bytes == static_cast<int64_t>(bytes.size()));
}

TEST_CASE("firmware refuses bad chunks bad models and bad commands by name") {
    auto b = connect();
    REQUIRE(b.client->hello().ok());
    auto err = [&](const std::string& line, const std::string& ok) {
        auto r = b.client->command(line, ok);
        REQUIRE_FALSE(r.ok());
        return r.error();
    };
    CHECK(err("FLY", "FLY").find("board error 1 unknown_command") == 0);
    CHECK(err(std::string(200, 'A'), "A").find("board error 3 line_too_long") == 0);
    CHECK(err("INFER 2 0000", "INFER").find("no_model") != std::string::npos);
    CHECK(err("STREAM gps 10", "STREAM").find("bad_sensor") != std::string::npos);
    CHECK(err("STREAM imu 5000", "STREAM").find("bad_rate") != std::string::npos);
    CHECK(err("MODEL BEGIN 5000 00000000", "MODEL").find("too_large") != std::string::npos);
    CHECK(err("MODEL CHUNK 0 1 00000000 00", "CHUNK").find("no_upload") != std::string::npos);

    const auto bytes = write_board_model(random_board_model({4, 3}, 2));
    REQUIRE(b.client->command(format_model_begin(bytes.size(), crc32(bytes.data(), bytes.size())), "MODEL").ok());
    std::string bad = format_model_chunk(0, bytes.data(), 40);
    bad[bad.size() - 2] = bad[bad.size() - 2] == '0' ? '1' : '0';  // one payload digit changed
    CHECK(err(bad, "CHUNK").find("bad_crc") != std::string::npos);
    CHECK(err(format_model_chunk(8, bytes.data() + 8, 8), "CHUNK").find("out_of_order: expected offset 0") != std::string::npos);
    CHECK(err("MODEL END", "END").find("bad_length") != std::string::npos);

    // A model whose bytes arrive intact but whose layout is wrong: refused after the CRC check.
    auto broken = bytes;
    broken[16 + 2] = 99;  // n_in of layer 0 above max_width
    REQUIRE(b.client->command(format_model_begin(broken.size(), crc32(broken.data(), broken.size())), "MODEL").ok());
    for (size_t off = 0; off < broken.size(); off += kModelChunkBytes)
        REQUIRE(b.client->command(format_model_chunk(off, broken.data() + off, std::min(kModelChunkBytes, broken.size() - off)), "CHUNK").ok());
    CHECK(err("MODEL END", "END").find("bad_model: layer wider than max_width") != std::string::npos);
    // The board still answers after all of that.
    CHECK(b.client->hello().ok());
}

TEST_CASE("stopping the simulator mid stream gives disconnected") {
    auto b = connect(Motion::Terrestrial);
    REQUIRE(b.client->hello().ok());
    REQUIRE(b.client->start_stream("imu", 100).ok());
    int n = 0;
    REQUIRE(b.client->read_samples(30000, [&](const SampleLine&) { return ++n < 10; }).ok());
    b.board->stop();
    const auto st = b.client->read_samples(5000, [](const SampleLine&) { return true; });
    REQUIRE_FALSE(st.ok());
    CHECK(is_disconnect_error(st.error()));
}

TEST_CASE("a board that never answers times out with a clear message") {
    int master = -1, slave = -1;
    char name[256] = {};
    REQUIRE(openpty(&master, &slave, name, nullptr, nullptr) == 0);
    close(slave);
    BoardClientOptions opt;
    opt.hello_timeout_ms = 600;
    auto c = BoardClient::open(name, opt);
    REQUIRE_MESSAGE(c.ok(), c.error());
    auto h = (*c)->hello();
    REQUIRE_FALSE(h.ok());
    CHECK(h.error().find("timeout") == 0);
    CHECK(h.error().find("did not answer HELLO within 600 ms") != std::string::npos);
    close(master);
    CHECK(BoardClient::open("/dev/nonexistent-port").error().find("no such port") != std::string::npos);
}
