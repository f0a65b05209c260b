// A fixed-capacity ring buffer for live series (frame times, streamed samples). Plain data, no ImGui, so
// tests check it exactly; plots read it through index_of_oldest() without copying.
#pragma once

#include <cstddef>
#include <vector>

namespace mlsys::gui {

template <class T>
class RingBuffer {
public:
    explicit RingBuffer(std::size_t capacity) : data_(capacity > 0 ? capacity : 1) {}

    // Appends a value, overwriting the oldest once full.
    void push(const T& value) {
        data_[head_] = value;
        head_ = (head_ + 1) % data_.size();
        if (size_ < data_.size()) ++size_;
    }
    void clear() {
        head_ = 0;
        size_ = 0;
    }

    std::size_t size() const { return size_; }
    std::size_t capacity() const { return data_.size(); }
    bool empty() const { return size_ == 0; }
    bool full() const { return size_ == data_.size(); }

    // i-th value, oldest first (0 <= i < size()).
    const T& operator[](std::size_t i) const { return data_[(index_of_oldest() + i) % data_.size()]; }
    const T& newest() const { return (*this)[size_ - 1]; }

    // Raw storage and the storage index of the oldest value: value i is raw()[(oldest + i) % raw_size()].
    // While not full the oldest is at 0, so raw() is already in order.
    const T* raw() const { return data_.data(); }
    std::size_t index_of_oldest() const { return full() ? head_ : 0; }

    // The values oldest first, as a new vector (for code that needs a contiguous copy, e.g. percentiles).
    std::vector<T> to_vector() const {
        std::vector<T> out;
        out.reserve(size_);
        for (std::size_t i = 0; i < size_; ++i) out.push_back((*this)[i]);
        return out;
    }

private:
    std::vector<T> data_;
    std::size_t head_ = 0;  // where the next value goes
    std::size_t size_ = 0;
};

}  // namespace mlsys::gui
