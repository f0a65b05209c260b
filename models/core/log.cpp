// The process-wide log sink; a mutex keeps lines whole when several threads log.
#include "models/core/log.hpp"

#include <cstdio>
#include <mutex>

namespace mlsys::core {
namespace {
std::mutex g_mutex;
LogSink g_sink;
LogLevel g_min_level = LogLevel::Warn;
}  // namespace

const char* to_string(LogLevel level) {
    switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warning";
    case LogLevel::Error: return "error";
    }
    return "?";
}

void set_log_sink(LogSink sink) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_sink = std::move(sink);
}

void set_log_level(LogLevel min_level) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_min_level = min_level;
}

void log(LogLevel level, const std::string& message) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_sink) {
        g_sink(level, message);
        return;
    }
    if (level < g_min_level) return;
    std::fprintf(stderr, "%s: %s\n", to_string(level), message.c_str());
}

}  // namespace mlsys::core
