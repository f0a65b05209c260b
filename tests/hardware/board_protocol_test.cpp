// The board line codec: good lines parse to exact values; garbage, truncated, oversize and corrupted
// input each give the named LineError; a million random malformed lines never crash the codec.
#include "hardware/protocol/board_protocol.hpp"
#include "hardware/protocol/crc32.hpp"
#include "hardware/protocol/line_splitter.hpp"
#include "hardware/protocol/plotter_format.hpp"

#include "models/core/rng.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mlsys;
using namespace mlsys::hardware;

TEST_SUITE_BEGIN("hardware.protocol");

TEST_CASE("crc32 matches the IEEE check value") {
    const std::string s = "123456789";
    CHECK(crc32(reinterpret_cast<const uint8_t*>(s.data()), s.size()) == 0xCBF43926u);
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    CHECK(crc32_update(crc32(p, 4), p + 4, 5) == 0xCBF43926u);
}

TEST_CASE("good board lines parse to exact values") {
    auto r = parse_board_line("READY mlsys-board proto=1\r");
    REQUIRE(r.ok());
    CHECK(std::get<ReadyLine>(*r.line).protocol == 1);

    r = parse_board_line("OK HELLO board=arduino-uno fw=1.0.0 proto=1 mcu=atmega328p clock_hz=16000000 ram_bytes=2048 "
                         "flash_bytes=32768 sensors=imu,distance,analog model_max_bytes=1024 max_width=32");
    REQUIRE(r.ok());
    auto h = parse_hello(std::get<OkLine>(*r.line));
    REQUIRE(h.ok());
    CHECK(h->board == "arduino-uno");
    CHECK(h->clock_hz == 16000000);
    CHECK(h->ram_bytes == 2048);
    CHECK(h->sensors == std::vector<std::string>{"imu", "distance", "analog"});
    CHECK(h->model_max_bytes == 1024);
    CHECK(h->max_width == 32);

    r = parse_board_line("D 4294967295 -1000 0 1000 -150 7 2147483647");
    REQUIRE(r.ok());
    const auto& s = std::get<SampleLine>(*r.line);
    CHECK(s.t_us == 4294967295u);
    CHECK(s.values == std::vector<int32_t>{-1000, 0, 1000, -150, 7, 2147483647});

    r = parse_board_line("ERR 4 bad_crc chunk CRC-32 mismatch; resend it");
    REQUIRE(r.ok());
    const auto& e = std::get<ErrLine>(*r.line);
    CHECK(e.code == 4);
    CHECK(e.name == "bad_crc");
    CHECK(e.message == "chunk CRC-32 mismatch; resend it");

    r = parse_board_line("OK INFER class=2 cycles=5123 us=320 scores=-12,40,99,3");
    REQUIRE(r.ok());
    auto inf = parse_infer_reply(std::get<OkLine>(*r.line), 4);
    REQUIRE(inf.ok());
    CHECK(inf->predicted_class == 2);
    CHECK(inf->cycles == 5123);
    CHECK(inf->micros == 320);
    CHECK(inf->scores == std::vector<int8_t>{-12, 40, 99, 3});

    r = parse_board_line("# free text from the firmware");
    REQUIRE(r.ok());
    CHECK(std::get<TextLine>(*r.line).text == "free text from the firmware");
}

