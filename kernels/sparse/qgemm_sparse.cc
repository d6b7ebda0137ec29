#include "kernels/sparse/qgemm_sparse.h"

#include <algorithm>

#include "kernels/gemm/f32_gemm.h"
#include "kernels/qgemm/quant_store.h"
#include "kernels/ref/omp.h"
#include "kernels/sparse/qs8_spmm.h"
#include "kernels/sparse/sparse_work.h"
#include "kernels/sparse/transpose.h"

namespace edgerun::kernels {

namespace {

int64_t aligned(int64_t bytes) { return ceil_div(bytes, 64) * 64; }

class QGemmSparse final : public QGemmU8S8 {
 public:
  QGemmSparse(const QGemmShape& shape, Isa isa, const int8_t* b, uint8_t a_zp, QuantStore store)
      : s_(shape), store_(std::move(store)), threads_(gemm_max_threads()) {
    // B^T(r, c) = b[c * n + r].
    const int64_t block_rows = choose_block_rows(b, shape.n, shape.k, 1, shape.n);
    const QSpmmChoice spmm = choose_qs8_spmm(isa, block_rows);
    weights_ = pack_group_sparse(pack_block_sparse(b, shape.n, shape.k, 1, shape.n, block_rows, shape.k), spmm.group);
    ukernel_ = spmm.ukernel;
    if (isa == Isa::kAvx512Vnni) output_ = {x86::qs8_requantize__avx512vnni, x86::qs8_float_out__avx512vnni};
    if (isa == Isa::kAvx2) output_ = {x86::qs8_requantize__avx2, x86::qs8_float_out__avx2};
    for (int64_t j = 0; j < shape.n; ++j) {
      init_.push_back(store_.bias()[static_cast<size_t>(j)] - int32_t{a_zp} * weights_.row_sum[j]);
    }
  }

  void run(const uint8_t* a, const float* residual, void* y, void* scratch) const override {
    int32_t* acc = reinterpret_cast<int32_t*>(static_cast<uint8_t*>(scratch) + aligned(s_.k * s_.m));
    product(a, scratch, acc);
    store_.store(output_, 0, acc, s_.n, s_.m, s_.n, residual, y, s_.n);
  }

  void run_s32(const uint8_t* a, int32_t* y, void* scratch) const override {
    product(a, scratch, y);
  }

  size_t scratch_bytes() const override { return static_cast<size_t>(aligned(s_.k * s_.m) + aligned(s_.n * s_.m * 4)); }

 private:
  // acc [m, n] = a . B + init: a^T into scratch, then B^T . a^T stored transposed into acc.
  void product(const uint8_t* a, void* scratch, int32_t* acc) const {
    uint8_t* at = static_cast<uint8_t*>(scratch);
    const int64_t tiles = ceil_div(s_.m, kQSpmmTile), block_rows = weights_.block_row_count();
    const int64_t chunks = sparse_row_chunks(threads_, tiles, block_rows);
    EDGERUN_OMP(parallel num_threads(std::min<int64_t>(threads_, gemm_max_threads()))) {
      EDGERUN_OMP(for schedule(static))
      for (int64_t t = 0; t < tiles; ++t) {
        const int64_t i0 = t * kQSpmmTile;
        transpose_tiles(a + i0 * s_.k, std::min(kQSpmmTile, s_.m - i0), s_.k, s_.k, at + i0, s_.m);
      }
      EDGERUN_OMP(for schedule(static))
      for (int64_t item = 0; item < tiles * chunks; ++item) {
        const int64_t t = item / chunks, chunk = item % chunks;
        QSpmmParams q;
        q.a = &weights_;
        q.block_row_begin = block_rows * chunk / chunks;
        q.block_row_end = block_rows * (chunk + 1) / chunks;
        q.b = at + t * kQSpmmTile;
        q.ldb = s_.m;
        q.n = std::min(kQSpmmTile, s_.m - t * kQSpmmTile);
        q.init = init_.data();
        q.c = acc + t * kQSpmmTile * s_.n + q.block_row_begin * weights_.block_rows;
        q.ldc = s_.n;
        q.transposed_c = true;
        ukernel_(q);
      }
    }
  }

  QGemmShape s_;
  QuantStore store_;
  int threads_;
  GroupSparseMatrix weights_;
  QSpmmUkernel ukernel_ = nullptr;
  x86::QOutputUkernels output_;  // null members: the scalar output stage
  std::vector<int32_t> init_;    // [n]: bias - a_zp * column sum
};

template <Isa isa>
Result<std::unique_ptr<QGemmU8S8>> create_qgemm_sparse(const QGemmShape& shape, const int8_t* b, uint8_t a_zero_point,
                                                       const QuantOutput& out) {
  ASSIGN_OR_RETURN(QuantStore store, QuantStore::make(out, shape.n));
  return std::unique_ptr<QGemmU8S8>(std::make_unique<QGemmSparse>(shape, isa, b, a_zero_point, std::move(store)));
}

}  // namespace

const std::vector<QGemmU8S8Impl>& qgemm_sparse_impls() {
  static const std::vector<QGemmU8S8Impl> table = {
      {"qs8_gemm_spmm__avx512vnni", Isa::kAvx512Vnni, Backend::kNative, nullptr,
       create_qgemm_sparse<Isa::kAvx512Vnni>},
      {"qs8_gemm_spmm__avx2", Isa::kAvx2, Backend::kNative, nullptr, create_qgemm_sparse<Isa::kAvx2>},
      {"qs8_gemm_spmm__ref", Isa::kRef, Backend::kNative, nullptr, create_qgemm_sparse<Isa::kRef>},
  };
  return table;
}

}  // namespace edgerun::kernels
