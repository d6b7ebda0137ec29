#include "kernels/qgemm/qs8_matmul.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "kernels/gemm/f32_gemm.h"
#include "kernels/qgemm/qmatmul_ref.h"
#include "kernels/qgemm/qs8_gemm.h"
#include "kernels/qgemm/qs8_pack.h"
#include "kernels/qgemm/quant_store.h"
#include "kernels/x86/qgemm/qs8_pack.h"
#include "kernels/ref/omp.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

namespace {

inline int64_t round_up(int64_t x, int64_t to) { return ceil_div(x, to) * to; }
inline size_t aligned(int64_t bytes) { return static_cast<size_t>(round_up(bytes, 64)); }
constexpr int64_t kMaxNr = 64;  // the widest tile's columns

// The c4 tiles' run-time packing (VNNI); the widened tiles pack with the portable loops here.
struct QPackUkernels {
  x86::QPackBUkernel pack_b = nullptr;
  x86::QRowSumUkernel row_sums = nullptr;
};

// TB: B's element type (uint8 or int8). TP: the packed type of both operands: int16 (widened, zero
// points subtracted) or the VNNI pair uint8 (A) / int8 (B), TP naming B's.
template <typename TB, typename TP>
class QMatMulPacked final : public QMatMul {
  static constexpr bool kWidened = sizeof(TP) == 2;

 public:
  QMatMulPacked(const QMatMulShape& shape, const QGemmTile& tile, const QPackUkernels& pack, uint8_t a_zp,
                int32_t b_zp, QuantStore store)
      : s_(shape),
        tile_(tile),
        lda_(round_up(shape.k, tile.group)),
        m_panels_(ceil_div(shape.m, tile.mr)),
        n_panels_(ceil_div(shape.n, tile.nr)),
        threads_(gemm_max_threads()),
        a_zp_(a_zp),
        // VNNI takes B as int8: a uint8 B moves down by 128, its zero point with it.
        b_zp_(!kWidened && !std::is_signed_v<TB> ? b_zp - 128 : b_zp),
        store_(std::move(store)),
        pack_(pack) {
    a_bytes_ = kWidened ? aligned(m_panels_ * tile.mr * lda_ * int64_t{sizeof(int16_t)}) : 0;
    b_bytes_ = aligned(n_panels_ * tile.nr * lda_ * int64_t{sizeof(TP)});
    row_bytes_ = kWidened ? 0 : aligned(m_panels_ * tile.mr * int64_t{sizeof(int32_t)});
    col_bytes_ = aligned(n_panels_ * tile.nr * int64_t{sizeof(int32_t)});
  }

  void run(const QMatMulArgs& args) const override { run_tiles(args, false); }
  void run_s32(const QMatMulArgs& args) const override { run_tiles(args, true); }

  size_t scratch_bytes() const override {
    return static_cast<size_t>(s_.batch) * item_bytes() +
           static_cast<size_t>(threads_ * tile_.mr * tile_.nr) * sizeof(int32_t);
  }

 private:
  // VNNI's row term -b_zp * rowsum(a) (none when the int8 B's zero point is 0: int8 B with zero point
  // 0 or uint8 B with 128).
  bool row_terms() const { return !kWidened && b_zp_ != 0; }

  // One batch item's packed operands: A panels (widened), B panels, row starts (VNNI), column starts.
  size_t item_bytes() const { return a_bytes_ + b_bytes_ + row_bytes_ + col_bytes_; }

  struct Item {
    int16_t* a;
    TP* b;
    int32_t* row_init;
    int32_t* col_init;
  };
  Item item(void* scratch, int64_t batch) const {
    char* base = static_cast<char*>(scratch) + static_cast<size_t>(batch) * item_bytes();
    return {reinterpret_cast<int16_t*>(base), reinterpret_cast<TP*>(base + a_bytes_),
            reinterpret_cast<int32_t*>(base + a_bytes_ + b_bytes_),
            reinterpret_cast<int32_t*>(base + a_bytes_ + b_bytes_ + row_bytes_)};
  }

