// Motion patterns for the virtual board's IMU (textbook lab "Motion Classification and Anomaly Detection":
// a container idle in storage, lifted by a forklift, on a truck or train, at sea).
#include "hardware/virtual/motion.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mlsys::hardware {

const char* to_string(Motion m) {
    switch (m) {
    case Motion::Idle: return "idle";
    case Motion::Lift: return "lift";
    case Motion::Terrestrial: return "terrestrial";
    case Motion::Maritime: return "maritime";
    case Motion::Anomaly: return "anomaly";
    }
    return "?";
}

core::Result<Motion> parse_motion(const std::string& name) {
    for (Motion m : kAllMotions)
        if (name == to_string(m)) return m;
    return core::fail("unknown motion '" + name + "' (idle, lift, terrestrial, maritime, anomaly)");
}

namespace {
constexpr double kTwoPi = 2 * std::numbers::pi;
double hash01(uint64_t seed, uint64_t k) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL + k * 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 31;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 29;
    return static_cast<double>(x >> 11) * (1.0 / 9007199254740992.0);
}
}  // namespace

ImuReading SensorWorld::imu(double t) {
    if (t == cached_t_) return cached_;
    ImuReading r;
    auto n = [&](double sd) { return sd * rng_.normal(); };
    switch (motion_) {
    case Motion::Idle:
        r = {n(0.01), n(0.01), 1 + n(0.01), n(0.3), n(0.3), n(0.3)};
        break;
    case Motion::Lift:  // forklift: slow vertical heaves, forward surges, turning
        r.ax_g = 0.20 * std::sin(kTwoPi * 0.4 * t + 1.0) + n(0.03);
        r.ay_g = 0.05 * std::sin(kTwoPi * 0.7 * t) + n(0.03);
        r.az_g = 1 + 0.35 * std::sin(kTwoPi * 0.8 * t) + 0.10 * std::sin(kTwoPi * 2.3 * t) + n(0.03);
        r.gx_dps = 4 * std::sin(kTwoPi * 0.8 * t) + n(1);
        r.gy_dps = n(1);
        r.gz_dps = 20 * std::sin(kTwoPi * 0.4 * t) + n(1);
        break;
    case Motion::Terrestrial:  // truck or train: engine and road vibration around 12 Hz, broadband noise
        r.ax_g = 0.05 * std::sin(kTwoPi * 12 * t + 0.5) + n(0.05);
        r.ay_g = 0.04 * std::sin(kTwoPi * 9 * t) + n(0.05);
        r.az_g = 1 + 0.15 * std::sin(kTwoPi * 12 * t) + n(0.08);
        r.gx_dps = 5 * std::sin(kTwoPi * 3 * t) + n(3);
        r.gy_dps = n(3);
        r.gz_dps = n(3);
        break;
    case Motion::Maritime: {  // ship: slow roll and pitch tilt gravity between the axes
        const double roll = 15 * std::numbers::pi / 180 * std::sin(kTwoPi * 0.15 * t);
        const double pitch = 5 * std::numbers::pi / 180 * std::sin(kTwoPi * 0.10 * t + 1.0);
        r.ax_g = std::sin(pitch) + n(0.01);
        r.ay_g = std::sin(roll) * std::cos(pitch) + n(0.01);
        r.az_g = std::cos(roll) * std::cos(pitch) + n(0.01);
        r.gx_dps = 15 * kTwoPi * 0.15 * std::cos(kTwoPi * 0.15 * t) + n(0.3);
        r.gy_dps = 5 * kTwoPi * 0.10 * std::cos(kTwoPi * 0.10 * t + 1.0) + n(0.3);
        r.gz_dps = n(0.3);
        break;
    }
    case Motion::Anomaly: {  // at rest, but struck every ~0.5 s: 25 Hz ringing decaying in ~50 ms
        r = {n(0.01), n(0.01), 1 + n(0.01), n(0.3), n(0.3), n(0.3)};
        const auto slot = static_cast<uint64_t>(std::floor(t / 0.5));
        const double t0 = slot * 0.5 + 0.4 * hash01(seed_, slot);
        if (t >= t0) {
            const double a = (1.5 + hash01(seed_, slot + 7777)) * std::exp(-(t - t0) / 0.05) *
                             std::sin(kTwoPi * 25 * (t - t0));
            r.ax_g += a;
            r.az_g += 0.6 * a;
            r.gy_dps += 80 * a;
        }
        break;
    }
    }
    cached_t_ = t;
    cached_ = r;
    return r;
}

double SensorWorld::distance_mm(double t) { return 1500 + 500 * std::sin(kTwoPi * 0.2 * t) + 10 * rng_.normal(); }

double SensorWorld::potentiometer_mv(double t) const { return 2500 + 1000 * std::sin(kTwoPi * 1.0 * t); }

int SensorWorld::adc_millivolts(int channel, double t) {
    double mv = 0;
    if (channel >= 0 && channel < 6) {
        // One reading per 1 ms serves the six conversions of a sample (~0.6 ms apart).
        const double tq = std::floor(t * 1000) / 1000;
        const ImuReading r = imu(tq);
        const double v[6] = {r.ax_g, r.ay_g, r.az_g, r.gx_dps, r.gy_dps, r.gz_dps};
        mv = channel < 3 ? 2500 + 300 * v[channel] : 2500 + 6.667 * v[channel];
    } else if (channel == 6) {
        mv = distance_mm(t) / 25.4 * (5000.0 / 512.0);
    } else if (channel == 7) {
        mv = potentiometer_mv(t);
    }
    return static_cast<int>(std::lround(std::clamp(mv, 0.0, 5000.0)));
}

}  // namespace mlsys::hardware
