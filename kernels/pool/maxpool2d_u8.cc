// The uint8 max pool table, best first: the AVX-512 / AVX2 plane kernels of kernels/x86/pool/u8_pool.h
// threaded over planes, and the reference.
#include "kernels/pool/maxpool2d_u8.h"

#include "kernels/pool/pool2d_ref.h"
#include "kernels/pool/pool2d_simd.h"
#include "kernels/ref/nn/pool.h"
#include "kernels/x86/pool/u8_pool.h"

namespace edgerun::kernels {

namespace {

struct U8PoolKernels {
  x86::U8PoolPlaneFn max[x86::kWindowVariants];  // by x86::window_variant
  x86::U8GlobalPoolFn global_max;
};

#define EDGERUN_X86_U8_MAXPOOL_AVX2(variant, k, s) x86::u8_maxpool2d_chw_##variant##__avx2,
#define EDGERUN_X86_U8_MAXPOOL_AVX512(variant, k, s) x86::u8_maxpool2d_chw_##variant##__avx512,
constexpr U8PoolKernels kAvx2 = {{EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_U8_MAXPOOL_AVX2)},
                                 x86::u8_gmaxpool_chw__avx2};
constexpr U8PoolKernels kAvx512 = {{EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_U8_MAXPOOL_AVX512)},
                                   x86::u8_gmaxpool_chw__avx512};
#undef EDGERUN_X86_U8_MAXPOOL_AVX2
#undef EDGERUN_X86_U8_MAXPOOL_AVX512

bool max_kind(const Pool2dShape& s) { return s.kind == PoolKind::kMax || s.kind == PoolKind::kGlobalMax; }
bool simd_supported(const Pool2dShape& s) { return max_kind(s) && pool2d_simd_supported(s); }

class MaxPool2dU8Simd final : public MaxPool2dU8 {
 public:
  MaxPool2dU8Simd(const Pool2dShape& s, const U8PoolKernels& kernels) : shape_(s) {
    if (s.global()) {
      global_ = kernels.global_max;
      return;
    }
    g_ = x86::window_geometry_of(s);
    plane_ = kernels.max[x86::window_variant(g_)];
  }

  void run(const uint8_t* x, uint8_t* y) const override {
    const int64_t in_plane = shape_.in_h * shape_.in_w, out_plane = shape_.out_h * shape_.out_w;
    for_each_pool_task(
        shape_, global_ != nullptr,
        [&](int64_t count, int64_t first) { global_(count, in_plane, x + first * in_plane, y + first); },
        [&](int64_t p) {
          x86::U8PoolPlaneArgs a;
          a.x = x + p * in_plane;
          a.y = y + p * out_plane;
          plane_(g_, a);
        });
  }

 private:
  Pool2dShape shape_;
  x86::WindowGeometry g_;
  x86::U8PoolPlaneFn plane_ = nullptr;
  x86::U8GlobalPoolFn global_ = nullptr;
};

class MaxPool2dU8Ref final : public MaxPool2dU8 {
 public:
  explicit MaxPool2dU8Ref(const Pool2dShape& shape) : shape_(shape), params_(pool2d_ref_params(shape)) {}

  void run(const uint8_t* x, uint8_t* y) const override {
    if (shape_.global()) {
      ref::global_max_pool(shape_.planes(), shape_.in_h * shape_.in_w, x, y);
    } else {
      ref::max_pool(params_, x, y, nullptr);
    }
  }

 private:
  Pool2dShape shape_;
  ref::PoolParams params_;
};

std::unique_ptr<MaxPool2dU8> create_avx2(const Pool2dShape& shape) {
  return std::make_unique<MaxPool2dU8Simd>(shape, kAvx2);
}

std::unique_ptr<MaxPool2dU8> create_avx512(const Pool2dShape& shape) {
  // Rows of 8 outputs or fewer fill at most half of a 16-lane vector: the 8-lane kernels waste less.
  return std::make_unique<MaxPool2dU8Simd>(shape, !shape.global() && shape.out_w <= 8 ? kAvx2 : kAvx512);
}

std::unique_ptr<MaxPool2dU8> create_ref(const Pool2dShape& shape) { return std::make_unique<MaxPool2dU8Ref>(shape); }

}  // namespace

const std::vector<MaxPool2dU8Impl>& maxpool2d_u8_impls() {
  static const std::vector<MaxPool2dU8Impl> table = {
      {"u8_maxpool2d_chw__avx512", Isa::kAvx512, Backend::kNative, simd_supported, create_avx512},
      {"u8_maxpool2d_chw__avx2", Isa::kAvx2, Backend::kNative, simd_supported, create_avx2},
      {"u8_maxpool2d__ref", Isa::kRef, Backend::kNative, max_kind, create_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