  // A's panel ip of batch item `batch`: widened, packed into scratch; VNNI (A read in place): the row
  // starts -b_zp * rowsum(a) (wrapping).
  void pack_a(const QMatMulArgs& args, int64_t batch, int64_t ip, const Item& it) const {
    const int64_t mr = tile_.mr, rows = std::min(mr, s_.m - ip * mr);
    const uint8_t* src = args.a + batch * args.a_batch_stride + ip * mr * args.a_row_stride;
    if constexpr (kWidened) {
      pack_a_widened(src, args.a_row_stride, rows, s_.k, mr, a_zp_, it.a + ip * mr * lda_);
    } else {
      int32_t* sums = it.row_init + ip * mr;
      pack_.row_sums(src, args.a_row_stride, rows, s_.k, sums);
      for (int64_t i = 0; i < rows; ++i) {
        sums[i] = static_cast<int32_t>(0u - static_cast<uint32_t>(b_zp_) * static_cast<uint32_t>(sums[i]));
      }
    }
  }

  // B's panel jp of batch item `batch`: [k-group][column][element], zero past n and k; its column
  // starts bias - a_zp * colsum(b') + k * a_zp * b_zp (VNNI) or bias (widened).
  void pack_b(const QMatMulArgs& args, int64_t batch, int64_t jp, const Item& it) const {
    const int64_t nr = tile_.nr, j0 = jp * nr, cols = std::min(nr, s_.n - j0), rs = args.b_row_stride;
    const TB* src = static_cast<const TB*>(args.b) + batch * args.b_batch_stride + (s_.b_transposed ? j0 * rs : j0);
    TP* d = it.b + jp * nr * lda_;
    int32_t colsum[kMaxNr] = {};
    if constexpr (kWidened) {
      // Element (p, column jj) to [p / 2][jj][p % 2], minus the zero point; zero past k and cols.
      std::fill(d, d + nr * lda_, TP{0});
      for (int64_t jj = 0; jj < cols; ++jj) {
        for (int64_t p = 0; p < s_.k; ++p) {
          const TB v = s_.b_transposed ? src[jj * rs + p] : src[p * rs + jj];
          d[(p / 2) * nr * 2 + jj * 2 + p % 2] = static_cast<TP>(v - b_zp_);
        }
      }
    } else {
      x86::QPackBParams p;
      p.b = reinterpret_cast<const uint8_t*>(src);
      p.stride = rs;
      p.transposed = s_.b_transposed;
      p.flip = !std::is_signed_v<TB>;
      p.k = s_.k;
      p.cols = cols;
      p.nr = nr;
      p.dst = d;
      p.colsum = colsum;
      pack_.pack_b(p);
    }
    const uint32_t za = a_zp_, zb = static_cast<uint32_t>(b_zp_), k = static_cast<uint32_t>(s_.k);
    for (int64_t jj = 0; jj < nr; ++jj) {
      const uint32_t bias = jj < cols ? static_cast<uint32_t>(store_.bias()[static_cast<size_t>(j0 + jj)]) : 0u;
      it.col_init[j0 + jj] = static_cast<int32_t>(
          kWidened ? bias : bias - za * static_cast<uint32_t>(colsum[jj]) + k * za * zb);
    }
  }

  void run_tiles(const QMatMulArgs& args, bool s32) const {
    if (s_.batch <= 0 || s_.m <= 0 || s_.n <= 0) return;
    const int64_t mr = tile_.mr, nr = tile_.nr, size = s_.m * s_.n;
    // A needs a pass only to be widened, or for its row sums when B's (int8) zero point is not 0.
    const int64_t a_panels = kWidened || row_terms() ? m_panels_ : 0;
    const int64_t panels = a_panels + n_panels_, tiles = m_panels_ * n_panels_;
    int32_t* tile_bufs =
        reinterpret_cast<int32_t*>(static_cast<char*>(args.scratch) + static_cast<size_t>(s_.batch) * item_bytes());
    EDGERUN_OMP(parallel num_threads(std::min<int64_t>(threads_, gemm_max_threads()))) {
      EDGERUN_OMP(for schedule(static))
      for (int64_t t = 0; t < s_.batch * panels; ++t) {
        const int64_t batch = t / panels, panel = t % panels;
        const Item it = item(args.scratch, batch);
        if (panel < a_panels) {
          pack_a(args, batch, panel, it);
        } else {
          pack_b(args, batch, panel - a_panels, it);
        }
      }
#if defined(_OPENMP)
      int32_t* own = tile_bufs + omp_get_thread_num() * mr * nr;
#else
      int32_t* own = tile_bufs;
#endif
      // Consecutive tiles share rows of A and fill whole rows of y (one item's B is small: in L1 or L2).
      EDGERUN_OMP(for schedule(static))
      for (int64_t t = 0; t < s_.batch * tiles; ++t) {
        const int64_t batch = t / tiles, ip = (t % tiles) / n_panels_, jp = t % n_panels_;
        const int64_t i0 = ip * mr, j0 = jp * nr;
        const Item it = item(args.scratch, batch);
        x86::QGemmUkernelParams p;
        p.k = s_.k;
        if constexpr (kWidened) {
          p.a = it.a + ip * mr * lda_;
        } else {
          p.a = args.a + batch * args.a_batch_stride + i0 * args.a_row_stride;
          p.a_stride = args.a_row_stride;
        }
        p.b = it.b + jp * nr * lda_;
        p.init = it.col_init + j0;
        p.row_init = row_terms() ? it.row_init + i0 : nullptr;
        p.mr = std::min(mr, s_.m - i0);
        p.nr = std::min(nr, s_.n - j0);
        const int64_t offset = batch * size + i0 * s_.n + j0;
        if (s32) {
          p.c = static_cast<int32_t*>(args.y) + offset;
          p.ldc = s_.n;
          tile_.ukernel(p);
          continue;
        }
        p.c = own;
        p.ldc = nr;
        tile_.ukernel(p);
        void* y = store_.float_output() ? static_cast<void*>(static_cast<float*>(args.y) + offset)
                                        : static_cast<void*>(static_cast<uint8_t*>(args.y) + offset);
        store_.store(tile_.output, j0, own, nr, p.mr, p.nr, args.residual == nullptr ? nullptr : args.residual + offset,
                     y, s_.n);
      }
    }
  }

