// The virtual board: the real firmware ELF (hardware/firmware/) running in simavr as an ATmega328P at
// 16 MHz, its UART behind a pseudo-terminal the app opens like any serial port. A thread of ours moves
// bytes through the UART's IRQs with flow control, paces the simulation to real time (or a chosen speed),
// resets the AVR when a client opens the port (like an Uno's auto-reset) and feeds the ADC from the
// simulated sensors (motion.hpp). simavr stays inside virtual_board.cpp.
#pragma once

#include "hardware/virtual/motion.hpp"
#include "models/core/result.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace mlsys::hardware {

struct VirtualBoardConfig {
    std::string firmware_path;  // empty: default_firmware_path()
    uint64_t seed = 1;          // sensor noise
    Motion motion = Motion::Idle;
    double speed = 1.0;         // 1: real time; 4: four times faster; 0: as fast as the host runs
    std::string link_path;      // optional symlink to the pseudo-terminal (a stable name for scripts)
    int reset_delay_ms = 50;    // delay between a client opening the port and the AVR reset
};

struct VirtualBoardStats {
    uint64_t cycles = 0;          // simulated CPU cycles since start
    double simulated_s = 0;       // cycles / 16 MHz
    uint64_t bytes_to_host = 0;
    uint64_t bytes_from_host = 0;
    int n_resets = 0;
    bool client_connected = false;
    std::string error;            // set when the simulation stopped on its own (crash, bad firmware)
};

class VirtualBoard {
public:
    // Loads the firmware, creates the pseudo-terminal and starts the simulation thread.
    [[nodiscard]] static core::Result<std::unique_ptr<VirtualBoard>> start(const VirtualBoardConfig& config);
    ~VirtualBoard();  // stops the thread, closes the terminal, removes the symlink
    VirtualBoard(const VirtualBoard&) = delete;
    VirtualBoard& operator=(const VirtualBoard&) = delete;

    // The path a client opens (/dev/pts/N, or link_path when one was given).
    const std::string& port_path() const;
    // Changes what the simulated IMU feels (thread-safe).
    void set_motion(Motion m);
    Motion motion() const;
    VirtualBoardStats stats() const;
    bool is_running() const;
    // Stops the simulation; the port then reads as unplugged.
    void stop();

    struct Impl;

private:
    explicit VirtualBoard(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Where the firmware ELF is: $MLSYS_FIRMWARE_ELF, else the build tree's firmware/mlsys_board.elf.
std::string default_firmware_path();

}  // namespace mlsys::hardware
