// Entry point for builds without the Arduino core (avr-g++ directly, as CMake does): runs the sketch.
#if !defined(ARDUINO)
void setup();
void loop();

int main() {
    setup();
    for (;;) loop();
}
#endif
