// Board protocol codec: strict parsing of board lines and formatting of commands (docs/PROTOCOL.md).
#include "hardware/protocol/board_protocol.hpp"

#include "hardware/protocol/crc32.hpp"

#include <charconv>
#include <cstdio>
#include <limits>

namespace mlsys::hardware {

const char* to_string(LineError e) {
    switch (e) {
    case LineError::Empty: return "empty";
    case LineError::TooLong: return "too_long";
    case LineError::NotAscii: return "not_ascii";
    case LineError::UnknownKind: return "unknown_kind";
    case LineError::MissingField: return "missing_field";
    case LineError::BadNumber: return "bad_number";
    case LineError::BadField: return "bad_field";
    case LineError::TooManyValues: return "too_many_values";
    case LineError::BadHex: return "bad_hex";
    case LineError::BadLength: return "bad_length";
    case LineError::BadCrc: return "bad_crc";
    }
    return "?";
}

const std::string* OkLine::find(std::string_view key) const {
    for (const auto& [k, v] : fields)
        if (k == key) return &v;
    return nullptr;
}

namespace {

ParsedLine failed(LineError e, std::string detail) {
    ParsedLine p;
    p.failure = {e, std::move(detail)};
    return p;
}
ParsedLine good(BoardLine l) {
    ParsedLine p;
    p.line = std::move(l);
    return p;
}

// Splits on single or repeated spaces.
std::vector<std::string_view> split_spaces(std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        const size_t start = i;
        while (i < s.size() && s[i] != ' ') ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

template <class T>
bool parse_int(std::string_view s, T& out, T lo = std::numeric_limits<T>::min(), T hi = std::numeric_limits<T>::max()) {
    if (s.empty() || s.size() > 20) return false;
    const char* b = s.data();
    if (*b == '+') ++b;
    T v{};
    const auto [ptr, ec] = std::from_chars(b, s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return false;
    if (v < lo || v > hi) return false;
    out = v;
    return true;
}

std::string quoted(std::string_view s) {
    std::string q = "'";
    q.append(s.substr(0, 24));
    if (s.size() > 24) q += "...";
    return q + "'";
}

}  // namespace

ParsedLine parse_board_line(std::string_view text) {
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.size() > kMaxLineBytes)
        return failed(LineError::TooLong, std::to_string(text.size()) + " bytes (limit " + std::to_string(kMaxLineBytes) + ")");
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\t') continue;
        if (c < 0x20 || c > 0x7E) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "byte 0x%02X at column %zu", c, i + 1);
            return failed(LineError::NotAscii, buf);
        }
    }
    const auto tok = split_spaces(text);
    if (tok.empty()) return failed(LineError::Empty, "blank line");
    const std::string_view kind = tok[0];

    if (kind == "#") {
        const size_t at = text.find('#');
        std::string_view rest = text.substr(at + 1);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        return good(TextLine{std::string(rest)});
    }
    if (kind == "READY") {
        if (tok.size() < 3) return failed(LineError::MissingField, "READY needs a firmware name and proto=");
        ReadyLine r;
        r.firmware = std::string(tok[1]);
        const std::string_view p = tok[2];
        if (p.substr(0, 6) != "proto=") return failed(LineError::MissingField, "READY without proto=");
        if (!parse_int(p.substr(6), r.protocol, 0, 1000))
            return failed(LineError::BadNumber, "proto " + quoted(p.substr(6)));
        return good(r);
    }
    if (kind == "OK") {
        if (tok.size() < 2) return failed(LineError::MissingField, "OK without a command name");
        OkLine ok;
        ok.command = std::string(tok[1]);
        for (size_t i = 2; i < tok.size(); ++i) {
            const size_t eq = tok[i].find('=');
            if (eq == std::string_view::npos || eq == 0)
                return failed(LineError::BadField, "token " + quoted(tok[i]) + " is not key=value");
            const std::string key(tok[i].substr(0, eq));
            if (ok.find(key)) return failed(LineError::BadField, "key '" + key + "' repeated");
            if (ok.fields.size() >= 32) return failed(LineError::TooManyValues, "more than 32 fields");
            ok.fields.emplace_back(key, std::string(tok[i].substr(eq + 1)));
        }
        return good(ok);
    }
    if (kind == "ERR") {
        if (tok.size() < 3) return failed(LineError::MissingField, "ERR needs a code and a name");
        ErrLine e;
        if (!parse_int(tok[1], e.code, 0, 999)) return failed(LineError::BadNumber, "error code " + quoted(tok[1]));
        e.name = std::string(tok[2]);
        const size_t at = static_cast<size_t>(tok[2].data() + tok[2].size() - text.data());
        std::string_view rest = text.substr(at);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        e.message = std::string(rest);
        return good(e);
    }
    if (kind == "D") {
        if (tok.size() < 3) return failed(LineError::MissingField, "sample line needs a timestamp and values");
        if (tok.size() - 2 > static_cast<size_t>(kMaxSampleValues))
            return failed(LineError::TooManyValues, std::to_string(tok.size() - 2) + " values (limit " +
                                                        std::to_string(kMaxSampleValues) + ")");
        SampleLine s;
        if (!parse_int(tok[1], s.t_us)) return failed(LineError::BadNumber, "timestamp " + quoted(tok[1]));
        s.values.reserve(tok.size() - 2);
        for (size_t i = 2; i < tok.size(); ++i) {
            int32_t v = 0;
            if (!parse_int(tok[i], v)) return failed(LineError::BadNumber, "value " + std::to_string(i - 1) + " " + quoted(tok[i]));
            s.values.push_back(v);
        }
        return good(s);
    }
    return failed(LineError::UnknownKind, "line starts with " + quoted(kind));
}

