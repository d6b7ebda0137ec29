#include "kernels/conv/conv2d_gemm.h"

#include <algorithm>
#include <limits>

#include "kernels/conv/im2col_pack.h"
#include "kernels/conv/wide_grid.h"
#include "kernels/gemm/f32_gemm.h"
#include "kernels/ref/omp.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

namespace {

// How B (the GEMM's k x n right operand) comes from the input.
enum class Source {
  kDirect,  // 1x1, stride 1, no padding: B is the input itself, n = out_h * out_w
  kWide,  // stride 1, any kernel: B's rows read in place on the wide grid (kernels/conv/wide_grid.h)
  kIm2col,  // strided, or where the wide grid wastes too much: runs of im2col rows gathered from the input
};

Source source_of(const Conv2dShape& s) {
  if (s.stride_h != 1 || s.stride_w != 1) return Source::kIm2col;
  if (s.pointwise()) return Source::kDirect;
  // The wide grid computes wp - out_w extra columns per row (many with DUC's dilations up to 12);
  // im2col packs B for every block instead, about 12 / M of the product's time (Zen 5: the two tie
  // on DUC's dilation-2 layer, M = 256). Compared in panels of 32 columns.
  const double wide = static_cast<double>(ceil_div(s.out_h * wide_padded_w(s), 32));
  const double packed = static_cast<double>(ceil_div(s.out_h * s.out_w, 32)) *
                        (1.0 + 12.0 / static_cast<double>(s.out_channels_per_group()));
  return wide <= packed ? Source::kWide : Source::kIm2col;
}

// Columns of the GEMM per image and group.
int64_t gemm_n(const Conv2dShape& s) {
  return source_of(s) == Source::kWide ? s.out_h * wide_padded_w(s) : s.out_h * s.out_w;
}

class Conv2dGemm final : public Conv2dF32 {
 public:
  Conv2dGemm(const Conv2dShape& shape, const GemmTile& tile, x86::Im2colRun copy_run, const float* weights,
             const float* bias, const Epilogue& epilogue)
      : s_(shape),
        tile_(tile),
        copy_run_(copy_run),
        epilogue_(epilogue),
        source_(source_of(shape)),
        m_(shape.out_channels_per_group()),
        n_(gemm_n(shape)),
        k_(shape.in_channels_per_group() * shape.kernel_h * shape.kernel_w),
        threads_(gemm_max_threads()),
        grid_(gemm_grid(tile, m_, n_, ceil_div(m_, tile.mr), kGemmNc / tile.nr, shape.batch * shape.groups, threads_)) {
    a_group_stride_ = grid_.m_panels * k_ * tile.mr;
    weights_.resize(static_cast<size_t>(a_group_stride_ * shape.groups));
    for (int64_t g = 0; g < shape.groups; ++g) {
      pack_a_panels(weights + g * m_ * k_, k_, 1, m_, k_, tile.mr, weights_.data() + g * a_group_stride_);
    }
    if (bias != nullptr) bias_.assign(bias, bias + shape.out_channels);
    // Rows of B read in place (wide grid): tap (c, ky, kx) of row k in the padded planes.
    // Scratch: the padded input (wide grid), then per thread a block of packed B or the block's wide
    // result, each a multiple of 16 floats so that all stay 64-byte aligned.
    if (source_ == Source::kWide) {
      b_rows_ = wide_grid_rows(s_);
      padded_floats_ = align16(s_.batch * s_.in_channels * wide_padded_h(s_) * wide_padded_w(s_));
      c_block_floats_ = align16(grid_.max_m_block_panels() * tile.mr * grid_.max_n_block_panels() * tile.nr);
    } else {
      b_block_floats_ = align16(std::min(k_, kGemmKc) * grid_.max_n_block_panels() * tile.nr);
    }
  }

  void run(const float* x, const float* residual, float* y, void* scratch) const override {
    float* padded = static_cast<float*>(scratch);
    const int64_t blocks_per_image = grid_.m_blocks * grid_.n_blocks;
    const int64_t blocks = s_.batch * s_.groups * blocks_per_image;
    EDGERUN_OMP(parallel num_threads(std::min<int64_t>(threads_, gemm_max_threads()))) {
#if defined(_OPENMP)
      const int64_t thread = omp_get_thread_num();
#else
      const int64_t thread = 0;
#endif
      float* b_pack = padded + padded_floats_ + thread * (b_block_floats_ + c_block_floats_);
      float* c_wide = b_pack + b_block_floats_;
      if (source_ == Source::kWide) {
        EDGERUN_OMP(for schedule(static))
        for (int64_t plane = 0; plane < s_.batch * s_.in_channels; ++plane) pad_wide_plane(s_, x, plane, 0.0f, padded);
      }
      EDGERUN_OMP(for schedule(static))
      for (int64_t block = 0; block < blocks; ++block) {
        run_block(block / blocks_per_image, block % blocks_per_image / grid_.n_blocks, block % grid_.n_blocks,
                  source_ == Source::kWide ? padded : x, residual, y, b_pack, c_wide);
      }
    }
  }

