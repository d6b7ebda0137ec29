#include "kernels/sparse/dense_sparse.h"

#include <algorithm>

#include "kernels/gemm/f32_gemm.h"
#include "kernels/ref/omp.h"
#include "kernels/sparse/spmm.h"
#include "kernels/sparse/sparse_work.h"
#include "kernels/sparse/transpose.h"

namespace edgerun::kernels {

namespace {

constexpr int64_t kColumnTile = kSpmmTile;  // rows of a per work item

class DenseSparse final : public DenseF32 {
 public:
  DenseSparse(const DenseShape& shape, Isa isa, const float* b, const float* bias, const Epilogue& epilogue)
      : s_(shape), epilogue_(epilogue), threads_(gemm_max_threads()) {
    // B^T(r, c) = B(c, r): b is [k, n] (row r of B^T is column r of b) or, transposed, [n, k].
    const int64_t row_stride = shape.transpose_b ? shape.k : 1, col_stride = shape.transpose_b ? 1 : shape.n;
    const int64_t block_rows = choose_block_rows(b, shape.n, shape.k, row_stride, col_stride);
    // One k block: the result is stored transposed as it is computed (spmm.h's transposed_c).
    weights_ = pack_block_sparse(b, shape.n, shape.k, row_stride, col_stride, block_rows, shape.k);
    spmm_ = choose_spmm(isa, block_rows);
    if (bias != nullptr) bias_.assign(bias, bias + shape.n);
    const int64_t column_tiles = ceil_div(s_.m, kColumnTile);
    row_chunks_ = sparse_row_chunks(threads_, column_tiles, weights_.block_row_count());
  }

  void run(const float* a, const float* residual, float* y, void* scratch) const override {
    float* at = static_cast<float*>(scratch);  // [k, m]
    const int64_t column_tiles = ceil_div(s_.m, kColumnTile), items = column_tiles * row_chunks_;
    const int64_t block_rows = weights_.block_row_count();
    EDGERUN_OMP(parallel num_threads(std::min<int64_t>(threads_, gemm_max_threads()))) {
      EDGERUN_OMP(for schedule(static))
      for (int64_t t = 0; t < column_tiles; ++t) {
        const int64_t i0 = t * kColumnTile;
        transpose_tiles(a + i0 * s_.k, std::min(kColumnTile, s_.m - i0), s_.k, s_.k, at + i0, s_.m);
      }
      EDGERUN_OMP(for schedule(static))
      for (int64_t item = 0; item < items; ++item) {
        const int64_t t = item / row_chunks_, chunk = item % row_chunks_;
        SpmmParams p;
        p.a = &weights_;
        p.block_row_begin = block_rows * chunk / row_chunks_;
        p.block_row_end = block_rows * (chunk + 1) / row_chunks_;
        p.b = at + t * kColumnTile;
        p.ldb = s_.m;
        p.n = std::min(kColumnTile, s_.m - t * kColumnTile);
        p.c = y + t * kColumnTile * s_.n;  // y^T's column tile, stored transposed: y's rows
        p.ldc = s_.n;
        p.transposed_c = true;
        p.row_bias = bias_.empty() ? nullptr : bias_.data();
        if (epilogue_.residual) {
          p.residual = residual + t * kColumnTile * s_.n;
          p.ld_residual = s_.n;
        }
        p.min = epilogue_.min;
        p.max = epilogue_.max;
        spmm(spmm_, p);
      }
    }
  }

  size_t scratch_bytes() const override { return static_cast<size_t>(padded(s_.k * s_.m)) * sizeof(float); }

 private:
  static int64_t padded(int64_t floats) { return ceil_div(floats, 16) * 16; }

  DenseShape s_;
  Epilogue epilogue_;
  int threads_;
  int64_t row_chunks_ = 1;
  SpmmUkernel spmm_ = nullptr;
  BlockSparseMatrix<float> weights_;
  std::vector<float> bias_;
};

template <Isa isa>
Result<std::unique_ptr<DenseF32>> create_dense_sparse(const DenseShape& shape, const float* b, const float* bias,
                                                      const Epilogue& epilogue) {
  return std::unique_ptr<DenseF32>(std::make_unique<DenseSparse>(shape, isa, b, bias, epilogue));
}

}  // namespace

const std::vector<DenseF32Impl>& dense_sparse_f32_impls() {
  static const std::vector<DenseF32Impl> table = {
      {"f32_dense_spmm__avx512", Isa::kAvx512, Backend::kNative, nullptr, create_dense_sparse<Isa::kAvx512>},
      {"f32_dense_spmm__avx2", Isa::kAvx2, Backend::kNative, nullptr, create_dense_sparse<Isa::kAvx2>},
      {"f32_dense_spmm__ref", Isa::kRef, Backend::kNative, nullptr, create_dense_sparse<Isa::kRef>},
  };
  return table;
}

}  // namespace edgerun::kernels
