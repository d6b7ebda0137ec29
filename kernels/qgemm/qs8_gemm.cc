#include "kernels/qgemm/qs8_gemm.h"

#include <algorithm>
#include <cstring>

#include "kernels/gemm/f32_gemm.h"
#include "kernels/ref/omp.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

const std::vector<QGemmTile>& qgemm_tiles(Isa isa) {
  static const std::vector<QGemmTile> vnni = {
      {"8x32c4", x86::qs8_gemm_8x32c4__avx512vnni, 8, 32, 4, false, x86::qs8_requantize__avx512vnni},
      {"4x64c4", x86::qs8_gemm_4x64c4__avx512vnni, 4, 64, 4, false, x86::qs8_requantize__avx512vnni},
  };
  static const std::vector<QGemmTile> avx2 = {
      {"4x24c2", x86::qs8_gemm_4x24c2__avx2, 4, 24, 2, true, x86::qs8_requantize__avx2},
  };
  static const std::vector<QGemmTile> none;
  if (isa == Isa::kAvx2) return avx2;
  if (isa == Isa::kAvx512Vnni) return vnni;
  return none;
}

namespace {

inline int64_t round_up(int64_t x, int64_t to) { return ceil_div(x, to) * to; }

// TA / TB: the packed element types of A and B (uint8 / int8, or both int16 when widened).
template <typename TA, typename TB>
class QGemmPacked final : public QGemmU8S8 {
 public:
  QGemmPacked(const QGemmShape& shape, const QGemmTile& tile, const int8_t* b, const int32_t* bias, uint8_t a_zp,
              Requantization requant)
      : s_(shape),
        tile_(tile),
        lda_(round_up(shape.k, tile.group)),
        m_panels_(ceil_div(shape.m, tile.mr)),
        n_panels_(ceil_div(shape.n, tile.nr)),
        threads_(gemm_max_threads()),
        requant_(std::move(requant)) {
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
      const uint32_t start = (bias != nullptr ? static_cast<uint32_t>(bias[j]) : 0u) -
                             static_cast<uint32_t>(a_zp) * static_cast<uint32_t>(colsum);
      init_[static_cast<size_t>(j)] = static_cast<int32_t>(start);
    }
  }

  void run_s32(const uint8_t* a, int32_t* y, void* scratch) const override { run_tiles(a, y, nullptr, scratch); }
  void run(const uint8_t* a, uint8_t* y, void* scratch) const override { run_tiles(a, nullptr, y, scratch); }

  size_t scratch_bytes() const override {
    return a_bytes() + static_cast<size_t>(threads_ * tile_.mr * tile_.nr) * sizeof(int32_t);
  }

 private:
  size_t a_bytes() const {
    return static_cast<size_t>(round_up(m_panels_ * tile_.mr * lda_ * int64_t{sizeof(TA)}, 64));
  }

  // Exactly one of y32 (acc) and y8 (requantized) is set.
  void run_tiles(const uint8_t* a, int32_t* y32, uint8_t* y8, void* scratch) const {
    if (s_.m <= 0 || s_.n <= 0) return;
    TA* a_pack = static_cast<TA*>(scratch);
    int32_t* tiles = reinterpret_cast<int32_t*>(static_cast<char*>(scratch) + a_bytes());
    const int64_t mr = tile_.mr, nr = tile_.nr, tile_count = m_panels_ * n_panels_;
    EDGERUN_OMP(parallel num_threads(std::min<int64_t>(threads_, gemm_max_threads()))) {
      // A into panels of MR rows like B: [panel][k-group][row][element]; zero past m and k.
      EDGERUN_OMP(for schedule(static))
      for (int64_t ip = 0; ip < m_panels_; ++ip) {
        TA* d = a_pack + ip * mr * lda_;
        const int64_t g = tile_.group, full = s_.k / g;  // k-groups without padding
        for (int64_t i = 0; i < mr; ++i) {
          const int64_t row = ip * mr + i;
          TA* di = d + i * g;
          if (row >= s_.m) {
            for (int64_t q = 0; q < lda_ / g; ++q) std::fill(di + q * mr * g, di + q * mr * g + g, TA{0});
            continue;
          }
          const uint8_t* src = a + row * s_.k;
          for (int64_t q = 0; q < full; ++q) std::copy(src + q * g, src + q * g + g, di + q * mr * g);
          for (int64_t e = 0; e < lda_ - full * g; ++e)
            di[full * mr * g + e] = full * g + e < s_.k ? src[full * g + e] : 0;
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
        p.groups = lda_ / tile_.group;
        p.a = a_pack + ip * mr * lda_;
        p.b = weights_.data() + jp * lda_ * nr;
        p.init = init_.data() + j0;
        p.mr = std::min(mr, s_.m - i0);
        p.nr = std::min(nr, s_.n - j0);
        if (y32 != nullptr) {
          p.c = y32 + i0 * s_.n + j0;
          p.ldc = s_.n;
          tile_.ukernel(p);
        } else {
          p.c = own;
          p.ldc = nr;
          tile_.ukernel(p);
          requantize_tile(j0, own, p.mr, p.nr, y8 + i0 * s_.n + j0);
        }
      }
    }
  }

  // The tile acc [rows x cols, leading dimension NR] of columns from j0 into y (leading dimension n).
  void requantize_tile(int64_t j0, const int32_t* acc, int64_t rows, int64_t cols, uint8_t* y) const {
    x86::QRequantParams p;
    p.acc = acc;
    p.ld_acc = tile_.nr;
    p.rows = rows;
    p.cols = cols;
    p.multiplier = requant_.multiplier.data() + j0;
    p.shift = requant_.shift.data() + j0;
    p.zero_point = requant_.zero_point;
    p.lo = requant_.lo;
    p.hi = requant_.hi;
    p.y = y;
    p.ldy = s_.n;
    tile_.requantize(p);
  }

  QGemmShape s_;
  QGemmTile tile_;
  int64_t lda_;  // depth padded to the k-group
  int64_t m_panels_, n_panels_;
  int threads_;
  std::vector<TB> weights_;
  std::vector<int32_t> init_;  // [n_panels * nr]
  Requantization requant_;
};

}  // namespace

Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_tile(const QGemmShape& shape, const QGemmTile& tile,
                                                          const int8_t* b, const int32_t* bias,
                                                          const QGemmQuant& quant) {
  ASSIGN_OR_RETURN(Requantization requant, make_requantization(quant.scale, quant.per_channel, shape.n,
                                                               quant.y_zero_point, quant.y_min, quant.y_max));
  if (tile.widened) {
    return std::unique_ptr<QGemmU8S8>(
        std::make_unique<QGemmPacked<int16_t, int16_t>>(shape, tile, b, bias, quant.a_zero_point, std::move(requant)));
  }
  return std::unique_ptr<QGemmU8S8>(
      std::make_unique<QGemmPacked<uint8_t, int8_t>>(shape, tile, b, bias, quant.a_zero_point, std::move(requant)));
}

template <Isa kIsa>
Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_packed(const QGemmShape& shape, const int8_t* b,
                                                            const int32_t* bias, const QGemmQuant& quant) {
  return create_qgemm_u8s8_tile(shape, qgemm_tiles(kIsa).front(), b, bias, quant);
}

template Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_packed<Isa::kAvx512Vnni>(const QGemmShape&, const int8_t*,
                                                                                       const int32_t*,
                                                                                       const QGemmQuant&);
template Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_packed<Isa::kAvx2>(const QGemmShape&, const int8_t*,
                                                                                 const int32_t*, const QGemmQuant&);

}  // namespace edgerun::kernels
