// The board interface the protocol core runs on: serial bytes, a cycle counter, sensors and idle. One
// implementation per board family (board_avr.cpp for a bare ATmega328P, board_arduino.cpp for any board
// the Arduino IDE builds); the protocol core (board_core.cpp) never touches hardware directly.
#ifndef MLSYS_BOARD_IO_H
#define MLSYS_BOARD_IO_H

#include <stdint.h>

// Identity reported by HELLO.
struct BoardIdentity {
    const char* board;  // e.g. "arduino-uno"
    const char* mcu;    // e.g. "atmega328p"
    uint32_t clock_hz;
    uint32_t ram_bytes;
    uint32_t flash_bytes;
};

// One sensor the board can stream: a name, its channel names and units (comma-separated), the number of
// channels (at most 8) and the highest sample rate the serial link carries for it.
struct SensorInfo {
    const char* name;
    const char* channels;
    const char* units;
    uint8_t n_channels;
    uint16_t max_rate_hz;
};

void io_init();
const BoardIdentity& io_identity();
// Next received byte, or -1 when none is waiting.
int io_read_byte();
// Sends bytes (may block until the transmitter has room).
void io_write(const char* data, uint16_t n);
// Free-running CPU cycle counter (wraps at 2^32) and microseconds since reset (wraps at 2^32).
uint32_t io_cycles();
uint32_t io_micros();
// Bytes between the heap and the stack.
uint16_t io_free_ram();
uint8_t io_sensor_count();
const SensorInfo& io_sensor(uint8_t index);
// Reads one sample of sensor `index` into values[0..n_channels).
void io_read_sensor(uint8_t index, int32_t* values);
// Waits for the next interrupt (a received byte or a timer tick) when the board can sleep.
void io_idle();

#endif
