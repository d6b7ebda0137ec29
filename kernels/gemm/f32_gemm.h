// The driver of the packed f32 GEMM microkernels (kernels/x86/gemm): the tiles of each ISA, packing
// of operands into panels, cache blocking and the split of a product into blocks for threads.
// Baseline code: it calls the ISA's microkernels through the pointers of a GemmTile only.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/cpu_features.h"
#include "kernels/x86/gemm/f32_gemm.h"

namespace edgerun::kernels {

struct GemmTile {
  const char* name;  // "14x32": MR x NR
  x86::GemmUkernel ukernel;
  int64_t mr, nr;
  double speed;  // throughput on full tiles relative to the ISA's fastest tile (measured on Zen 5)
};

// The tiles of `isa` (avx2 or avx512; none for others), fastest first.
const std::vector<GemmTile>& gemm_tiles(Isa isa);
// The tile of `isa` with the best throughput on an m x n product once the padding of the last row
// and column panels is counted: small or odd m (ResNeXt's groups of 4..32 channels) gets a short,
// wide tile. `isa` must have tiles.
const GemmTile& choose_gemm_tile(Isa isa, int64_t m, int64_t n);

// Cache blocking (Zen 4/5: 32-48 KiB L1d, 1 MiB L2): the depth of one block, so that a packed A
// panel (kc x MR) stays in L1, and the most columns of one block of packed B (kc x nc, in L2).
constexpr int64_t kGemmKc = 256;
constexpr int64_t kGemmNc = 512;
constexpr int64_t kGemmMc = 128;  // the most rows of one block of dense and batched matmul

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// A[i][p] = a[i * rs + p * cs] (i < m, p < k) into panels of mr rows, k-major inside a panel:
// dst[(i / mr) * k * mr + p * mr + i % mr]; rows past m are zero. dst: ceil(m / mr) * k * mr floats.
void pack_a_panels(const float* a, int64_t rs, int64_t cs, int64_t m, int64_t k, int64_t mr, float* dst);
// B[p][j] = b[p * rs + j * cs] (p < k, j < n) into panels of nr columns:
// dst[(j / nr) * k * nr + p * nr + j % nr]; columns past n are zero. dst: ceil(n / nr) * k * nr floats.
void pack_b_panels(const float* b, int64_t rs, int64_t cs, int64_t k, int64_t n, int64_t nr, float* dst);

// C[m x n] for one depth block of base.kc from packed panels: A's panel i at a + i * a_panel_stride,
// B's panel j at b + j * b_panel_stride. base holds c (C's element 0, 0), ldc, first / last and the
// epilogue pointers for element 0, 0; each tile gets them offset to its corner.
void gemm_panels(const GemmTile& tile, int64_t m, int64_t n, const float* a, int64_t a_panel_stride, const float* b,
                 int64_t b_panel_stride, const x86::GemmUkernelParams& base);

// How `outer` independent m x n products (batch x groups) are cut into blocks of whole panels for
// `threads` threads: blocks of at most max_m_panels x max_n_panels (cache), cut finer where that
// evens out the threads' work (N first: cutting M makes threads pack the same B twice).
struct GemmGrid {
  int64_t m_panels = 0, n_panels = 0;  // panels of the whole product
  int64_t m_blocks = 1, n_blocks = 1;
  // Panels [begin(b), begin(b + 1)) form block b.
  int64_t m_begin(int64_t b) const { return m_panels * b / m_blocks; }
  int64_t n_begin(int64_t b) const { return n_panels * b / n_blocks; }
  int64_t max_n_block_panels() const { return ceil_div(n_panels, n_blocks); }
  int64_t max_m_block_panels() const { return ceil_div(m_panels, m_blocks); }
};
GemmGrid gemm_grid(const GemmTile& tile, int64_t m, int64_t n, int64_t max_m_panels, int64_t max_n_panels,
                   int64_t outer, int threads);

// Threads the kernels may use now (1 without OpenMP).
int gemm_max_threads();

}  // namespace edgerun::kernels
