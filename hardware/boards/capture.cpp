// Capture exports: Edge Impulse CSV and WAV.
#include "hardware/boards/capture.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace mlsys::hardware {

double Capture::rate_hz() const {
    if (t_ms.size() < 2 || duration_ms() <= 0) return 0;
    return 1000.0 * static_cast<double>(t_ms.size() - 1) / duration_ms();
}

uint64_t TimestampUnwrapper::unwrap(uint32_t t_us) {
    if (has_last_ && t_us < last_ && last_ - t_us > 0x80000000u) high_ += uint64_t{1} << 32;
    has_last_ = true;
    last_ = t_us;
    return high_ + t_us;
}

namespace {
core::Status finish(std::ofstream& out, const std::string& tmp, const std::string& path) {
    out.flush();
    if (!out) return core::fail("cannot write " + path);
    out.close();
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return core::fail("cannot rename " + tmp + " to " + path + ": " + ec.message());
    return core::Status::success();
}
}  // namespace

core::Status write_edge_impulse_csv(const Capture& c, const std::string& path) {
    const std::string tmp = path + ".tmp";
    std::ofstream out(tmp);
    if (!out) return core::fail("cannot create " + path);
    out << "timestamp";
    for (const auto& ch : c.channels) out << ',' << ch;
    out << '\n';
    const double t0 = c.t_ms.empty() ? 0 : c.t_ms.front();
    char buf[64];
    for (size_t i = 0; i < c.rows.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%.3f", c.t_ms[i] - t0);
        out << buf;
        for (double v : c.rows[i]) {
            std::snprintf(buf, sizeof buf, "%.6g", v);
            out << ',' << buf;
        }
        out << '\n';
    }
    return finish(out, tmp, path);
}

core::Status write_wav(const Capture& c, size_t channel, const std::string& path) {
    if (channel >= c.channels.size()) return core::fail("no channel " + std::to_string(channel) + " in the capture");
    const auto rate = static_cast<uint32_t>(std::lround(c.rate_hz()));
    if (rate == 0) return core::fail("the capture has no sample rate (fewer than two samples)");
    const std::string tmp = path + ".tmp";
    std::ofstream out(tmp, std::ios::binary);
    if (!out) return core::fail("cannot create " + path);
    const auto n = static_cast<uint32_t>(c.rows.size());
    auto u32 = [&](uint32_t v) { for (int k = 0; k < 4; ++k) out.put(static_cast<char>(v >> (8 * k))); };
    auto u16 = [&](uint16_t v) { out.put(static_cast<char>(v)); out.put(static_cast<char>(v >> 8)); };
    out.write("RIFF", 4);
    u32(36 + 2 * n);
    out.write("WAVEfmt ", 8);
    u32(16);
    u16(1);  // PCM
    u16(1);  // mono
    u32(rate);
    u32(rate * 2);
    u16(2);
    u16(16);
    out.write("data", 4);
    u32(2 * n);
    for (const auto& row : c.rows) {
        const double v = std::clamp(std::round(row[channel]), -32768.0, 32767.0);
        u16(static_cast<uint16_t>(static_cast<int16_t>(v)));
    }
    return finish(out, tmp, path);
}

}  // namespace mlsys::hardware
