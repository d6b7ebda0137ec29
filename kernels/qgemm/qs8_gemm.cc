#include "kernels/qgemm/qs8_gemm.h"

#include <algorithm>
#include <cstring>

#include "kernels/gemm/f32_gemm.h"
#include "kernels/qgemm/qs8_pack.h"
#include "kernels/qgemm/quant_store.h"
#include "kernels/ref/omp.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

const std::vector<QGemmTile>& qgemm_tiles(Isa isa) {
  static const x86::QOutputUkernels vnni_out = {x86::qs8_requantize__avx512vnni, x86::qs8_float_out__avx512vnni};
  static const x86::QOutputUkernels avx2_out = {x86::qs8_requantize__avx2, x86::qs8_float_out__avx2};
  static const std::vector<QGemmTile> vnni = {
      {"8x32c4", x86::qs8_gemm_8x32c4__avx512vnni, 8, 32, 4, false, vnni_out},
      {"4x64c4", x86::qs8_gemm_4x64c4__avx512vnni, 4, 64, 4, false, vnni_out},
      {"1x64c4", x86::qs8_gemm_1x64c4__avx512vnni, 1, 64, 4, false, vnni_out},
  };
  static const std::vector<QGemmTile> avx2 = {
      {"4x24c2", x86::qs8_gemm_4x24c2__avx2, 4, 24, 2, true, avx2_out},
      {"1x32c2", x86::qs8_gemm_1x32c2__avx2, 1, 32, 2, true, avx2_out},
  };
  static const std::vector<QGemmTile> none;
  if (isa == Isa::kAvx2) return avx2;
  if (isa == Isa::kAvx512Vnni) return vnni;
  return none;
}

const QGemmTile& choose_qgemm_tile(Isa isa, int64_t m) {
  const std::vector<QGemmTile>& tiles = qgemm_tiles(isa);
  const QGemmTile* best = &tiles.front();
  auto cost = [m](const QGemmTile& t) { return ceil_div(std::max<int64_t>(m, 1), t.mr) * (t.mr + 4); };
  for (const QGemmTile& t : tiles) {
    if (cost(t) < cost(*best)) best = &t;
  }
  return *best;
}

namespace {

inline int64_t round_up(int64_t x, int64_t to) { return ceil_div(x, to) * to; }

// TB: the packed element type of B: int8 (c4: A read in place), or int16 (widened: A packed at run
// time into scratch).
template <typename TB>
class QGemmPacked final : public QGemmU8S8 {
  static constexpr bool kWidened = sizeof(TB) == 2;

 public:
  QGemmPacked(const QGemmShape& shape, const QGemmTile& tile, const int8_t* b, uint8_t a_zp, QuantStore store)
      : s_(shape),
        tile_(tile),
        lda_(round_up(shape.k, tile.group)),
        m_panels_(ceil_div(shape.m, tile.mr)),
        n_panels_(ceil_div(shape.n, tile.nr)),
        threads_(gemm_max_threads()),
        store_(std::move(store)) {
    const int64_t nr = tile.nr, g = tile.group;
    // Panel jp, k-group q, column j, element e of the group: [jp][q][j][e]; zero past k and n.
    weights_.assign(static_cast<size_t>(n_panels_ * lda_ * nr), TB{0});
    init_.assign(static_cast<size_t>(n_panels_ * nr), 0);
    for (int64_t j = 0; j < s_.n; ++j) {
      TB* panel = weights_.data() + (j / nr) * lda_ * nr;
      int32_t colsum = 0;
      for (int64_t p = 0; p < s_.k; ++p) {
        const int8_t v = b[p * s_.n + j];
        panel[(p / g) * nr * g + (j % nr) * g + p % g] = static_cast<TB>(v);
        colsum += v;
      }
      // Wrapping int32 arithmetic, as the accumulators (exact whenever the result fits).
      const uint32_t start = static_cast<uint32_t>(store_.bias()[static_cast<size_t>(j)]) -
                             static_cast<uint32_t>(a_zp) * static_cast<uint32_t>(colsum);
      init_[static_cast<size_t>(j)] = static_cast<int32_t>(start);
    }
  }

  void run_s32(const uint8_t* a, int32_t* y, void* scratch) const override {
    run_tiles(a, nullptr, y, true, scratch);
  }
  void run(const uint8_t* a, const float* residual, void* y, void* scratch) const override {
    run_tiles(a, residual, y, false, scratch);
  }

  size_t scratch_bytes() const override {
    return a_bytes() + static_cast<size_t>(threads_ * tile_.mr * tile_.nr) * sizeof(int32_t);
  }

