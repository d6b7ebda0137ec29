#include "kernels/gemm/f32_gemm.h"

#include <algorithm>
#include <cstring>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

const std::vector<GemmTile>& gemm_tiles(Isa isa) {
  static const std::vector<GemmTile> avx512 = {
      {"14x32", x86::f32_gemm_14x32__avx512, 14, 32, 1.0},
      {"8x48", x86::f32_gemm_8x48__avx512, 8, 48, 0.98},
      {"6x64", x86::f32_gemm_6x64__avx512, 6, 64, 1.0},
      {"4x64", x86::f32_gemm_4x64__avx512, 4, 64, 0.95},
  };
  static const std::vector<GemmTile> avx2 = {
      {"6x16", x86::f32_gemm_6x16__avx2, 6, 16, 1.0},
      {"4x24", x86::f32_gemm_4x24__avx2, 4, 24, 0.98},
  };
  static const std::vector<GemmTile> none;
  if (isa == Isa::kAvx2) return avx2;
  if (isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return avx512;
  return none;
}

const GemmTile& choose_gemm_tile(Isa isa, int64_t m, int64_t n) {
  const std::vector<GemmTile>& tiles = gemm_tiles(isa);
  const int64_t vector = isa == Isa::kAvx2 ? 8 : 16;  // the last panel computes whole vectors only
  const GemmTile* best = &tiles.front();
  double best_rate = 0;
  for (const GemmTile& t : tiles) {
    const int64_t n_computed = n / t.nr * t.nr + ceil_div(n % t.nr, vector) * vector;
    const double used = static_cast<double>(m) / static_cast<double>(ceil_div(m, t.mr) * t.mr) *
                        static_cast<double>(n) / static_cast<double>(n_computed);
    if (used * t.speed > best_rate) {
      best_rate = used * t.speed;
      best = &t;
    }
  }
  return *best;
}

void pack_a_panels(const float* a, int64_t rs, int64_t cs, int64_t m, int64_t k, int64_t mr, float* dst) {
  for (int64_t i0 = 0; i0 < m; i0 += mr) {
    const int64_t rows = std::min(mr, m - i0);
    for (int64_t p = 0; p < k; ++p) {
      const float* src = a + i0 * rs + p * cs;
      for (int64_t i = 0; i < rows; ++i) dst[p * mr + i] = src[i * rs];
      for (int64_t i = rows; i < mr; ++i) dst[p * mr + i] = 0.0f;
    }
    dst += k * mr;
  }
}

void pack_b_panels(const float* b, int64_t rs, int64_t cs, int64_t k, int64_t n, int64_t nr, float* dst) {
  for (int64_t j0 = 0; j0 < n; j0 += nr) {
    const int64_t cols = std::min(nr, n - j0);
    for (int64_t p = 0; p < k; ++p) {
      const float* src = b + p * rs + j0 * cs;
      float* d = dst + p * nr;
      if (cs == 1) {
        std::memcpy(d, src, static_cast<size_t>(cols) * sizeof(float));
      } else {
        for (int64_t j = 0; j < cols; ++j) d[j] = src[j * cs];
      }
      std::fill(d + cols, d + nr, 0.0f);
    }
    dst += k * nr;
  }
}

void gemm_panels(const GemmTile& tile, int64_t m, int64_t n, const float* a, int64_t a_panel_stride, const float* b,
                 int64_t b_panel_stride, const x86::GemmUkernelParams& base) {
  for (int64_t i0 = 0, ip = 0; i0 < m; i0 += tile.mr, ++ip) {
    x86::GemmUkernelParams p = base;
    p.a = a + ip * a_panel_stride;
    p.mr = std::min(tile.mr, m - i0);
    if (base.row_bias != nullptr) p.row_bias = base.row_bias + i0;
    for (int64_t j0 = 0, jp = 0; j0 < n; j0 += tile.nr, ++jp) {
      p.b = b + jp * b_panel_stride;
      p.c = base.c + i0 * base.ldc + j0;
      p.nr = std::min(tile.nr, n - j0);
      if (base.col_bias != nullptr) p.col_bias = base.col_bias + j0;
      if (base.residual != nullptr) p.residual = base.residual + i0 * base.ld_residual + j0;
      tile.ukernel(p);
    }
  }
}

GemmGrid gemm_grid(const GemmTile& tile, int64_t m, int64_t n, int64_t max_m_panels, int64_t max_n_panels,
                   int64_t outer, int threads) {
  GemmGrid g;
  g.m_panels = ceil_div(m, tile.mr);
  g.n_panels = ceil_div(n, tile.nr);
  const int64_t min_m_blocks = ceil_div(g.m_panels, std::max<int64_t>(1, max_m_panels));
  const int64_t min_n_blocks = ceil_div(g.n_panels, std::max<int64_t>(1, max_n_panels));
  g.m_blocks = std::max<int64_t>(1, min_m_blocks);
  g.n_blocks = std::max<int64_t>(1, min_n_blocks);
  // Many blocks share out evenly already (and the search below stays cheap for matmul's per-call use).
  if (threads <= 1 || g.m_panels == 0 || g.n_panels == 0 || outer * g.m_blocks * g.n_blocks >= 8 * threads) return g;
  // The time of the busiest thread under OpenMP's static schedule (contiguous chunks of blocks), in
  // tiles; each extra M cut costs 2% (threads pack the same B again).
  auto cost = [&](const GemmGrid& c) {
    const int64_t blocks = outer * c.m_blocks * c.n_blocks;
    const int64_t chunk = ceil_div(blocks, threads);
    int64_t busiest = 0, load = 0;
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t mb = b % (c.m_blocks * c.n_blocks) / c.n_blocks, nb = b % c.n_blocks;
      load += (c.m_begin(mb + 1) - c.m_begin(mb)) * (c.n_begin(nb + 1) - c.n_begin(nb));
      if ((b + 1) % chunk == 0 || b + 1 == blocks) {
        busiest = std::max(busiest, load);
        load = 0;
      }
    }
    return static_cast<double>(busiest) * (1.0 + 0.02 * static_cast<double>(c.m_blocks - g.m_blocks));
  };
  GemmGrid best = g;
  double best_cost = cost(g);
  // Up to 2 cuts per thread on top of the cache-sized blocks are enough to even out.
  const int64_t most = 2 * threads;
  for (int64_t mb = g.m_blocks; mb <= std::min(g.m_panels, g.m_blocks * most); ++mb) {
    for (int64_t nb = g.n_blocks; nb <= std::min(g.n_panels, g.n_blocks * most); ++nb) {
      GemmGrid c = g;
      c.m_blocks = mb;
      c.n_blocks = nb;
      const double c_cost = cost(c);
      if (c_cost < best_cost * 0.999) {
        best = c;
        best_cost = c_cost;
      }
    }
  }
  return best;
}

int gemm_max_threads() {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace edgerun::kernels
