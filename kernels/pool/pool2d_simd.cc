#include "kernels/pool/pool2d_simd.h"

#include <algorithm>
#include <limits>

#include "kernels/x86/pool/pool.h"

namespace edgerun::kernels {

namespace {

using x86::F32GlobalPoolFn;
using x86::F32PoolPlaneFn;

struct PoolKernels {
  F32PoolPlaneFn max[x86::kWindowVariants], avg[x86::kWindowVariants];  // by x86::window_variant
  F32GlobalPoolFn global_max, global_avg;
};

#define EDGERUN_X86_MAXPOOL_AVX2(variant, k, s) x86::f32_maxpool2d_chw_##variant##__avx2,
#define EDGERUN_X86_AVGPOOL_AVX2(variant, k, s) x86::f32_avgpool2d_chw_##variant##__avx2,
#define EDGERUN_X86_MAXPOOL_AVX512(variant, k, s) x86::f32_maxpool2d_chw_##variant##__avx512,
#define EDGERUN_X86_AVGPOOL_AVX512(variant, k, s) x86::f32_avgpool2d_chw_##variant##__avx512,
constexpr PoolKernels kAvx2 = {{EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_MAXPOOL_AVX2)},
                               {EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_AVGPOOL_AVX2)},
                               x86::f32_gmaxpool_chw__avx2,
                               x86::f32_gavgpool_chw__avx2};
constexpr PoolKernels kAvx512 = {{EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_MAXPOOL_AVX512)},
                                 {EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_AVGPOOL_AVX512)},
                                 x86::f32_gmaxpool_chw__avx512,
                                 x86::f32_gavgpool_chw__avx512};
#undef EDGERUN_X86_MAXPOOL_AVX2
#undef EDGERUN_X86_AVGPOOL_AVX2
#undef EDGERUN_X86_MAXPOOL_AVX512
#undef EDGERUN_X86_AVGPOOL_AVX512

// Taps of each of `out` placements along one dim whose coordinate lies in [lo, hi), as
// kernels/ref/nn/pool.cc counts them.
std::vector<int64_t> taps_in_range(int64_t out, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad,
                                   int64_t lo, int64_t hi) {
  std::vector<int64_t> counts(static_cast<size_t>(out), 0);
  for (int64_t o = 0; o < out; ++o) {
    for (int64_t k = 0; k < kernel; ++k) {
      const int64_t c = o * stride - pad + k * dilation;
      if (c >= lo && c < hi) ++counts[static_cast<size_t>(o)];
    }
  }
  return counts;
}

// Outputs whose window has no tap inside the image: ONNX's max pool gives the numeric lowest there.
std::vector<int64_t> padding_only(const std::vector<int64_t>& taps_inside) {
  std::vector<int64_t> where;
  for (size_t o = 0; o < taps_inside.size(); ++o) {
    if (taps_inside[o] == 0) where.push_back(static_cast<int64_t>(o));
  }
  return where;
}

// The divisor of the placements along one dim, at least 1 (a window with no tap sums to 0).
std::vector<float> divisors(const std::vector<int64_t>& counts) {
  std::vector<float> d(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) d[i] = static_cast<float>(std::max<int64_t>(counts[i], 1));
  return d;
}

class Pool2dSimd final : public Pool2dF32 {
 public:
  Pool2dSimd(const Pool2dShape& s, const PoolKernels& kernels) : shape_(s) {
    if (s.global()) {
      global_ = s.kind == PoolKind::kGlobalMax ? kernels.global_max : kernels.global_avg;
      return;
    }
    g_ = x86::window_geometry_of(s);
    const int variant = x86::window_variant(g_);
    plane_ = s.kind == PoolKind::kMax ? kernels.max[variant] : kernels.avg[variant];
    const auto rows = [&](int64_t lo, int64_t hi) {
      return taps_in_range(s.out_h, s.kernel_h, s.stride_h, s.dilation_h, s.pad_top, lo, hi);
    };
    const auto cols = [&](int64_t lo, int64_t hi) {
      return taps_in_range(s.out_w, s.kernel_w, s.stride_w, s.dilation_w, s.pad_left, lo, hi);
    };
    if (s.kind == PoolKind::kMax) {
      empty_rows_ = padding_only(rows(0, s.in_h));
      empty_cols_ = padding_only(cols(0, s.in_w));
    } else if (s.count_include_pad) {
      row_divisor_ = divisors(rows(-s.pad_top, s.in_h + s.pad_bottom));
      col_divisor_ = divisors(cols(-s.pad_left, s.in_w + s.pad_right));
    } else {
      row_divisor_ = divisors(rows(0, s.in_h));
      col_divisor_ = divisors(cols(0, s.in_w));
    }
  }

  void run(const float* x, float* y, void* /*scratch*/) const override {
    const int64_t in_plane = shape_.in_h * shape_.in_w, out_plane = shape_.out_h * shape_.out_w;
    for_each_pool_task(
        shape_, global_ != nullptr,
        [&](int64_t count, int64_t first) { global_(count, in_plane, x + first * in_plane, y + first); },
        [&](int64_t p) {
          x86::PoolPlaneArgs a;
          a.x = x + p * in_plane;
          a.y = y + p * out_plane;
          a.row_divisor = row_divisor_.data();
          a.col_divisor = col_divisor_.data();
          plane_(g_, a);
          fill_padding_only(a.y);
        });
  }

 private:
  void fill_padding_only(float* y) const {
    constexpr float kLowest = std::numeric_limits<float>::lowest();
    for (int64_t oh : empty_rows_) std::fill_n(y + oh * shape_.out_w, shape_.out_w, kLowest);
    if (empty_cols_.empty()) return;
    for (int64_t oh = 0; oh < shape_.out_h; ++oh) {
      for (int64_t ow : empty_cols_) y[oh * shape_.out_w + ow] = kLowest;
    }
  }

  Pool2dShape shape_;
  x86::WindowGeometry g_;
  F32PoolPlaneFn plane_ = nullptr;
  F32GlobalPoolFn global_ = nullptr;
  std::vector<float> row_divisor_, col_divisor_;
  std::vector<int64_t> empty_rows_, empty_cols_;
};

}  // namespace

// Strides, dilations and row lengths that the microkernels' 32-bit column offsets reach.
bool pool2d_simd_supported(const Pool2dShape& s) {
  if (s.global()) return true;
  return s.kernel_h >= 1 && s.kernel_w >= 1 && s.stride_h >= 1 && s.stride_w >= 1 && s.dilation_h >= 1 &&
         s.dilation_w >= 1 && s.in_w < (int64_t{1} << 30) && s.pad_left < (int64_t{1} << 30) &&
         s.out_w * s.stride_w + s.kernel_w * s.dilation_w < (int64_t{1} << 30);
}

std::unique_ptr<Pool2dF32> create_pool2d_avx2(const Pool2dShape& shape) {
  return std::make_unique<Pool2dSimd>(shape, kAvx2);
}

std::unique_ptr<Pool2dF32> create_pool2d_avx512(const Pool2dShape& shape) {
  // Rows of 8 outputs or fewer fill at most half of a 16-lane vector: the 8-lane kernels waste less.
  return std::make_unique<Pool2dSimd>(shape, !shape.global() && shape.out_w <= 8 ? kAvx2 : kAvx512);
}

}  // namespace edgerun::kernels