 private:
  size_t a_bytes() const {
    return kWidened ? static_cast<size_t>(round_up(m_panels_ * tile_.mr * lda_ * int64_t{sizeof(int16_t)}, 64)) : 0;
  }

  // y: the int32 accumulators when s32, else the QuantOutput's uint8 or float.
  void run_tiles(const uint8_t* a, const float* residual, void* y, bool s32, void* scratch) const {
    if (s_.m <= 0 || s_.n <= 0) return;
    int16_t* a_pack = static_cast<int16_t*>(scratch);
    int32_t* tiles = reinterpret_cast<int32_t*>(static_cast<char*>(scratch) + a_bytes());
    const int64_t mr = tile_.mr, nr = tile_.nr, tile_count = m_panels_ * n_panels_;
    EDGERUN_OMP(parallel num_threads(std::min<int64_t>(threads_, gemm_max_threads()))) {
      if constexpr (kWidened) {
        EDGERUN_OMP(for schedule(static))
        for (int64_t ip = 0; ip < m_panels_; ++ip) {
          pack_a_widened(a + ip * mr * s_.k, s_.k, std::min(mr, s_.m - ip * mr), s_.k, mr, 0,
                         a_pack + ip * mr * lda_);
        }
      }
#if defined(_OPENMP)
      int32_t* own = tiles + omp_get_thread_num() * mr * nr;
#else
      int32_t* own = tiles;
#endif
      // Consecutive tiles share a panel of B (A is in L2).
      EDGERUN_OMP(for schedule(static))
      for (int64_t t = 0; t < tile_count; ++t) {
        const int64_t jp = t / m_panels_, ip = t % m_panels_, i0 = ip * mr, j0 = jp * nr;
        x86::QGemmUkernelParams p;
        p.k = s_.k;
        if constexpr (kWidened) {
          p.a = a_pack + ip * mr * lda_;
        } else {
          p.a = a + i0 * s_.k;
          p.a_stride = s_.k;
        }
        p.b = weights_.data() + jp * lda_ * nr;
        p.init = init_.data() + j0;
        p.mr = std::min(mr, s_.m - i0);
        p.nr = std::min(nr, s_.n - j0);
        if (s32) {
          p.c = static_cast<int32_t*>(y) + i0 * s_.n + j0;
          p.ldc = s_.n;
          tile_.ukernel(p);
          continue;
        }
        p.c = own;
        p.ldc = nr;
        tile_.ukernel(p);
        const int64_t offset = i0 * s_.n + j0;
        void* y_tile = store_.float_output() ? static_cast<void*>(static_cast<float*>(y) + offset)
                                             : static_cast<void*>(static_cast<uint8_t*>(y) + offset);
        store_.store(tile_.output, j0, own, nr, p.mr, p.nr, residual == nullptr ? nullptr : residual + offset, y_tile,
                     s_.n);
      }
    }
  }

  QGemmShape s_;
  QGemmTile tile_;
  int64_t lda_;  // depth padded to the k-group
  int64_t m_panels_, n_panels_;
  int threads_;
  std::vector<TB> weights_;
  std::vector<int32_t> init_;  // [n_panels * nr]
  QuantStore store_;
};

}  // namespace

Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_tile(const QGemmShape& shape, const QGemmTile& tile,
                                                          const int8_t* b, uint8_t a_zero_point,
                                                          const QuantOutput& out) {
  ASSIGN_OR_RETURN(QuantStore store, QuantStore::make(out, shape.n));
  if (tile.widened) {
    return std::unique_ptr<QGemmU8S8>(
        std::make_unique<QGemmPacked<int16_t>>(shape, tile, b, a_zero_point, std::move(store)));
  }
  return std::unique_ptr<QGemmU8S8>(std::make_unique<QGemmPacked<int8_t>>(shape, tile, b, a_zero_point, std::move(store)));
}

template <Isa kIsa>
Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_packed(const QGemmShape& shape, const int8_t* b,
                                                            uint8_t a_zero_point, const QuantOutput& out) {
  return create_qgemm_u8s8_tile(shape, choose_qgemm_tile(kIsa, shape.m), b, a_zero_point, out);
}

template Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_packed<Isa::kAvx512Vnni>(const QGemmShape&,
                                                                                       const int8_t*, uint8_t,
                                                                                       const QuantOutput&);
template Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_packed<Isa::kAvx2>(const QGemmShape&, const int8_t*,
                                                                                 uint8_t, const QuantOutput&);

}  // namespace edgerun::kernels