std::string format_hello() { return "HELLO\n"; }
std::string format_stats() { return "STATS\n"; }
std::string format_stop() { return "STOP\n"; }
std::string format_stream(const std::string& sensor, int rate_hz) {
    return "STREAM " + sensor + " " + std::to_string(rate_hz) + "\n";
}
std::string format_model_begin(size_t n_bytes, uint32_t crc) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "MODEL BEGIN %zu %08x\n", n_bytes, crc);
    return buf;
}
std::string format_model_chunk(size_t offset, const uint8_t* data, size_t n_bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "MODEL CHUNK %zu %zu %08x ", offset, n_bytes, crc32(data, n_bytes));
    return buf + encode_hex(data, n_bytes) + "\n";
}
std::string format_model_end() { return "MODEL END\n"; }
std::string format_infer(const std::vector<int8_t>& input) {
    std::string hex;
    hex.reserve(input.size() * 2);
    for (int8_t v : input) {
        const auto b = static_cast<uint8_t>(v);
        hex += encode_hex(&b, 1);
    }
    return "INFER " + std::to_string(input.size()) + " " + hex + "\n";
}

std::optional<std::vector<uint8_t>> decode_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::vector<uint8_t> out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        const int hi = digit(hex[2 * i]);
        const int lo = digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    return out;
}

std::string encode_hex(const uint8_t* data, size_t n_bytes) {
    static const char* digits = "0123456789abcdef";
    std::string s(2 * n_bytes, '0');
    for (size_t i = 0; i < n_bytes; ++i) {
        s[2 * i] = digits[data[i] >> 4];
        s[2 * i + 1] = digits[data[i] & 15];
    }
    return s;
}

namespace {
core::Status need_int(const OkLine& ok, const char* key, int64_t& out, int64_t lo, int64_t hi) {
    const std::string* v = ok.find(key);
    if (!v) return core::fail("OK " + ok.command + ": missing field '" + key + "'");
    if (!parse_int<int64_t>(*v, out, lo, hi))
        return core::fail("OK " + ok.command + ": field '" + key + "' = " + quoted(*v) + " is not a number in " +
                          std::to_string(lo) + ".." + std::to_string(hi));
    return core::Status::success();
}
std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        const size_t c = s.find(',', start);
        const size_t end = c == std::string::npos ? s.size() : c;
        if (end > start) out.push_back(s.substr(start, end - start));
        if (c == std::string::npos) break;
        start = c + 1;
    }
    return out;
}
}  // namespace

