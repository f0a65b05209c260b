// The board protocol, firmware side (docs/PROTOCOL.md): line reader, command dispatch, sensor streaming,
// chunked model upload with CRC-32 checks, and the int8 dense kernel. Must match the desktop's integer
// reference (hardware/boards/board_model.cpp) bit for bit. Portable: strings live in flash on AVR.
#include "board_core.h"

#include "board_io.h"

#include <string.h>

#if defined(__AVR__)
#include <avr/pgmspace.h>
#define FS(s) PSTR(s)
#define str_eq_f(a, f) (strcmp_P((a), (f)) == 0)
#else
#define FS(s) (s)
#define str_eq_f(a, f) (strcmp((a), (f)) == 0)
#define pgm_read_byte(p) (*(const uint8_t*)(p))
#endif

namespace {

// [SECTION] output helpers ----------------------------------------------------------------------------
void out_f(const char* flash_str) {
    char c;
    while ((c = static_cast<char>(pgm_read_byte(flash_str++))) != 0) io_write(&c, 1);
}
void out_ch(char c) { io_write(&c, 1); }
void out_u32(uint32_t v) {
    char buf[11];
    uint8_t n = 0;
    do {
        buf[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) out_ch(buf[--n]);
}
void out_i32(int32_t v) {
    if (v < 0) {
        out_ch('-');
        out_u32(static_cast<uint32_t>(0) - static_cast<uint32_t>(v));
    } else {
        out_u32(static_cast<uint32_t>(v));
    }
}
void out_err(uint8_t code, const char* flash_name, const char* flash_msg) {
    out_f(FS("ERR "));
    out_u32(code);
    out_ch(' ');
    out_f(flash_name);
    out_ch(' ');
    out_f(flash_msg);
    out_ch('\n');
}

// Error codes (docs/PROTOCOL.md "Errors").
enum : uint8_t {
    kErrUnknownCommand = 1,
    kErrBadArgument = 2,
    kErrLineTooLong = 3,
    kErrBadCrc = 4,
    kErrOutOfOrder = 5,
    kErrTooLarge = 6,
    kErrNoModel = 7,
    kErrBadModel = 8,
    kErrBadLength = 9,
    kErrNoUpload = 10,
};

// [SECTION] state ------------------------------------------------------------------------------------
char line[MLSYS_LINE_MAX + 1];
uint8_t line_len = 0;
bool line_overflow = false;

uint8_t model[MLSYS_MODEL_MAX_BYTES];
uint16_t model_bytes = 0;        // a validated model of this size is loaded (0: none)
bool upload_active = false;
uint16_t upload_total = 0;
uint16_t upload_received = 0;
uint32_t upload_crc = 0;

uint8_t stream_sensor = 0xFF;    // 0xFF: not streaming
uint32_t stream_period_us = 0;
uint32_t stream_next_us = 0;

int8_t act_a[MLSYS_MAX_WIDTH];
int8_t act_b[MLSYS_MAX_WIDTH];
int8_t infer_in[MLSYS_MAX_WIDTH];
int8_t infer_out[MLSYS_MAX_WIDTH];

// [SECTION] parsing ----------------------------------------------------------------------------------
bool parse_u32(const char* s, uint32_t& out) {
    if (!s || !*s) return false;
    uint32_t v = 0;
    for (; *s; ++s) {
        if (*s < '0' || *s > '9') return false;
        const uint32_t d = static_cast<uint32_t>(*s - '0');
        if (v > (0xFFFFFFFFu - d) / 10u) return false;
        v = v * 10u + d;
    }
    out = v;
    return true;
}
int8_t hex_digit(char c) {
    if (c >= '0' && c <= '9') return static_cast<int8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<int8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<int8_t>(c - 'A' + 10);
    return -1;
}
// Decodes exactly n bytes of hex from s into out; false on a bad digit or a length mismatch.
bool parse_hex_bytes(const char* s, uint8_t* out, uint16_t n) {
    if (strlen(s) != 2u * n) return false;
    for (uint16_t i = 0; i < n; ++i) {
        const int8_t hi = hex_digit(s[2 * i]);
        const int8_t lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<uint8_t>((hi << 4) | lo);
    }
    return true;
}
bool parse_hex_u32(const char* s, uint32_t& out) {
    if (strlen(s) != 8) return false;
    uint32_t v = 0;
    for (uint8_t i = 0; i < 8; ++i) {
        const int8_t d = hex_digit(s[i]);
        if (d < 0) return false;
        v = (v << 4) | static_cast<uint8_t>(d);
    }
    out = v;
    return true;
}

uint32_t crc32_update(uint32_t crc, const uint8_t* data, uint16_t n) {
    crc = ~crc;
    for (uint16_t i = 0; i < n; ++i) {
        crc ^= data[i];
        for (uint8_t k = 0; k < 8; ++k) crc = (crc & 1u) ? (0xEDB88320u ^ (crc >> 1)) : (crc >> 1);
    }
    return ~crc;
}

uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (static_cast<uint16_t>(p[1]) << 8)); }
uint32_t rd32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
           (static_cast<uint32_t>(p[3]) << 24);
}

