// Element types. Values equal ONNX's TensorProto.DataType so the importer maps them one to one.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgerun {

enum class DType : int32_t {
  kUndefined = 0,
  kF32 = 1,
  kU8 = 2,
  kI8 = 3,
  kU16 = 4,
  kI16 = 5,
  kI32 = 6,
  kI64 = 7,
  kString = 8,  // recognised so errors can name it; no op computes on strings
  kBool = 9,
  kF16 = 10,    // storage only: imported, converted by Cast
  kF64 = 11,
  kU32 = 12,
  kU64 = 13,
};

// Size in bytes of one element; 0 for kUndefined and kString.
size_t dtype_size(DType t);
const char* dtype_name(DType t);
// True for the types our kernels store (everything but undefined and string).
bool dtype_is_supported(DType t);
bool dtype_is_float(DType t);
bool dtype_is_integer(DType t);  // signed or unsigned integer, not bool
bool dtype_is_signed(DType t);

template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::kF32; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::kF64; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::kU8; };
template <> struct DTypeOf<int8_t> { static constexpr DType value = DType::kI8; };
template <> struct DTypeOf<uint16_t> { static constexpr DType value = DType::kU16; };
template <> struct DTypeOf<int16_t> { static constexpr DType value = DType::kI16; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::kI32; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::kI64; };
template <> struct DTypeOf<uint32_t> { static constexpr DType value = DType::kU32; };
template <> struct DTypeOf<uint64_t> { static constexpr DType value = DType::kU64; };
template <> struct DTypeOf<bool> { static constexpr DType value = DType::kBool; };

// IEEE half <-> float conversion (f16 is a storage type only).
float half_to_float(uint16_t h);
uint16_t float_to_half(float f);

}  // namespace edgerun

// Calls MACRO(CType) inside a switch on a DType for the listed type groups. Used by kernels that are
// written once as a template over the element type. Each case must `return`.
#define EDGERUN_CASE_TYPE(DT, CT, MACRO) \
  case ::edgerun::DType::DT: MACRO(CT)
#define EDGERUN_FLOAT_CASES(MACRO) \
  EDGERUN_CASE_TYPE(kF32, float, MACRO); EDGERUN_CASE_TYPE(kF64, double, MACRO)
#define EDGERUN_INT_CASES(MACRO)                                                    \
  EDGERUN_CASE_TYPE(kI8, int8_t, MACRO); EDGERUN_CASE_TYPE(kU8, uint8_t, MACRO);    \
  EDGERUN_CASE_TYPE(kI16, int16_t, MACRO); EDGERUN_CASE_TYPE(kU16, uint16_t, MACRO); \
  EDGERUN_CASE_TYPE(kI32, int32_t, MACRO); EDGERUN_CASE_TYPE(kU32, uint32_t, MACRO); \
  EDGERUN_CASE_TYPE(kI64, int64_t, MACRO); EDGERUN_CASE_TYPE(kU64, uint64_t, MACRO)
#define EDGERUN_NUMERIC_CASES(MACRO) EDGERUN_FLOAT_CASES(MACRO); EDGERUN_INT_CASES(MACRO)
#define EDGERUN_ALL_CASES(MACRO) EDGERUN_NUMERIC_CASES(MACRO); EDGERUN_CASE_TYPE(kBool, bool, MACRO)
