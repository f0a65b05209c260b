// MLQ8 binary image and C header of a QuantizedModel (int8_export.hpp, docs/INT8_FORMAT.md).
#include "models/optimize/int8_export.hpp"

#include "models/core/files.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <sstream>

namespace mlsys::models::optimize {
namespace {

using core::fail;

class Writer {
public:
    void u8(uint32_t v) { s_.push_back(static_cast<char>(v & 0xFF)); }
    void i8(int32_t v) { u8(static_cast<uint32_t>(v) & 0xFF); }
    void u16(uint32_t v) { u8(v); u8(v >> 8); }
    void u32(uint32_t v) { u16(v & 0xFFFF); u16(v >> 16); }
    void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
    void f32(float v) {
        uint32_t b;
        std::memcpy(&b, &v, 4);
        u32(b);
    }
    void bytes(const void* p, size_t n) { s_.append(static_cast<const char*>(p), n); }
    void pad4() { while (s_.size() % 4) u8(0); }
    size_t size() const { return s_.size(); }
    std::string& str() { return s_; }
    void patch_u32(size_t at, uint32_t v) {
        for (int k = 0; k < 4; ++k) s_[at + size_t(k)] = static_cast<char>((v >> (8 * k)) & 0xFF);
    }

private:
    std::string s_;
};

class Reader {
public:
    Reader(const std::string& s, size_t end) : s_(s), end_(end) {}
    bool has(size_t n) const { return pos_ + n <= end_; }
    size_t pos() const { return pos_; }
    uint32_t u8() { return static_cast<uint8_t>(s_[pos_++]); }
    int32_t i8() { return static_cast<int8_t>(s_[pos_++]); }
    uint32_t u16() { const uint32_t a = u8(); return a | (u8() << 8); }
    uint32_t u32() { const uint32_t a = u16(); return a | (u16() << 16); }
    int32_t i32() { return static_cast<int32_t>(u32()); }
    float f32() {
        const uint32_t b = u32();
        float v;
        std::memcpy(&v, &b, 4);
        return v;
    }
    void skip_pad4() { pos_ = std::min(end_, (pos_ + 3) / 4 * 4); }
    std::string take(size_t n) {
        std::string r = s_.substr(pos_, n);
        pos_ += n;
        return r;
    }

private:
    const std::string& s_;
    size_t end_;
    size_t pos_ = 0;
};

bool is_weighted(QOp op) { return op == QOp::Conv2D || op == QOp::DepthwiseConv2D || op == QOp::Dense; }

int64_t expected_weights(const QLayer& l) {
    switch (l.op) {
        case QOp::Conv2D: return int64_t(l.out_c) * l.kernel_h * l.kernel_w * l.in_c;
        case QOp::DepthwiseConv2D: return int64_t(l.kernel_h) * l.kernel_w * l.in_c;
        case QOp::Dense: return l.in_elems() * l.out_c;
        default: return 0;
    }
}

// Output shape an op implies for its input (the checks a board must also make).
bool shape_ok(const QLayer& l, std::string& why) {
    const auto window = [](int in, int k, int s, int p) { return (in + 2 * p - k) / s + 1; };
    switch (l.op) {
        case QOp::Conv2D:
        case QOp::DepthwiseConv2D:
        case QOp::MaxPool:
        case QOp::AvgPool: {
            if (l.kernel_h < 1 || l.kernel_w < 1 || l.stride < 1) { why = "kernel and stride must be >= 1"; return false; }
            if (l.kernel_h > l.in_h + 2 * l.padding || l.kernel_w > l.in_w + 2 * l.padding) { why = "kernel larger than the padded input"; return false; }
            const int oh = window(l.in_h, l.kernel_h, l.stride, l.padding), ow = window(l.in_w, l.kernel_w, l.stride, l.padding);
            if (oh != l.out_h || ow != l.out_w) { why = "output " + std::to_string(l.out_h) + "x" + std::to_string(l.out_w) + " does not follow from the input and window (" + std::to_string(oh) + "x" + std::to_string(ow) + ")"; return false; }
            if (l.op != QOp::Conv2D && l.out_c != l.in_c) { why = "channels must pass through"; return false; }
            return true;
        }
        case QOp::Dense:
            if (l.out_h != 1 || l.out_w != 1) { why = "dense output must be 1x1xN"; return false; }
            return true;
        case QOp::GlobalAvgPool:
            if (l.out_h != 1 || l.out_w != 1 || l.out_c != l.in_c) { why = "global average pool output must be 1x1xC"; return false; }
            return true;
        case QOp::Relu:
        case QOp::Lut:
            if (l.in_elems() != l.out_elems()) { why = "elementwise op must keep its size"; return false; }
            return true;
    }
    why = "unknown op";
    return false;
}

}  // namespace

uint32_t int8_crc32(const std::string& bytes, size_t n) {
    return static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n)));
}

