// Zip writer/reader over zlib: local headers, central directory and end record as in APPNOTE 6.3.
#include "models/io/zip_file.hpp"

#include "models/core/files.hpp"

#include <zlib.h>

#include <ctime>
#include <limits>

namespace mlsys::models {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr uint16_t kVersion = 20;     // 2.0: deflate
constexpr uint16_t kUtf8Flag = 1u << 11;

void put16(std::string& s, uint32_t v) {
    s.push_back(static_cast<char>(v & 0xFF));
    s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& s, uint32_t v) {
    put16(s, v & 0xFFFF);
    put16(s, v >> 16);
}
uint32_t get16(const std::string& s, size_t p) {
    return static_cast<uint32_t>(static_cast<unsigned char>(s[p])) |
           static_cast<uint32_t>(static_cast<unsigned char>(s[p + 1])) << 8;
}
uint32_t get32(const std::string& s, size_t p) { return get16(s, p) | get16(s, p + 2) << 16; }

core::Result<std::string> deflate_raw(const std::string& in) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return core::fail("zlib deflateInit2 failed");
    std::string out(deflateBound(&zs, in.size()), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) return core::fail("zlib deflate failed");
    return out;
}

core::Result<std::string> inflate_raw(const std::string& in, size_t expected) {
    z_stream zs{};
    if (inflateInit2(&zs, -15) != Z_OK) return core::fail("zlib inflateInit2 failed");
    std::string out(expected, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&zs, Z_FINISH);
    const size_t n = zs.total_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || n != expected) return core::fail("deflate data is corrupt");
    return out;
}

