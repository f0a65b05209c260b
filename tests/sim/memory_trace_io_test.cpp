// Dinero and lackey trace files: exact lines written, a round trip that replays to identical statistics,
// and bad lines refused with file and line number.
#include "sim/memory/hierarchy.hpp"
#include "sim/memory/trace_io.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace mlsys::sim;

TEST_SUITE_BEGIN("sim.memory");

TEST_CASE("dinero writer: label hexaddress size per line") {
    std::ostringstream out;
    DineroWriter w(out);
    w.access(0x1000, 4, false);
    w.access(0x7fff5a10, 8, true);
    CHECK(out.str() == "0 1000 4\n1 7fff5a10 8\n");
    CHECK(w.written() == 2);
}

TEST_CASE("dinero round trip: a GEMM trace replays to the same statistics") {
    TraceOptions o;
    o.loop_order = "kmn";
    std::ostringstream out;
    DineroWriter w(out);
    VectorSink direct;
    generate_gemm_trace(8, 8, 8, 4, 0, 0x1000, 0x2000, o, w);
    generate_gemm_trace(8, 8, 8, 4, 0, 0x1000, 0x2000, o, direct);
    std::istringstream in(out.str());
    VectorSink back;
    auto st = read_dinero_trace(in, "gemm.din", back);
    REQUIRE(st.ok());
    REQUIRE(back.entries.size() == direct.entries.size());
    CHECK(st->reads + st->writes == static_cast<int64_t>(direct.entries.size()));
    HierarchyConfig c;
    c.levels.push_back(LevelConfig{});
    c.levels[0].size_bytes = 512;
    c.levels[0].ways = 2;
    Hierarchy a(c), b(c);
    for (const auto& e : direct.entries) a.access(e.addr, e.size, e.is_write);
    for (const auto& e : back.entries) b.access(e.addr, e.size, e.is_write);
    CHECK(a.stats().levels[0].misses == b.stats().levels[0].misses);
    CHECK(a.stats().levels[0].dirty_evictions == b.stats().levels[0].dirty_evictions);
    CHECK(a.stats().levels[0].misses > 0);
}

TEST_CASE("dinero reader: classic two-field lines - fetches - flushes and comments") {
    std::istringstream in("# a comment\n2 0\n0 1000\n0 70f60888 trailing words\n1 70f60890\n4 0\n\n");
    VectorSink s;
    auto st = read_dinero_trace(in, "t.din", s);
    REQUIRE(st.ok());
    CHECK(st->reads == 2);
    CHECK(st->writes == 1);
    CHECK(st->instruction_fetches == 1);
    REQUIRE(s.entries.size() == 4u);  // the fetch is replayed as a read
    CHECK(s.entries[2].addr == 0x70f60888);
    CHECK(s.entries[2].size == 1);  // no size field: one byte
    CHECK(s.entries[3].is_write);
    TraceReadOptions data_only;
    data_only.include_instruction_fetches = false;
    std::istringstream again("2 0\n0 1000\n");
    VectorSink d;
    REQUIRE(read_dinero_trace(again, "t.din", d, data_only).ok());
    CHECK(d.entries.size() == 1u);
}

TEST_CASE("dinero reader: bad lines name the file and line") {
    VectorSink s;
    std::istringstream bad_label("0 10\n9 20\n");
    auto r = read_dinero_trace(bad_label, "t.din", s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "t.din:2: label must be 0-4 (read, write, fetch, unknown, flush), got \"9\"");
    std::istringstream bad_addr("0 10\n0 12\n1 zz\n");
    r = read_dinero_trace(bad_addr, "t.din", s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "t.din:3: address must be hexadecimal (e.g. 7fff5a10), got \"zz\"");
    std::istringstream bad_size("0 10 0\n");
    r = read_dinero_trace(bad_size, "t.din", s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("t.din:1: size") == 0);
    CHECK_FALSE(read_dinero_trace(std::filesystem::path("/no/such/file.din"), s).ok());
}

TEST_CASE("lackey reader: loads - stores - modifies and fetches") {
    std::istringstream in("==123== Lackey, an example Valgrind tool\nI  04001100,3\n L 1ffefffd58,8\n S 04222cac,4\n M 0421f9c0,8\n");
    VectorSink s;
    TraceReadOptions o;
    o.include_instruction_fetches = false;
    auto st = read_lackey_trace(in, "lk.txt", s, o);
    REQUIRE(st.ok());
    CHECK(st->reads == 2);
    CHECK(st->writes == 2);
    CHECK(st->instruction_fetches == 1);
    REQUIRE(s.entries.size() == 4u);
    CHECK(s.entries[0].addr == 0x1ffefffd58ULL);
    CHECK(s.entries[0].size == 8);
    CHECK(s.entries[2].addr == 0x0421f9c0);  // modify: load, then store
    CHECK_FALSE(s.entries[2].is_write);
    CHECK(s.entries[3].is_write);
    std::istringstream bad(" L 1000\n");
    auto r = read_lackey_trace(bad, "lk.txt", s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("lk.txt:1:") == 0);
}

TEST_SUITE_END();