int64_t int8_arena_bytes(const QuantizedModel& m) { return 2 * m.max_activation_elems(); }

core::Result<std::string> serialize_int8(const QuantizedModel& m) {
    if (m.layers.empty() || m.layers.size() > 255) return fail("an int8 model needs 1..255 layers, has " + std::to_string(m.layers.size()));
    const auto fits16 = [](int64_t v) { return v >= 0 && v <= 65535; };
    const auto fits8 = [](int64_t v) { return v >= 0 && v <= 255; };
    Writer w;
    w.bytes(kInt8Magic, 4);
    w.u16(kInt8FormatVersion);
    w.u8(uint32_t(m.layers.size()));
    w.u8(m.act_symmetric ? 1 : 0);
    w.u8(uint32_t(m.weight_bits));
    w.u8(uint32_t(m.act_bits));
    w.u16(uint32_t(m.n_classes));
    const QLayer& f = m.layers.front();
    w.u16(uint32_t(f.in_h));
    w.u16(uint32_t(f.in_w));
    w.u16(uint32_t(f.in_c));
    w.i8(m.input_q.zero_point);
    const std::string name = m.name.substr(0, 255);
    w.u8(uint32_t(name.size()));
    w.f32(m.input_q.scale);
    w.u32(0);  // total bytes, patched below
    w.u32(uint32_t(int8_arena_bytes(m)));
    w.bytes(name.data(), name.size());
    w.pad4();
    for (const QLayer& l : m.layers) {
        for (int64_t v : {int64_t(l.in_h), int64_t(l.in_w), int64_t(l.in_c), int64_t(l.out_h), int64_t(l.out_w), int64_t(l.out_c)})
            if (!fits16(v)) return fail(l.name + ": dimension " + std::to_string(v) + " does not fit 16 bits");
        for (int64_t v : {int64_t(l.kernel_h), int64_t(l.kernel_w), int64_t(l.stride), int64_t(l.padding)})
            if (!fits8(v)) return fail(l.name + ": window parameter " + std::to_string(v) + " does not fit 8 bits");
        const bool per_channel = is_weighted(l.op) && l.weight_scale.size() > 1;
        w.u8(uint32_t(l.op));
        w.u8((l.fused_relu ? 1u : 0u) | (per_channel ? 2u : 0u));
        w.i8(l.act_min);
        w.i8(l.act_max);
        for (int v : {l.in_h, l.in_w, l.in_c, l.out_h, l.out_w, l.out_c}) w.u16(uint32_t(v));
        for (int v : {l.kernel_h, l.kernel_w, l.stride, l.padding}) w.u8(uint32_t(v));
        w.i8(l.in_q.zero_point);
        w.i8(l.out_q.zero_point);
        const std::string lname = l.name.substr(0, 255);
        w.u8(uint32_t(lname.size()));
        w.u8(0);
        w.f32(l.in_q.scale);
        w.f32(l.out_q.scale);
        w.u32(uint32_t(l.weights.size()));
        w.bytes(lname.data(), lname.size());
        w.pad4();
        if (is_weighted(l.op)) {
            w.bytes(l.weights.data(), l.weights.size());
            w.pad4();
            for (float s : l.weight_scale) w.f32(s);
            for (int32_t z : l.weight_zero_point) w.i8(z);
            w.pad4();
            for (int32_t b : l.bias) w.i32(b);
            for (const auto& r : l.requant) w.i32(r.multiplier);
            for (const auto& r : l.requant) w.i8(r.shift);
            w.pad4();
        } else if (l.op == QOp::Lut) {
            w.bytes(l.lut.data(), 256);
        }
    }
    w.patch_u32(24, uint32_t(w.size() + 4));
    w.u32(int8_crc32(w.str(), w.size()));
    return std::move(w.str());
}

