// The cache and hierarchy against hand-counted answers: a sequential scan, a strided walk, conflict misses
// in a direct-mapped cache, LRU against FIFO on a known sequence, write-back dirty evictions, write-through,
// and the 3C split.
#include "sim/memory/hierarchy.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace mlsys::sim;

TEST_SUITE_BEGIN("sim.memory");

namespace {
HierarchyConfig one_level(int64_t size, int ways, int line = 64, Replacement r = Replacement::Lru, bool write_back = true,
                          bool write_allocate = true) {
    HierarchyConfig c;
    LevelConfig l;
    l.size_bytes = size;
    l.ways = ways;
    l.line_bytes = line;
    l.replacement = r;
    l.write_back = write_back;
    l.write_allocate = write_allocate;
    c.levels.push_back(l);
    REQUIRE(validate_hierarchy(c).ok());
    return c;
}
}  // namespace

TEST_CASE("sequential scan: one compulsory miss per 64-byte line") {
    Hierarchy h(one_level(1024, 1), true);
    for (uint64_t a = 0; a < 4096; a += 4) h.access(a, 4, false);
    const auto& s = h.stats().levels[0];
    CHECK(s.reads == 1024);
    CHECK(s.misses == 64);  // 4096 / 64
    CHECK(s.hits == 960);
    CHECK(s.compulsory == 64);
    CHECK(h.stats().main.bytes_read == 4096);
}

TEST_CASE("a stride of one line misses on every access") {
    Hierarchy h(one_level(1024, 1));
    for (uint64_t a = 0; a < 64 * 64; a += 64) h.access(a, 4, false);
    CHECK(h.stats().levels[0].misses == 64);
    CHECK(h.stats().levels[0].hits == 0);
}

TEST_CASE("conflict misses in a direct-mapped cache - gone with two ways") {
    // 0 and 1024 share set 0 of a 1 KB direct-mapped cache; alternating ten times misses every time.
    Hierarchy dm(one_level(1024, 1), true);
    for (int i = 0; i < 10; ++i) {
        dm.access(0, 4, false);
        dm.access(1024, 4, false);
    }
    const auto& s = dm.stats().levels[0];
    CHECK(s.misses == 20);
    CHECK(s.compulsory == 2);
    CHECK(s.conflict == 18);  // a fully associative cache of 16 lines would have hit
    CHECK(s.capacity == 0);
    Hierarchy two_way(one_level(1024, 2), true);
    for (int i = 0; i < 10; ++i) {
        two_way.access(0, 4, false);
        two_way.access(1024, 4, false);
    }
    CHECK(two_way.stats().levels[0].misses == 2);
}

TEST_CASE("capacity misses: three lines cycling through a two-line cache") {
    Hierarchy h(one_level(128, 2), true);  // fully associative, 2 lines
    for (int round = 0; round < 2; ++round)
        for (uint64_t a : {0, 64, 128}) h.access(a, 4, false);
    const auto& s = h.stats().levels[0];
    CHECK(s.misses == 6);
    CHECK(s.compulsory == 3);
    CHECK(s.capacity == 3);
}

TEST_CASE("LRU and FIFO on A B A C A") {
    // One set of two ways. LRU: A miss, B miss, A hit, C evicts B (least recent), A hit: 3 misses.
    // FIFO: A miss, B miss, A hit, C evicts A (first in), A misses again: 4 misses.
    const uint64_t A = 0, B = 64, C = 128;
    Hierarchy lru(one_level(128, 2, 64, Replacement::Lru));
    Hierarchy fifo(one_level(128, 2, 64, Replacement::Fifo));
    for (uint64_t a : {A, B, A, C, A}) {
        lru.access(a, 4, false);
        fifo.access(a, 4, false);
    }
    CHECK(lru.stats().levels[0].misses == 3);
    CHECK(fifo.stats().levels[0].misses == 4);
}