void dos_time(int64_t t, uint16_t& time, uint16_t& date) {
    if (t < 315532800) t = 315532800;  // the DOS epoch, 1980-01-01
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    time = static_cast<uint16_t>((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
    date = static_cast<uint16_t>(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

}  // namespace

core::Result<ZipWriter> ZipWriter::create(const std::filesystem::path& path) {
    ZipWriter w;
    w.path_ = path;
    w.out_.open(path, std::ios::binary | std::ios::trunc);
    if (!w.out_) return core::fail(path.string() + ": cannot open for writing");
    return w;
}

core::Status ZipWriter::add(const std::string& name, const std::string& bytes, int64_t mtime_s) {
    if (finished_) return core::fail(path_.string() + ": archive already finished");
    constexpr uint64_t kMax = std::numeric_limits<uint32_t>::max();
    if (bytes.size() >= kMax) return core::fail(name + ": larger than 4 GiB, which zip without ZIP64 cannot hold");
    Entry e;
    e.name = name;
    e.crc = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
    e.uncompressed_bytes = static_cast<uint32_t>(bytes.size());
    auto packed = deflate_raw(bytes);
    if (!packed) return core::fail(name + ": " + packed.error());
    const bool store = packed->size() >= bytes.size();
    const std::string& data = store ? bytes : *packed;
    e.method = store ? 0 : 8;
    e.compressed_bytes = static_cast<uint32_t>(data.size());
    dos_time(mtime_s, e.dos_time, e.dos_date);
    if (offset_ + 30 + name.size() + data.size() >= kMax)
        return core::fail(path_.string() + ": the archive would pass 4 GiB, which zip without ZIP64 cannot hold");
    e.offset = static_cast<uint32_t>(offset_);
    std::string h;
    put32(h, kLocalSig);
    put16(h, kVersion);
    put16(h, kUtf8Flag);
    put16(h, e.method);
    put16(h, e.dos_time);
    put16(h, e.dos_date);
    put32(h, e.crc);
    put32(h, e.compressed_bytes);
    put32(h, e.uncompressed_bytes);
    put16(h, static_cast<uint32_t>(name.size()));
    put16(h, 0);
    h += name;
    out_.write(h.data(), static_cast<std::streamsize>(h.size()));
    out_.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out_) return core::fail(path_.string() + ": write failed");
    offset_ += h.size() + data.size();
    entries_.push_back(std::move(e));
    return {};
}

core::Status ZipWriter::add_file(const std::string& name, const std::filesystem::path& file) {
    auto bytes = core::read_file(file);
    if (!bytes) return core::fail(bytes.error());
    std::error_code ec;
    const auto t = std::filesystem::last_write_time(file, ec);
    int64_t mtime_s = 0;
    if (!ec) {
        const auto sys = std::chrono::file_clock::to_sys(t);
        mtime_s = std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count();
    }
    return add(name, *bytes, mtime_s);
}

core::Status ZipWriter::finish() {
    if (finished_) return {};
    std::string cd;
    for (const Entry& e : entries_) {
        put32(cd, kCentralSig);
        put16(cd, (3u << 8) | kVersion);  // made by: Unix
        put16(cd, kVersion);
        put16(cd, kUtf8Flag);
        put16(cd, e.method);
        put16(cd, e.dos_time);
        put16(cd, e.dos_date);
        put32(cd, e.crc);
        put32(cd, e.compressed_bytes);
        put32(cd, e.uncompressed_bytes);
        put16(cd, static_cast<uint32_t>(e.name.size()));
        put16(cd, 0);  // extra
        put16(cd, 0);  // comment
        put16(cd, 0);  // disk
        put16(cd, 0);  // internal attributes
        put32(cd, 0100644u << 16);  // external: Unix mode rw-r--r--
        put32(cd, e.offset);
        cd += e.name;
    }
    if (entries_.size() > 0xFFFF) return core::fail(path_.string() + ": more than 65535 entries need ZIP64");
    std::string end;
    put32(end, kEndSig);
    put16(end, 0);
    put16(end, 0);
    put16(end, static_cast<uint32_t>(entries_.size()));
    put16(end, static_cast<uint32_t>(entries_.size()));
    put32(end, static_cast<uint32_t>(cd.size()));
    put32(end, static_cast<uint32_t>(offset_));
    put16(end, 0);
    out_.write(cd.data(), static_cast<std::streamsize>(cd.size()));
    out_.write(end.data(), static_cast<std::streamsize>(end.size()));
    out_.flush();
    finished_ = true;
    if (!out_) return core::fail(path_.string() + ": write failed");
    out_.close();
    return {};
}

core::Result<std::vector<ZipEntry>> read_zip(const std::string& a) {
    if (a.size() < 22) return core::fail("not a zip archive (too short)");
    size_t end = std::string::npos;
    for (size_t p = a.size() - 22 + 1; p-- > 0 && a.size() - p <= 22 + 0xFFFF;) {
        if (get32(a, p) == kEndSig) {
            end = p;
            break;
        }
    }
    if (end == std::string::npos) return core::fail("not a zip archive (no end-of-central-directory record)");
    const uint32_t n = get16(a, end + 10);
    size_t p = get32(a, end + 16);
    std::vector<ZipEntry> entries;
    for (uint32_t i = 0; i < n; ++i) {
        if (p + 46 > a.size() || get32(a, p) != kCentralSig)
            return core::fail("central directory entry " + std::to_string(i + 1) + " is corrupt");
        const uint32_t method = get16(a, p + 10), crc = get32(a, p + 16);
        const uint32_t csize = get32(a, p + 20), usize = get32(a, p + 24);
        const uint32_t name_len = get16(a, p + 28), extra_len = get16(a, p + 30), comment_len = get16(a, p + 32);
        const uint32_t local = get32(a, p + 42);
        if (p + 46 + name_len > a.size()) return core::fail("central directory entry " + std::to_string(i + 1) + " is cut short");
        ZipEntry e;
        e.name = a.substr(p + 46, name_len);
        p += 46 + name_len + extra_len + comment_len;
        if (local + 30 > a.size() || get32(a, local) != kLocalSig) return core::fail(e.name + ": local header is corrupt");
        const size_t data = local + 30 + get16(a, local + 26) + get16(a, local + 28);
        if (data + csize > a.size()) return core::fail(e.name + ": data cut short");
        const std::string packed = a.substr(data, csize);
        if (method == 0) {
            e.bytes = packed;
        } else if (method == 8) {
            auto un = inflate_raw(packed, usize);
            if (!un) return core::fail(e.name + ": " + un.error());
            e.bytes = std::move(*un);
        } else {
            return core::fail(e.name + ": unsupported compression method " + std::to_string(method));
        }
        const auto got = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(e.bytes.data()), static_cast<uInt>(e.bytes.size())));
        if (got != crc) return core::fail(e.name + ": CRC-32 mismatch");
        entries.push_back(std::move(e));
    }
    return entries;
}

}  // namespace mlsys::models
