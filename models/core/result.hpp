// Result<T> and Status: how every expected failure (bad file, impossible config, cancel) is returned.
// Carries a message that names the file, key and value; never throws across a module boundary.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace mlsys::core {

// An error message, built with fail("...") so that returning it converts into any Result<T>.
struct Error {
    std::string message;
};

[[nodiscard]] inline Error fail(std::string message) { return Error{std::move(message)}; }

// A value or an error message.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(Error error) : error_(std::move(error.message)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    const std::string& error() const { return error_; }

    T& value() & { return *value_; }
    const T& value() const& { return *value_; }
    T&& value() && { return std::move(*value_); }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }
    T& operator*() & { return *value_; }
    const T& operator*() const& { return *value_; }

private:
    std::optional<T> value_;
    std::string error_;
};

// Success or an error message.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : error_(std::move(error.message)), ok_(false) {}  // NOLINT(google-explicit-constructor)
    static Status success() { return {}; }

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const std::string& error() const { return error_; }

private:
    std::string error_;
    bool ok_ = true;
};

// Prefixes an error with context ("model.json: layers[2].kernel: ...").
inline Error with_context(const std::string& context, const std::string& message) {
    return Error{context + ": " + message};
}

}  // namespace mlsys::core