core::Result<QuantizedModel> parse_int8(const std::string& bytes, const std::string& what) {
    const auto err = [&](const std::string& msg) { return fail(what + ": " + msg); };
    if (bytes.size() < size_t(kInt8HeaderBytes) + 4) return err("too short for an int8 model (" + std::to_string(bytes.size()) + " bytes)");
    if (std::memcmp(bytes.data(), kInt8Magic, 4) != 0) return err("not an int8 model file (bad magic; expected \"MLQ8\")");
    Reader h(bytes, bytes.size());
    h.take(4);
    const uint32_t version = h.u16();
    if (version != kInt8FormatVersion) return err("format version " + std::to_string(version) + " is not supported (this build reads version 1)");
    const uint32_t n_layers = h.u8();
    const uint32_t flags = h.u8();
    QuantizedModel m;
    m.act_symmetric = flags & 1u;
    m.weight_bits = int(h.u8());
    m.act_bits = int(h.u8());
    m.n_classes = int(h.u16());
    const int in_h = int(h.u16()), in_w = int(h.u16()), in_c = int(h.u16());
    m.input_q.zero_point = h.i8();
    const uint32_t name_len = h.u8();
    m.input_q.scale = h.f32();
    const uint32_t total = h.u32();
    const uint32_t arena = h.u32();
    if (total != bytes.size()) return err("header says " + std::to_string(total) + " bytes, the image has " + std::to_string(bytes.size()) + " (truncated?)");
    const uint32_t stored_crc = static_cast<uint32_t>(static_cast<uint8_t>(bytes[total - 4])) |
                                (uint32_t(static_cast<uint8_t>(bytes[total - 3])) << 8) |
                                (uint32_t(static_cast<uint8_t>(bytes[total - 2])) << 16) |
                                (uint32_t(static_cast<uint8_t>(bytes[total - 1])) << 24);
    if (stored_crc != int8_crc32(bytes, total - 4)) return err("CRC-32 mismatch: the image is corrupted");
    if (n_layers == 0) return err("no layers");
    if (m.weight_bits < 2 || m.weight_bits > 8 || m.act_bits < 2 || m.act_bits > 8) return err("bit widths must be 2..8");
    if (!(m.input_q.scale > 0)) return err("input scale must be positive");
    Reader r(bytes, total - 4);
    r.take(kInt8HeaderBytes);
    if (!r.has(name_len)) return err("model name runs past the end");
    m.name = r.take(name_len);
    r.skip_pad4();
    m.input_shape = in_h == 1 && in_w == 1 ? Shape{in_c} : Shape{in_h, in_w, in_c};
    for (uint32_t k = 0; k < n_layers; ++k) {
        const std::string where = "layer " + std::to_string(k);
        if (!r.has(size_t(kInt8LayerHeaderBytes))) return err(where + ": truncated layer header at byte " + std::to_string(r.pos()));
        QLayer l;
        const uint32_t op = r.u8();
        if (op < 1 || op > 8) return err(where + ": unknown op code " + std::to_string(op));
        l.op = static_cast<QOp>(op);
        const uint32_t lflags = r.u8();
        l.fused_relu = lflags & 1u;
        const bool per_channel = lflags & 2u;
        l.act_min = r.i8();
        l.act_max = r.i8();
        l.in_h = int(r.u16()); l.in_w = int(r.u16()); l.in_c = int(r.u16());
        l.out_h = int(r.u16()); l.out_w = int(r.u16()); l.out_c = int(r.u16());
        l.kernel_h = int(r.u8()); l.kernel_w = int(r.u8()); l.stride = int(r.u8()); l.padding = int(r.u8());
        l.in_q.zero_point = r.i8();
        l.out_q.zero_point = r.i8();
        const uint32_t lname_len = r.u8();
        r.u8();
        l.in_q.scale = r.f32();
        l.out_q.scale = r.f32();
        const uint32_t n_weights = r.u32();
        if (!r.has(lname_len)) return err(where + ": name runs past the end");
        l.name = r.take(lname_len);
        r.skip_pad4();
        const std::string lw = where + " (" + l.name + ")";
        if (l.in_elems() == 0 || l.out_elems() == 0) return err(lw + ": zero-sized tensor");
        if (l.act_min > l.act_max) return err(lw + ": act_min > act_max");
        std::string why;
        if (!shape_ok(l, why)) return err(lw + ": " + why);
        const int64_t prev_out = k == 0 ? int64_t(in_h) * in_w * in_c : m.layers.back().out_elems();
        if (l.in_elems() != prev_out)
            return err(lw + ": takes " + std::to_string(l.in_elems()) + " inputs but the previous output has " + std::to_string(prev_out));
        if (int64_t(n_weights) != expected_weights(l))
            return err(lw + ": n_weights " + std::to_string(n_weights) + " does not match its shape (" + std::to_string(expected_weights(l)) + ")");
        if (is_weighted(l.op)) {
            const size_t n_ch = size_t(l.out_c), n_wq = per_channel ? n_ch : 1;
            const size_t need = (n_weights + 3) / 4 * 4 + 4 * n_wq + (n_wq + 3) / 4 * 4 + 8 * n_ch + (n_ch + 3) / 4 * 4;
            if (!r.has(need)) return err(lw + ": parameters run past the end of the image");
            const std::string wb = r.take(n_weights);
            l.weights.assign(wb.begin(), wb.end());
            r.skip_pad4();
            for (size_t i = 0; i < n_wq; ++i) l.weight_scale.push_back(r.f32());
            for (size_t i = 0; i < n_wq; ++i) l.weight_zero_point.push_back(r.i8());
            r.skip_pad4();
            for (size_t i = 0; i < n_ch; ++i) l.bias.push_back(r.i32());
            l.requant.resize(n_ch);
            for (size_t i = 0; i < n_ch; ++i) l.requant[i].multiplier = r.i32();
            for (size_t i = 0; i < n_ch; ++i) l.requant[i].shift = r.i8();
            r.skip_pad4();
            for (size_t i = 0; i < n_ch; ++i)
                if (l.requant[i].shift < 1 || l.requant[i].shift > 62 || l.requant[i].multiplier <= 0)
                    return err(lw + ": channel " + std::to_string(i) + " has an invalid multiplier/shift");
        } else if (l.op == QOp::Lut) {
            if (!r.has(256)) return err(lw + ": lookup table runs past the end");
            const std::string t = r.take(256);
            l.lut.assign(t.begin(), t.end());
        }
        m.layers.push_back(std::move(l));
    }
    if (r.pos() != total - 4) return err(std::to_string(total - 4 - r.pos()) + " unexpected bytes after the last layer");
    if (m.layers.back().out_elems() != m.n_classes)
        return err("the last layer has " + std::to_string(m.layers.back().out_elems()) + " outputs for " + std::to_string(m.n_classes) + " classes");
    if (int64_t(arena) != int8_arena_bytes(m)) return err("arena size " + std::to_string(arena) + " does not match the layers");
    return m;
}

