// The simulator against a real, independent cache simulator: valgrind's lackey records every data access
// of a small compiled matrix multiply (naive and tiled), our one-level hierarchy configured like
// cachegrind's D1 replays it, and cachegrind's own D1 miss count for the same program must agree within 3%.
// Skipped (with a message) when valgrind is not installed; scripts/install-deps.sh installs it. It takes
// ~10-30 s on the 2-core CI machine because lackey runs the program about 50x slower - the price of an
// independent reference.
#include "sim/memory/hierarchy.hpp"
#include "sim/memory/trace_io.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

using namespace mlsys::sim;

TEST_SUITE_BEGIN("sim.memory");

namespace {

bool have_valgrind() { return std::system("valgrind --version > /dev/null 2>&1") == 0; }

std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// "==123== D1  misses:      276,333  (270,768 rd   +  5,565 wr)" -> 276333
int64_t cachegrind_d1_misses(const std::string& log) {
    std::smatch m;
    if (!std::regex_search(log, m, std::regex(R"(D1\s+misses:\s+([0-9,]+))"))) return -1;
    std::string digits;
    for (char ch : m[1].str())
        if (ch != ',') digits += ch;
    return std::stoll(digits);
}

void cross_check(const std::string& variant, int n, int64_t size, int ways, int line) {
    const std::filesystem::path dir = std::filesystem::path(MLSYS_TEST_TMP_DIR) / ("cachegrind_" + variant);
    std::filesystem::create_directories(dir);
    const std::string kernel = MLSYS_MATMUL_KERNEL;
    const std::string d1 = std::to_string(size) + "," + std::to_string(ways) + "," + std::to_string(line);
    const std::string args = " " + variant + " " + std::to_string(n);
    const std::string cg = "valgrind --tool=cachegrind --cache-sim=yes --D1=" + d1 + " --LL=8388608,16,64 --cachegrind-out-file=" +
                           (dir / "cg.out").string() + " --log-file=" + (dir / "cg.log").string() + " " + kernel + args +
                           " > /dev/null";
    REQUIRE(std::system(cg.c_str()) == 0);
    const std::string lk = "valgrind --tool=lackey --trace-mem=yes --log-file=" + (dir / "lackey.txt").string() + " " + kernel + args +
                           " > /dev/null";
    REQUIRE(std::system(lk.c_str()) == 0);
    const int64_t want = cachegrind_d1_misses(slurp(dir / "cg.log"));
    REQUIRE(want > 0);

    HierarchyConfig c;
    LevelConfig l1;
    l1.name = "D1";
    l1.size_bytes = size;
    l1.ways = ways;
    l1.line_bytes = line;
    c.levels.push_back(l1);
    REQUIRE(validate_hierarchy(c).ok());
    Hierarchy h(c);
    struct Sink final : TraceSink {
        Hierarchy& h;
        explicit Sink(Hierarchy& hh) : h(hh) {}
        void access(uint64_t a, int s, bool w) override { h.access(a, s, w); }
    } sink(h);
    TraceReadOptions ro;
    ro.include_instruction_fetches = false;  // cachegrind's D1 sees data only
    auto st = read_lackey_trace(dir / "lackey.txt", sink, ro);
    REQUIRE_MESSAGE(st.ok(), st.error());
    const int64_t got = h.stats().levels[0].misses;
    MESSAGE(variant << " n=" << n << " D1=" << d1 << ": cachegrind " << want << " misses, mlsyslab " << got << " ("
                    << st->reads << " loads, " << st->writes << " stores)");
    CHECK(double(got) == doctest::Approx(double(want)).epsilon(0.03));
    std::filesystem::remove(dir / "lackey.txt");  // tens of MB
}

}  // namespace

TEST_CASE("D1 misses match cachegrind within 3 percent on a naive and a tiled matrix multiply") {
    if (!have_valgrind()) {
        MESSAGE("valgrind is not installed: skipped (scripts/install-deps.sh installs it)");
        return;
    }
    cross_check("naive", 48, 4096, 4, 64);
    cross_check("tiled", 48, 2048, 2, 64);
}

TEST_SUITE_END();
