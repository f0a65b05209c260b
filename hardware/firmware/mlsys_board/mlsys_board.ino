// MLSys Lab board firmware: the sketch entry points. Everything else is in board_core.cpp (protocol,
// model, kernel) and a board_*.cpp for the hardware. Builds with the Arduino IDE or arduino-cli for any
// board, and with avr-g++ alone for a bare ATmega328P (CMake does that; see README.md).
#include "board_core.h"

void setup() { core_setup(); }

void loop() { core_poll(); }
