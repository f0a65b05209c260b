/* Build for the virtual board only: tells simavr the chip and clock inside the ELF (the .mmcu section),
   so it loads without flags. C, because avr_mcu_section.h uses C99 designated initializers. */
#if defined(MLSYS_SIMAVR) && defined(__AVR__)
#include <simavr/avr/avr_mcu_section.h>
AVR_MCU(F_CPU, "atmega328p");
#endif
