// Offload client over SFML TCP with a deterministic link shaper.
#include "hardware/net/offload_client.hpp"

#include <SFML/Network.hpp>

#include <chrono>
#include <thread>

namespace mlsys::hardware {

namespace {
using clock_type = std::chrono::steady_clock;
double since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }
}  // namespace

void precise_delay(double seconds) {
    if (seconds <= 0) return;
    const auto end = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
    // The kernel's sleep overshoots by up to ~100 us: sleep until 300 us before the end, then spin.
    const auto coarse = end - std::chrono::microseconds(300);
    if (clock_type::now() < coarse) std::this_thread::sleep_until(coarse);
    while (clock_type::now() < end) {
    }
}

struct OffloadClient::Impl {
    sf::TcpSocket socket;
    sf::SocketSelector selector;
    FrameDecoder decoder{false, 64u << 20};
};

OffloadClient::OffloadClient() : impl_(std::make_unique<Impl>()) {}
OffloadClient::~OffloadClient() { impl_->socket.disconnect(); }

core::Result<std::unique_ptr<OffloadClient>> OffloadClient::connect(const std::string& host, uint16_t port, double timeout_s) {
    std::unique_ptr<OffloadClient> c(new OffloadClient());
    const sf::IpAddress address(host);
    if (address == sf::IpAddress::None) return core::fail("cannot resolve host \"" + host + "\"");
    if (c->impl_->socket.connect(address, port, sf::seconds(static_cast<float>(timeout_s))) != sf::Socket::Done)
        return core::fail("cannot connect to " + host + ":" + std::to_string(port) + " (is `mlsyslab serve` running?)");
    c->impl_->socket.setBlocking(true);
    c->impl_->selector.add(c->impl_->socket);
    return c;
}

core::Result<Response> OffloadClient::exchange_raw(const std::string& bytes, double timeout_s) {
    Impl& im = *impl_;
    size_t sent_total = 0;
    while (sent_total < bytes.size()) {
        size_t sent = 0;
        const auto st = im.socket.send(bytes.data() + sent_total, bytes.size() - sent_total, sent);
        if (st == sf::Socket::Error || st == sf::Socket::Disconnected) return core::fail("the server closed the connection");
        sent_total += sent;
    }
    const auto t0 = clock_type::now();
    char buf[64 * 1024];
    while (true) {
        if (auto r = im.decoder.next_response()) return std::move(*r);
        if (im.decoder.failed()) return core::fail("malformed response: " + im.decoder.error());
        const double left = timeout_s - since(t0);
        if (left <= 0 || !im.selector.wait(sf::seconds(static_cast<float>(left))))
            return core::fail("no response within " + std::to_string(timeout_s) + " s");
        size_t received = 0;
        const auto st = im.socket.receive(buf, sizeof buf, received);
        if (st == sf::Socket::Disconnected || st == sf::Socket::Error) return core::fail("the server closed the connection");
        im.decoder.feed(buf, received);
    }
}

core::Result<std::string> OffloadClient::info() {
    Request q;
    q.type = RequestType::Info;
    auto r = exchange_raw(encode(q));
    if (!r) return core::fail(r.error());
    if (r->status != ResponseStatus::Ok) return core::fail(std::string("server answered: ") + to_string(r->status));
    return r->text;
}

core::Result<double> OffloadClient::ping() {
    Request q;
    q.type = RequestType::Ping;
    const auto t0 = clock_type::now();
    auto r = exchange_raw(encode(q));
    if (!r) return core::fail(r.error());
    return since(t0);
}

core::Result<OffloadClient::InferResult> OffloadClient::infer(const std::vector<float>& input, const LinkShape& shape) {
    Request q;
    q.type = RequestType::Infer;
    q.input = input;
    const std::string bytes = encode(q);
    const double inflate = 1.0 / (1.0 - std::min(shape.loss_rate, 0.5));
    const auto t0 = clock_type::now();
    // Uplink: half the round trip plus serialisation, before the bytes reach the server.
    precise_delay(inflate * (shape.rtt_s / 2 + (shape.uplink_bytes_per_s > 0 ? bytes.size() / shape.uplink_bytes_per_s : 0)));
    auto r = exchange_raw(bytes);
    if (!r) return core::fail(r.error());
    if (auto st = decode_infer_payload(*r); !st) return core::fail(st.error());
    // Downlink: the other half and the response's serialisation.
    const double down = static_cast<double>(kFrameHeaderBytes + 8 + r->scores.size() * 4);
    precise_delay(inflate * (shape.rtt_s / 2 + (shape.downlink_bytes_per_s > 0 ? down / shape.downlink_bytes_per_s : 0)));
    InferResult out;
    out.round_trip_s = since(t0);
    out.scores = std::move(r->scores);
    out.server_compute_s = static_cast<double>(r->server_compute_ns) / 1e9;
    return out;
}

}  // namespace mlsys::hardware
