#include "kernels/sparse/qconv2d_sparse.h"

#include <algorithm>
#include <cstring>

#include "kernels/conv/wide_grid.h"
#include "kernels/qconv/qconv2d_output.h"
#include "kernels/sparse/qs8_spmm.h"
#include "kernels/sparse/sparse_work.h"
#include "kernels/x86/qconv/qs8_conv2d.h"

namespace edgerun::kernels {

namespace {

constexpr int64_t kStoreRows = 32;  // rows of accumulators per output-stage call

// Rows [k] x columns [j0, j0 + n) of the im2col of one image and group, row-major with nb columns:
// the input under tap k (channel, ky, kx) for output pixel j, the zero point in the padding.
void pack_u8_im2col(const Conv2dShape& s, const uint8_t* x, uint8_t zp, int64_t k_count, int64_t j0, int64_t n,
                    int64_t nb, uint8_t* dst) {
  const int64_t taps = s.kernel_h * s.kernel_w;
  for (int64_t k = 0; k < k_count; ++k) {
    const uint8_t* image = x + k / taps * s.in_h * s.in_w;
    const int64_t ky = k % taps / s.kernel_w, kx = k % s.kernel_w;
    uint8_t* row = dst + k * nb;
    for (int64_t j = 0; j < n;) {
      const int64_t oh = (j0 + j) / s.out_w, ow0 = (j0 + j) % s.out_w, len = std::min(n - j, s.out_w - ow0);
      const int64_t ih = oh * s.stride_h + ky * s.dilation_h - s.pad_top;
      const int64_t iw0 = ow0 * s.stride_w + kx * s.dilation_w - s.pad_left;
      if (ih < 0 || ih >= s.in_h) {
        std::memset(row + j, zp, static_cast<size_t>(len));
      } else if (s.stride_w == 1) {  // padding on the left, a copied span, padding on the right
        const int64_t left = std::clamp<int64_t>(-iw0, 0, len);
        const int64_t right = std::clamp<int64_t>(iw0 + len - s.in_w, 0, len - left);
        std::memset(row + j, zp, static_cast<size_t>(left));
        std::memcpy(row + j + left, image + ih * s.in_w + iw0 + left, static_cast<size_t>(len - left - right));
        std::memset(row + j + len - right, zp, static_cast<size_t>(right));
      } else {
        for (int64_t t = 0; t < len; ++t) {
          const int64_t iw = iw0 + t * s.stride_w;
          row[j + t] = iw >= 0 && iw < s.in_w ? image[ih * s.in_w + iw] : zp;
        }
      }
      j += len;
    }
  }
}

// The reference output stage over a tile as qs8_conv2d_store_tile__avx512vnni reads it (on the wide
// grid, pixel j is grid position grid_q0 + j, stored only inside the output width).
void store_tile_ref(const QuantOutputTables& t, int64_t c0, const x86::QConvUkernelParams& p, const int32_t* tile) {
  for (int64_t i = 0; i < p.mr; ++i) {
    for (int64_t j = 0; j < p.nr; ++j) {
      int64_t at = j;
      if (p.grid_w > 0) {
        const int64_t q = p.grid_q0 + j;
        if (q % p.grid_w >= p.out_w) continue;
        at = q / p.grid_w * p.out_w + q % p.grid_w;
      }
      const int32_t acc = tile[i * kQSpmmTile + j];
      if (t.float_output) {
        const float r = p.residual != nullptr ? p.residual[i * p.ldy + at] : 0.0f;
        static_cast<float*>(p.y)[i * p.ldy + at] = qconv_output_f32(t, c0 + i, acc, r);
      } else {
        static_cast<uint8_t*>(p.y)[i * p.ldy + at] = qconv_output_u8(t, c0 + i, acc);
      }
    }
  }
}

class QConv2dSparse final : public QConv2d {
 public:
  QConv2dSparse(const Conv2dShape& shape, Isa isa, const int8_t* weights, uint8_t x_zp, QuantOutputTables tables)
      : s_(shape),
        t_(std::move(tables)),
        x_zp_(x_zp),
        vnni_(isa == Isa::kAvx512Vnni),
        m_(shape.out_channels_per_group()),
        // On the wide grid (kernels/conv/wide_grid.h: stride 1 with taps, where it computes at most 50%
        // more columns than the output has: the byte im2col costs more than that) B's rows are read in
        // place from the zero-point-padded input.
        wide_(!shape.pointwise() && shape.stride_h == 1 && shape.stride_w == 1 &&
              wide_padded_w(shape) * 2 <= shape.out_w * 3),
        plane_(shape.out_h * shape.out_w),
        n_(wide_ ? shape.out_h * wide_padded_w(shape) : plane_),
        k_(shape.in_channels_per_group() * shape.kernel_h * shape.kernel_w),
        direct_(shape.pointwise()),
        // A packed block (depth x columns bytes) in about 256 KiB of L2, at least one tile.
        nb_(std::min(std::max<int64_t>(kQSpmmTile, 256 * 1024 / std::max<int64_t>(k_, 1) / kQSpmmTile * kQSpmmTile),
                     std::max<int64_t>(n_, 1))),
        threads_(gemm_max_threads()) {
    const int64_t block_rows = choose_block_rows(weights, shape.out_channels, k_, k_, 1);
    const QSpmmChoice spmm = choose_qs8_spmm(isa, block_rows);
    ukernel_ = spmm.ukernel;
    for (int64_t g = 0; g < shape.groups; ++g) {
      groups_.push_back(
          pack_group_sparse(pack_block_sparse(weights + g * m_ * k_, m_, k_, k_, 1, block_rows, k_), spmm.group));
      for (int64_t r = 0; r < m_; ++r) {
        init_.push_back(t_.bias[static_cast<size_t>(g * m_ + r)] - int32_t{x_zp} * groups_.back().row_sum[r]);
      }
    }
    if (wide_) b_rows_ = wide_grid_rows(shape);
    row_chunks_ = sparse_row_chunks(threads_, shape.batch * shape.groups * ceil_div(n_, nb_),
                                    groups_[0].block_row_count());
  }

