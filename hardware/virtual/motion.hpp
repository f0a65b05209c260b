// Simulated sensors of the virtual board: an IMU moving in one of the textbook motion lab's patterns (idle,
// lift, terrestrial and maritime transport, plus an anomaly with impacts), a rangefinder and a potentiometer,
// with seeded noise. Pure functions of simulated time; the virtual board turns them into ADC millivolts.
#pragma once

#include "models/core/result.hpp"
#include "models/core/rng.hpp"

#include <array>
#include <string>

namespace mlsys::hardware {

enum class Motion { Idle, Lift, Terrestrial, Maritime, Anomaly };
inline constexpr std::array<Motion, 5> kAllMotions = {Motion::Idle, Motion::Lift, Motion::Terrestrial,
                                                      Motion::Maritime, Motion::Anomaly};
const char* to_string(Motion m);
[[nodiscard]] core::Result<Motion> parse_motion(const std::string& name);

struct ImuReading {
    double ax_g = 0, ay_g = 0, az_g = 1;          // acceleration including gravity
    double gx_dps = 0, gy_dps = 0, gz_dps = 0;    // angular rate
};

class SensorWorld {
public:
    explicit SensorWorld(uint64_t seed = 1) : rng_(seed), seed_(seed) {}
    void set_motion(Motion m) { motion_ = m; }
    Motion motion() const { return motion_; }

    // The IMU at simulated time t_s (noise drawn from the seeded generator).
    ImuReading imu(double t_s);
    double distance_mm(double t_s);
    double potentiometer_mv(double t_s) const;

    // Millivolts on ADC channel 0..7 as the board's analog front end wires them (board_avr.cpp):
    // 2500 mV + 300 mV/g, 2500 mV + 6.67 mV/(deg/s), rangefinder 5000/512 mV per inch; clamped to 0..5000.
    int adc_millivolts(int channel, double t_s);

private:
    core::Rng rng_;
    uint64_t seed_;
    Motion motion_ = Motion::Idle;
    double cached_t_ = -1;
    ImuReading cached_;
};

}  // namespace mlsys::hardware
