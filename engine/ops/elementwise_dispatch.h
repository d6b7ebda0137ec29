// Type dispatch for the element-wise run glue: calls a generic lambda with the C type of a DType from
// an allowed set, and runs ops on f16 tensors by widening them to f32 (f16 is a storage type only).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "engine/ops/kernel_context.h"
#include "graph/ops/elementwise_types.h"

namespace edgerun::ops {

template <typename T>
struct TypeTag {
  using type = T;
};

// Calls fn(TypeTag<T>{}) where T is the C type of `t`, instantiating fn only for the types in kMask.
// f16 has no C type: callers widen it first (run_f16_as_f32).
template <uint32_t kMask, typename Fn>
Status visit_type(DType t, Fn&& fn) {
  switch (t) {
#define EDGERUN_VISIT_CASE(DT, CT)                                              \
  case DType::DT:                                                               \
    if constexpr ((kMask & type_bit(DType::DT)) != 0) return fn(TypeTag<CT>{}); \
    break;
    EDGERUN_VISIT_CASE(kF32, float)
    EDGERUN_VISIT_CASE(kF64, double)
    EDGERUN_VISIT_CASE(kI8, int8_t)
    EDGERUN_VISIT_CASE(kU8, uint8_t)
    EDGERUN_VISIT_CASE(kI16, int16_t)
    EDGERUN_VISIT_CASE(kU16, uint16_t)
    EDGERUN_VISIT_CASE(kI32, int32_t)
    EDGERUN_VISIT_CASE(kU32, uint32_t)
    EDGERUN_VISIT_CASE(kI64, int64_t)
    EDGERUN_VISIT_CASE(kU64, uint64_t)
    EDGERUN_VISIT_CASE(kBool, bool)
#undef EDGERUN_VISIT_CASE
    default: break;
  }
  return unsupported(std::string("element type ") + dtype_name(t));
}

template <uint32_t kMask, typename Fn>
Status visit_type(const KernelContext& ctx, DType t, Fn&& fn) {
  return ctx.in_context(visit_type<kMask>(t, std::forward<Fn>(fn)));
}

// Calls fn(TypeTag<U>{}) with the unsigned integer type as wide as one element of `t`: for ops that
// only move elements (Where, Identity).
template <typename Fn>
Status visit_element_size(DType t, Fn&& fn) {
  switch (dtype_size(t)) {
    case 1: return fn(TypeTag<uint8_t>{});
    case 2: return fn(TypeTag<uint16_t>{});
    case 4: return fn(TypeTag<uint32_t>{});
    case 8: return fn(TypeTag<uint64_t>{});
    default: return unsupported(std::string("element type ") + dtype_name(t));
  }
}

// True when an input or output of the node is f16.
bool has_f16(const KernelContext& ctx);

// Runs `body` on a context whose f16 inputs are f32 copies and whose f16 outputs are f32 scratch, then
// rounds those outputs back into the real f16 outputs.
Status run_f16_as_f32(const KernelContext& ctx, const std::function<Status(KernelContext&)>& body);

// Element-wise f16 <-> f32 conversion between tensors of equal element count.
void f16_to_f32(const Tensor& src, Tensor& dst);
void f32_to_f16(const Tensor& src, Tensor& dst);

}  // namespace edgerun::ops