// [SECTION] model ------------------------------------------------------------------------------------
// Checks the MLB1 layout of model[0..n) without trusting any field; returns a flash message or nullptr.
const char* validate_model(const uint8_t* m, uint16_t n) {
    if (n < 16) return FS("shorter than the header");
    if (m[0] != 'M' || m[1] != 'L' || m[2] != 'B' || m[3] != '1') return FS("bad magic");
    if (m[4] != 1) return FS("unsupported version");
    if (m[5] != 0) return FS("unknown rounding mode");
    const uint8_t n_layers = m[6];
    if (n_layers < 1 || n_layers > 8) return FS("n_layers must be 1..8");
    uint16_t at = 16;
    uint16_t prev_out = 0;
    int8_t prev_zp = 0;
    for (uint8_t l = 0; l < n_layers; ++l) {
        if (n - at < 10) return FS("truncated layer header");
        const uint8_t* h = m + at;
        if (h[0] != 1) return FS("unknown layer kind");
        const uint16_t n_in = rd16(h + 2);
        const uint16_t n_out = rd16(h + 4);
        if (n_in < 1 || n_in > MLSYS_MAX_WIDTH || n_out < 1 || n_out > MLSYS_MAX_WIDTH)
            return FS("layer wider than max_width");
        if (l > 0 && (n_in != prev_out || static_cast<int8_t>(h[6]) != prev_zp)) return FS("layers do not chain");
        if (static_cast<int8_t>(h[8]) > static_cast<int8_t>(h[9])) return FS("act_min > act_max");
        at += 10;
        const uint16_t need = static_cast<uint16_t>(n_in * n_out + 9u * n_out);
        if (n - at < need) return FS("truncated layer");
        const uint8_t* shifts = m + at + n_in * n_out + 8u * n_out;
        for (uint16_t o = 0; o < n_out; ++o)
            if (shifts[o] < 1 || shifts[o] > 62) return FS("shift outside 1..62");
        at += need;
        prev_out = n_out;
        prev_zp = static_cast<int8_t>(h[7]);
    }
    if (at != n) return FS("trailing bytes");
    return nullptr;
}

uint16_t model_inputs(const uint8_t* m) { return rd16(m + 16 + 2); }
uint16_t model_outputs(const uint8_t* m) {
    const uint8_t* p = m + 16;
    uint16_t n_out = 0;
    for (uint8_t l = 0; l < m[6]; ++l) {
        const uint16_t n_in = rd16(p + 2);
        n_out = rd16(p + 4);
        p += 10 + n_in * n_out + 9u * n_out;
    }
    return n_out;
}

}  // namespace

