// BoardClient: request/reply over the line protocol with timeouts, retries and strict parsing.
#include "hardware/boards/board_client.hpp"

#include "hardware/protocol/crc32.hpp"

#include <chrono>

namespace mlsys::hardware {

namespace {
using Clock = std::chrono::steady_clock;
int ms_left(Clock::time_point deadline) {
    return static_cast<int>(std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
}
}  // namespace

BoardClient::BoardClient(std::unique_ptr<SerialPort> port, BoardClientOptions options)
    : port_(std::move(port)), options_(options) {}

core::Result<std::unique_ptr<BoardClient>> BoardClient::open(const std::string& path, BoardClientOptions options) {
    auto port = open_serial_port(path, options.baud);
    if (!port) return core::fail(port.error());
    return std::make_unique<BoardClient>(std::move(*port), options);
}

core::Status BoardClient::write_line(const std::string& line) {
    std::string l = line;
    if (l.empty() || l.back() != '\n') l.push_back('\n');
    return port_->write_all(reinterpret_cast<const uint8_t*>(l.data()), l.size(), options_.reply_timeout_ms);
}

core::Status BoardClient::send_raw(const std::string& text) { return write_line(text); }

core::Result<std::string> BoardClient::next_line(int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (lines_.empty()) {
        uint8_t buf[512];
        auto n = port_->read_some(buf, sizeof buf, ms_left(deadline));
        if (!n) return core::fail(n.error());
        if (*n > 0) {
            std::vector<LineSplitter::Line> got;
            splitter_.feed(buf, *n, got);
            for (auto& l : got) {
                ++counters_.n_lines;
                if (l.overlong) {
                    ++counters_.n_bad_lines;
                    counters_.last_bad = std::string(to_string(LineError::TooLong)) + ": line over " + std::to_string(kMaxLineBytes) + " bytes";
                    continue;
                }
                if (observer_) observer_(l.text);
                lines_.push_back(std::move(l.text));
            }
        }
        if (lines_.empty() && ms_left(deadline) == 0) return core::fail("timeout: no line from " + port_->path() + " within " + std::to_string(timeout_ms) + " ms");
    }
    std::string l = std::move(lines_.front());
    lines_.pop_front();
    return l;
}

core::Result<std::vector<std::string>> BoardClient::read_lines(int timeout_ms) {
    std::vector<std::string> out;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        auto l = next_line(ms_left(deadline));
        if (!l) {
            if (is_disconnect_error(l.error())) return core::fail(l.error());
            break;
        }
        const auto parsed = parse_board_line(*l);
        if (parsed.ok() && std::holds_alternative<SampleLine>(*parsed.line)) {
            ++counters_.n_samples;
            if (sample_handler_) sample_handler_(std::get<SampleLine>(*parsed.line));
        }
        out.push_back(std::move(*l));
        if (ms_left(deadline) == 0) break;
    }
    return out;
}

core::Result<OkLine> BoardClient::command(const std::string& line, const std::string& expect_ok) {
    if (auto st = write_line(line); !st) return core::fail(st.error());
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.reply_timeout_ms);
    std::string cmd = line.substr(0, line.find_first_of(" \n"));
    while (true) {
        auto l = next_line(ms_left(deadline));
        if (!l) {
            if (is_disconnect_error(l.error())) return core::fail(l.error());
            return core::fail("timeout: no reply to " + cmd + " from " + port_->path() + " within " +
                              std::to_string(options_.reply_timeout_ms) + " ms");
        }
        const auto parsed = parse_board_line(*l);
        if (!parsed.ok()) {
            if (parsed.failure.error != LineError::Empty) {
                ++counters_.n_bad_lines;
                counters_.last_bad = std::string(to_string(parsed.failure.error)) + ": " + parsed.failure.detail;
            }
            continue;
        }
        const BoardLine& bl = *parsed.line;
        if (const auto* ok = std::get_if<OkLine>(&bl)) {
            if (ok->command == expect_ok) return *ok;
            continue;  // a late reply to an earlier command
        }
        if (const auto* err = std::get_if<ErrLine>(&bl))
            return core::fail("board error " + std::to_string(err->code) + " " + err->name + ": " + err->message);
        if (const auto* s = std::get_if<SampleLine>(&bl)) {
            ++counters_.n_samples;
            if (sample_handler_) sample_handler_(*s);
        }
    }
}

