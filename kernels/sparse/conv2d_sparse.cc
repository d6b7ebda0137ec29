#include "kernels/sparse/conv2d_sparse.h"

#include <algorithm>
#include <limits>

#include "kernels/conv/im2col_pack.h"
#include "kernels/conv/wide_grid.h"
#include "kernels/sparse/spmm.h"
#if defined(EDGERUN_HAVE_XNNPACK)
#include "kernels/backends/xnnpack/conv2d_xnnpack.h"
#endif
#include "kernels/sparse/sparse_work.h"

namespace edgerun::kernels {

namespace {

// Where the product's right operand B comes from (as in conv2d_gemm.h).
enum class Source {
  kDirect,  // 1x1, stride 1, no padding: the input planes themselves
  // Stride 1 with taps: B's rows read in place on the wide grid (kernels/conv/wide_grid.h); no im2col
  // is packed (for a 3x3 layer it would copy 9x the input).
  kWide,
  kIm2col,  // strided: runs of im2col rows packed per block of columns
};

// The wide grid where it computes at most 50% more columns than the output has (measured on ResNet-50:
// still well ahead of packing an im2col on 7x7 maps, 9 wide columns for 7).
Source source_of(const Conv2dShape& s) {
  if (s.pointwise()) return Source::kDirect;
  if (s.stride_h == 1 && s.stride_w == 1 && wide_padded_w(s) * 2 <= s.out_w * 3) return Source::kWide;
  return Source::kIm2col;
}

// Columns per block: a packed block (A's columns x this many floats) or a block of results (the
// output channels x this many) in about 512 KiB of L2, at least one 64-column tile.
int64_t block_columns(int64_t rows) {
  return std::max<int64_t>(64, (128 * 1024 / std::max<int64_t>(rows, 1)) / 64 * 64);
}

int64_t align16(int64_t floats) { return ceil_div(floats, 16) * 16; }

class Conv2dSparse final : public Conv2dF32 {
 public:
  Conv2dSparse(const Conv2dShape& shape, Isa isa, x86::Im2colRun copy_run, const float* weights, const float* bias,
               const Epilogue& epilogue)
      : s_(shape),
        copy_run_(copy_run),
        epilogue_(epilogue),
        source_(source_of(shape)),
        m_(shape.out_channels_per_group()),
        n_(source_ == Source::kWide ? shape.out_h * wide_padded_w(shape) : shape.out_h * shape.out_w),
        k_(shape.in_channels_per_group() * shape.kernel_h * shape.kernel_w),
        nb_(std::min(block_columns(source_ == Source::kWide ? m_ : k_), std::max<int64_t>(n_, 1))),
        threads_(gemm_max_threads()) {
    const int64_t block_rows = choose_block_rows(weights, shape.out_channels, k_, k_, 1);
    spmm_ = choose_spmm(isa, block_rows);
    for (int64_t g = 0; g < shape.groups; ++g) {
      groups_.push_back(pack_block_sparse(weights + g * m_ * k_, m_, k_, k_, 1, block_rows, kSpmmKBlock));
    }
    if (bias != nullptr) bias_.assign(bias, bias + shape.out_channels);
    if (source_ == Source::kWide) b_rows_ = wide_grid_rows(shape);
    row_chunks_ = sparse_row_chunks(threads_, shape.batch * shape.groups * ceil_div(n_, nb_),
                                    groups_[0].block_row_count());
  }

  void run(const float* x, const float* residual, float* y, void* scratch) const override {
    float* padded = static_cast<float*>(scratch);
    if (source_ == Source::kWide) {
      EDGERUN_OMP(parallel for num_threads(std::min<int64_t>(threads_, gemm_max_threads())) schedule(static))
      for (int64_t plane = 0; plane < s_.batch * s_.in_channels; ++plane) pad_wide_plane(s_, x, plane, 0.0f, padded);
    }
    for_each_sparse_item(s_.batch * s_.groups, ceil_div(n_, nb_), row_chunks_, threads_, padded + padded_floats(),
                         per_thread_floats() * static_cast<int64_t>(sizeof(float)),
                         [&](int64_t image_group, int64_t column_block, int64_t chunk, unsigned char* mine) {
                           run_item(image_group, column_block, chunk, x, padded, residual, y,
                                    reinterpret_cast<float*>(mine));
                         });
  }

  size_t scratch_bytes() const override {
    return static_cast<size_t>(padded_floats() + threads_ * per_thread_floats()) * sizeof(float);
  }

 private:
  // Scratch: the padded input (wide grid), then per thread a packed block of B (im2col) or a block of
  // results (wide grid).
  int64_t padded_floats() const {
    return source_ == Source::kWide ? align16(s_.batch * s_.in_channels * wide_padded_h(s_) * wide_padded_w(s_)) : 0;
  }
  int64_t per_thread_floats() const {
    switch (source_) {
      case Source::kDirect: return 0;
      case Source::kWide: return align16(m_ * nb_);
      case Source::kIm2col: return align16(k_ * nb_);
    }
    return 0;
  }