  void run(const uint8_t* x, const float* residual, void* y, void* scratch) const override {
    uint8_t* padded = static_cast<uint8_t*>(scratch);
    if (wide_) {
      EDGERUN_OMP(parallel for num_threads(std::min<int64_t>(threads_, gemm_max_threads())) schedule(static))
      for (int64_t plane = 0; plane < s_.batch * s_.in_channels; ++plane) {
        pad_wide_plane(s_, x, plane, x_zp_, padded);
      }
    }
    for_each_sparse_item(s_.batch * s_.groups, ceil_div(n_, nb_), row_chunks_, threads_, padded + padded_bytes(),
                         per_thread_bytes(),
                         [&](int64_t image_group, int64_t column_block, int64_t chunk, unsigned char* mine) {
                           run_item(image_group, column_block, chunk, x, padded, residual, y, mine);
                         });
  }

  size_t scratch_bytes() const override { return static_cast<size_t>(padded_bytes() + threads_ * per_thread_bytes()); }

 private:
  // Scratch: the padded input (wide grid), then per thread a tile of accumulators and a packed im2col
  // block (neither direct nor wide).
  int64_t padded_bytes() const {
    return wide_ ? ceil_div(s_.batch * s_.in_channels * wide_padded_h(s_) * wide_padded_w(s_), 64) * 64 : 0;
  }
  int64_t tile_bytes() const { return kStoreRows * kQSpmmTile * static_cast<int64_t>(sizeof(int32_t)); }
  int64_t packed_bytes() const { return direct_ || wide_ ? 0 : ceil_div(k_ * nb_, 64) * 64; }
  int64_t per_thread_bytes() const { return tile_bytes() + packed_bytes(); }

