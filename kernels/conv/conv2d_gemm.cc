#include "kernels/conv/conv2d_gemm.h"

#include <algorithm>

#include "kernels/gemm/f32_gemm.h"
#include "kernels/ref/omp.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

namespace {

// B[p][j] of one image and group for p in [k0, k0 + kc), j in [n0, n0 + n): the input element under
// kernel tap p (channel, ky, kx) for output pixel j, zero in the padding. Packed as pack_b_panels
// lays it out; each row is copied in runs along an output row by the ISA's run copier.
void pack_b_im2col(const Conv2dShape& s, x86::Im2colRun copy_run, const float* x, int64_t k0, int64_t kc, int64_t n0,
                   int64_t n, int64_t nr, float* dst) {
  const int64_t taps = s.kernel_h * s.kernel_w;
  const int64_t panels = ceil_div(n, nr);
  for (int64_t p = 0; p < kc; ++p) {
    const int64_t tap = (k0 + p) % taps;
    const float* image = x + (k0 + p) / taps * s.in_h * s.in_w;
    const int64_t dy = tap / s.kernel_w * s.dilation_h - s.pad_top;
    const int64_t dx = tap % s.kernel_w * s.dilation_w - s.pad_left;
    int64_t oh = n0 / s.out_w, ow = n0 % s.out_w;
    for (int64_t j = 0; j < n;) {
      // A run: up to the end of the output row and of the panel.
      const int64_t len = std::min({s.out_w - ow, n - j, nr - j % nr});
      const int64_t ih = oh * s.stride_h + dy;
      const bool inside = ih >= 0 && ih < s.in_h;  // else the whole run is padding
      copy_run(image + (inside ? ih : 0) * s.in_w, ow * s.stride_w + dx, inside ? s.in_w : 0, s.stride_w, len,
               dst + j / nr * kc * nr + p * nr + j % nr);
      j += len;
      ow += len;
      if (ow == s.out_w) {
        ow = 0;
        ++oh;
      }
    }
    const int64_t tail = panels * nr - n;  // columns of the last panel past n
    if (tail > 0) copy_run(image, 0, 0, 1, tail, dst + (panels - 1) * kc * nr + p * nr + (nr - tail));
  }
}

class Conv2dGemm final : public Conv2dF32 {
 public:
  Conv2dGemm(const Conv2dShape& shape, const GemmTile& tile, x86::Im2colRun copy_run, const float* weights,
             const float* bias, const Epilogue& epilogue)
      : s_(shape),
        tile_(tile),
        copy_run_(copy_run),
        epilogue_(epilogue),
        m_(shape.out_channels_per_group()),
        n_(shape.out_h * shape.out_w),
        k_(shape.in_channels_per_group() * shape.kernel_h * shape.kernel_w),
        direct_(shape.kernel_h == 1 && shape.kernel_w == 1 && shape.stride_h == 1 && shape.stride_w == 1 &&
                shape.pad_top == 0 && shape.pad_left == 0 && shape.out_h == shape.in_h && shape.out_w == shape.in_w),
        threads_(gemm_max_threads()),
        grid_(gemm_grid(tile, m_, n_, ceil_div(m_, tile.mr), kGemmNc / tile.nr, shape.batch * shape.groups, threads_)) {
    a_group_stride_ = grid_.m_panels * k_ * tile.mr;
    weights_.resize(static_cast<size_t>(a_group_stride_ * shape.groups));
    for (int64_t g = 0; g < shape.groups; ++g) {
      pack_a_panels(weights + g * m_ * k_, k_, 1, m_, k_, tile.mr, weights_.data() + g * a_group_stride_);
    }
    if (bias != nullptr) bias_.assign(bias, bias + shape.out_channels);
    b_block_floats_ = std::min(k_, kGemmKc) * grid_.max_n_block_panels() * tile.nr;
    b_block_floats_ = ceil_div(b_block_floats_, 16) * 16;  // keep each thread's block 64-byte aligned
  }

