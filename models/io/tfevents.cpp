// TFRecord + protobuf wire-format encoding of scalar Events (TensorFlow's event.proto and summary.proto:
// Event.wall_time = 1 double, step = 2 int64, file_version = 3 string, summary = 5; Summary.value = 1;
// Summary.Value.tag = 1, simple_value = 2 float). Only what TensorBoard's scalar plots need.
#include "models/io/tfevents.hpp"

#include "models/core/files.hpp"

#include <array>
#include <cmath>
#include <cstring>

namespace mlsys::models {
namespace {

constexpr std::array<uint32_t, 256> make_crc32c_table() {
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[i] = c;
    }
    return table;
}
constexpr std::array<uint32_t, 256> kCrc32cTable = make_crc32c_table();

void put_varint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7F) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}
void put_le(std::string& out, uint64_t v, int n_bytes) {
    for (int i = 0; i < n_bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_double(std::string& out, int field, double v) {
    put_varint(out, (static_cast<uint64_t>(field) << 3) | 1);  // wire type 1: 64-bit
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    put_le(out, bits, 8);
}
void put_bytes(std::string& out, int field, std::string_view bytes) {
    put_varint(out, (static_cast<uint64_t>(field) << 3) | 2);  // wire type 2: length-delimited
    put_varint(out, bytes.size());
    out.append(bytes);
}

uint64_t get_le(std::string_view s, size_t pos, int n_bytes) {
    uint64_t v = 0;
    for (int i = 0; i < n_bytes; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(s[pos + i])) << (8 * i);
    return v;
}

// A minimal protobuf field walker over one message.
struct Field {
    int number = 0;
    int wire_type = 0;
    uint64_t varint = 0;       // wire types 0, 1 (raw bits) and 5 (raw bits)
    std::string_view bytes;    // wire type 2
};
bool get_varint(std::string_view s, size_t& pos, uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= s.size()) return false;
        const auto b = static_cast<unsigned char>(s[pos++]);
        v |= static_cast<uint64_t>(b & 0x7F) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}
core::Result<std::vector<Field>> parse_fields(std::string_view s) {
    std::vector<Field> fields;
    size_t pos = 0;
    while (pos < s.size()) {
        uint64_t key;
        if (!get_varint(s, pos, key)) return core::fail("bad field key at byte " + std::to_string(pos));
        Field f;
        f.number = static_cast<int>(key >> 3);
        f.wire_type = static_cast<int>(key & 7);
        switch (f.wire_type) {
        case 0:
            if (!get_varint(s, pos, f.varint)) return core::fail("bad varint in field " + std::to_string(f.number));
            break;
        case 1:
        case 5: {
            const int n = f.wire_type == 1 ? 8 : 4;
            if (pos + n > s.size()) return core::fail("field " + std::to_string(f.number) + " cut short");
            f.varint = get_le(s, pos, n);
            pos += n;
            break;
        }
        case 2: {
            uint64_t len;
            if (!get_varint(s, pos, len) || pos + len > s.size())
                return core::fail("field " + std::to_string(f.number) + " has a bad length");
            f.bytes = s.substr(pos, len);
            pos += len;
            break;
        }
        default:
            return core::fail("unsupported wire type " + std::to_string(f.wire_type));
        }
        fields.push_back(f);
    }
    return fields;
}

}  // namespace