TEST_CASE("write-back: dirty evictions write whole lines - write-through writes each store") {
    // Direct-mapped, 2 lines of 64 B: 0 and 128 share set 0.
    Hierarchy wb(one_level(128, 1));
    wb.access(0, 4, true);    // miss, fill, dirty
    wb.access(128, 4, true);  // evicts the dirty line 0: write back 64 B
    wb.access(0, 4, false);   // evicts the dirty line 128: write back 64 B
    const auto& s = wb.stats();
    CHECK(s.levels[0].dirty_evictions == 2);
    CHECK(s.main.bytes_written == 128);
    CHECK(s.main.bytes_read == 3 * 64);  // three fills
    Hierarchy wt(one_level(128, 1, 64, Replacement::Lru, /*write_back=*/false));
    wt.access(0, 4, true);
    wt.access(128, 4, true);
    wt.access(0, 4, false);
    CHECK(wt.stats().levels[0].dirty_evictions == 0);
    CHECK(wt.stats().main.bytes_written == 8);  // the two 4-byte stores
    Hierarchy no_alloc(one_level(128, 1, 64, Replacement::Lru, false, /*write_allocate=*/false));
    no_alloc.access(0, 4, true);
    no_alloc.access(0, 4, false);  // the write did not allocate, so the read misses
    CHECK(no_alloc.stats().levels[0].misses == 2);
    CHECK(no_alloc.stats().main.bytes_read == 64);
}

TEST_CASE("two levels: L1 misses become L2 accesses and the 3-level energy adds up") {
    HierarchyConfig c;
    LevelConfig l1;
    l1.name = "L1";
    l1.size_bytes = 256;
    l1.ways = 1;
    l1.read_energy_pj = 1;
    l1.write_energy_pj = 2;
    LevelConfig l2 = l1;
    l2.name = "L2";
    l2.size_bytes = 1024;
    l2.read_energy_pj = 10;
    l2.write_energy_pj = 20;
    c.levels = {l1, l2};
    c.main.energy_pj_per_byte = 100;
    REQUIRE(validate_hierarchy(c).ok());
    Hierarchy h(c);
    for (int pass = 0; pass < 2; ++pass)
        for (uint64_t a = 0; a < 512; a += 64) h.access(a, 4, false);
    const auto& s = h.stats();
    // Pass 1: 8 misses in L1 and L2. Pass 2: L1 (4 lines) misses all 8 again; L2 (16 lines) hits all 8.
    CHECK(s.levels[0].misses == 16);
    CHECK(s.levels[1].reads == 16);
    CHECK(s.levels[1].misses == 8);
    CHECK(s.main.bytes_read == 512);
    // L1: 16 reads x 1 + 16 fills x 2; L2: 16 reads x 10 + 8 fills x 20; main: 512 B x 100.
    CHECK(s.levels[0].energy_pj == 16 + 32);
    CHECK(s.levels[1].energy_pj == 160 + 160);
    CHECK(s.main.energy_pj == 51200);
}

TEST_CASE("hierarchy files: impossible geometry is refused with the field named") {
    using nlohmann::json;
    json ok = {{"format", "mlsys-hierarchy"}, {"version", 1},
               {"levels", {{{"name", "L1"}, {"size_bytes", 32768}, {"line_bytes", 64}, {"ways", 8}},
                           {{"name", "L2"}, {"size_bytes", 262144}, {"line_bytes", 64}, {"ways", 8}}}},
               {"main", {{"bandwidth_bytes_per_cycle", 16}}}};
    CHECK(parse_hierarchy(ok).ok());
    auto err = [](json j) { return parse_hierarchy(j).error(); };
    json j = ok;
    j["levels"][0]["size_bytes"] = 1000;
    CHECK(err(j) == "levels[0].size_bytes must be a multiple of line_bytes × ways (512), got 1000");
    j = ok;
    j["levels"][1]["size_bytes"] = 16384;
    CHECK(err(j) == "levels[1].size_bytes (16384) must be larger than levels[0].size_bytes (32768)");
    j = ok;
    j["main"]["bandwidth_bytes_per_cycle"] = 0;
    CHECK(err(j) == "main.bandwidth_bytes_per_cycle must be positive (zero bandwidth)");
    j = ok;
    j["levels"][0]["bandwidth_bytes_per_cycle"] = 0;
    CHECK(err(j) == "levels[0].bandwidth_bytes_per_cycle must be positive (a level that moves no data)");
    j = ok;
    j["levels"][0]["line_bytes"] = 48;
    CHECK(err(j) == "levels[0].line_bytes must be a power of two, got 48");
    j = ok;
    j["levels"][0]["replacement"] = "mru";
    CHECK(err(j) == "levels[0].replacement: must be lru, fifo or random, got \"mru\"");
    CHECK(parse_level_spec("32768,8,64", "D1")->ways == 8);
    CHECK(parse_level_spec("32k,8,64", "D1").error() == "--level 32k,8,64: SIZE, ASSOC and LINE must be integers");
    CHECK(parse_level_spec("32768,8", "D1").error() == "--level 32768,8: expected SIZE,ASSOC,LINE[,POLICY] (e.g. 32768,8,64,lru)");
}

TEST_SUITE_END();
