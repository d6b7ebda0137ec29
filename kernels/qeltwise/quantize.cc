// The QuantizeLinear / DequantizeLinear tables, best first (see kernels/dispatch.h), and the threaded
// loop around the microkernels.
#include "kernels/qeltwise/quantize.h"

#include "kernels/eltwise/parallel.h"
#include "kernels/qeltwise/qeltwise_ref.h"
#include "kernels/x86/qeltwise/qeltwise_ukernels.h"

namespace edgerun::kernels {

namespace {

// Elements per thread below which a thread does not pay (5 bytes per element at memory speed).
constexpr int64_t kGrain = 32768;

template <typename TX, typename TY, void (*kUkernel)(int64_t, const TX*, float, int32_t, TY*)>
void run_conversion(const QuantizeShape& shape, const TX* x, float scale, uint8_t zero_point, TY* y) {
  parallel_ranges(shape.n, kGrain, 64,
                  [&](int64_t begin, int64_t end) { kUkernel(end - begin, x + begin, scale, zero_point, y + begin); });
}

template <void (*kUkernel)(int64_t, const float*, float, int32_t, uint8_t*)>
constexpr auto kQuantize = run_conversion<float, uint8_t, kUkernel>;
template <void (*kUkernel)(int64_t, const uint8_t*, float, int32_t, float*)>
constexpr auto kDequantize = run_conversion<uint8_t, float, kUkernel>;

}  // namespace

const std::vector<QuantizeU8Impl>& quantize_u8_impls() {
  static const std::vector<QuantizeU8Impl> table = {
      {"qu8_quantize__avx512", Isa::kAvx512, Backend::kNative, nullptr, kQuantize<x86::qu8_quantize__avx512>},
      {"qu8_quantize__avx2", Isa::kAvx2, Backend::kNative, nullptr, kQuantize<x86::qu8_quantize__avx2>},
      {"qu8_quantize__ref", Isa::kRef, Backend::kNative, nullptr, kQuantize<qu8_quantize_ref>},
  };
  return table;
}

const std::vector<DequantizeU8Impl>& dequantize_u8_impls() {
  static const std::vector<DequantizeU8Impl> table = {
      {"qu8_dequantize__avx512", Isa::kAvx512, Backend::kNative, nullptr, kDequantize<x86::qu8_dequantize__avx512>},
      {"qu8_dequantize__avx2", Isa::kAvx2, Backend::kNative, nullptr, kDequantize<x86::qu8_dequantize__avx2>},
      {"qu8_dequantize__ref", Isa::kRef, Backend::kNative, nullptr, kDequantize<qu8_dequantize_ref>},
  };
  return table;
}

}  // namespace edgerun::kernels