uint8_t core_infer(const uint8_t* m, const int8_t* input, int8_t* output) {
    const uint8_t n_layers = m[6];
    const uint8_t* p = m + 16;
    const int8_t* x = input;
    uint16_t n_out = 0;
    for (uint8_t l = 0; l < n_layers; ++l) {
        const uint16_t n_in = rd16(p + 2);
        n_out = rd16(p + 4);
        const int8_t in_zp = static_cast<int8_t>(p[6]);
        const int8_t out_zp = static_cast<int8_t>(p[7]);
        const int8_t act_min = static_cast<int8_t>(p[8]);
        const int8_t act_max = static_cast<int8_t>(p[9]);
        const int8_t* w = reinterpret_cast<const int8_t*>(p + 10);
        const uint8_t* bias = p + 10 + n_in * n_out;
        const uint8_t* mult = bias + 4u * n_out;
        const uint8_t* shift = mult + 4u * n_out;
        int8_t* y = (l + 1 == n_layers) ? output : (x == act_a ? act_b : act_a);
        for (uint16_t o = 0; o < n_out; ++o) {
            int32_t acc = static_cast<int32_t>(rd32(bias + 4u * o));
            const int8_t* row = w + o * n_in;
            for (uint16_t i = 0; i < n_in; ++i) {
                // |w| <= 128 and |x - zp| <= 255, so the product fits 16 bits (a fast AVR multiply).
                const int16_t d = static_cast<int16_t>(x[i] - in_zp);
                acc += static_cast<int16_t>(static_cast<int16_t>(row[i]) * d);
            }
            const uint8_t s = shift[o];
            const int64_t prod = static_cast<int64_t>(acc) * static_cast<int32_t>(rd32(mult + 4u * o));
            int64_t v = ((prod + (static_cast<int64_t>(1) << (s - 1))) >> s) + out_zp;
            if (v < act_min) v = act_min;
            if (v > act_max) v = act_max;
            y[o] = static_cast<int8_t>(v);
        }
        p = shift + n_out;
        x = y;
    }
    uint8_t best = 0;
    for (uint16_t o = 1; o < n_out; ++o)
        if (output[o] > output[best]) best = static_cast<uint8_t>(o);
    return best;
}