  void run(const float* x, const float* residual, float* y, void* scratch) const override {
    const int64_t blocks_per_image = grid_.m_blocks * grid_.n_blocks;
    const int64_t blocks = s_.batch * s_.groups * blocks_per_image;
    const int64_t in_group = s_.in_channels_per_group() * s_.in_h * s_.in_w;
    const int64_t out_group = m_ * n_;
    EDGERUN_OMP(parallel num_threads(std::min<int64_t>({threads_, gemm_max_threads(), blocks})))
    {
#if defined(_OPENMP)
      const int64_t thread = omp_get_thread_num();
#else
      const int64_t thread = 0;
#endif
      float* b_pack = static_cast<float*>(scratch) + thread * b_block_floats_;
      EDGERUN_OMP(for schedule(static))
      for (int64_t block = 0; block < blocks; ++block) {
        const int64_t image_group = block / blocks_per_image;  // image * groups + group
        const int64_t group = image_group % s_.groups;
        const int64_t mb = block % blocks_per_image / grid_.n_blocks;
        const int64_t nb = block % grid_.n_blocks;
        const int64_t m0 = grid_.m_begin(mb) * tile_.mr, m1 = std::min(m_, grid_.m_begin(mb + 1) * tile_.mr);
        const int64_t n0 = grid_.n_begin(nb) * tile_.nr, n1 = std::min(n_, grid_.n_begin(nb + 1) * tile_.nr);
        const float* xg = x + image_group * in_group;
        x86::GemmUkernelParams p;
        p.c = y + image_group * out_group + m0 * n_ + n0;
        p.ldc = n_;
        if (!bias_.empty()) p.row_bias = bias_.data() + group * m_ + m0;
        if (epilogue_.residual) {
          p.residual = residual + image_group * out_group + m0 * n_ + n0;
          p.ld_residual = n_;
        }
        p.min = epilogue_.min;
        p.max = epilogue_.max;
        const float* a = weights_.data() + group * a_group_stride_ + grid_.m_begin(mb) * k_ * tile_.mr;
        for (int64_t k0 = 0; k0 < k_; k0 += kGemmKc) {
          p.kc = std::min(kGemmKc, k_ - k0);
          p.first = k0 == 0;
          p.last = k0 + p.kc == k_;
          if (direct_) {
            pack_b_panels(xg + k0 * n_ + n0, n_, 1, p.kc, n1 - n0, tile_.nr, b_pack);
          } else {
            pack_b_im2col(s_, copy_run_, xg, k0, p.kc, n0, n1 - n0, tile_.nr, b_pack);
          }
          gemm_panels(tile_, m1 - m0, n1 - n0, a + k0 * tile_.mr, k_ * tile_.mr, b_pack, p.kc * tile_.nr, p);
        }
      }
    }
  }

  size_t scratch_bytes() const override { return static_cast<size_t>(threads_ * b_block_floats_) * sizeof(float); }

 private:
  Conv2dShape s_;
  const GemmTile& tile_;
  x86::Im2colRun copy_run_;
  Epilogue epilogue_;
  int64_t m_, n_, k_;
  bool direct_;  // 1x1, stride 1, no padding: B is the input itself
  int threads_;
  GemmGrid grid_;
  int64_t a_group_stride_ = 0, b_block_floats_ = 0;
  std::vector<float> weights_, bias_;
};

}  // namespace

bool conv2d_gemm_supports(const Conv2dShape& shape) { return !shape.depthwise(); }

template <Isa isa>
std::unique_ptr<Conv2dF32> create_conv2d_gemm(const Conv2dShape& shape, const float* weights, const float* bias,
                                              const Epilogue& epilogue) {
  const GemmTile& tile = choose_gemm_tile(isa, shape.out_channels_per_group(), shape.out_h * shape.out_w);
  const x86::Im2colRun copy_run = isa == Isa::kAvx2 ? x86::f32_im2col_run__avx2 : x86::f32_im2col_run__avx512;
  return std::make_unique<Conv2dGemm>(shape, tile, copy_run, weights, bias, epilogue);
}

template std::unique_ptr<Conv2dF32> create_conv2d_gemm<Isa::kAvx2>(const Conv2dShape&, const float*, const float*,
                                                                   const Epilogue&);
template std::unique_ptr<Conv2dF32> create_conv2d_gemm<Isa::kAvx512>(const Conv2dShape&, const float*,
                                                                     const float*, const Epilogue&);

}  // namespace edgerun::kernels
