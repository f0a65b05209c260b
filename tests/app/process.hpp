// Test helper: run a command through the shell and capture its exit code, stdout and stderr.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace mlsys::test {

struct ProcessResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Lines in a text file (0 if it cannot be read).
inline int count_lines(const std::filesystem::path& p) {
    std::ifstream in(p);
    int n = 0;
    for (std::string l; std::getline(in, l);) ++n;
    return n;
}

// Runs `command` with /bin/sh; stdout and stderr go through temporary files in `tmp_dir`.
inline ProcessResult run_command(const std::string& command, const std::filesystem::path& tmp_dir) {
    std::filesystem::create_directories(tmp_dir);
    const auto out = tmp_dir / "stdout.txt";
    const auto err = tmp_dir / "stderr.txt";
    const std::string full = command + " >" + out.string() + " 2>" + err.string();
    const int status = std::system(full.c_str());
    ProcessResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

}  // namespace mlsys::test
