// Offload frame encoding and the strict incremental decoder.
#include "hardware/net/offload_protocol.hpp"

#include <cstring>

namespace mlsys::hardware {

const char* to_string(ResponseStatus s) {
    switch (s) {
    case ResponseStatus::Ok: return "ok";
    case ResponseStatus::BadRequest: return "bad request";
    case ResponseStatus::TooLarge: return "request too large";
    case ResponseStatus::Busy: return "server busy";
    case ResponseStatus::ShapeMismatch: return "input shape mismatch";
    }
    return "?";
}

namespace {
void put_u32(std::string& s, uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u64(std::string& s, uint64_t v) {
    for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint32_t get_u32(const char* p) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    return v;
}
uint64_t get_u64(const char* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    return v;
}
std::string header(const char magic[4], uint8_t kind, uint32_t payload) {
    std::string s(magic, 4);
    s.push_back(static_cast<char>(kOffloadVersion));
    s.push_back(static_cast<char>(kind));
    s.push_back(0);
    s.push_back(0);
    put_u32(s, payload);
    return s;
}
}  // namespace

std::string encode(const Request& r) {
    const uint32_t n = static_cast<uint32_t>(r.input.size() * 4);
    std::string s = header(kRequestMagic, static_cast<uint8_t>(r.type), r.type == RequestType::Infer ? n : 0);
    if (r.type == RequestType::Infer) s.append(reinterpret_cast<const char*>(r.input.data()), n);
    return s;
}

std::string encode(const Response& r) {
    std::string payload;
    if (r.status == ResponseStatus::Ok && !r.scores.empty()) {
        put_u64(payload, r.server_compute_ns);
        payload.append(reinterpret_cast<const char*>(r.scores.data()), r.scores.size() * 4);
    } else {
        payload = r.text;
    }
    std::string s = header(kResponseMagic, static_cast<uint8_t>(r.status), static_cast<uint32_t>(payload.size()));
    return s + payload;
}

void FrameDecoder::feed(const char* data, size_t n) {
    if (failed()) return;
    buffer_.append(data, n);
}

std::optional<uint32_t> FrameDecoder::frame_ready() {
    if (failed() || buffer_.size() < kFrameHeaderBytes) return std::nullopt;
    const char* magic = requests_ ? kRequestMagic : kResponseMagic;
    if (std::memcmp(buffer_.data(), magic, 4) != 0) {
        error_ = "bad magic number (not an offload frame)";
        return std::nullopt;
    }
    if (static_cast<uint8_t>(buffer_[4]) != kOffloadVersion) {
        error_ = "unsupported protocol version " + std::to_string(static_cast<uint8_t>(buffer_[4]));
        return std::nullopt;
    }
    const uint32_t len = get_u32(buffer_.data() + 8);
    if (len > max_payload_) {
        error_ = "payload of " + std::to_string(len) + " bytes exceeds the limit of " + std::to_string(max_payload_);
        error_status_ = ResponseStatus::TooLarge;
        return std::nullopt;
    }
    if (buffer_.size() < kFrameHeaderBytes + len) return std::nullopt;
    return len;
}

std::optional<Request> FrameDecoder::next_request() {
    auto len = frame_ready();
    if (!len) return std::nullopt;
    const uint8_t type = static_cast<uint8_t>(buffer_[5]);
    Request r;
    if (type == static_cast<uint8_t>(RequestType::Infer)) {
        if (*len % 4 != 0 || *len == 0) {
            error_ = "an inference payload must be a non-empty array of float32 (" + std::to_string(*len) + " bytes)";
            return std::nullopt;
        }
        r.type = RequestType::Infer;
        r.input.resize(*len / 4);
        std::memcpy(r.input.data(), buffer_.data() + kFrameHeaderBytes, *len);
    } else if (type == static_cast<uint8_t>(RequestType::Info) || type == static_cast<uint8_t>(RequestType::Ping)) {
        if (*len != 0) {
            error_ = "info and ping requests carry no payload";
            return std::nullopt;
        }
        r.type = static_cast<RequestType>(type);
    } else {
        error_ = "unknown request type " + std::to_string(type);
        return std::nullopt;
    }
    buffer_.erase(0, kFrameHeaderBytes + *len);
    return r;
}

std::optional<Response> FrameDecoder::next_response() {
    auto len = frame_ready();
    if (!len) return std::nullopt;
    const uint8_t status = static_cast<uint8_t>(buffer_[5]);
    if (status > static_cast<uint8_t>(ResponseStatus::ShapeMismatch)) {
        error_ = "unknown response status " + std::to_string(status);
        return std::nullopt;
    }
    Response r;
    r.status = static_cast<ResponseStatus>(status);
    const char* p = buffer_.data() + kFrameHeaderBytes;
    r.text.assign(p, *len);
    buffer_.erase(0, kFrameHeaderBytes + *len);
    return r;
}

core::Status decode_infer_payload(Response& r) {
    if (r.status != ResponseStatus::Ok) return core::fail(std::string("server answered: ") + to_string(r.status) +
                                                          (r.text.empty() ? "" : " (" + r.text + ")"));
    if (r.text.size() < 12 || (r.text.size() - 8) % 4 != 0)
        return core::fail("malformed inference response (" + std::to_string(r.text.size()) + " payload bytes)");
    r.server_compute_ns = get_u64(r.text.data());
    r.scores.resize((r.text.size() - 8) / 4);
    std::memcpy(r.scores.data(), r.text.data() + 8, r.scores.size() * 4);
    r.text.clear();
    return core::Status::success();
}

}  // namespace mlsys::hardware