  void run_item(int64_t image_group, int64_t column_block, int64_t chunk, const uint8_t* x, const uint8_t* padded,
                const float* residual, void* y, uint8_t* mine) const {
    const int64_t group = image_group % s_.groups;
    const GroupSparseMatrix& a = groups_[static_cast<size_t>(group)];
    int32_t* tile = reinterpret_cast<int32_t*>(mine);
    uint8_t* packed = mine + tile_bytes();
    const int64_t j0 = column_block * nb_, columns = std::min(nb_, n_ - j0);
    const uint8_t* xg = x + image_group * s_.in_channels_per_group() * s_.in_h * s_.in_w;
    const uint8_t* b = xg + j0;
    int64_t ldb = n_;
    if (wide_) {
      b = padded + image_group * s_.in_channels_per_group() * wide_padded_h(s_) * wide_padded_w(s_) + j0;
    } else if (!direct_) {
      pack_u8_im2col(s_, xg, x_zp_, k_, j0, columns, nb_, packed);
      b = packed;
      ldb = nb_;
    }
    const int64_t block_rows = a.block_row_count(), step = std::max<int64_t>(1, kStoreRows / a.block_rows);
    const int64_t rb_begin = block_rows * chunk / row_chunks_, rb_end = block_rows * (chunk + 1) / row_chunks_;
    for (int64_t t0 = 0; t0 < columns; t0 += kQSpmmTile) {
      for (int64_t rb = rb_begin; rb < rb_end; rb += step) {
        QSpmmParams q;
        q.a = &a;
        q.block_row_begin = rb;
        q.block_row_end = std::min(rb_end, rb + step);
        q.b = b + t0;
        q.ldb = ldb;
        if (wide_) q.b_rows = b_rows_.data();
        q.n = std::min(kQSpmmTile, columns - t0);
        q.init = init_.data() + group * m_;
        q.c = tile;
        q.ldc = kQSpmmTile;
        ukernel_(q);
        const int64_t r0 = rb * a.block_rows, rows = std::min(q.block_row_end * a.block_rows, m_) - r0;
        store(image_group * m_ + r0, group * m_ + r0, rows, j0 + t0, q.n, tile, residual, y);
      }
    }
  }

  // The tile's rows (output plane `plane` of y on, channels c0.. of the output tables) x its columns from
  // product column j through the output stage.
  void store(int64_t plane, int64_t c0, int64_t rows, int64_t j, int64_t columns, const int32_t* tile,
             const float* residual, void* y) const {
    x86::QConvUkernelParams p;
    p.mr = rows;
    p.nr = columns;
    p.ldy = plane_;
    int64_t offset = plane * plane_;
    if (wide_) {  // product column j is wide grid position j
      p.grid_w = wide_padded_w(s_);
      p.grid_q0 = j;
      p.out_w = s_.out_w;
    } else {
      offset += j;
    }
    set_qconv_output(t_, c0, offset, y, residual, &p);
    if (vnni_) {
      x86::qs8_conv2d_store_tile__avx512vnni(p, tile);
    } else {
      store_tile_ref(t_, c0, p, tile);
    }
  }

  Conv2dShape s_;
  QuantOutputTables t_;
  uint8_t x_zp_;
  bool vnni_;
  int64_t m_;
  bool wide_;
  int64_t plane_;   // output pixels per channel
  int64_t n_, k_;   // the product per image and group (n_: wide columns on the wide grid)
  bool direct_;
  int64_t nb_;
  int threads_;
  int64_t row_chunks_ = 1;
  QSpmmUkernel ukernel_ = nullptr;
  std::vector<GroupSparseMatrix> groups_;
  std::vector<int32_t> init_;  // [out_channels]: bias - x_zp * row sum
  std::vector<int64_t> b_rows_;  // wide grid: row k of B in the group's padded planes
};

bool qconv2d_sparse_supports(const Conv2dShape& shape) { return !shape.depthwise(); }

template <Isa isa>
Result<std::unique_ptr<QConv2d>> create_qconv2d_sparse(const Conv2dShape& shape, const int8_t* weights,
                                                       const QConv2dParams& params) {
  ASSIGN_OR_RETURN(QuantOutputTables tables, make_qconv_output_tables(shape, params));
  return std::unique_ptr<QConv2d>(
      std::make_unique<QConv2dSparse>(shape, isa, weights, params.x_zero_point, std::move(tables)));
}

}  // namespace

const std::vector<QConv2dImpl>& qconv2d_sparse_impls() {
  static const std::vector<QConv2dImpl> table = {
      {"qs8_conv2d_spmm__avx512vnni", Isa::kAvx512Vnni, Backend::kNative, qconv2d_sparse_supports,
       create_qconv2d_sparse<Isa::kAvx512Vnni>},
      {"qs8_conv2d_spmm__avx2", Isa::kAvx2, Backend::kNative, qconv2d_sparse_supports,
       create_qconv2d_sparse<Isa::kAvx2>},
      {"qs8_conv2d_spmm__ref", Isa::kRef, Backend::kNative, qconv2d_sparse_supports, create_qconv2d_sparse<Isa::kRef>},
  };
  return table;
}

}  // namespace edgerun::kernels
