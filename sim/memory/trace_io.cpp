// Dinero and lackey trace readers, Dinero writer.
#include "sim/memory/trace_io.hpp"

#include <cctype>
#include <cstdio>
#include <charconv>
#include <fstream>
#include <istream>
#include <ostream>

namespace mlsys::sim {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Next whitespace-separated token of `s` (consumed).
std::string_view token(std::string_view& s) {
    s = trim(s);
    size_t i = 0;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view t = s.substr(0, i);
    s.remove_prefix(i);
    return t;
}

bool parse_hex(std::string_view t, uint64_t& v) {
    if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) t.remove_prefix(2);
    if (t.empty() || t.size() > 16) return false;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, 16);
    return ec == std::errc() && p == t.data() + t.size();
}

bool parse_int(std::string_view t, int& v) {
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, 10);
    return ec == std::errc() && p == t.data() + t.size();
}

core::Status open_in(const std::filesystem::path& path, std::ifstream& f) {
    f.open(path);
    if (!f) return core::fail(path.string() + ": cannot open the trace file");
    return core::Status::success();
}

}  // namespace

core::Result<TraceReadStats> read_dinero_trace(std::istream& in, const std::string& name, TraceSink& sink,
                                               const TraceReadOptions& o) {
    TraceReadStats st;
    std::string line;
    int64_t line_no = 0;
    const auto where = [&] { return name + ":" + std::to_string(line_no) + ": "; };
    while (std::getline(in, line)) {
        ++line_no;
        std::string_view rest = line;
        const std::string_view lab = token(rest);
        if (lab.empty() || lab[0] == '#') {
            st.skipped++;
            continue;
        }
        int label = -1;
        if (!parse_int(lab, label) || label < 0 || label > 4)
            return core::fail(where() + "label must be 0-4 (read, write, fetch, unknown, flush), got \"" + std::string(lab) + "\"");
        const std::string_view at = token(rest);
        uint64_t addr = 0;
        if (!parse_hex(at, addr))
            return core::fail(where() + "address must be hexadecimal (e.g. 7fff5a10), got \"" + std::string(at) + "\"");
        int size = o.default_size;
        const std::string_view sz = token(rest);
        if (!sz.empty() && parse_int(sz, size) && (size < 1 || size > 4096))
            return core::fail(where() + "size must be 1-4096 bytes, got " + std::string(sz));
        if (!sz.empty() && !parse_int(sz, size)) size = o.default_size;  // a comment after the address
        switch (label) {
        case 0:
        case 3: sink.access(addr, size, false); st.reads++; break;
        case 1: sink.access(addr, size, true); st.writes++; break;
        case 2:
            st.instruction_fetches++;
            if (o.include_instruction_fetches) sink.access(addr, size, false);
            else st.skipped++;
            break;
        default: st.skipped++; break;  // flush records are not simulated
        }
    }
    return st;
}

core::Result<TraceReadStats> read_dinero_trace(const std::filesystem::path& path, TraceSink& sink, const TraceReadOptions& o) {
    std::ifstream f;
    if (auto s = open_in(path, f); !s) return core::fail(s.error());
    return read_dinero_trace(f, path.string(), sink, o);
}

core::Result<TraceReadStats> read_lackey_trace(std::istream& in, const std::string& name, TraceSink& sink,
                                               const TraceReadOptions& o) {
    TraceReadStats st;
    std::string line;
    int64_t line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        std::string_view rest = line;
        const std::string_view kind = token(rest);
        if (kind.empty() || kind.substr(0, 2) == "==" || kind[0] == '#' || kind[0] == '-') {
            st.skipped++;
            continue;
        }
        const std::string_view at = trim(rest);
        const size_t comma = at.find(',');
        uint64_t addr = 0;
        int size = 0;
        if (kind.size() != 1 || std::string_view("ILSM").find(kind[0]) == std::string_view::npos || comma == std::string_view::npos ||
            !parse_hex(at.substr(0, comma), addr) || !parse_int(trim(at.substr(comma + 1)), size) || size < 1)
            return core::fail(name + ":" + std::to_string(line_no) + ": expected a lackey line \"I|L|S|M hexaddress,size\", got \"" +
                              line + "\"");
        switch (kind[0]) {
        case 'I':
            st.instruction_fetches++;
            if (o.include_instruction_fetches) sink.access(addr, size, false);
            else st.skipped++;
            break;
        case 'L': sink.access(addr, size, false); st.reads++; break;
        case 'S': sink.access(addr, size, true); st.writes++; break;
        case 'M':  // read-modify-write: a load then a store
            sink.access(addr, size, false);
            sink.access(addr, size, true);
            st.reads++;
            st.writes++;
            break;
        }
    }
    return st;
}

core::Result<TraceReadStats> read_lackey_trace(const std::filesystem::path& path, TraceSink& sink, const TraceReadOptions& o) {
    std::ifstream f;
    if (auto s = open_in(path, f); !s) return core::fail(s.error());
    return read_lackey_trace(f, path.string(), sink, o);
}

void DineroWriter::access(uint64_t addr, int size, bool is_write) {
    char buf[48];
    const int n = std::snprintf(buf, sizeof buf, "%d %llx %d\n", is_write ? 1 : 0, static_cast<unsigned long long>(addr), size);
    out_.write(buf, n);
    ++n_;
}

}  // namespace mlsys::sim