TEST_CASE("malformed board lines give named errors") {
    struct Case {
        std::string line;
        LineError error;
    };
    const Case cases[] = {
        {"", LineError::Empty},
        {"   ", LineError::Empty},
        {std::string(600, 'A'), LineError::TooLong},
        {std::string("OK HELLO\x01"), LineError::NotAscii},
        {std::string("D 1 2\xff"), LineError::NotAscii},
        {"Hello world", LineError::UnknownKind},
        {"ok hello", LineError::UnknownKind},
        {"OK", LineError::MissingField},
        {"READY", LineError::MissingField},
        {"READY mlsys-board", LineError::MissingField},
        {"READY mlsys-board proto=x", LineError::BadNumber},
        {"ERR", LineError::MissingField},
        {"ERR 4", LineError::MissingField},
        {"ERR x bad_crc", LineError::BadNumber},
        {"ERR 1000 too_big", LineError::BadNumber},
        {"D", LineError::MissingField},
        {"D 12", LineError::MissingField},
        {"D -1 5", LineError::BadNumber},
        {"D 4294967296 5", LineError::BadNumber},
        {"D 1 2147483648", LineError::BadNumber},
        {"D 1 12a", LineError::BadNumber},
        {"D 1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", LineError::TooManyValues},
        {"OK HELLO board", LineError::BadField},
        {"OK HELLO =x", LineError::BadField},
        {"OK HELLO a=1 a=2", LineError::BadField},
    };
    for (const auto& c : cases) {
        CAPTURE(c.line);
        const auto r = parse_board_line(c.line);
        CHECK_FALSE(r.ok());
        CHECK(std::string(to_string(r.failure.error)) == to_string(c.error));
        CHECK_FALSE(r.failure.detail.empty());
    }
}

TEST_CASE("typed replies refuse missing and out of range fields") {
    auto ok = [](const std::string& l) { return std::get<OkLine>(*parse_board_line(l).line); };
    CHECK(parse_hello(ok("OK HELLO board=x fw=1 mcu=m proto=1")).error().find("clock_hz") != std::string::npos);
    // The class index is checked against the host's output count, never trusted.
    auto inf = parse_infer_reply(ok("OK INFER class=7 cycles=1 us=1 scores=1,2,3,4"), 4);
    CHECK(inf.error().find("'class'") != std::string::npos);
    inf = parse_infer_reply(ok("OK INFER class=1 cycles=1 us=1 scores=1,2,3"), 4);
    CHECK(inf.error().find("3 scores, expected 4") != std::string::npos);
    inf = parse_infer_reply(ok("OK INFER class=1 cycles=1 us=1 scores=1,2,300,4"), 4);
    CHECK(inf.error().find("not an int8") != std::string::npos);
    auto st = parse_stream_reply(ok("OK STREAM sensor=imu rate_hz=50 channels=a,b units=mg"));
    CHECK(st.error().find("1 units for 2 channels") != std::string::npos);
}

TEST_CASE("commands are formatted as documented") {
    CHECK(format_stream("imu", 100) == "STREAM imu 100\n");
    CHECK(format_model_begin(436, 0xDEADBEEF) == "MODEL BEGIN 436 deadbeef\n");
    const uint8_t data[3] = {0x00, 0x7F, 0xFF};
    CHECK(format_model_chunk(48, data, 3) ==
          "MODEL CHUNK 48 3 " + encode_hex(reinterpret_cast<const uint8_t*>("\0\x7f\xff"), 0) +
              [&] { char b[9]; std::snprintf(b, 9, "%08x", crc32(data, 3)); return std::string(b); }() + " 007fff\n");
    CHECK(format_infer({0, -1, 127, -128}) == "INFER 4 00ff7f80\n");
    CHECK(decode_hex("00ff7F80") == std::vector<uint8_t>{0, 255, 127, 128});
    CHECK_FALSE(decode_hex("0").has_value());
    CHECK_FALSE(decode_hex("0g").has_value());
}

TEST_CASE("line splitter handles CRLF partial lines and overlong lines") {
    LineSplitter sp(8);
    std::vector<LineSplitter::Line> out;
    const std::string a = "OK A\r\nD 1";
    sp.feed(reinterpret_cast<const uint8_t*>(a.data()), a.size(), out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].text == "OK A");
    CHECK(sp.pending() == "D 1");
    const std::string b = " 2\rXXXXXXXXXXXXXXXX\nOK\n";
    sp.feed(reinterpret_cast<const uint8_t*>(b.data()), b.size(), out);
    REQUIRE(out.size() == 4);
    CHECK(out[1].text == "D 1 2");
    CHECK(out[2].overlong);
    CHECK(out[2].text == "XXXXXXXX");
    CHECK(out[3].text == "OK");
}

