// The offload protocol (docs/OFFLOAD.md): binary frames over TCP between an inference client and
// `mlsyslab serve`. Pure encode/decode; the decoder never trusts a length from the wire beyond its limit.
#pragma once

#include "models/core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlsys::hardware {

inline constexpr char kRequestMagic[4] = {'M', 'L', 'O', 'Q'};
inline constexpr char kResponseMagic[4] = {'M', 'L', 'O', 'R'};
inline constexpr uint8_t kOffloadVersion = 1;
inline constexpr size_t kFrameHeaderBytes = 12;  // magic(4) version(1) type/status(1) reserved(2) length(4)

enum class RequestType : uint8_t { Infer = 1, Info = 2, Ping = 3 };
enum class ResponseStatus : uint8_t { Ok = 0, BadRequest = 1, TooLarge = 2, Busy = 3, ShapeMismatch = 4 };
const char* to_string(ResponseStatus s);

struct Request {
    RequestType type = RequestType::Ping;
    std::vector<float> input;  // Infer: the model input, float32
};

struct Response {
    ResponseStatus status = ResponseStatus::Ok;
    std::vector<float> scores;      // Infer: class scores (softmax output)
    uint64_t server_compute_ns = 0; // Infer: time the server spent in the model
    std::string text;               // Info: JSON describing the model; errors: a message
};

std::string encode(const Request& r);
std::string encode(const Response& r);

// A decoded response keeps its payload in `text`; for an Ok answer to an Infer request this moves it into
// server_compute_ns and scores (an error when the payload is not 8 + 4k bytes).
core::Status decode_infer_payload(Response& r);

// Incremental decoding from a byte stream: feed bytes, take complete frames. A malformed header or a
// payload longer than `max_payload_bytes` puts the decoder in an error state with the reason (the server
// answers and closes the connection).
class FrameDecoder {
public:
    FrameDecoder(bool requests, size_t max_payload_bytes) : requests_(requests), max_payload_(max_payload_bytes) {}
    void feed(const char* data, size_t n);
    // The next complete request (server side) / response (client side), if any.
    std::optional<Request> next_request();
    std::optional<Response> next_response();
    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    ResponseStatus error_status() const { return error_status_; }
    size_t buffered() const { return buffer_.size(); }

private:
    // Header checks; returns the payload length when a whole frame is buffered.
    std::optional<uint32_t> frame_ready();
    bool requests_;
    size_t max_payload_;
    std::string buffer_;
    std::string error_;
    ResponseStatus error_status_ = ResponseStatus::BadRequest;
};

}  // namespace mlsys::hardware
