// Offload server loop: a selector over the listener and every client; per-client incremental decoders.
#include "hardware/net/offload_server.hpp"

#include <SFML/Network.hpp>

#include <chrono>
#include <list>

namespace mlsys::hardware {

namespace {
double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Client {
    std::unique_ptr<sf::TcpSocket> socket;
    FrameDecoder decoder;
    double last_seen_s;
    bool closing = false;
};

// Sends all of `bytes` on a blocking socket; false when the peer is gone.
bool send_all(sf::TcpSocket& s, const std::string& bytes) {
    size_t sent_total = 0;
    while (sent_total < bytes.size()) {
        size_t sent = 0;
        const auto st = s.send(bytes.data() + sent_total, bytes.size() - sent_total, sent);
        if (st == sf::Socket::Error || st == sf::Socket::Disconnected) return false;
        sent_total += sent;
    }
    return true;
}
}  // namespace

struct OffloadServer::Impl {
    sf::TcpListener listener;
    sf::SocketSelector selector;
    std::list<Client> clients;
};

core::Result<std::unique_ptr<OffloadServer>> OffloadServer::start(const ServerConfig& config, std::string info_json,
                                                                  size_t n_input, InferFn infer) {
    std::unique_ptr<OffloadServer> s(new OffloadServer());
    s->impl_ = std::make_unique<Impl>();
    s->config_ = config;
    s->info_json_ = std::move(info_json);
    s->n_input_ = n_input;
    s->infer_ = std::move(infer);
    const unsigned short port = config.port == 0 ? static_cast<unsigned short>(sf::Socket::AnyPort) : config.port;
    if (s->impl_->listener.listen(port) != sf::Socket::Done)
        return core::fail("cannot listen on TCP port " + std::to_string(config.port) + " (in use, or not permitted)");
    s->port_ = s->impl_->listener.getLocalPort();
    s->impl_->selector.add(s->impl_->listener);
    s->thread_ = std::thread([raw = s.get()] { raw->run(); });
    return s;
}

OffloadServer::~OffloadServer() { stop(); }

void OffloadServer::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

void OffloadServer::run() {
    Impl& im = *impl_;
    // The largest legal request is an input tensor; anything bigger is refused before it is buffered.
    const size_t max_payload = std::min(config_.max_request_bytes, n_input_ * 4);
    char buf[64 * 1024];
    while (!stop_) {
        if (!im.selector.wait(sf::milliseconds(50))) {
            // Drop idle clients even when nothing arrives.
        }
        if (im.selector.isReady(im.listener)) {
            auto sock = std::make_unique<sf::TcpSocket>();
            if (im.listener.accept(*sock) == sf::Socket::Done) {
                if (static_cast<int>(im.clients.size()) >= config_.max_clients) {
                    Response busy;
                    busy.status = ResponseStatus::Busy;
                    busy.text = "the server takes at most " + std::to_string(config_.max_clients) + " clients";
                    send_all(*sock, encode(busy));
                    stats_.busy_refusals++;
                } else {
                    im.selector.add(*sock);
                    im.clients.push_back(Client{std::move(sock), FrameDecoder(true, max_payload), now_s()});
                    stats_.clients = static_cast<int>(im.clients.size());
                }
            }
        }
        const double t = now_s();
        for (auto& c : im.clients) {
            if (!im.selector.isReady(*c.socket)) {
                if (t - c.last_seen_s > config_.idle_timeout_s) c.closing = true;
                continue;
            }
            size_t received = 0;
            const auto st = c.socket->receive(buf, sizeof buf, received);
            if (st == sf::Socket::Disconnected || st == sf::Socket::Error) {
                c.closing = true;
                continue;
            }
            c.last_seen_s = t;
            c.decoder.feed(buf, received);
            while (auto req = c.decoder.next_request()) {
                Response r;
                if (req->type == RequestType::Ping) {
                    r.text = "pong";
                } else if (req->type == RequestType::Info) {
                    r.text = info_json_;
                } else if (req->input.size() != n_input_) {
                    r.status = ResponseStatus::ShapeMismatch;
                    r.text = "the model takes " + std::to_string(n_input_) + " values, got " + std::to_string(req->input.size());
                    stats_.rejected++;
                } else {
                    const auto t0 = std::chrono::steady_clock::now();
                    r.scores = infer_(req->input);
                    r.server_compute_ns = static_cast<uint64_t>(
                        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count());
                    stats_.requests++;
                }
                if (!send_all(*c.socket, encode(r))) {
                    c.closing = true;
                    break;
                }
            }
            if (c.decoder.failed()) {
                Response err;
                err.status = c.decoder.error_status();
                err.text = c.decoder.error();
                send_all(*c.socket, encode(err));
                stats_.rejected++;
                c.closing = true;
            }
        }
        for (auto it = im.clients.begin(); it != im.clients.end();) {
            if (it->closing) {
                im.selector.remove(*it->socket);
                it->socket->disconnect();
                it = im.clients.erase(it);
            } else {
                ++it;
            }
        }
        stats_.clients = static_cast<int>(im.clients.size());
    }
    for (auto& c : im.clients) c.socket->disconnect();
    im.clients.clear();
    im.listener.close();
}

}  // namespace mlsys::hardware
