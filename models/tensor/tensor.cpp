// Tensor storage helpers.
#include "models/tensor/tensor.hpp"

#include <algorithm>

namespace mlsys::models {

int64_t shape_size(const Shape& shape) {
    int64_t n = 1;
    for (int d : shape) n *= d;
    return n;
}

std::string shape_str(const Shape& shape) {
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += "x";
        s += std::to_string(shape[i]);
    }
    return s;
}

Tensor::Tensor(Shape s, float fill) : shape(std::move(s)), data(static_cast<size_t>(shape_size(shape)), fill) {}

int64_t Tensor::sample_size() const {
    const int b = batch();
    return b == 0 ? 0 : size() / b;
}

void Tensor::resize(const Shape& s) {
    shape = s;
    data.resize(static_cast<size_t>(shape_size(s)));
}

void Tensor::zero() { std::fill(data.begin(), data.end(), 0.0f); }

Shape batched(int batch, const Shape& sample_shape) {
    Shape s;
    s.reserve(sample_shape.size() + 1);
    s.push_back(batch);
    s.insert(s.end(), sample_shape.begin(), sample_shape.end());
    return s;
}

}  // namespace mlsys::models
