// File helpers: POSIX write + fsync + rename for crash-safe replacement.
#include "models/core/files.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace mlsys::core {

Result<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(path.string() + ": cannot open (" + std::strerror(errno) + ")");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return fail(path.string() + ": read error");
    return ss.str();
}

Status write_file_atomic(const std::filesystem::path& path, const std::string& content) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    const std::filesystem::path tmp = path.string() + ".tmp" + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fail(path.string() + ": cannot create (" + std::strerror(errno) + ")");
    size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string reason = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return fail(path.string() + ": write failed (" + reason + ")");
        }
        written += static_cast<size_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(tmp.c_str());
        return fail(path.string() + ": rename failed (" + reason + ")");
    }
    return Status::success();
}

namespace {
std::filesystem::path xdg(const char* var, const char* fallback) {
    const char* v = std::getenv(var);
    if (v && *v) return std::filesystem::path(v) / "mlsyslab";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : "/tmp") / fallback / "mlsyslab";
}
}  // namespace

std::filesystem::path data_dir() { return xdg("XDG_DATA_HOME", ".local/share"); }
std::filesystem::path config_dir() { return xdg("XDG_CONFIG_HOME", ".config"); }
std::filesystem::path default_runs_dir() { return data_dir() / "runs"; }

std::filesystem::path assets_dir() {
    const char* v = std::getenv("MLSYS_ASSETS_DIR");
    if (v && *v) return v;
    return MLSYS_DEFAULT_ASSETS_DIR;
}

}  // namespace mlsys::core
