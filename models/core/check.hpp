// MLSYS_CHECK: an always-on assertion for broken invariants (never for bad user input, which returns Result).
#pragma once

#include <cstdio>
#include <cstdlib>

namespace mlsys::core {
[[noreturn]] inline void check_failed(const char* expr, const char* file, int line, const char* message) {
    std::fprintf(stderr, "MLSYS_CHECK failed: %s at %s:%d %s\n", expr, file, line, message ? message : "");
    std::abort();
}
}  // namespace mlsys::core

#define MLSYS_CHECK(expr)                                                                 \
    do {                                                                                  \
        if (!(expr)) ::mlsys::core::check_failed(#expr, __FILE__, __LINE__, nullptr);     \
    } while (0)
#define MLSYS_CHECK_MSG(expr, msg)                                                        \
    do {                                                                                  \
        if (!(expr)) ::mlsys::core::check_failed(#expr, __FILE__, __LINE__, (msg));       \
    } while (0)
