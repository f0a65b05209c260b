// The board line protocol (docs/PROTOCOL.md), desktop side: formats commands and strictly parses what a
// board sends. Never trusts a count, length or index from the wire: every number is range-checked and a
// malformed line yields a named LineError, never a crash.
#pragma once

#include "models/core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mlsys::hardware {

inline constexpr int kProtocolVersion = 1;
inline constexpr size_t kMaxLineBytes = 512;      // longest line the desktop accepts from a board
inline constexpr int kMaxSampleValues = 16;       // values per sample line
inline constexpr size_t kModelChunkBytes = 48;    // payload bytes per MODEL CHUNK (fits the firmware's line buffer)

// Why a line from a board was rejected.
enum class LineError {
    Empty,          // nothing but whitespace
    TooLong,        // longer than kMaxLineBytes
    NotAscii,       // a byte outside printable ASCII (line noise, wrong baud rate)
    UnknownKind,    // not READY/OK/ERR/D/# (a foreign sketch's output: try the plotter format)
    MissingField,   // a required field is absent or the line ends early
    BadNumber,      // a number that does not parse or is out of range
    BadField,       // a token that is not key=value, or a duplicated key
    TooManyValues,  // more values than the protocol allows
    BadHex,         // odd length or a non-hex digit in a payload
    BadLength,      // a payload whose length differs from the length it declares
    BadCrc,         // a payload whose CRC-32 differs from the one it declares
};
const char* to_string(LineError e);

struct LineFailure {
    LineError error = LineError::Empty;
    std::string detail;  // what was wrong, e.g. "field 'cycles': 'abc' is not a number"
};

// The firmware's boot banner: "READY mlsys-board proto=1".
struct ReadyLine {
    std::string firmware;
    int protocol = 0;
};
// A positive reply: "OK <COMMAND> key=value ...".
struct OkLine {
    std::string command;
    std::vector<std::pair<std::string, std::string>> fields;
    const std::string* find(std::string_view key) const;
};
// An error reply: "ERR <code> <name> <free text>".
struct ErrLine {
    int code = 0;
    std::string name;
    std::string message;
};
// A streamed sample: "D <t_us> <v1> ... <vn>" (board timestamp in microseconds, wraps at 2^32).
struct SampleLine {
    uint32_t t_us = 0;
    std::vector<int32_t> values;
};
// A log line from the firmware: "# free text".
struct TextLine {
    std::string text;
};
using BoardLine = std::variant<ReadyLine, OkLine, ErrLine, SampleLine, TextLine>;

struct ParsedLine {
    std::optional<BoardLine> line;  // set when the line is valid
    LineFailure failure;            // otherwise why not
    bool ok() const { return line.has_value(); }
};

// Parses one line (without its terminator; a trailing '\r' is ignored).
ParsedLine parse_board_line(std::string_view text);

// Commands, each a complete line ending in '\n'.
std::string format_hello();
std::string format_stats();
std::string format_stop();
std::string format_stream(const std::string& sensor, int rate_hz);
std::string format_model_begin(size_t n_bytes, uint32_t crc);
std::string format_model_chunk(size_t offset, const uint8_t* data, size_t n_bytes);
std::string format_model_end();
std::string format_infer(const std::vector<int8_t>& input);

// Typed views of replies; errors name the field.
struct HelloInfo {
    std::string board;      // e.g. "arduino-uno"
    std::string firmware;   // firmware version
    int protocol = 0;
    std::string mcu;        // e.g. "atmega328p"
    int64_t clock_hz = 0;
    int64_t ram_bytes = 0;
    int64_t flash_bytes = 0;
    std::vector<std::string> sensors;
    int64_t model_max_bytes = 0;
    int max_width = 0;      // widest layer the firmware's buffers take
};
[[nodiscard]] core::Result<HelloInfo> parse_hello(const OkLine& ok);

struct StreamInfo {
    std::string sensor;
    int rate_hz = 0;
    std::vector<std::string> channels;
    std::vector<std::string> units;
};
[[nodiscard]] core::Result<StreamInfo> parse_stream_reply(const OkLine& ok);

struct InferReply {
    int predicted_class = 0;
    std::vector<int8_t> scores;  // the last layer's int8 outputs
    int64_t cycles = 0;          // measured by the board's cycle counter around the kernel
    int64_t micros = 0;          // the same interval in microseconds
};
// `n_outputs` is what the host expects; a reply with another count is refused.
[[nodiscard]] core::Result<InferReply> parse_infer_reply(const OkLine& ok, int n_outputs);

struct StatsInfo {
    int64_t free_ram_bytes = 0;
    int64_t uptime_ms = 0;
    bool has_model = false;
    int64_t model_bytes = 0;
};
[[nodiscard]] core::Result<StatsInfo> parse_stats(const OkLine& ok);

// Decodes lowercase or uppercase hex; nullopt on odd length or a bad digit.
std::optional<std::vector<uint8_t>> decode_hex(std::string_view hex);
std::string encode_hex(const uint8_t* data, size_t n_bytes);

}  // namespace mlsys::hardware
