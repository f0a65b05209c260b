// SerialPort over libserialport (real USB and hardware ports), port listing with USB ids, and the table
// of boards recognised by vendor/product id.
#include "hardware/serial/serial_port.hpp"

#include <libserialport.h>

#include <array>
#include <filesystem>

namespace mlsys::hardware {

namespace {

struct PortDeleter {
    void operator()(sp_port* p) const {
        sp_close(p);
        sp_free_port(p);
    }
};
using PortHandle = std::unique_ptr<sp_port, PortDeleter>;

std::string last_error() {
    char* msg = sp_last_error_message();
    std::string s = msg ? msg : "unknown error";
    sp_free_error_message(msg);
    return s;
}

class LibSerialPort final : public SerialPort {
public:
    LibSerialPort(std::string path, PortHandle port) : path_(std::move(path)), port_(std::move(port)) {}
    const std::string& path() const override { return path_; }
    const char* backend() const override { return "libserialport"; }

    core::Status write_all(const uint8_t* data, size_t n, int timeout_ms) override {
        const sp_return r = sp_blocking_write(port_.get(), data, n, static_cast<unsigned>(timeout_ms));
        if (r < 0) return core::fail(std::string(kDisconnected) + ": write to " + path_ + " failed: " + last_error());
        if (static_cast<size_t>(r) < n) return core::fail("timeout: " + path_ + " did not take " + std::to_string(n - static_cast<size_t>(r)) + " bytes");
        return core::Status::success();
    }

    core::Result<size_t> read_some(uint8_t* buffer, size_t cap, int timeout_ms) override {
        const sp_return r = sp_blocking_read_next(port_.get(), buffer, cap, static_cast<unsigned>(timeout_ms));
        if (r < 0) return core::fail(std::string(kDisconnected) + ": read from " + path_ + " failed: " + last_error());
        if (r == 0 && !std::filesystem::exists(path_))
            return core::fail(std::string(kDisconnected) + ": " + path_ + " was unplugged");
        return static_cast<size_t>(r);
    }

    void flush() override { sp_flush(port_.get(), SP_BUF_BOTH); }

private:
    std::string path_;
    PortHandle port_;
};

std::string str_or_empty(const char* s) { return s ? s : ""; }

}  // namespace

core::Result<std::unique_ptr<SerialPort>> open_serial_port(const std::string& path, int baud) {
    std::error_code ec;
    const auto real = std::filesystem::canonical(path, ec);
    if (ec) return core::fail("cannot open " + path + ": no such port");
    if (real.string().rfind("/dev/pts/", 0) == 0) return open_termios_port(path, baud);
    sp_port* raw = nullptr;
    if (sp_get_port_by_name(real.c_str(), &raw) != SP_OK || !raw) return open_termios_port(path, baud);
    if (sp_open(raw, SP_MODE_READ_WRITE) != SP_OK) {
        const std::string why = last_error();
        sp_free_port(raw);
        auto fallback = open_termios_port(path, baud);
        if (fallback) return fallback;
        return core::fail("cannot open " + path + ": " + why);
    }
    PortHandle port(raw);
    if (sp_set_baudrate(raw, baud) != SP_OK || sp_set_bits(raw, 8) != SP_OK || sp_set_parity(raw, SP_PARITY_NONE) != SP_OK ||
        sp_set_stopbits(raw, 1) != SP_OK || sp_set_flowcontrol(raw, SP_FLOWCONTROL_NONE) != SP_OK)
        return core::fail("cannot configure " + path + " for " + std::to_string(baud) + " 8N1: " + last_error());
    return std::unique_ptr<SerialPort>(new LibSerialPort(path, std::move(port)));
}

std::vector<SerialPortInfo> list_serial_ports() {
    std::vector<SerialPortInfo> out;
    sp_port** list = nullptr;
    if (sp_list_ports(&list) != SP_OK || !list) return out;
    for (int i = 0; list[i]; ++i) {
        sp_port* p = list[i];
        SerialPortInfo info;
        info.path = str_or_empty(sp_get_port_name(p));
        info.description = str_or_empty(sp_get_port_description(p));
        if (sp_get_port_transport(p) == SP_TRANSPORT_USB) {
            sp_get_port_usb_vid_pid(p, &info.usb_vid, &info.usb_pid);
            info.manufacturer = str_or_empty(sp_get_port_usb_manufacturer(p));
            info.product = str_or_empty(sp_get_port_usb_product(p));
            info.serial_number = str_or_empty(sp_get_port_usb_serial(p));
            info.board = recognise_usb_board(info.usb_vid, info.usb_pid);
        }
        out.push_back(std::move(info));
    }
    sp_free_port_list(list);
    return out;
}

std::string recognise_usb_board(int vid, int pid) {
    struct Known {
        int vid, pid;
        const char* name;
    };
    // Vendor/product ids as the boards enumerate (Arduino's boards.txt; Espressif's and WCH's USB ids).
    static constexpr std::array<Known, 14> kKnown = {{
        {0x2341, 0x0043, "Arduino Uno R3"},
        {0x2341, 0x0001, "Arduino Uno"},
        {0x2341, 0x0042, "Arduino Mega 2560 R3"},
        {0x2341, 0x8036, "Arduino Leonardo"},
        {0x2341, 0x025F, "Arduino Nicla Vision"},
        {0x2341, 0x035F, "Arduino Nicla Vision (bootloader)"},
        {0x2341, 0x005E, "Arduino Nano 33 BLE"},
        {0x303A, 0x1001, "Espressif ESP32-S3 USB (e.g. Seeed XIAO ESP32S3 Sense)"},
        {0x2886, 0x0056, "Seeed XIAO ESP32S3"},
        {0x2E8A, 0x000A, "Raspberry Pi Pico"},
        {0x1A86, 0x7523, "USB-serial bridge CH340 (Arduino Nano clones)"},
        {0x1A86, 0x55D3, "USB-serial bridge CH343 (e.g. Grove Vision AI V2)"},
        {0x0403, 0x6001, "USB-serial bridge FTDI FT232R"},
        {0x10C4, 0xEA60, "USB-serial bridge Silicon Labs CP210x"},
    }};
    for (const auto& k : kKnown)
        if (k.vid == vid && k.pid == pid) return k.name;
    return "";
}

}  // namespace mlsys::hardware