TEST_CASE("plotter and data forwarder lines") {
    auto s = parse_plotter_line("temp:21.5 humidity:40\r");
    REQUIRE(s.ok());
    CHECK(s->labels == std::vector<std::string>{"temp", "humidity"});
    CHECK(s->values == std::vector<double>{21.5, 40});
    s = parse_plotter_line("0.12,-0.98\t9.81");
    REQUIRE(s.ok());
    CHECK(s->values == std::vector<double>{0.12, -0.98, 9.81});
    CHECK(s->labels == std::vector<std::string>{"", "", ""});
    CHECK(parse_plotter_line("Starting sensor...").error().find("column 1") != std::string::npos);
    CHECK(parse_plotter_line("1 2 nan").error().find("column 5") != std::string::npos);
    CHECK(parse_plotter_line("x:").error().find("label without a value") != std::string::npos);
    CHECK(parse_plotter_line("   ").error() == "no values");
}

// A million malformed lines: mutations of valid lines (byte flips, truncation, duplication, random bytes).
// Checked: no crash (and, under MLSYS_SANITIZE, no sanitizer report), and every result is either a valid
// line or a failure with a detail.
TEST_CASE("codec survives a million malformed lines") {
    const std::string seeds[] = {
        "OK HELLO board=arduino-uno fw=1.0.0 proto=1 mcu=atmega328p clock_hz=16000000 ram_bytes=2048 flash_bytes=32768 "
        "sensors=imu model_max_bytes=1024 max_width=32",
        "OK INFER class=2 cycles=5123 us=320 scores=-12,40,99,3",
        "OK STREAM sensor=imu rate_hz=50 channels=ax,ay,az units=mg,mg,mg",
        "OK STATS free_ram_bytes=500 uptime_ms=1234 model_bytes=436",
        "D 123456 -1000 0 1000 -150 7 2",
        "ERR 5 out_of_order expected offset 48",
        "READY mlsys-board proto=1",
        "a:1 b:2,3\t4",
    };
    core::Rng rng(20261130);
    int64_t n_ok = 0, n_failed = 0;
    for (int i = 0; i < 1000000; ++i) {
        std::string s = seeds[rng.uniform_int(8)];
        const int n_mut = 1 + static_cast<int>(rng.uniform_int(4));
        for (int k = 0; k < n_mut; ++k) {
            switch (rng.uniform_int(5)) {
            case 0: if (!s.empty()) s[rng.uniform_int(s.size())] = static_cast<char>(rng.uniform_int(256)); break;
            case 1: s.resize(rng.uniform_int(s.size() + 1)); break;
            case 2: s += s.substr(rng.uniform_int(s.size() + 1)); break;
            case 3: s.insert(rng.uniform_int(s.size() + 1), 1, " =,:-9"[rng.uniform_int(6)]); break;
            default: if (!s.empty()) s.erase(rng.uniform_int(s.size()), 1 + rng.uniform_int(3)); break;
            }
        }
        const auto r = parse_board_line(s);
        if (r.ok()) {
            ++n_ok;
            if (const auto* ok = std::get_if<OkLine>(&*r.line)) {
                (void)parse_hello(*ok);
                (void)parse_infer_reply(*ok, 4);
                (void)parse_stream_reply(*ok);
                (void)parse_stats(*ok);
            }
        } else {
            ++n_failed;
            if (r.failure.detail.empty() && r.failure.error != LineError::Empty) FAIL("failure without detail: " << s);
        }
        (void)parse_plotter_line(s);
    }
    CHECK(n_ok + n_failed == 1000000);
    CHECK(n_failed > 100000);  // most mutations break a line
}