namespace {

template <class T>
void emit_array(std::ostringstream& o, const char* type, const std::string& name, const std::vector<T>& v) {
    o << "static const " << type << " " << name << "[" << v.size() << "] = {";
    for (size_t i = 0; i < v.size(); ++i) o << (i % 16 == 0 ? "\n    " : " ") << int64_t(v[i]) << ",";
    o << "\n};\n";
}

}  // namespace

core::Result<std::string> write_c_header(const QuantizedModel& m, const std::string& symbol) {
    if (symbol.empty() || !(std::isalpha(static_cast<unsigned char>(symbol[0])) || symbol[0] == '_') ||
        !std::all_of(symbol.begin(), symbol.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
        return fail("\"" + symbol + "\" is not a C identifier");
    auto image = serialize_int8(m);
    if (!image) return fail(image.error());
    std::ostringstream o;
    o << "// " << symbol << ".h: int8 model \"" << m.name << "\" for MLSys Lab firmware, written by mlsyslab optimize.\n"
      << "// " << symbol << "_model is the MLQ8 image (docs/INT8_FORMAT.md): the firmware parses it in place,\n"
      << "// exactly as a model uploaded with the MODEL command. The per-layer arrays below are the same numbers\n"
      << "// for reading and for firmware that calls the kernels directly.\n"
      << "#pragma once\n#include <stdint.h>\n"
      << "#if defined(__AVR__)\n#include <avr/pgmspace.h>\n#define MLSYS_MODEL_STORAGE PROGMEM\n#else\n#define MLSYS_MODEL_STORAGE\n#endif\n\n"
      << "// input: " << shape_str(m.input_shape) << ", scale " << m.input_q.scale << ", zero point " << m.input_q.zero_point
      << "; " << m.n_classes << " classes; weights int" << m.weight_bits << ", activations int" << m.act_bits << "\n"
      << "// activation arena: " << int8_arena_bytes(m) << " bytes; MACs per inference: " << m.total_macs() << "\n"
      << "// layer  op                 in            out           kernel/stride/pad  relu  out scale  out zp\n";
    for (size_t k = 0; k < m.layers.size(); ++k) {
        const QLayer& l = m.layers[k];
        char line[200];
        std::snprintf(line, sizeof line, "// %-6zu %-18s %4dx%4dx%-4d %4dx%4dx%-4d %d x %d / %d / %-8d %-5s %-10.6g %d\n", k,
                      to_string(l.op), l.in_h, l.in_w, l.in_c, l.out_h, l.out_w, l.out_c, l.kernel_h, l.kernel_w, l.stride,
                      l.padding, l.fused_relu ? "yes" : "no", double(l.out_q.scale), l.out_q.zero_point);
        o << line;
    }
    o << "\n#define " << symbol << "_model_bytes " << image->size() << "u\n";
    o << "static const uint8_t " << symbol << "_model[" << image->size() << "] MLSYS_MODEL_STORAGE = {";
    for (size_t i = 0; i < image->size(); ++i) {
        char b[8];
        std::snprintf(b, sizeof b, "0x%02x,", static_cast<unsigned>(static_cast<uint8_t>((*image)[i])));
        o << (i % 16 == 0 ? "\n    " : " ") << b;
    }
    o << "\n};\n\n";
    for (size_t k = 0; k < m.layers.size(); ++k) {
        const QLayer& l = m.layers[k];
        if (!is_weighted(l.op)) continue;
        const std::string p = symbol + "_l" + std::to_string(k) + "_";
        o << "// layer " << k << " (" << l.name << ")\n";
        emit_array(o, "int8_t", p + "weights", l.weights);
        emit_array(o, "int32_t", p + "bias", l.bias);
        std::vector<int32_t> mult, shift;
        for (const auto& r : l.requant) {
            mult.push_back(r.multiplier);
            shift.push_back(r.shift);
        }
        emit_array(o, "int32_t", p + "multiplier", mult);
        emit_array(o, "int8_t", p + "shift", shift);
    }
    return o.str();
}

core::Result<std::string> image_from_c_header(const std::string& text, const std::string& what) {
    const std::string marker = "_model[";
    const size_t at = text.find(marker);
    if (at == std::string::npos) return fail(what + ": no <symbol>_model[] array");
    const size_t open = text.find('{', at), close = text.find('}', at);
    if (open == std::string::npos || close == std::string::npos) return fail(what + ": unterminated model array");
    std::string out;
    std::istringstream in(text.substr(open + 1, close - open - 1));
    std::string tok;
    while (std::getline(in, tok, ',')) {
        const size_t p = tok.find("0x");
        if (p == std::string::npos) continue;
        out.push_back(static_cast<char>(std::stoul(tok.substr(p), nullptr, 16)));
    }
    return out;
}

core::Status save_int8(const std::filesystem::path& path, const QuantizedModel& m) {
    auto image = serialize_int8(m);
    if (!image) return fail(image.error());
    return core::write_file_atomic(path, *image);
}

core::Result<QuantizedModel> load_int8(const std::filesystem::path& path) {
    auto bytes = core::read_file(path);
    if (!bytes) return fail(bytes.error());
    return parse_int8(*bytes, path.string());
}

}  // namespace mlsys::models::optimize
