#include "kernels/sparse/conv2d_sparse.h"

#include <algorithm>

#include "kernels/conv/im2col_pack.h"
#include "kernels/sparse/spmm.h"
#if defined(EDGERUN_HAVE_XNNPACK)
#include "kernels/backends/xnnpack/conv2d_xnnpack.h"
#endif
#include "kernels/sparse/sparse_work.h"

namespace edgerun::kernels {

namespace {

// Columns per block of B: a packed block (A's columns x this many floats) fits in about 512 KiB of
// L2, and is at least one 64-column tile.
int64_t block_columns(int64_t k) { return std::max<int64_t>(64, (128 * 1024 / std::max<int64_t>(k, 1)) / 64 * 64); }

class Conv2dSparse final : public Conv2dF32 {
 public:
  Conv2dSparse(const Conv2dShape& shape, Isa isa, x86::Im2colRun copy_run, const float* weights, const float* bias,
               const Epilogue& epilogue)
      : s_(shape),
        copy_run_(copy_run),
        epilogue_(epilogue),
        m_(shape.out_channels_per_group()),
        n_(shape.out_h * shape.out_w),
        k_(shape.in_channels_per_group() * shape.kernel_h * shape.kernel_w),
        direct_(shape.pointwise()),
        nb_(std::min(block_columns(k_), std::max<int64_t>(n_, 1))),
        threads_(gemm_max_threads()) {
    const int64_t block_rows = choose_block_rows(weights, shape.out_channels, k_, k_, 1);
    spmm_ = choose_spmm(isa, block_rows).ukernel;
    for (int64_t g = 0; g < shape.groups; ++g) {
      groups_.push_back(pack_block_sparse(weights + g * m_ * k_, m_, k_, k_, 1, block_rows, kSpmmKBlock));
    }
    if (bias != nullptr) bias_.assign(bias, bias + shape.out_channels);
    row_chunks_ = sparse_row_chunks(threads_, shape.batch * shape.groups * ceil_div(n_, nb_),
                                    groups_[0].block_row_count());
  }

  void run(const float* x, const float* residual, float* y, void* scratch) const override {
    for_each_sparse_item(s_.batch * s_.groups, ceil_div(n_, nb_), row_chunks_, threads_, scratch,
                         packed_floats() * static_cast<int64_t>(sizeof(float)),
                         [&](int64_t image_group, int64_t column_block, int64_t chunk, unsigned char* mine) {
                           run_item(image_group, column_block, chunk, x, residual, y, reinterpret_cast<float*>(mine));
                         });
  }

  size_t scratch_bytes() const override {
    return static_cast<size_t>(threads_ * packed_floats()) * sizeof(float);
  }

 private:
  int64_t packed_floats() const { return direct_ ? 0 : ceil_div(k_ * nb_, 16) * 16; }

  void run_item(int64_t image_group, int64_t column_block, int64_t chunk, const float* x, const float* residual,
                float* y, float* b_pack) const {
    const int64_t group = image_group % s_.groups;
    const BlockSparseMatrix<float>& a = groups_[static_cast<size_t>(group)];
    const int64_t j0 = column_block * nb_, columns = std::min(nb_, n_ - j0);
    const int64_t block_rows = a.block_row_count();
    const float* xg = x + image_group * s_.in_channels_per_group() * s_.in_h * s_.in_w;
    const int64_t out_group = m_ * n_;
    SpmmParams p;
    p.a = &a;
    p.block_row_begin = block_rows * chunk / row_chunks_;
    p.block_row_end = block_rows * (chunk + 1) / row_chunks_;
    if (direct_) {
      p.b = xg + j0;
      p.ldb = n_;
    } else {
      pack_b_im2col(s_, copy_run_, xg, 0, k_, j0, columns, nb_, b_pack);
      p.b = b_pack;
      p.ldb = nb_;
    }
    p.n = columns;
    p.c = y + image_group * out_group + j0;
    p.ldc = n_;
    if (!bias_.empty()) p.row_bias = bias_.data() + group * m_;
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
  int64_t m_, n_, k_;  // the product per image and group
  bool direct_;
  int64_t nb_;  // columns per block of B
  int threads_;
  int64_t row_chunks_ = 1;
  SpmmUkernel spmm_ = nullptr;
  std::vector<BlockSparseMatrix<float>> groups_;
  std::vector<float> bias_;
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
