// The virtual board's host loop over libsimavr (PLATFORM.md "AVR firmware and simavr": simavr's own
// uart_pty and run loop were measured unreliable, so this file does both jobs itself).
#include "hardware/virtual/virtual_board.hpp"

extern "C" {
#include <simavr/avr_adc.h>
#include <simavr/avr_uart.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>
#include <simavr/sim_io.h>
#include <simavr/sim_irq.h>
}

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#ifndef MLSYS_FIRMWARE_ELF
#define MLSYS_FIRMWARE_ELF ""
#endif

namespace mlsys::hardware {

namespace {
constexpr double kClockHz = 16e6;
constexpr size_t kMaxPendingBytes = 4096;  // beyond this the side that does not read is throttled

void silent_logger(avr_t*, const int, const char*, va_list) {}
void no_sleep(avr_t*, avr_cycle_count_t) {}  // pacing is ours, not simavr's usleep
double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

struct VirtualBoard::Impl {
    VirtualBoardConfig config;
    std::string path;
    int master_fd = -1;
    avr_t* avr = nullptr;
    elf_firmware_t firmware{};
    avr_irq_t* uart_in = nullptr;
    avr_irq_t* adc_in = nullptr;  // ADC_IRQ_COUNT consecutive IRQs
    bool xon = true;
    std::string to_host;           // simulation thread only
    std::deque<uint8_t> to_avr;    // simulation thread only
    SensorWorld world;
    std::atomic<int> motion{0};
    std::atomic<bool> stop{false};
    std::atomic<bool> running{false};
    mutable std::mutex stats_mutex;
    VirtualBoardStats stats;       // guarded by stats_mutex; written by the simulation thread
    std::thread thread;

    ~Impl() {
        stop = true;
        if (thread.joinable()) thread.join();
        if (avr) avr_terminate(avr);
        if (master_fd >= 0) close(master_fd);
        if (!config.link_path.empty()) {
            std::error_code ec;
            std::filesystem::remove(config.link_path, ec);
        }
    }

    static void on_uart_output(avr_irq_t*, uint32_t value, void* param) {
        auto* self = static_cast<Impl*>(param);
        if (self->to_host.size() < 4 * kMaxPendingBytes) self->to_host.push_back(static_cast<char>(value & 0xFF));
    }
    static void on_xon(avr_irq_t*, uint32_t, void* param) { static_cast<Impl*>(param)->xon = true; }
    static void on_xoff(avr_irq_t*, uint32_t, void* param) { static_cast<Impl*>(param)->xon = false; }
    static void on_adc_trigger(avr_irq_t*, uint32_t value, void* param) {
        auto* self = static_cast<Impl*>(param);
        // simavr sends the avr_adc_mux_t bitfield {kind:3, gain:8, diff:8, src:13} as its low 32 bits.
        const uint32_t kind = value & 0x7u;
        const uint32_t src = (value >> 19) & 0x1FFFu;
        if (kind != ADC_MUX_SINGLE || src > 7) return;
        const double t = static_cast<double>(self->avr->cycle) / kClockHz;
        self->world.set_motion(static_cast<Motion>(self->motion.load()));
        const int mv = self->world.adc_millivolts(static_cast<int>(src), t);
        avr_raise_irq(self->adc_in + src, static_cast<uint32_t>(mv));
    }

    void feed_uart() {
        while (xon && !to_avr.empty()) {
            const uint8_t b = to_avr.front();
            to_avr.pop_front();
            avr_raise_irq(uart_in, b);
        }
    }

    void publish(bool client, uint64_t in, uint64_t out, int resets, const std::string& error) {
        std::lock_guard<std::mutex> lock(stats_mutex);
        stats.cycles = avr->cycle;
        stats.simulated_s = static_cast<double>(avr->cycle) / kClockHz;
        stats.bytes_from_host = in;
        stats.bytes_to_host = out;
        stats.n_resets = resets;
        stats.client_connected = client;
        if (!error.empty()) stats.error = error;
    }