  QMatMulShape s_;
  QGemmTile tile_;
  int64_t lda_;  // depth padded to the k-group
  int64_t m_panels_, n_panels_;
  int threads_;
  int32_t a_zp_, b_zp_;  // b_zp_: of B as packed (VNNI: shifted to int8)
  QuantStore store_;
  QPackUkernels pack_;
  size_t a_bytes_ = 0, b_bytes_ = 0, row_bytes_ = 0, col_bytes_ = 0;
};

template <typename TB>
Result<std::unique_ptr<QMatMul>> make_packed(const QMatMulShape& shape, const QGemmTile& tile,
                                             const QPackUkernels& pack, uint8_t a_zp, int32_t b_zp, QuantStore store) {
  if (tile.widened) {
    return std::unique_ptr<QMatMul>(
        std::make_unique<QMatMulPacked<TB, int16_t>>(shape, tile, pack, a_zp, b_zp, std::move(store)));
  }
  return std::unique_ptr<QMatMul>(
      std::make_unique<QMatMulPacked<TB, int8_t>>(shape, tile, pack, a_zp, b_zp, std::move(store)));
}

}  // namespace

template <Isa kIsa>
Result<std::unique_ptr<QMatMul>> create_qmatmul_packed(const QMatMulShape& shape, uint8_t a_zero_point,
                                                       int32_t b_zero_point, const QuantOutput& out) {
  RETURN_IF_ERROR(check_qmatmul_zero_point(shape, b_zero_point));
  ASSIGN_OR_RETURN(QuantStore store, QuantStore::make(out, shape.n));
  const QGemmTile& tile = choose_qgemm_tile(kIsa, shape.m);
  // pack_b's column sums live on the stack; the c4 packing takes blocks of 16 columns.
  if (tile.nr > kMaxNr || (!tile.widened && tile.nr % 16 != 0)) {
    return internal_error(std::string("qmatmul: tile ") + tile.name + " has an unsupported width");
  }
  QPackUkernels pack;
  if constexpr (kIsa == Isa::kAvx512Vnni) pack = {x86::qs8_pack_b_c4__avx512vnni, x86::qs8_row_sums__avx512vnni};
  if (shape.b_signed) return make_packed<int8_t>(shape, tile, pack, a_zero_point, b_zero_point, std::move(store));
  return make_packed<uint8_t>(shape, tile, pack, a_zero_point, b_zero_point, std::move(store));
}

template Result<std::unique_ptr<QMatMul>> create_qmatmul_packed<Isa::kAvx512Vnni>(const QMatMulShape&, uint8_t,
                                                                                  int32_t, const QuantOutput&);
template Result<std::unique_ptr<QMatMul>> create_qmatmul_packed<Isa::kAvx2>(const QMatMulShape&, uint8_t, int32_t,
                                                                            const QuantOutput&);

}  // namespace edgerun::kernels
