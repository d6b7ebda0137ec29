#include "kernels/gemm/f32_matmul.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "kernels/gemm/f32_gemm.h"
#include "kernels/ref/omp.h"

namespace edgerun::kernels {

template <Isa isa>
void matmul_gemm(const MatMulArgs& x) {
  if (x.batch <= 0 || x.m <= 0 || x.n <= 0) return;
  const GemmTile& tile = choose_gemm_tile(isa, x.m, x.n);
  const int threads = gemm_max_threads();
  const GemmGrid grid = gemm_grid(tile, x.m, x.n, kGemmMc / tile.mr, kGemmNc / tile.nr, x.batch, threads);
  const int64_t blocks_per_matrix = grid.m_blocks * grid.n_blocks;
  const int64_t blocks = x.batch * blocks_per_matrix;
  const int64_t kc_max = std::max<int64_t>(1, std::min(kGemmKc, x.k));
  EDGERUN_OMP(parallel num_threads(std::min<int64_t>(threads, blocks))) {
    // The family's run() has no scratch: each thread keeps its packing buffers, grown on first use.
    thread_local std::vector<float> a_pack, b_pack;
    a_pack.resize(std::max(a_pack.size(), static_cast<size_t>(grid.max_m_block_panels() * tile.mr * kc_max)));
    b_pack.resize(std::max(b_pack.size(), static_cast<size_t>(grid.max_n_block_panels() * tile.nr * kc_max)));
    EDGERUN_OMP(for schedule(static))
    for (int64_t block = 0; block < blocks; ++block) {
      const int64_t batch = block / blocks_per_matrix;
      const int64_t mb = block % blocks_per_matrix / grid.n_blocks, nb = block % grid.n_blocks;
      const int64_t m0 = grid.m_begin(mb) * tile.mr, m1 = std::min(x.m, grid.m_begin(mb + 1) * tile.mr);
      const int64_t n0 = grid.n_begin(nb) * tile.nr, n1 = std::min(x.n, grid.n_begin(nb + 1) * tile.nr);
      const float* a = x.a + batch * x.a_batch_stride + m0 * x.a_row_stride;
      const float* b = x.b + batch * x.b_batch_stride + n0 * x.b_col_stride;
      x86::GemmUkernelParams p;
      p.c = x.c + batch * x.m * x.n + m0 * x.n + n0;
      p.ldc = x.n;
      p.min = -std::numeric_limits<float>::infinity();
      p.max = std::numeric_limits<float>::infinity();
      for (int64_t k0 = 0; k0 == 0 || k0 < x.k; k0 += kc_max) {  // k == 0: one pass storing zeros
        p.kc = std::min(kc_max, x.k - k0);
        p.first = k0 == 0;
        p.last = k0 + p.kc >= x.k;
        pack_a_panels(a + k0 * x.a_col_stride, x.a_row_stride, x.a_col_stride, m1 - m0, p.kc, tile.mr, a_pack.data());
        pack_b_panels(b + k0 * x.b_row_stride, x.b_row_stride, x.b_col_stride, p.kc, n1 - n0, tile.nr, b_pack.data());
        gemm_panels(tile, m1 - m0, n1 - n0, a_pack.data(), p.kc * tile.mr, b_pack.data(), p.kc * tile.nr, p);
      }
    }
  }
}

template void matmul_gemm<Isa::kAvx2>(const MatMulArgs&);
template void matmul_gemm<Isa::kAvx512>(const MatMulArgs&);

}  // namespace edgerun::kernels
