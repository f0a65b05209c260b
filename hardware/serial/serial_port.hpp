// Serial ports behind one interface (STYLE.md "Devices behind interfaces"): libserialport for real USB
// and hardware ports, POSIX termios for pseudo-terminals (the virtual board, socat, tests' openpty pairs),
// which libserialport 0.1.1 cannot open (PLATFORM.md). Blocking calls with timeouts; one thread per port.
#pragma once

#include "models/core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlsys::hardware {

// Every error from a port that went away (unplugged, simulator stopped) starts with this word.
inline constexpr const char* kDisconnected = "disconnected";
bool is_disconnect_error(const std::string& message);

class SerialPort {
public:
    virtual ~SerialPort() = default;
    virtual const std::string& path() const = 0;
    // "libserialport" or "termios".
    virtual const char* backend() const = 0;
    // Writes every byte, waiting up to timeout_ms in total.
    [[nodiscard]] virtual core::Status write_all(const uint8_t* data, size_t n, int timeout_ms) = 0;
    // Waits up to timeout_ms for data and reads what is there (at most cap bytes). 0 means the timeout
    // passed; an error starting with kDisconnected means the port is gone.
    [[nodiscard]] virtual core::Result<size_t> read_some(uint8_t* buffer, size_t cap, int timeout_ms) = 0;
    // Drops whatever the port has buffered in both directions.
    virtual void flush() = 0;
};

// Opens a port at `baud` (8N1, no flow control): termios for pseudo-terminals (the path, after symlinks,
// is under /dev/pts) and libserialport otherwise, falling back to termios when libserialport refuses it.
[[nodiscard]] core::Result<std::unique_ptr<SerialPort>> open_serial_port(const std::string& path, int baud);
[[nodiscard]] core::Result<std::unique_ptr<SerialPort>> open_termios_port(const std::string& path, int baud);

struct SerialPortInfo {
    std::string path;
    std::string description;
    std::string manufacturer;
    std::string product;
    std::string serial_number;
    int usb_vid = -1;  // -1 when the port is not USB
    int usb_pid = -1;
    std::string board;  // recognised board or USB-serial bridge, empty when unknown
};

// Ports libserialport sees (pseudo-terminals are never listed; the virtual board reports its own path).
std::vector<SerialPortInfo> list_serial_ports();
// A board or USB-serial bridge known by its USB vendor and product ids, or "" when unknown.
std::string recognise_usb_board(int vid, int pid);

}  // namespace mlsys::hardware
