// The offload protocol and server: frames round-trip, the decoder refuses malformed and oversized input,
// the server survives a storm of bad requests and keeps answering valid clients, and a shaped loopback
// round trip matches the link model.
#include "hardware/net/offload_client.hpp"
#include "hardware/net/offload_server.hpp"

#include "models/core/rng.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <numeric>

using namespace mlsys;
using namespace mlsys::hardware;

TEST_SUITE_BEGIN("hardware.net");

namespace {
// A stand-in model: scores = the first three inputs' running sums, so answers are checkable.
std::unique_ptr<OffloadServer> start_server(size_t n_input, int max_clients = 8) {
    ServerConfig cfg;
    cfg.port = 0;
    cfg.max_clients = max_clients;
    auto s = OffloadServer::start(cfg, R"({"model":"test"})", n_input, [](const std::vector<float>& x) {
        return std::vector<float>{x[0], x[0] + x[1], x[0] + x[1] + x[2]};
    });
    REQUIRE_MESSAGE(s.ok(), s.error());
    return std::move(*s);
}
}  // namespace

TEST_CASE("offload frames round-trip and the decoder takes them byte by byte") {
    Request q;
    q.type = RequestType::Infer;
    q.input = {1.5f, -2.0f, 3.25f};
    const std::string bytes = encode(q);
    CHECK(bytes.size() == kFrameHeaderBytes + 12);
    FrameDecoder d(true, 1024);
    for (char c : bytes) d.feed(&c, 1);
    auto got = d.next_request();
    REQUIRE(got.has_value());
    CHECK(got->input == q.input);
    CHECK(d.buffered() == 0);
    Response r;
    r.scores = {0.25f, 0.75f};
    r.server_compute_ns = 12345;
    FrameDecoder rd(false, 1024);
    const std::string rb = encode(r);
    rd.feed(rb.data(), rb.size());
    auto resp = rd.next_response();
    REQUIRE(resp.has_value());
    REQUIRE(decode_infer_payload(*resp).ok());
    CHECK(resp->scores == r.scores);
    CHECK(resp->server_compute_ns == 12345);
}

TEST_CASE("the decoder refuses bad magic - bad versions - oversized and ragged payloads") {
    auto error_of = [](const std::string& bytes, size_t limit = 64) {
        FrameDecoder d(true, limit);
        d.feed(bytes.data(), bytes.size());
        auto r = d.next_request();
        CHECK_FALSE(r.has_value());
        return d.error();
    };
    CHECK(error_of("GET / HTTP/1.1\r\n\r\n") == "bad magic number (not an offload frame)");
    std::string frame = encode(Request{RequestType::Infer, {1, 2}});
    std::string v2 = frame;
    v2[4] = 2;
    CHECK(error_of(v2) == "unsupported protocol version 2");
    std::string huge = frame;
    huge[8] = huge[9] = huge[10] = huge[11] = '\xff';  // 4 GB claimed
    CHECK(error_of(huge) == "payload of 4294967295 bytes exceeds the limit of 64");
    std::string ragged = frame.substr(0, kFrameHeaderBytes) + "abc";
    ragged[8] = 3;
    ragged[9] = ragged[10] = ragged[11] = 0;
    CHECK(error_of(ragged) == "an inference payload must be a non-empty array of float32 (3 bytes)");
    std::string unknown = encode(Request{RequestType::Ping, {}});
    unknown[5] = 9;
    CHECK(error_of(unknown) == "unknown request type 9");
}

TEST_CASE("the server answers inference - info and ping - and refuses a wrong input size") {
    auto server = start_server(3);
    auto client = OffloadClient::connect("127.0.0.1", server->port());
    REQUIRE_MESSAGE(client.ok(), client.error());
    auto info = (*client)->info();
    REQUIRE(info.ok());
    CHECK(*info == R"({"model":"test"})");
    auto r = (*client)->infer({1, 2, 3});
    REQUIRE_MESSAGE(r.ok(), r.error());
    CHECK(r->scores == std::vector<float>{1, 3, 6});
    auto wrong = (*client)->infer({1, 2});
    CHECK(wrong.error() == "server answered: input shape mismatch (the model takes 3 values, got 2)");
    CHECK((*client)->ping().ok());
    CHECK(server->stats().requests == 1);
}

TEST_CASE("malformed and oversized requests never take the server down") {
    auto server = start_server(3);
    core::Rng rng(99);
    int refused = 0;
    for (int i = 0; i < 200; ++i) {
        auto bad = OffloadClient::connect("127.0.0.1", server->port());
        REQUIRE(bad.ok());
        std::string junk;
        switch (i % 4) {
        case 0:  // random bytes
            for (int k = 0; k < 40; ++k) junk.push_back(static_cast<char>(rng.uniform_int(256)));
            break;
        case 1: {  // a valid header claiming a huge payload
            junk = encode(Request{RequestType::Infer, {1, 2, 3}});
            junk[11] = '\x7f';
            break;
        }
        case 2: {  // a truncated frame followed by garbage
            junk = encode(Request{RequestType::Infer, {1, 2, 3}}).substr(0, 14) + std::string(30, '\x5a');
            junk[0] = 'X';
            break;
        }
        default: {  // the right magic with an unknown type
            junk = encode(Request{RequestType::Ping, {}});
            junk[5] = 42;
        }
        }
        auto reply = (*bad)->exchange_raw(junk, 2.0);
        if (reply.ok() && reply->status != ResponseStatus::Ok) ++refused;
    }
    CHECK(refused == 200);
    // A well-behaved client is still served, and correctly.
    auto good = OffloadClient::connect("127.0.0.1", server->port());
    REQUIRE(good.ok());
    auto r = (*good)->infer({2, 2, 2});
    REQUIRE(r.ok());
    CHECK(r->scores == std::vector<float>{2, 4, 6});
    CHECK(server->stats().rejected == 200);
}

TEST_CASE("clients beyond the limit are told the server is busy") {
    auto server = start_server(3, 2);
    auto a = OffloadClient::connect("127.0.0.1", server->port());
    auto b = OffloadClient::connect("127.0.0.1", server->port());
    REQUIRE((a.ok() && b.ok()));
    REQUIRE((*a)->ping().ok());
    REQUIRE((*b)->ping().ok());
    auto c = OffloadClient::connect("127.0.0.1", server->port());
    REQUIRE(c.ok());
    auto r = (*c)->infer({1, 1, 1});
    CHECK(r.error() == "server answered: server busy (the server takes at most 2 clients)");
    CHECK((*a)->infer({1, 1, 1}).ok());
}

TEST_CASE("a shaped round trip costs the link's round trip plus serialisation") {
    auto server = start_server(784);
    auto client = OffloadClient::connect("127.0.0.1", server->port());
    REQUIRE(client.ok());
    std::vector<float> input(784, 0.5f);
    LinkShape lte{0.05, 1.25e6, 2.5e6, 0.0};
    auto r = (*client)->infer(input, lte);
    REQUIRE(r.ok());
    // 50 ms + (12 + 3136) B / 1.25 MB/s + (12 + 8 + 12) B / 2.5 MB/s = 52.5 ms, plus the loopback itself.
    const double model = 0.05 + 3148 / 1.25e6 + 32 / 2.5e6;
    CHECK(r->round_trip_s >= model);
    // The upper bound catches shaping applied twice (~105 ms) while leaving room for a loaded machine's
    // scheduling delays (a 20% margin failed once under a load average of 16).
    CHECK(r->round_trip_s < model * 1.6);
}

TEST_SUITE_END();
