#include "kernels/gemm/f32_dense.h"

#include <algorithm>

#include "kernels/gemm/f32_gemm.h"
#include "kernels/ref/omp.h"

namespace edgerun::kernels {

namespace {

class DenseGemm final : public DenseF32 {
 public:
  DenseGemm(const DenseShape& shape, const GemmTile& tile, const float* b, const float* bias, const Epilogue& epilogue)
      : s_(shape),
        tile_(tile),
        epilogue_(epilogue),
        threads_(gemm_max_threads()),
        grid_(gemm_grid(tile, shape.m, shape.n, kGemmMc / tile.mr, kGemmNc / tile.nr, 1, threads_)) {
    weights_.resize(static_cast<size_t>(grid_.n_panels * s_.k * tile.nr));
    if (s_.transpose_b) {
      pack_b_panels(b, 1, s_.k, s_.k, s_.n, tile.nr, weights_.data());
    } else {
      pack_b_panels(b, s_.n, 1, s_.k, s_.n, tile.nr, weights_.data());
    }
    if (bias != nullptr) bias_.assign(bias, bias + s_.n);
  }

  void run(const float* a, const float* residual, float* y, void* scratch) const override {
    if (s_.m <= 0 || s_.n <= 0) return;
    float* a_pack = static_cast<float*>(scratch);
    const int64_t blocks = grid_.m_blocks * grid_.n_blocks;
    const int64_t mr = tile_.mr, nr = tile_.nr, k = s_.k;
    EDGERUN_OMP(parallel num_threads(std::min<int64_t>(threads_, gemm_max_threads()))) {
      // All of A is packed once, shared by the threads: N blocks would otherwise each pack it again.
      EDGERUN_OMP(for schedule(static))
      for (int64_t panel = 0; panel < grid_.m_panels; ++panel) {
        const int64_t rows = std::min(mr, s_.m - panel * mr);
        pack_a_panels(a + panel * mr * k, k, 1, rows, k, mr, a_pack + panel * k * mr);
      }
      EDGERUN_OMP(for schedule(static))
      for (int64_t block = 0; block < blocks; ++block) {
        const int64_t mb = block / grid_.n_blocks, nb = block % grid_.n_blocks;
        const int64_t m0 = grid_.m_begin(mb) * mr, m1 = std::min(s_.m, grid_.m_begin(mb + 1) * mr);
        const int64_t n0 = grid_.n_begin(nb) * nr, n1 = std::min(s_.n, grid_.n_begin(nb + 1) * nr);
        x86::GemmUkernelParams p;
        p.c = y + m0 * s_.n + n0;
        p.ldc = s_.n;
        if (!bias_.empty()) p.col_bias = bias_.data() + n0;
        if (epilogue_.residual) {
          p.residual = residual + m0 * s_.n + n0;
          p.ld_residual = s_.n;
        }
        p.min = epilogue_.min;
        p.max = epilogue_.max;
        const float* a_block = a_pack + grid_.m_begin(mb) * k * mr;
        const float* b_block = weights_.data() + grid_.n_begin(nb) * k * nr;
        for (int64_t k0 = 0; k0 < k; k0 += kGemmKc) {
          p.kc = std::min(kGemmKc, k - k0);
          p.first = k0 == 0;
          p.last = k0 + p.kc == k;
          gemm_panels(tile_, m1 - m0, n1 - n0, a_block + k0 * mr, k * mr, b_block + k0 * nr, k * nr, p);
        }
        if (k == 0) {  // an empty sum: bias, residual and clamp only
          p.kc = 0;
          gemm_panels(tile_, m1 - m0, n1 - n0, a_block, 0, b_block, 0, p);
        }
      }
    }
  }

  size_t scratch_bytes() const override {
    return static_cast<size_t>(grid_.m_panels * s_.k * tile_.mr) * sizeof(float);
  }

 private:
  DenseShape s_;
  const GemmTile& tile_;
  Epilogue epilogue_;
  int threads_;
  GemmGrid grid_;
  std::vector<float> weights_, bias_;
};

}  // namespace

template <Isa isa>
Result<std::unique_ptr<DenseF32>> create_dense_gemm(const DenseShape& shape, const float* b, const float* bias,
                                            const Epilogue& epilogue) {
  return std::unique_ptr<DenseF32>(
      std::make_unique<DenseGemm>(shape, choose_gemm_tile(isa, shape.m, shape.n), b, bias, epilogue));
}

template Result<std::unique_ptr<DenseF32>> create_dense_gemm<Isa::kAvx2>(const DenseShape&, const float*, const float*,
                                                                 const Epilogue&);
template Result<std::unique_ptr<DenseF32>> create_dense_gemm<Isa::kAvx512>(const DenseShape&, const float*, const float*,
                                                                   const Epilogue&);

}  // namespace edgerun::kernels