core::Result<HelloInfo> parse_hello(const OkLine& ok) {
    if (ok.command != "HELLO") return core::fail("expected OK HELLO, got OK " + ok.command);
    HelloInfo h;
    for (const char* key : {"board", "fw", "mcu"})
        if (!ok.find(key)) return core::fail("OK HELLO: missing field '" + std::string(key) + "'");
    h.board = *ok.find("board");
    h.firmware = *ok.find("fw");
    h.mcu = *ok.find("mcu");
    int64_t v = 0;
    if (auto st = need_int(ok, "proto", v, 0, 1000); !st) return core::fail(st.error());
    h.protocol = static_cast<int>(v);
    if (auto st = need_int(ok, "clock_hz", h.clock_hz, 1, int64_t{10} * 1000 * 1000 * 1000); !st) return core::fail(st.error());
    if (auto st = need_int(ok, "ram_bytes", h.ram_bytes, 0, int64_t{1} << 40); !st) return core::fail(st.error());
    if (auto st = need_int(ok, "flash_bytes", h.flash_bytes, 0, int64_t{1} << 40); !st) return core::fail(st.error());
    if (auto st = need_int(ok, "model_max_bytes", h.model_max_bytes, 0, int64_t{1} << 32); !st) return core::fail(st.error());
    if (auto st = need_int(ok, "max_width", v, 1, 65535); !st) return core::fail(st.error());
    h.max_width = static_cast<int>(v);
    if (const auto* s = ok.find("sensors")) h.sensors = split_commas(*s);
    return h;
}

core::Result<StreamInfo> parse_stream_reply(const OkLine& ok) {
    if (ok.command != "STREAM") return core::fail("expected OK STREAM, got OK " + ok.command);
    StreamInfo s;
    if (!ok.find("sensor")) return core::fail("OK STREAM: missing field 'sensor'");
    s.sensor = *ok.find("sensor");
    int64_t v = 0;
    if (auto st = need_int(ok, "rate_hz", v, 1, 100000); !st) return core::fail(st.error());
    s.rate_hz = static_cast<int>(v);
    if (const auto* c = ok.find("channels")) s.channels = split_commas(*c);
    if (const auto* u = ok.find("units")) s.units = split_commas(*u);
    if (s.channels.empty() || s.channels.size() > static_cast<size_t>(kMaxSampleValues))
        return core::fail("OK STREAM: channels must list 1.." + std::to_string(kMaxSampleValues) + " names");
    if (!s.units.empty() && s.units.size() != s.channels.size())
        return core::fail("OK STREAM: " + std::to_string(s.units.size()) + " units for " +
                          std::to_string(s.channels.size()) + " channels");
    return s;
}

core::Result<InferReply> parse_infer_reply(const OkLine& ok, int n_outputs) {
    if (ok.command != "INFER") return core::fail("expected OK INFER, got OK " + ok.command);
    InferReply r;
    int64_t v = 0;
    if (auto st = need_int(ok, "class", v, 0, n_outputs - 1); !st) return core::fail(st.error());
    r.predicted_class = static_cast<int>(v);
    if (auto st = need_int(ok, "cycles", r.cycles, 0, int64_t{1} << 40); !st) return core::fail(st.error());
    if (auto st = need_int(ok, "us", r.micros, 0, int64_t{1} << 40); !st) return core::fail(st.error());
    const std::string* s = ok.find("scores");
    if (!s) return core::fail("OK INFER: missing field 'scores'");
    const auto parts = split_commas(*s);
    if (parts.size() != static_cast<size_t>(n_outputs))
        return core::fail("OK INFER: " + std::to_string(parts.size()) + " scores, expected " + std::to_string(n_outputs));
    for (const auto& p : parts) {
        int x = 0;
        if (!parse_int(p, x, -128, 127)) return core::fail("OK INFER: score " + quoted(p) + " is not an int8");
        r.scores.push_back(static_cast<int8_t>(x));
    }
    return r;
}

core::Result<StatsInfo> parse_stats(const OkLine& ok) {
    if (ok.command != "STATS") return core::fail("expected OK STATS, got OK " + ok.command);
    StatsInfo s;
    if (auto st = need_int(ok, "free_ram_bytes", s.free_ram_bytes, 0, int64_t{1} << 40); !st) return core::fail(st.error());
    if (auto st = need_int(ok, "uptime_ms", s.uptime_ms, 0, int64_t{1} << 50); !st) return core::fail(st.error());
    if (auto st = need_int(ok, "model_bytes", s.model_bytes, 0, int64_t{1} << 32); !st) return core::fail(st.error());
    s.has_model = s.model_bytes > 0;
    return s;
}

}  // namespace mlsys::hardware