uint32_t crc32c(std::string_view bytes) {
    uint32_t c = 0xFFFFFFFFu;
    for (char ch : bytes) c = kCrc32cTable[(c ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

uint32_t masked_crc32c(std::string_view bytes) {
    const uint32_t c = crc32c(bytes);
    return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

std::string tfrecord_frame(std::string_view payload) {
    std::string out;
    put_le(out, payload.size(), 8);
    put_le(out, masked_crc32c(out), 4);
    out.append(payload);
    put_le(out, masked_crc32c(payload), 4);
    return out;
}

std::string encode_file_version_event(double wall_time_s, const std::string& version) {
    std::string e;
    put_double(e, 1, wall_time_s);
    put_bytes(e, 3, version);
    return e;
}

std::string encode_scalar_event(double wall_time_s, int64_t step, const std::string& tag, float value) {
    std::string v;
    put_bytes(v, 1, tag);
    put_varint(v, (2u << 3) | 5);  // simple_value: wire type 5, 32-bit
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    put_le(v, bits, 4);
    std::string summary;
    put_bytes(summary, 1, v);
    std::string e;
    put_double(e, 1, wall_time_s);
    if (step != 0) {
        put_varint(e, 2u << 3);
        put_varint(e, static_cast<uint64_t>(step));  // int64: negative values as 10-byte two's complement
    }
    put_bytes(e, 5, summary);
    return e;
}

core::Result<std::filesystem::path> write_tfevents_file(const std::filesystem::path& dir, double start_wall_time_s,
                                                        const std::vector<ScalarPoint>& points) {
    std::string bytes = tfrecord_frame(encode_file_version_event(start_wall_time_s));
    for (const ScalarPoint& p : points) bytes += tfrecord_frame(encode_scalar_event(p.wall_time_s, p.step, p.tag, p.value));
    const auto path = dir / ("events.out.tfevents." +
                             std::to_string(static_cast<int64_t>(std::floor(start_wall_time_s))) + ".mlsyslab");
    if (auto st = core::write_file_atomic(path, bytes); !st) return core::fail(st.error());
    return path;
}

core::Result<TfEventsContents> read_tfevents(const std::string& bytes) {
    TfEventsContents out;
    size_t pos = 0;
    for (int record = 1; pos < bytes.size(); ++record) {
        const std::string where = "record " + std::to_string(record) + ": ";
        if (pos + 12 > bytes.size()) return core::fail(where + "header cut short");
        const std::string_view view(bytes);
        const uint64_t len = get_le(view, pos, 8);
        if (get_le(view, pos + 8, 4) != masked_crc32c(view.substr(pos, 8)))
            return core::fail(where + "length CRC mismatch");
        if (pos + 12 + len + 4 > bytes.size()) return core::fail(where + "payload cut short");
        const std::string_view payload = view.substr(pos + 12, len);
        if (get_le(view, pos + 12 + len, 4) != masked_crc32c(payload)) return core::fail(where + "payload CRC mismatch");
        pos += 12 + len + 4;
        auto fields = parse_fields(payload);
        if (!fields) return core::fail(where + fields.error());
        double wall = 0;
        int64_t step = 0;
        for (const Field& f : *fields) {
            if (f.number == 1 && f.wire_type == 1) std::memcpy(&wall, &f.varint, 8);
            if (f.number == 2 && f.wire_type == 0) step = static_cast<int64_t>(f.varint);
            if (f.number == 3 && f.wire_type == 2) out.file_version = std::string(f.bytes);
        }
        for (const Field& f : *fields) {
            if (f.number != 5 || f.wire_type != 2) continue;
            auto values = parse_fields(f.bytes);
            if (!values) return core::fail(where + "summary: " + values.error());
            for (const Field& v : *values) {
                if (v.number != 1 || v.wire_type != 2) continue;
                auto vf = parse_fields(v.bytes);
                if (!vf) return core::fail(where + "summary value: " + vf.error());
                ScalarPoint p;
                p.step = step;
                p.wall_time_s = wall;
                bool has_value = false;
                for (const Field& x : *vf) {
                    if (x.number == 1 && x.wire_type == 2) p.tag = std::string(x.bytes);
                    if (x.number == 2 && x.wire_type == 5) {
                        const auto b = static_cast<uint32_t>(x.varint);
                        std::memcpy(&p.value, &b, 4);
                        has_value = true;
                    }
                }
                if (has_value) out.points.push_back(p);
            }
        }
    }
    return out;
}

}  // namespace mlsys::models