core::Result<HelloInfo> BoardClient::hello() {
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.hello_timeout_ms);
    // The open resets an Uno (and the virtual board): give the banner a moment before talking.
    while (ms_left(deadline) > 0) {
        auto l = next_line(std::min(400, ms_left(deadline)));
        if (!l) {
            if (is_disconnect_error(l.error())) return core::fail(l.error());
            break;
        }
        const auto parsed = parse_board_line(*l);
        if (parsed.ok() && std::holds_alternative<ReadyLine>(*parsed.line)) break;
    }
    std::string last_error = "no reply";
    while (ms_left(deadline) > 0) {
        if (auto st = write_line(format_hello()); !st) return core::fail(st.error());
        const auto attempt_deadline = Clock::now() + std::chrono::milliseconds(std::min(600, ms_left(deadline)));
        while (ms_left(attempt_deadline) > 0) {
            auto l = next_line(ms_left(attempt_deadline));
            if (!l) {
                if (is_disconnect_error(l.error())) return core::fail(l.error());
                break;
            }
            const auto parsed = parse_board_line(*l);
            if (!parsed.ok()) continue;
            if (const auto* ok = std::get_if<OkLine>(&*parsed.line); ok && ok->command == "HELLO") {
                auto h = parse_hello(*ok);
                if (!h) return core::fail(h.error());
                if (h->protocol != kProtocolVersion)
                    return core::fail("board speaks protocol " + std::to_string(h->protocol) + ", this app speaks " +
                                      std::to_string(kProtocolVersion) + " (update the firmware)");
                return h;
            }
            if (const auto* err = std::get_if<ErrLine>(&*parsed.line)) last_error = "board error " + err->name;
        }
    }
    return core::fail("timeout: " + port_->path() + " did not answer HELLO within " + std::to_string(options_.hello_timeout_ms) +
                      " ms (" + last_error + "; is it running the MLSys firmware at " + std::to_string(options_.baud) + " baud?)");
}

core::Result<StatsInfo> BoardClient::stats() {
    auto ok = command(format_stats(), "STATS");
    if (!ok) return core::fail(ok.error());
    return parse_stats(*ok);
}

core::Result<StreamInfo> BoardClient::start_stream(const std::string& sensor, int rate_hz) {
    auto ok = command(format_stream(sensor, rate_hz), "STREAM");
    if (!ok) return core::fail(ok.error());
    return parse_stream_reply(*ok);
}

core::Status BoardClient::stop_stream() {
    auto ok = command(format_stop(), "STOP");
    if (!ok) return core::fail(ok.error());
    return core::Status::success();
}

core::Status BoardClient::read_samples(int duration_ms, const std::function<bool(const SampleLine&)>& on_sample) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(duration_ms);
    while (ms_left(deadline) > 0) {
        auto l = next_line(ms_left(deadline));
        if (!l) {
            if (is_disconnect_error(l.error())) return core::fail(l.error());
            break;
        }
        const auto parsed = parse_board_line(*l);
        if (!parsed.ok()) {
            ++counters_.n_bad_lines;
            counters_.last_bad = std::string(to_string(parsed.failure.error)) + ": " + parsed.failure.detail;
            continue;
        }
        if (const auto* s = std::get_if<SampleLine>(&*parsed.line)) {
            ++counters_.n_samples;
            if (!on_sample(*s)) break;
        }
    }
    return core::Status::success();
}

core::Result<UploadReport> BoardClient::upload_model(const std::vector<uint8_t>& model,
                                                     const std::function<void(size_t, size_t)>& progress) {
    UploadReport rep;
    rep.n_bytes = model.size();
    auto begin = command(format_model_begin(model.size(), crc32(model.data(), model.size())), "MODEL");
    if (!begin) return core::fail("MODEL BEGIN: " + begin.error());
    size_t offset = 0;
    while (offset < model.size()) {
        const size_t n = std::min(kModelChunkBytes, model.size() - offset);
        const std::string line = format_model_chunk(offset, model.data() + offset, n);
        int attempt = 0;
        while (true) {
            auto ok = command(line, "CHUNK");
            if (ok) {
                const std::string* next = ok->find("next");
                if (!next || *next != std::to_string(offset + n))
                    return core::fail("MODEL CHUNK at " + std::to_string(offset) + ": board acknowledged next=" + (next ? *next : "?"));
                break;
            }
            // A chunk that arrived but whose acknowledgement was lost: the board expects the next one.
            const std::string expected = "out_of_order: expected offset " + std::to_string(offset + n);
            if (ok.error().find(expected) != std::string::npos) break;
            if (is_disconnect_error(ok.error()) || ++attempt > options_.chunk_retries)
                return core::fail("MODEL CHUNK at " + std::to_string(offset) + ": " + ok.error());
            ++rep.n_retries;
            ++counters_.n_retries;
        }
        offset += n;
        ++rep.n_chunks;
        if (progress) progress(offset, model.size());
    }
    auto end = command(format_model_end(), "END");
    if (!end) return core::fail("MODEL END: " + end.error());
    for (const auto& [k, v] : end->fields) rep.summary += (rep.summary.empty() ? "" : " ") + k + "=" + v;
    return rep;
}

core::Result<InferReply> BoardClient::infer(const std::vector<int8_t>& input, int n_outputs) {
    auto ok = command(format_infer(input), "INFER");
    if (!ok) return core::fail(ok.error());
    return parse_infer_reply(*ok, n_outputs);
}

}  // namespace mlsys::hardware
