// Tensor: float32, batch first, row-major; images are NHWC (batch, height, width, channels), dense
// activations are (batch, features). The one layout decision of the engine, made here: NHWC lets a
// convolution be one GEMM over im2col rows without transposes, and it is the layout int8 MCU kernels use.
// Eigen stays out of this header (it costs seconds per translation unit); see eigen_views.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

namespace mlsys::models {

// 64-byte aligned storage. Eigen's vectorised kernels take different code paths (and so round differently)
// depending on where a buffer starts; a fixed alignment makes the same seed give bit-identical results.
template <class T>
struct AlignedAllocator {
    using value_type = T;
    static constexpr std::align_val_t kAlignment{64};
    AlignedAllocator() = default;
    template <class U>
    AlignedAllocator(const AlignedAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)
    T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
    void deallocate(T* p, size_t) noexcept { ::operator delete(p, kAlignment); }
    template <class U>
    bool operator==(const AlignedAllocator<U>&) const noexcept { return true; }
};

using FloatBuffer = std::vector<float, AlignedAllocator<float>>;

// A shape; per-sample shapes omit the batch dimension ({28, 28, 1} or {784}).
using Shape = std::vector<int>;

int64_t shape_size(const Shape& shape);
std::string shape_str(const Shape& shape);  // "28x28x1"

struct Tensor {
    Shape shape;
    FloatBuffer data;

    Tensor() = default;
    explicit Tensor(Shape s, float fill = 0.0f);

    int64_t size() const { return static_cast<int64_t>(data.size()); }
    int batch() const { return shape.empty() ? 0 : shape[0]; }
    // Elements per sample (size / batch).
    int64_t sample_size() const;
    float* ptr() { return data.data(); }
    const float* ptr() const { return data.data(); }
    float& operator[](int64_t i) { return data[static_cast<size_t>(i)]; }
    float operator[](int64_t i) const { return data[static_cast<size_t>(i)]; }

    // Sets the shape and sizes the storage (contents unspecified when the size grows).
    void resize(const Shape& s);
    void zero();
};

// Full shape from a batch size and a per-sample shape.
Shape batched(int batch, const Shape& sample_shape);

}  // namespace mlsys::models
