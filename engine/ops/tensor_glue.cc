#include "engine/ops/tensor_glue.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace edgerun {

namespace {

// static_cast for in-range values; saturates (and maps NaN to 0) for integer targets, where an
// out-of-range conversion would be undefined.
template <typename T>
T convert(double v) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (std::isnan(v)) return T(0);
    if (v <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
    if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  }
  return static_cast<T>(v);
}

}  // namespace

NodeArgs node_args(const KernelContext& ctx) {
  std::vector<bool> present;
  std::vector<const Tensor*> values;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    present.push_back(ctx.has_input(i));
    values.push_back(ctx.has_input(i) ? &ctx.input(i) : nullptr);
  }
  return NodeArgs(ctx.node(), std::move(present), std::move(values));
}

Status copy_input_to_output(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (out.byte_size() != in.byte_size()) return ctx.error("output size differs from input size");
  if (out.raw_data() != in.raw_data() && in.byte_size() > 0) std::memcpy(out.raw_data(), in.raw_data(), in.byte_size());
  return Status::Ok();
}

Tensor scalar_of_type(DType dtype, double v) {
  switch (dtype) {
#define EDGERUN_SCALAR(T) return Tensor::scalar<T>(convert<T>(v));
    EDGERUN_ALL_CASES(EDGERUN_SCALAR);
#undef EDGERUN_SCALAR
    case DType::kF16: {
      Tensor t = Tensor::allocate(DType::kF16, {}).value();
      *t.data<uint16_t>() = float_to_half(static_cast<float>(v));
      return t;
    }
    default: return Tensor();
  }
}

}  // namespace edgerun
