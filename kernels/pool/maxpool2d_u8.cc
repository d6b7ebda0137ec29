// The uint8 max pool table, best first: the AVX-512 / AVX2 plane kernels of kernels/x86/pool/u8_pool.h
// threaded over planes, and the reference.
#include "kernels/pool/maxpool2d_u8.h"

#include <algorithm>

#include "kernels/pool/pool2d_ref.h"
#include "kernels/pool/pool2d_simd.h"
#include "kernels/ref/nn/pool.h"
#include "kernels/ref/omp.h"
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
    g_.in_h = s.in_h;
    g_.in_w = s.in_w;
    g_.out_h = s.out_h;
    g_.out_w = s.out_w;
    g_.kernel_h = s.kernel_h;
    g_.kernel_w = s.kernel_w;
    g_.stride_h = s.stride_h;
    g_.stride_w = s.stride_w;
    g_.dilation_h = s.dilation_h;
    g_.dilation_w = s.dilation_w;
    g_.pad_top = s.pad_top;
    g_.pad_left = s.pad_left;
    plane_ = kernels.max[x86::window_variant(g_)];
  }

  void run(const uint8_t* x, uint8_t* y) const override {
    const int64_t planes = shape_.planes();
    const int64_t in_plane = shape_.in_h * shape_.in_w;
    if (global_ != nullptr) {
      constexpr int64_t kBlock = 64;  // planes per task: a 7x7 plane is too little work alone
      EDGERUN_OMP(parallel for schedule(static))
      for (int64_t first = 0; first < planes; first += kBlock) {
        global_(std::min(kBlock, planes - first), in_plane, x + first * in_plane, y + first);
      }
      return;
    }
    const int64_t out_plane = shape_.out_h * shape_.out_w;
    EDGERUN_OMP(parallel for schedule(static))
    for (int64_t p = 0; p < planes; ++p) {
      x86::U8PoolPlaneArgs a;
      a.x = x + p * in_plane;
      a.y = y + p * out_plane;
      plane_(g_, a);
    }
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
