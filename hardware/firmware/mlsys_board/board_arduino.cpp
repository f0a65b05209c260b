// board_io.h for any board the Arduino IDE or arduino-cli builds (XIAO ESP32S3, Nicla Vision, Uno with the
// Arduino core): Serial at 115200, micros(), the core's cycle counter where there is one, analog pins as the
// "analog" sensor. Board-specific sensors (an I2C IMU) belong in io_read_sensor() behind #if defined(ARDUINO_...).
// Not built in CI (Debian has no cores for these boards); the ATmega328P build uses board_avr.cpp.
#if defined(ARDUINO)

#include <Arduino.h>

#include "board_io.h"

#if defined(ARDUINO_ARCH_MBED) || defined(ARDUINO_ARCH_STM32)
#define MLSYS_HAS_DWT 1
#endif

namespace {
const char kBoard[] PROGMEM = "arduino";
const char kMcu[] PROGMEM = "arduino-core";
const BoardIdentity kIdentity = {kBoard, kMcu, F_CPU, 0, 0};
const char kAnalogName[] PROGMEM = "analog";
const char kAnalogChannels[] PROGMEM = "a0,a1,a2";
const char kAnalogUnits[] PROGMEM = "counts,counts,counts";
const SensorInfo kSensors[] = {{kAnalogName, kAnalogChannels, kAnalogUnits, 3, 200}};
}  // namespace

void io_init() {
    Serial.begin(115200);
#if defined(MLSYS_HAS_DWT)
    CoreDebug->DEMCR |= CoreDebug_DEMCR_TRCENA_Msk;  // enable the Cortex-M cycle counter
    DWT->CYCCNT = 0;
    DWT->CTRL |= DWT_CTRL_CYCCNTENA_Msk;
#endif
}
const BoardIdentity& io_identity() { return kIdentity; }
int io_read_byte() { return Serial.available() > 0 ? Serial.read() : -1; }
void io_write(const char* data, uint16_t n) { Serial.write(reinterpret_cast<const uint8_t*>(data), n); }
uint32_t io_cycles() {
#if defined(ARDUINO_ARCH_ESP32)
    return ESP.getCycleCount();
#elif defined(MLSYS_HAS_DWT)
    return DWT->CYCCNT;
#else
    return micros() * (F_CPU / 1000000UL);  // no cycle counter: microsecond resolution
#endif
}
uint32_t io_micros() { return micros(); }
uint16_t io_free_ram() {
#if defined(ARDUINO_ARCH_ESP32)
    const uint32_t f = ESP.getFreeHeap();
    return f > 65535 ? 65535 : static_cast<uint16_t>(f);
#else
    return 0;  // unknown on this core
#endif
}
uint8_t io_sensor_count() { return sizeof(kSensors) / sizeof(kSensors[0]); }
const SensorInfo& io_sensor(uint8_t index) { return kSensors[index]; }
void io_read_sensor(uint8_t index, int32_t* values) {
    (void)index;
    values[0] = analogRead(A0);
    values[1] = analogRead(A1);
    values[2] = analogRead(A2);
}
void io_idle() {}

#endif
