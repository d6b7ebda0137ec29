#include "graph/tensor.h"

#include <cstdlib>
#include <cstring>

namespace edgerun {

namespace {
// Padding past the end of every owned buffer so SIMD kernels may over-read a tail.
constexpr size_t kTailPadding = 64;
constexpr size_t kAlignment = 64;
}  // namespace

Result<Tensor> Tensor::allocate(DType dtype, const Shape& shape) {
  if (!dtype_is_supported(dtype)) return unsupported(std::string("tensor of type ") + dtype_name(dtype));
  ASSIGN_OR_RETURN(int64_t n, checked_num_elements(shape));
  const size_t bytes = static_cast<size_t>(n) * dtype_size(dtype);
  const size_t padded = (bytes + kTailPadding + kAlignment - 1) / kAlignment * kAlignment;
  void* p = std::aligned_alloc(kAlignment, padded);
  if (p == nullptr) return out_of_range("cannot allocate " + std::to_string(bytes) + " bytes");
  std::memset(p, 0, padded);
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = shape;
  t.data_ = p;
  t.owner_ = std::shared_ptr<void>(p, [](void* q) { std::free(q); });
  return t;
}

Tensor Tensor::borrow(DType dtype, const Shape& shape, void* data) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = shape;
  t.data_ = data;
  return t;
}

bool Tensor::rebind(void* data) {
  if (owner_) return false;
  data_ = data;
  return true;
}

Tensor Tensor::clone() const {
  Tensor t = allocate(dtype_, shape_).value();
  if (byte_size() > 0) std::memcpy(t.data_, data_, byte_size());
  t.quant_ = quant_;
  return t;
}

Tensor Tensor::reshaped(const Shape& shape) const {
  Tensor t = *this;
  t.shape_ = shape;
  return t;
}

double Tensor::as_double(int64_t i) const {
  switch (dtype_) {
#define EDGERUN_AS_DOUBLE(T) return static_cast<double>(data<T>()[i]);
    EDGERUN_ALL_CASES(EDGERUN_AS_DOUBLE);
#undef EDGERUN_AS_DOUBLE
    case DType::kF16: return half_to_float(data<uint16_t>()[i]);
    default: return 0.0;
  }
}

int64_t Tensor::as_int64(int64_t i) const {
  switch (dtype_) {
#define EDGERUN_AS_INT64(T) return static_cast<int64_t>(data<T>()[i]);
    EDGERUN_ALL_CASES(EDGERUN_AS_INT64);
#undef EDGERUN_AS_INT64
    case DType::kF16: return static_cast<int64_t>(half_to_float(data<uint16_t>()[i]));
    default: return 0;
  }
}

std::vector<int64_t> Tensor::to_int64_vector() const {
  std::vector<int64_t> v(static_cast<size_t>(num_elements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = as_int64(static_cast<int64_t>(i));
  return v;
}

}  // namespace edgerun