    void run() {
        bool client = false;
        double reset_due = -1;
        uint64_t bytes_in = 0, bytes_out = 0;
        int resets = 0;
        std::string error;
        double wall0 = now_s();
        uint64_t cyc0 = avr->cycle;
        const double speed = config.speed;
        double last_publish = 0;
        while (!stop) {
            // How far the simulation is ahead of the wall clock decides how long to wait for the host.
            int timeout_ms = 0;
            if (speed > 0) {
                const double ahead = static_cast<double>(avr->cycle - cyc0) / (kClockHz * speed) - (now_s() - wall0);
                timeout_ms = ahead > 0 ? static_cast<int>(std::ceil(ahead * 1000)) : 0;
            }
            if (to_host.size() > kMaxPendingBytes) timeout_ms = std::max(timeout_ms, 5);
            if (reset_due > 0) timeout_ms = std::min(timeout_ms, std::max(0, static_cast<int>((reset_due - now_s()) * 1000)));
            timeout_ms = std::min(timeout_ms, 20);
            pollfd pfd{master_fd, static_cast<short>(POLLIN | (client && !to_host.empty() ? POLLOUT : 0)), 0};
            if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR) break;
            const bool hup = (pfd.revents & POLLHUP) != 0;
            if (!hup && !client) {  // a client opened the port: auto-reset after a delay, like an Uno
                client = true;
                reset_due = now_s() + config.reset_delay_ms / 1000.0;
            } else if (hup && client) {
                client = false;
                reset_due = -1;
                to_avr.clear();
            }
            if (client && (pfd.revents & POLLIN) && to_avr.size() < kMaxPendingBytes) {
                uint8_t buf[512];
                const ssize_t n = read(master_fd, buf, sizeof buf);
                if (n > 0) {
                    if (reset_due < 0) to_avr.insert(to_avr.end(), buf, buf + n);  // bytes sent before reset are lost
                    bytes_in += static_cast<uint64_t>(n);
                }
            }
            if (reset_due > 0 && now_s() >= reset_due) {
                avr_reset(avr);
                xon = true;
                to_avr.clear();
                to_host.clear();
                reset_due = -1;
                ++resets;
            }
            feed_uart();

            // Run until the simulation is ~2 ms (of wall time at this speed) ahead, or a 10 ms slice.
            const uint64_t target = speed > 0
                ? cyc0 + static_cast<uint64_t>(std::max(0.0, (now_s() - wall0 + 0.002) * kClockHz * speed))
                : avr->cycle + static_cast<uint64_t>(0.010 * kClockHz);
            while (avr->cycle < target && to_host.size() <= kMaxPendingBytes && !stop) {
                const int state = avr_run(avr);
                if (state == cpu_Done || state == cpu_Crashed) {
                    error = state == cpu_Crashed ? "the simulated AVR crashed" : "the firmware stopped";
                    stop = true;
                    break;
                }
                if (xon && !to_avr.empty()) feed_uart();
            }
            // Fell behind the wall clock (a loaded host): accept the slowdown instead of a catch-up burst.
            if (speed > 0) {
                const double lag = (now_s() - wall0) - static_cast<double>(avr->cycle - cyc0) / (kClockHz * speed);
                if (lag > 0.050) {
                    wall0 = now_s();
                    cyc0 = avr->cycle;
                }
            }
            if (!client) {
                to_host.clear();  // nobody listening: the bytes go nowhere, as on a real board
            } else if (!to_host.empty()) {
                const ssize_t n = write(master_fd, to_host.data(), to_host.size());
                if (n > 0) {
                    to_host.erase(0, static_cast<size_t>(n));
                    bytes_out += static_cast<uint64_t>(n);
                }
            }
            if (now_s() - last_publish > 0.02 || stop) {
                publish(client, bytes_in, bytes_out, resets, error);
                last_publish = now_s();
            }
        }
        publish(client, bytes_in, bytes_out, resets, error);
        running = false;
    }
};

VirtualBoard::VirtualBoard(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VirtualBoard::~VirtualBoard() = default;

std::string default_firmware_path() {
    if (const char* env = std::getenv("MLSYS_FIRMWARE_ELF"); env && *env) return env;
    return MLSYS_FIRMWARE_ELF;
}

core::Result<std::unique_ptr<VirtualBoard>> VirtualBoard::start(const VirtualBoardConfig& config) {
    auto impl = std::make_unique<Impl>();
    impl->config = config;
    impl->world = SensorWorld(config.seed);
    impl->motion = static_cast<int>(config.motion);
    if (!(config.speed >= 0) || config.speed > 1000) return core::fail("virtual board: speed must be 0..1000");
    const std::string fw = config.firmware_path.empty() ? default_firmware_path() : config.firmware_path;
    if (fw.empty() || !std::filesystem::exists(fw))
        return core::fail("virtual board: firmware '" + fw + "' not found (build the mlsys_firmware target or set MLSYS_FIRMWARE_ELF)");

    avr_global_logger_set(&silent_logger);
    if (elf_read_firmware(fw.c_str(), &impl->firmware) != 0)
        return core::fail("virtual board: cannot read the ELF '" + fw + "'");
    impl->avr = avr_make_mcu_by_name("atmega328p");
    if (!impl->avr) return core::fail("virtual board: simavr has no atmega328p core");
    if (avr_init(impl->avr) != 0) return core::fail("virtual board: avr_init failed");
    impl->firmware.frequency = static_cast<uint32_t>(kClockHz);
    avr_load_firmware(impl->avr, &impl->firmware);
    impl->avr->frequency = static_cast<uint32_t>(kClockHz);
    impl->avr->vcc = impl->avr->avcc = impl->avr->aref = 5000;
    impl->avr->log = LOG_NONE;
    impl->avr->sleep = &no_sleep;

    uint32_t flags = 0;
    avr_ioctl(impl->avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
    flags &= ~static_cast<uint32_t>(AVR_UART_FLAG_STDIO);
    avr_ioctl(impl->avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    impl->uart_in = avr_io_getirq(impl->avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
    avr_irq_register_notify(avr_io_getirq(impl->avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT), &Impl::on_uart_output, impl.get());
    avr_irq_register_notify(avr_io_getirq(impl->avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON), &Impl::on_xon, impl.get());
    avr_irq_register_notify(avr_io_getirq(impl->avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF), &Impl::on_xoff, impl.get());
    impl->adc_in = avr_io_getirq(impl->avr, AVR_IOCTL_ADC_GETIRQ, 0);
    avr_irq_register_notify(avr_io_getirq(impl->avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_OUT_TRIGGER), &Impl::on_adc_trigger, impl.get());
    if (!impl->uart_in || !impl->adc_in) return core::fail("virtual board: simavr UART or ADC not found");

    int slave = -1;
    char name[256] = {};
    if (openpty(&impl->master_fd, &slave, name, nullptr, nullptr) != 0)
        return core::fail(std::string("virtual board: openpty failed: ") + std::strerror(errno));
    termios tio{};
    tcgetattr(slave, &tio);
    cfmakeraw(&tio);
    tcsetattr(slave, TCSANOW, &tio);
    close(slave);  // from now on POLLHUP on the master means "no client"
    fcntl(impl->master_fd, F_SETFL, fcntl(impl->master_fd, F_GETFL) | O_NONBLOCK);
    // Close-on-exec: a child process (a CLI client started by a test or a script) must not inherit the
    // master, or the pseudo-terminal would stay open after the board stops and the client never see the unplug.
    fcntl(impl->master_fd, F_SETFD, FD_CLOEXEC);
    impl->path = name;
    if (!config.link_path.empty()) {
        std::error_code ec;
        std::filesystem::remove(config.link_path, ec);
        std::filesystem::create_symlink(impl->path, config.link_path, ec);
        if (ec) return core::fail("virtual board: cannot create the link '" + config.link_path + "': " + ec.message());
        impl->path = config.link_path;
    }
    impl->running = true;
    Impl* raw = impl.get();
    impl->thread = std::thread([raw] { raw->run(); });
    return std::unique_ptr<VirtualBoard>(new VirtualBoard(std::move(impl)));
}

const std::string& VirtualBoard::port_path() const { return impl_->path; }
void VirtualBoard::set_motion(Motion m) { impl_->motion = static_cast<int>(m); }
Motion VirtualBoard::motion() const { return static_cast<Motion>(impl_->motion.load()); }
bool VirtualBoard::is_running() const { return impl_->running; }
VirtualBoardStats VirtualBoard::stats() const {
    std::lock_guard<std::mutex> lock(impl_->stats_mutex);
    return impl_->stats;
}
void VirtualBoard::stop() {
    impl_->stop = true;
    if (impl_->thread.joinable()) impl_->thread.join();
    if (impl_->master_fd >= 0) {
        close(impl_->master_fd);
        impl_->master_fd = -1;
    }
}

}  // namespace mlsys::hardware
