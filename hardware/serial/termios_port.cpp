// SerialPort over POSIX termios: raw mode, no flow control, poll() timeouts. Used for pseudo-terminals,
// which accept but ignore the baud rate and have no modem lines (PLATFORM.md "Serial ports").
#include "hardware/serial/serial_port.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace mlsys::hardware {

bool is_disconnect_error(const std::string& message) { return message.rfind(kDisconnected, 0) == 0; }

namespace {

speed_t baud_constant(int baud) {
    switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    default: return B0;
    }
}

class TermiosPort final : public SerialPort {
public:
    TermiosPort(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
    ~TermiosPort() override {
        if (fd_ >= 0) close(fd_);
    }
    const std::string& path() const override { return path_; }
    const char* backend() const override { return "termios"; }

    core::Status write_all(const uint8_t* data, size_t n, int timeout_ms) override {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        size_t done = 0;
        while (done < n) {
            const ssize_t w = write(fd_, data + done, n - done);
            if (w > 0) {
                done += static_cast<size_t>(w);
                continue;
            }
            if (w < 0 && errno != EAGAIN && errno != EINTR)
                return core::fail(std::string(kDisconnected) + ": write to " + path_ + " failed: " + std::strerror(errno));
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
            if (left <= 0) return core::fail("timeout: " + path_ + " did not take " + std::to_string(n - done) + " bytes");
            pollfd p{fd_, POLLOUT, 0};
            if (poll(&p, 1, static_cast<int>(left)) > 0 && (p.revents & (POLLHUP | POLLERR)))
                return core::fail(std::string(kDisconnected) + ": " + path_ + " hung up");
        }
        return core::Status::success();
    }

    core::Result<size_t> read_some(uint8_t* buffer, size_t cap, int timeout_ms) override {
        pollfd p{fd_, POLLIN, 0};
        const int r = poll(&p, 1, timeout_ms);
        if (r < 0) {
            if (errno == EINTR) return size_t{0};
            return core::fail(std::string(kDisconnected) + ": poll on " + path_ + ": " + std::strerror(errno));
        }
        if (r == 0) return size_t{0};
        if (p.revents & POLLIN) {
            const ssize_t n = read(fd_, buffer, cap);
            if (n > 0) return static_cast<size_t>(n);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) return size_t{0};
            return core::fail(std::string(kDisconnected) + ": " + path_ + " closed (" +
                              (n == 0 ? std::string("end of file") : std::string(std::strerror(errno))) + ")");
        }
        if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
            return core::fail(std::string(kDisconnected) + ": " + path_ + " hung up");
        return size_t{0};
    }

    void flush() override { tcflush(fd_, TCIOFLUSH); }

private:
    std::string path_;
    int fd_;
};

}  // namespace

core::Result<std::unique_ptr<SerialPort>> open_termios_port(const std::string& path, int baud) {
    const int fd = open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return core::fail("cannot open " + path + ": " + std::strerror(errno));
    termios tio{};
    if (tcgetattr(fd, &tio) != 0) {
        close(fd);
        return core::fail(path + " is not a terminal: " + std::strerror(errno));
    }
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~static_cast<tcflag_t>(CRTSCTS);
    tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
    const speed_t sp = baud_constant(baud);
    if (sp == B0) {
        close(fd);
        return core::fail("unsupported baud rate " + std::to_string(baud));
    }
    cfsetispeed(&tio, sp);
    cfsetospeed(&tio, sp);
    tcsetattr(fd, TCSANOW, &tio);
    return std::unique_ptr<SerialPort>(new TermiosPort(path, fd));
}

}  // namespace mlsys::hardware
