// One log sink for the whole process, set at start-up by the executable. Libraries log through it and
// never print to stdout themselves. Thread-safe.
#pragma once

#include <functional>
#include <string>

namespace mlsys::core {

enum class LogLevel { Debug, Info, Warn, Error };

using LogSink = std::function<void(LogLevel, const std::string&)>;

// Replaces the sink (the default writes warnings and errors to stderr). Pass nullptr to restore it.
void set_log_sink(LogSink sink);
void set_log_level(LogLevel min_level);
void log(LogLevel level, const std::string& message);
inline void log_info(const std::string& m) { log(LogLevel::Info, m); }
inline void log_warn(const std::string& m) { log(LogLevel::Warn, m); }
inline void log_error(const std::string& m) { log(LogLevel::Error, m); }
const char* to_string(LogLevel level);

}  // namespace mlsys::core
