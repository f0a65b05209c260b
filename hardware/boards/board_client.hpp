// A synchronous client for a board speaking docs/PROTOCOL.md over a SerialPort: hello, stats, sensor
// streaming, chunked model upload with CRC checks and retries, inference. Used by the CLI, the labs and
// the board link thread; every wait has a timeout and every failure returns a message naming it.
#pragma once

#include "hardware/protocol/board_protocol.hpp"
#include "hardware/protocol/line_splitter.hpp"
#include "hardware/serial/serial_port.hpp"

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlsys::hardware {

struct BoardClientOptions {
    int baud = 115200;
    int hello_timeout_ms = 5000;  // a real Uno spends ~1.6 s in its bootloader after the open resets it
    int reply_timeout_ms = 2000;
    int chunk_retries = 3;
};

struct LinkCounters {
    int64_t n_lines = 0;        // lines received
    int64_t n_bad_lines = 0;    // lines the codec refused
    int64_t n_samples = 0;
    int64_t n_retries = 0;      // chunks sent again
    std::string last_bad;       // why the last bad line was refused ("bad_number: ...")
};

struct UploadReport {
    size_t n_bytes = 0;
    int n_chunks = 0;
    int n_retries = 0;
    std::string summary;  // the board's OK END fields, e.g. "bytes=436 layers=2 inputs=12 outputs=4"
};

class BoardClient {
public:
    BoardClient(std::unique_ptr<SerialPort> port, BoardClientOptions options = {});
    [[nodiscard]] static core::Result<std::unique_ptr<BoardClient>> open(const std::string& path, BoardClientOptions options = {});

    const std::string& path() const { return port_->path(); }
    SerialPort& port() { return *port_; }

    // Waits for the boot banner (briefly), then sends HELLO until a reply or hello_timeout_ms.
    [[nodiscard]] core::Result<HelloInfo> hello();
    [[nodiscard]] core::Result<StatsInfo> stats();
    [[nodiscard]] core::Result<StreamInfo> start_stream(const std::string& sensor, int rate_hz);
    [[nodiscard]] core::Status stop_stream();
    // Reads for duration_ms, passing each sample to on_sample (return false to stop early).
    [[nodiscard]] core::Status read_samples(int duration_ms, const std::function<bool(const SampleLine&)>& on_sample);
    // Uploads an MLB1 model in kModelChunkBytes chunks; `progress` gets bytes acknowledged so far.
    [[nodiscard]] core::Result<UploadReport> upload_model(const std::vector<uint8_t>& model,
                                                          const std::function<void(size_t, size_t)>& progress = {});
    [[nodiscard]] core::Result<InferReply> infer(const std::vector<int8_t>& input, int n_outputs);

    // Sends one line (a '\n' is added when missing) and waits for "OK <expect_ok>" or "ERR ...".
    [[nodiscard]] core::Result<OkLine> command(const std::string& line, const std::string& expect_ok);
    // Sends raw text (the serial monitor).
    [[nodiscard]] core::Status send_raw(const std::string& text);
    // Reads whatever lines arrive within timeout_ms (the monitor; samples also reach the sample handler).
    [[nodiscard]] core::Result<std::vector<std::string>> read_lines(int timeout_ms);

    // Called with every line received (the monitor, logs).
    void set_line_observer(std::function<void(const std::string&)> f) { observer_ = std::move(f); }
    // Called with samples that arrive while waiting for a reply.
    void set_sample_handler(std::function<void(const SampleLine&)> f) { sample_handler_ = std::move(f); }
    const LinkCounters& counters() const { return counters_; }

private:
    // Next line within the deadline: "" error text prefixed "timeout" when none came.
    core::Result<std::string> next_line(int timeout_ms);
    core::Status write_line(const std::string& line);

    std::unique_ptr<SerialPort> port_;
    BoardClientOptions options_;
    LineSplitter splitter_{kMaxLineBytes};
    std::deque<std::string> lines_;
    std::function<void(const std::string&)> observer_;
    std::function<void(const SampleLine&)> sample_handler_;
    LinkCounters counters_;
};

}  // namespace mlsys::hardware
