// The MLSys board protocol (docs/PROTOCOL.md), firmware side: reads command lines, streams sensors, keeps
// an uploaded int8 model in RAM and runs it. Portable C++ over board_io.h; no Arduino or AVR headers.
#ifndef MLSYS_BOARD_CORE_H
#define MLSYS_BOARD_CORE_H

#include <stdint.h>

#define MLSYS_FIRMWARE_VERSION "1.0.0"
#define MLSYS_PROTOCOL_VERSION 1

// Buffer sizes; a board with more RAM may raise them (HELLO reports them to the host).
#ifndef MLSYS_MODEL_MAX_BYTES
#define MLSYS_MODEL_MAX_BYTES 1024
#endif
#ifndef MLSYS_MAX_WIDTH
#define MLSYS_MAX_WIDTH 32
#endif
#define MLSYS_LINE_MAX 160
#define MLSYS_CHUNK_MAX 48

void core_setup();  // prints the READY banner
void core_poll();   // handles received bytes and due samples; sleeps when idle

// The int8 dense kernel over a validated MLB1 model (exposed so a board can bake a model in):
// input[n_inputs] -> output[n_outputs]; returns the predicted class.
uint8_t core_infer(const uint8_t* model, const int8_t* input, int8_t* output);

#endif
