// Tensor: element type, concrete shape and a pointer to data that is either owned (a constant,
// a heap result) or borrowed (a slice of the engine's arena). Quantization parameters travel with it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "graph/shape.h"

namespace edgerun {

// Affine quantization: real = scale * (q - zero_point). One scale/zero point per tensor, or one per
// slice along `axis` (per-channel weights).
struct QuantParams {
  std::vector<float> scale;
  std::vector<int32_t> zero_point;
  int64_t axis = -1;  // -1: per tensor
  bool empty() const { return scale.empty(); }
  bool per_axis() const { return scale.size() > 1 || axis >= 0; }
};

class Tensor {
 public:
  Tensor() = default;
  // Allocates zero-filled owned storage (64-byte aligned); fails on absurd shapes.
  static Result<Tensor> allocate(DType dtype, const Shape& shape);
  // Wraps memory owned by someone else (the arena); the caller keeps it alive.
  static Tensor borrow(DType dtype, const Shape& shape, void* data);
  // Points a borrowed tensor at other memory of the same type and shape (an arena moved, an input
  // bound in place); allocates nothing. Owned tensors keep their storage: a no-op returning false.
  bool rebind(void* data);
  // Owned copy of a typed vector (tests, tools, constants made by passes).
  template <typename T>
  static Tensor from_vector(const Shape& shape, const std::vector<T>& values);
  template <typename T>
  static Tensor scalar(T value) { return from_vector<T>({}, {value}); }

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t i) const { return shape_[static_cast<size_t>(i)]; }
  int64_t num_elements() const { return ::edgerun::num_elements(shape_); }
  size_t byte_size() const { return static_cast<size_t>(num_elements()) * dtype_size(dtype_); }
  bool defined() const { return dtype_ != DType::kUndefined; }

  void* raw_data() { return data_; }
  const void* raw_data() const { return data_; }
  template <typename T> T* data() { return static_cast<T*>(data_); }
  template <typename T> const T* data() const { return static_cast<const T*>(data_); }

  QuantParams& quant() { return quant_; }
  const QuantParams& quant() const { return quant_; }

  // Deep copy into owned storage.
  Tensor clone() const;
  // Same data, new shape with the same element count.
  Tensor reshaped(const Shape& shape) const;
  // Element i converted to double / int64 (for shape-carrying tensors and tests).
  double as_double(int64_t i) const;
  int64_t as_int64(int64_t i) const;
  // All elements as int64 (shape, axes, pads inputs).
  std::vector<int64_t> to_int64_vector() const;

 private:
  DType dtype_ = DType::kUndefined;
  Shape shape_;
  void* data_ = nullptr;
  std::shared_ptr<void> owner_;  // null when borrowed
  QuantParams quant_;
};

template <typename T>
Tensor Tensor::from_vector(const Shape& shape, const std::vector<T>& values) {
  Tensor t = allocate(DTypeOf<T>::value, shape).value();
  T* p = t.data<T>();
  for (size_t i = 0; i < values.size() && i < static_cast<size_t>(t.num_elements()); ++i) p[i] = values[i];
  return t;
}

}  // namespace edgerun