namespace {

// [SECTION] commands ---------------------------------------------------------------------------------
void cmd_hello() {
    const BoardIdentity& id = io_identity();
    out_f(FS("OK HELLO board="));
    out_f(id.board);
    out_f(FS(" fw=" MLSYS_FIRMWARE_VERSION " proto="));
    out_u32(MLSYS_PROTOCOL_VERSION);
    out_f(FS(" mcu="));
    out_f(id.mcu);
    out_f(FS(" clock_hz="));
    out_u32(id.clock_hz);
    out_f(FS(" ram_bytes="));
    out_u32(id.ram_bytes);
    out_f(FS(" flash_bytes="));
    out_u32(id.flash_bytes);
    out_f(FS(" sensors="));
    for (uint8_t i = 0; i < io_sensor_count(); ++i) {
        if (i) out_ch(',');
        out_f(io_sensor(i).name);
    }
    out_f(FS(" model_max_bytes="));
    out_u32(MLSYS_MODEL_MAX_BYTES);
    out_f(FS(" max_width="));
    out_u32(MLSYS_MAX_WIDTH);
    out_ch('\n');
}

void cmd_stats() {
    out_f(FS("OK STATS free_ram_bytes="));
    out_u32(io_free_ram());
    out_f(FS(" uptime_ms="));
    out_u32(io_micros() / 1000u);
    out_f(FS(" model_bytes="));
    out_u32(model_bytes);
    out_ch('\n');
}

void cmd_stream(char** tok, uint8_t n_tok) {
    if (n_tok != 3) return out_err(kErrBadArgument, FS("bad_argument"), FS("usage: STREAM <sensor> <rate_hz>"));
    uint8_t index = 0xFF;
    for (uint8_t i = 0; i < io_sensor_count(); ++i)
        if (str_eq_f(tok[1], io_sensor(i).name)) index = i;
    if (index == 0xFF) return out_err(kErrBadArgument, FS("bad_sensor"), FS("no such sensor (see HELLO)"));
    uint32_t rate = 0;
    if (!parse_u32(tok[2], rate) || rate < 1 || rate > io_sensor(index).max_rate_hz)
        return out_err(kErrBadArgument, FS("bad_rate"), FS("rate_hz outside 1..max for this sensor"));
    const SensorInfo& s = io_sensor(index);
    out_f(FS("OK STREAM sensor="));
    out_f(s.name);
    out_f(FS(" rate_hz="));
    out_u32(rate);
    out_f(FS(" channels="));
    out_f(s.channels);
    out_f(FS(" units="));
    out_f(s.units);
    out_ch('\n');
    stream_sensor = index;
    stream_period_us = 1000000u / rate;
    stream_next_us = io_micros();  // after the reply went out: the first sample is not late
}

void cmd_model(char** tok, uint8_t n_tok) {
    if (n_tok >= 2 && str_eq_f(tok[1], FS("BEGIN"))) {
        uint32_t n = 0, crc = 0;
        if (n_tok != 4 || !parse_u32(tok[2], n) || !parse_hex_u32(tok[3], crc))
            return out_err(kErrBadArgument, FS("bad_argument"), FS("usage: MODEL BEGIN <bytes> <crc32>"));
        if (n < 16 || n > MLSYS_MODEL_MAX_BYTES) return out_err(kErrTooLarge, FS("too_large"), FS("bytes outside 16..model_max_bytes"));
        model_bytes = 0;
        upload_active = true;
        upload_total = static_cast<uint16_t>(n);
        upload_received = 0;
        upload_crc = crc;
        out_f(FS("OK MODEL bytes="));
        out_u32(n);
        out_ch('\n');
        return;
    }
    if (n_tok >= 2 && str_eq_f(tok[1], FS("CHUNK"))) {
        if (!upload_active) return out_err(kErrNoUpload, FS("no_upload"), FS("MODEL BEGIN first"));
        uint32_t offset = 0, len = 0, crc = 0;
        if (n_tok != 6 || !parse_u32(tok[2], offset) || !parse_u32(tok[3], len) || !parse_hex_u32(tok[4], crc))
            return out_err(kErrBadArgument, FS("bad_argument"), FS("usage: MODEL CHUNK <offset> <bytes> <crc32> <hex>"));
        if (offset != upload_received) {
            out_f(FS("ERR 5 out_of_order expected offset "));
            out_u32(upload_received);
            out_ch('\n');
            return;
        }
        if (len < 1 || len > MLSYS_CHUNK_MAX || offset + len > upload_total)
            return out_err(kErrBadLength, FS("bad_length"), FS("chunk bytes outside 1..48 or past the end"));
        uint8_t* dst = model + offset;
        if (!parse_hex_bytes(tok[5], dst, static_cast<uint16_t>(len)))
            return out_err(kErrBadLength, FS("bad_length"), FS("hex payload does not hold the declared bytes"));
        if (crc32_update(0, dst, static_cast<uint16_t>(len)) != crc)
            return out_err(kErrBadCrc, FS("bad_crc"), FS("chunk CRC-32 mismatch; resend it"));
        upload_received = static_cast<uint16_t>(upload_received + len);
        out_f(FS("OK CHUNK next="));
        out_u32(upload_received);
        out_ch('\n');
        return;
    }
    if (n_tok == 2 && str_eq_f(tok[1], FS("END"))) {
        if (!upload_active) return out_err(kErrNoUpload, FS("no_upload"), FS("MODEL BEGIN first"));
        upload_active = false;
        if (upload_received != upload_total) return out_err(kErrBadLength, FS("bad_length"), FS("upload incomplete"));
        if (crc32_update(0, model, upload_total) != upload_crc)
            return out_err(kErrBadCrc, FS("bad_crc"), FS("model CRC-32 mismatch"));
        const char* why = validate_model(model, upload_total);
        if (why) return out_err(kErrBadModel, FS("bad_model"), why);
        model_bytes = upload_total;
        out_f(FS("OK END bytes="));
        out_u32(model_bytes);
        out_f(FS(" layers="));
        out_u32(model[6]);
        out_f(FS(" inputs="));
        out_u32(model_inputs(model));
        out_f(FS(" outputs="));
        out_u32(model_outputs(model));
        out_ch('\n');
        return;
    }
    out_err(kErrBadArgument, FS("bad_argument"), FS("usage: MODEL BEGIN|CHUNK|END"));
}

void cmd_infer(char** tok, uint8_t n_tok) {
    if (model_bytes == 0) return out_err(kErrNoModel, FS("no_model"), FS("upload a model first"));
    uint32_t n = 0;
    if (n_tok != 3 || !parse_u32(tok[1], n)) return out_err(kErrBadArgument, FS("bad_argument"), FS("usage: INFER <n> <hex>"));
    if (n != model_inputs(model)) return out_err(kErrBadLength, FS("bad_length"), FS("input count differs from the model's"));
    if (!parse_hex_bytes(tok[2], reinterpret_cast<uint8_t*>(infer_in), static_cast<uint16_t>(n)))
        return out_err(kErrBadLength, FS("bad_length"), FS("hex payload does not hold n bytes"));
    const uint32_t c0 = io_cycles();
    const uint8_t cls = core_infer(model, infer_in, infer_out);
    const uint32_t cycles = io_cycles() - c0;
    out_f(FS("OK INFER class="));
    out_u32(cls);
    out_f(FS(" cycles="));
    out_u32(cycles);
    out_f(FS(" us="));
    out_u32(cycles / (io_identity().clock_hz / 1000000u));
    out_f(FS(" scores="));
    const uint16_t n_out = model_outputs(model);
    for (uint16_t o = 0; o < n_out; ++o) {
        if (o) out_ch(',');
        out_i32(infer_out[o]);
    }
    out_ch('\n');
}

void handle_line() {
    char* tok[6];
    uint8_t n_tok = 0;
    char* p = line;
    while (*p && n_tok < 6) {
        while (*p == ' ') *p++ = 0;
        if (!*p) break;
        tok[n_tok++] = p;
        while (*p && *p != ' ') ++p;
    }
    if (*p) return out_err(kErrBadArgument, FS("bad_argument"), FS("too many words"));
    if (n_tok == 0) return;
    if (str_eq_f(tok[0], FS("HELLO"))) return cmd_hello();
    if (str_eq_f(tok[0], FS("STATS"))) return cmd_stats();
    if (str_eq_f(tok[0], FS("STREAM"))) return cmd_stream(tok, n_tok);
    if (str_eq_f(tok[0], FS("STOP"))) {
        stream_sensor = 0xFF;
        out_f(FS("OK STOP\n"));
        return;
    }
    if (str_eq_f(tok[0], FS("MODEL"))) return cmd_model(tok, n_tok);
    if (str_eq_f(tok[0], FS("INFER"))) return cmd_infer(tok, n_tok);
    out_err(kErrUnknownCommand, FS("unknown_command"), FS("try HELLO"));
}

void handle_byte(char c) {
    if (c == '\n' || c == '\r') {
        if (line_overflow) {
            line_overflow = false;
            line_len = 0;
            return out_err(kErrLineTooLong, FS("line_too_long"), FS("lines are at most 160 bytes"));
        }
        line[line_len] = 0;
        line_len = 0;
        handle_line();
        return;
    }
    if (line_overflow) return;
    if (line_len >= MLSYS_LINE_MAX) {
        line_overflow = true;
        return;
    }
    line[line_len++] = c;
}

void emit_sample() {
    int32_t v[8];
    const SensorInfo& s = io_sensor(stream_sensor);
    const uint32_t t = io_micros();
    io_read_sensor(stream_sensor, v);
    out_f(FS("D "));
    out_u32(t);
    for (uint8_t i = 0; i < s.n_channels; ++i) {
        out_ch(' ');
        out_i32(v[i]);
    }
    out_ch('\n');
}

}  // namespace

void core_setup() {
    io_init();
    out_f(FS("READY mlsys-board proto="));
    out_u32(MLSYS_PROTOCOL_VERSION);
    out_ch('\n');
}

void core_poll() {
    int c;
    bool busy = false;
    while ((c = io_read_byte()) >= 0) {
        handle_byte(static_cast<char>(c));
        busy = true;
    }
    if (stream_sensor != 0xFF) {
        const uint32_t now = io_micros();
        if (static_cast<int32_t>(now - stream_next_us) >= 0) {
            emit_sample();
            stream_next_us += stream_period_us;
            // Fell more than a period behind (a slow link): skip ahead rather than burst.
            if (static_cast<int32_t>(io_micros() - stream_next_us) > static_cast<int32_t>(stream_period_us))
                stream_next_us = io_micros() + stream_period_us;
        }
        return;
    }
    if (!busy) io_idle();
}