  size_t scratch_bytes() const override {
    return static_cast<size_t>(padded_floats_ + threads_ * (b_block_floats_ + c_block_floats_)) * sizeof(float);
  }

 private:
  static int64_t align16(int64_t floats) { return ceil_div(floats, 16) * 16; }


  // Block (mb, nb) of image * groups + group `image_group`.
  void run_block(int64_t image_group, int64_t mb, int64_t nb, const float* x, const float* residual, float* y,
                 float* b_pack, float* c_wide) const {
    const int64_t group = image_group % s_.groups;
    const int64_t m0 = grid_.m_begin(mb) * tile_.mr, m1 = std::min(m_, grid_.m_begin(mb + 1) * tile_.mr);
    const int64_t n0 = grid_.n_begin(nb) * tile_.nr, n1 = std::min(n_, grid_.n_begin(nb + 1) * tile_.nr);
    const int64_t in_group = source_ == Source::kWide ? s_.in_channels_per_group() * wide_padded_h(s_) * wide_padded_w(s_)
                                                      : s_.in_channels_per_group() * s_.in_h * s_.in_w;
    const float* xg = x + image_group * in_group;
    const int64_t out_group = m_ * s_.out_h * s_.out_w;
    float* yg = y + image_group * out_group;
    const float* rg = epilogue_.residual ? residual + image_group * out_group : nullptr;
    x86::GemmUkernelParams p;
    if (!bias_.empty()) p.row_bias = bias_.data() + group * m_ + m0;
    if (source_ == Source::kWide) {  // into c_wide; store_wide_rows adds the residual and clamps
      p.c = c_wide;
      p.ldc = n1 - n0;
      p.min = -std::numeric_limits<float>::infinity();
      p.max = std::numeric_limits<float>::infinity();
    } else {
      p.c = yg + m0 * n_ + n0;
      p.ldc = n_;
      if (rg != nullptr) {
        p.residual = rg + m0 * n_ + n0;
        p.ld_residual = n_;
      }
      p.min = epilogue_.min;
      p.max = epilogue_.max;
    }
    const float* a = weights_.data() + group * a_group_stride_ + grid_.m_begin(mb) * k_ * tile_.mr;
    for (int64_t k0 = 0; k0 < k_; k0 += kGemmKc) {
      p.kc = std::min(kGemmKc, k_ - k0);
      p.first = k0 == 0;
      p.last = k0 + p.kc == k_;
      const float* b = b_pack;
      int64_t b_panel_stride = p.kc * tile_.nr;
      switch (source_) {
        case Source::kDirect:
          // Packed, not read in place: rows k * n apart (hundreds of planes) stall the loads.
          pack_b_panels(xg + k0 * n_ + n0, n_, 1, p.kc, n1 - n0, tile_.nr, b_pack);
          break;
        case Source::kWide:  // read in place
          p.b_rows = b_rows_.data() + k0;
          b = xg + n0;
          b_panel_stride = tile_.nr;
          break;
        case Source::kIm2col: pack_b_im2col(s_, copy_run_, xg, k0, p.kc, n0, n1 - n0, tile_.nr, b_pack); break;
      }
      gemm_panels(tile_, m1 - m0, n1 - n0, a + k0 * tile_.mr, k_ * tile_.mr, b, b_panel_stride, p);
    }
    if (source_ == Source::kWide) {
      store_wide_rows(s_, c_wide, n1 - n0, m0, m1, n0, n1, rg, yg, epilogue_.min, epilogue_.max);
    }
  }

  Conv2dShape s_;
  const GemmTile& tile_;
  x86::Im2colRun copy_run_;
  Epilogue epilogue_;
  Source source_;
  int64_t m_, n_, k_;  // the GEMM per image and group
  int threads_;
  GemmGrid grid_;
  int64_t a_group_stride_ = 0;
  int64_t padded_floats_ = 0, b_block_floats_ = 0, c_block_floats_ = 0;
  std::vector<float> weights_, bias_;
  std::vector<int64_t> b_rows_;
};

}  // namespace

bool conv2d_gemm_supports(const Conv2dShape& shape) { return !shape.depthwise(); }

template <Isa isa>
Result<std::unique_ptr<Conv2dF32>> create_conv2d_gemm(const Conv2dShape& shape, const float* weights, const float* bias,
                                              const Epilogue& epilogue) {
  const GemmTile& tile = choose_gemm_tile(isa, shape.out_channels_per_group(), gemm_n(shape));
  const x86::Im2colRun copy_run = isa == Isa::kAvx2 ? x86::f32_im2col_run__avx2 : x86::f32_im2col_run__avx512;
  return std::unique_ptr<Conv2dF32>(std::make_unique<Conv2dGemm>(shape, tile, copy_run, weights, bias, epilogue));
}

template Result<std::unique_ptr<Conv2dF32>> create_conv2d_gemm<Isa::kAvx2>(const Conv2dShape&, const float*, const float*,
                                                                   const Epilogue&);
template Result<std::unique_ptr<Conv2dF32>> create_conv2d_gemm<Isa::kAvx512>(const Conv2dShape&, const float*, const float*,
                                                                     const Epilogue&);

}  // namespace edgerun::kernels
