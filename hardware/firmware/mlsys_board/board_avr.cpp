// board_io.h for a bare ATmega328P at 16 MHz (Arduino Uno/Nano wiring) without the Arduino core: USART0
// at 115200 baud with an interrupt-driven receive ring, Timer1 as a 32-bit cycle counter, the ADC for an
// analog 6-axis IMU (A0..A5), an analog rangefinder (A6) and a raw analog pin (A7), idle sleep. The
// virtual board (hardware/virtual/) runs exactly this code in simavr.
#if defined(__AVR_ATmega328P__) && !defined(ARDUINO)

#include "board_io.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/pgmspace.h>
#include <avr/sleep.h>

#ifndef F_CPU
#define F_CPU 16000000UL
#endif

namespace {

const char kBoard[] PROGMEM = "arduino-uno";
const char kMcu[] PROGMEM = "atmega328p";
const BoardIdentity kIdentity = {kBoard, kMcu, F_CPU, 2048, 32768};

// Analog IMU in the style of an ADXL335 + an analog 3-axis gyro on A0..A5 (AVcc = 5 V reference):
// 2.5 V at rest, 300 mV/g and 6.67 mV/(deg/s). The rangefinder on A6 is a MaxBotix LV-EZ: Vcc/512 per
// inch, so one ADC count is half an inch (12.7 mm). A7 is reported raw (0..1023).
const char kImuName[] PROGMEM = "imu";
const char kImuChannels[] PROGMEM = "ax,ay,az,gx,gy,gz";
const char kImuUnits[] PROGMEM = "mg,mg,mg,mdps,mdps,mdps";
const char kDistName[] PROGMEM = "distance";
const char kDistChannels[] PROGMEM = "d";
const char kDistUnits[] PROGMEM = "mm";
const char kAnalogName[] PROGMEM = "analog";
const char kAnalogChannels[] PROGMEM = "a7";
const char kAnalogUnits[] PROGMEM = "counts";
// 115200 baud moves ~11.5 bytes/ms; an IMU line is ~50 bytes, so 200 lines/s is the ceiling.
const SensorInfo kSensors[] = {
    {kImuName, kImuChannels, kImuUnits, 6, 200},
    {kDistName, kDistChannels, kDistUnits, 1, 500},
    {kAnalogName, kAnalogChannels, kAnalogUnits, 1, 500},
};

constexpr uint8_t kRxSize = 64;  // power of two
volatile uint8_t rx_buf[kRxSize];
volatile uint8_t rx_head = 0;
volatile uint8_t rx_tail = 0;
volatile uint32_t t1_overflows = 0;

uint16_t read_adc(uint8_t channel) {
    ADMUX = static_cast<uint8_t>(_BV(REFS0) | (channel & 0x0F));  // AVcc reference
    ADCSRA |= _BV(ADSC);
    while (ADCSRA & _BV(ADSC)) {
    }
    return ADC;
}

}  // namespace

ISR(USART_RX_vect) {
    const uint8_t c = UDR0;
    const uint8_t next = static_cast<uint8_t>((rx_head + 1) & (kRxSize - 1));
    if (next != rx_tail) {  // a full ring drops the byte; the host's line check will notice
        rx_buf[rx_head] = c;
        rx_head = next;
    }
}

ISR(TIMER1_OVF_vect) { t1_overflows = t1_overflows + 1; }

void io_init() {
    cli();
    UCSR0A = _BV(U2X0);
    UBRR0 = (F_CPU / 8 / 115200) - 1;  // 16: 115200 baud with U2X (2.1% error, as the Uno bootloader)
    UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    TCCR1A = 0;
    TCCR1B = _BV(CS10);  // no prescaler: one count per CPU cycle
    TIMSK1 = _BV(TOIE1);
    ADCSRA = _BV(ADEN) | _BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0);  // 125 kHz ADC clock
    sei();
}

const BoardIdentity& io_identity() { return kIdentity; }

int io_read_byte() {
    if (rx_head == rx_tail) return -1;
    const uint8_t c = rx_buf[rx_tail];
    rx_tail = static_cast<uint8_t>((rx_tail + 1) & (kRxSize - 1));
    return c;
}

void io_write(const char* data, uint16_t n) {
    for (uint16_t i = 0; i < n; ++i) {
        while (!(UCSR0A & _BV(UDRE0))) {
        }
        UDR0 = static_cast<uint8_t>(data[i]);
    }
}

uint32_t io_cycles() {
    const uint8_t sreg = SREG;
    cli();
    uint16_t low = TCNT1;
    uint32_t high = t1_overflows;
    if ((TIFR1 & _BV(TOV1)) && low < 0x8000) ++high;  // overflowed after cli, not yet counted
    SREG = sreg;
    return (high << 16) | low;
}

uint32_t io_micros() {
    const uint8_t sreg = SREG;
    cli();
    uint16_t low = TCNT1;
    uint32_t high = t1_overflows;
    if ((TIFR1 & _BV(TOV1)) && low < 0x8000) ++high;
    SREG = sreg;
    // 2^16 cycles = 4096 us at 16 MHz: high * 4096 + low / 16 (wraps at 2^32 us, ~71 minutes).
    return (high << 12) + (low >> 4);
}

uint16_t io_free_ram() {
    extern int __heap_start;
    extern int* __brkval;
    int here;
    const int* heap_end = __brkval ? __brkval : &__heap_start;
    return static_cast<uint16_t>(reinterpret_cast<int>(&here) - reinterpret_cast<int>(heap_end));
}

uint8_t io_sensor_count() { return sizeof(kSensors) / sizeof(kSensors[0]); }
const SensorInfo& io_sensor(uint8_t index) { return kSensors[index]; }

void io_read_sensor(uint8_t index, int32_t* values) {
    if (index == 0) {
        for (uint8_t ch = 0; ch < 6; ++ch) {
            const int32_t mv = static_cast<int32_t>(read_adc(ch)) * 5000 / 1024;
            // accelerometer: (mV - 2500) / 300 mV/g in mg; gyro: (mV - 2500) / 6.667 mV/dps in mdps
            values[ch] = ch < 3 ? (mv - 2500) * 10 / 3 : (mv - 2500) * 150;
        }
    } else if (index == 1) {
        values[0] = static_cast<int32_t>(read_adc(6)) * 127 / 10;
    } else {
        values[0] = static_cast<int32_t>(read_adc(7));
    }
}

void io_idle() {
    set_sleep_mode(SLEEP_MODE_IDLE);
    cli();
    if (rx_head == rx_tail) {
        sleep_enable();
        sei();  // the instruction after sei runs before any interrupt: no lost wake-up
        sleep_cpu();
        sleep_disable();
    }
    sei();
}

#endif