  void run_item(int64_t image_group, int64_t column_block, int64_t chunk, const float* x, const float* padded,
                const float* residual, float* y, float* mine) const {
    const int64_t group = image_group % s_.groups;
    const BlockSparseMatrix<float>& a = groups_[static_cast<size_t>(group)];
    const int64_t j0 = column_block * nb_, columns = std::min(nb_, n_ - j0);
    const int64_t block_rows = a.block_row_count();
    const int64_t in_group = s_.in_channels_per_group() * s_.in_h * s_.in_w;
    const int64_t out_group = m_ * s_.out_h * s_.out_w;
    SpmmParams p;
    p.a = &a;
    p.block_row_begin = block_rows * chunk / row_chunks_;
    p.block_row_end = block_rows * (chunk + 1) / row_chunks_;
    p.n = columns;
    if (!bias_.empty()) p.row_bias = bias_.data() + group * m_;
    switch (source_) {
      case Source::kDirect:
        p.b = x + image_group * in_group + j0;
        p.ldb = n_;
        break;
      case Source::kIm2col:
        pack_b_im2col(s_, copy_run_, x + image_group * in_group, 0, k_, j0, columns, nb_, mine);
        p.b = mine;
        p.ldb = nb_;
        break;
      case Source::kWide:  // into the thread's result block, copied out below
        p.b = padded + image_group * s_.in_channels_per_group() * wide_padded_h(s_) * wide_padded_w(s_) + j0;
        p.b_rows = b_rows_.data();
        p.c = mine;
        p.ldc = nb_;
        p.min = -std::numeric_limits<float>::infinity();
        p.max = std::numeric_limits<float>::infinity();
        spmm(spmm_, p);
        const int64_t r0 = p.block_row_begin * a.block_rows;
        store_wide_rows(s_, mine + r0 * nb_, nb_, r0, std::min(p.block_row_end * a.block_rows, m_), j0, j0 + columns,
                        epilogue_.residual ? residual + image_group * out_group : nullptr, y + image_group * out_group,
                        epilogue_.min, epilogue_.max);
        return;
    }
    p.c = y + image_group * out_group + j0;
    p.ldc = n_;
    if (epilogue_.residual) {
      p.residual = residual + image_group * out_group + j0;
      p.ld_residual = n_;
    }
    p.min = epilogue_.min;
    p.max = epilogue_.max;
    spmm(spmm_, p);
  }

  Conv2dShape s_;
  x86::Im2colRun copy_run_;
  Epilogue epilogue_;
  Source source_;
  int64_t m_, n_, k_;  // the product per image and group (n_: wide columns on the wide grid)
  int64_t nb_;         // columns per block
  int threads_;
  int64_t row_chunks_ = 1;
  SpmmUkernel spmm_ = nullptr;
  std::vector<BlockSparseMatrix<float>> groups_;
  std::vector<float> bias_;
  std::vector<int64_t> b_rows_;  // wide grid: row k of B in the group's padded planes
};

template <Isa isa>
Result<std::unique_ptr<Conv2dF32>> create_conv2d_sparse(const Conv2dShape& shape, const float* weights,
                                                        const float* bias, const Epilogue& epilogue) {
  const x86::Im2colRun copy_run = isa == Isa::kAvx512 ? x86::f32_im2col_run__avx512
                                  : isa == Isa::kAvx2 ? x86::f32_im2col_run__avx2
                                                      : f32_im2col_run__ref;
  return std::unique_ptr<Conv2dF32>(std::make_unique<Conv2dSparse>(shape, isa, copy_run, weights, bias, epilogue));
}

}  // namespace

bool conv2d_sparse_supports(const Conv2dShape& shape) { return !shape.depthwise(); }

const std::vector<Conv2dF32Impl>& conv2d_sparse_f32_impls() {
  static const std::vector<Conv2dF32Impl> table = {
#if defined(EDGERUN_HAVE_XNNPACK)
      {"xnnpack_conv2d_spmm", Isa::kRef, Backend::kXnnpack, conv2d_f32_xnnpack_sparse_supports,
       create_conv2d_f32_xnnpack_sparse},
#endif
      {"f32_conv2d_spmm__avx512", Isa::kAvx512, Backend::kNative, conv2d_sparse_supports,
       create_conv2d_sparse<Isa::kAvx512>},
      {"f32_conv2d_spmm__avx2", Isa::kAvx2, Backend::kNative, conv2d_sparse_supports, create_conv2d_sparse<Isa::kAvx2>},
      {"f32_conv2d_spmm__ref", Isa::kRef, Backend::kNative, conv2d_sparse_supports, create_conv2d_sparse<Isa::kRef>},
  };
  return table;
}

}  // namespace edgerun::kernels
