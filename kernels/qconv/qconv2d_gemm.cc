#include "kernels/qconv/qconv2d_gemm.h"

#include <algorithm>
#include <cstring>

#include "kernels/gemm/f32_gemm.h"
#include "kernels/qconv/qconv2d_output.h"
#include "kernels/ref/omp.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

const std::vector<QConvTile>& qconv2d_tiles(Isa isa) {
  static const std::vector<QConvTile> vnni = {
      {"8x32c4", x86::qs8_conv2d_8x32c4__avx512vnni, x86::qs8_conv2d_interleave_c4__avx512vnni, 8, 32, 4, false},
      {"4x64c4", x86::qs8_conv2d_4x64c4__avx512vnni, x86::qs8_conv2d_interleave_c4__avx512vnni, 4, 64, 4, false},
      {"6x64c4", x86::qs8_conv2d_6x64c4__avx512vnni, x86::qs8_conv2d_interleave_c4__avx512vnni, 6, 64, 4, false},
      {"12x32c4", x86::qs8_conv2d_12x32c4__avx512vnni, x86::qs8_conv2d_interleave_c4__avx512vnni, 12, 32, 4, false},
  };
  static const std::vector<QConvTile> avx2 = {
      {"4x24c2", x86::qs8_conv2d_4x24c2__avx2, x86::qs8_conv2d_interleave_c2__avx2, 4, 24, 2, true},
  };
  static const std::vector<QConvTile> none;
  if (isa == Isa::kAvx2) return avx2;
  if (isa == Isa::kAvx512Vnni) return vnni;
  return none;
}

bool qconv2d_gemm_supports(const Conv2dShape& shape) { return !shape.depthwise(); }

namespace {

inline int64_t round_up(int64_t x, int64_t to) { return ceil_div(x, to) * to; }

// Packed activations of one task kept around this size (in L2 while every row tile reads them).
constexpr int64_t kBlockBytes = 192 * 1024;

// TX / TW: the packed element types of X and W (uint8 / int8, or both int16 when widened).
template <typename TX, typename TW>
class QConv2dGemm final : public QConv2d {
 public:
  QConv2dGemm(const Conv2dShape& shape, const QConvTile& tile, const int8_t* weights, uint8_t x_zp,
              QConvOutputTables tables)
      : s_(shape),
        tile_(tile),
        x_zp_(x_zp),
        t_(std::move(tables)),
        depth_(shape.in_channels_per_group() * shape.kernel_h * shape.kernel_w),
        padded_depth_(round_up(depth_, tile.group)),
        cout_(shape.out_channels_per_group()),
        row_tiles_(ceil_div(cout_, tile.mr)),
        plane_(shape.out_h * shape.out_w),
        direct_(shape.kernel_h == 1 && shape.kernel_w == 1 && shape.stride_h == 1 && shape.stride_w == 1 &&
                shape.pad_top == 0 && shape.pad_left == 0 && shape.out_h == shape.in_h && shape.out_w == shape.in_w),
        threads_(gemm_max_threads()),
        zp_row_(static_cast<size_t>(tile.nr), x_zp) {
    const int64_t mr = tile.mr, g = tile.group;
    // Group gi, row tile t, k-group q, row i, element e: [gi][t][q][i][e]; zero past depth and rows.
    weights_.assign(static_cast<size_t>(s_.groups * row_tiles_ * padded_depth_ * mr), TW{0});
    init_.assign(static_cast<size_t>(s_.groups * row_tiles_ * mr), 0);
    for (int64_t c = 0; c < s_.out_channels; ++c) {
      const int64_t gi = c / cout_, row = c % cout_, t = row / mr, i = row % mr;
      TW* panel = weights_.data() + (gi * row_tiles_ + t) * padded_depth_ * mr;
      int32_t rowsum = 0;
      for (int64_t k = 0; k < depth_; ++k) {
        const int8_t v = weights[c * depth_ + k];
        panel[(k / g) * mr * g + i * g + k % g] = static_cast<TW>(v);
        rowsum += v;
      }
      // Wrapping int32 arithmetic, as the accumulators (exact whenever the result fits).
      const uint32_t start = static_cast<uint32_t>(t_.bias[static_cast<size_t>(c)]) -
                             static_cast<uint32_t>(x_zp) * static_cast<uint32_t>(rowsum);
      init_[static_cast<size_t>((gi * row_tiles_ + t) * mr + i)] = static_cast<int32_t>(start);
    }
    const int64_t panels = ceil_div(plane_, tile.nr);
    block_panels_ = std::clamp<int64_t>(kBlockBytes / panel_bytes(), 1, panels);
    pixel_blocks_ = ceil_div(panels, block_panels_);
    // Fewer (image, group, pixel block) tasks than threads: split the row tiles too.
    const int64_t tasks = s_.batch * s_.groups * pixel_blocks_;
    row_chunks_ = std::clamp<int64_t>(ceil_div(threads_, tasks), 1, row_tiles_);
  }

  size_t scratch_bytes() const override { return static_cast<size_t>(threads_ * thread_bytes()); }

  void run(const uint8_t* x, const float* residual, void* y, void* scratch) const override {
    const int64_t tasks = s_.batch * s_.groups * pixel_blocks_ * row_chunks_;
    const int64_t chunk_tiles = ceil_div(row_tiles_, row_chunks_);
    EDGERUN_OMP(parallel for schedule(static) num_threads(std::min<int64_t>(threads_, gemm_max_threads())))
    for (int64_t task = 0; task < tasks; ++task) {
#if defined(_OPENMP)
      char* own = static_cast<char*>(scratch) + omp_get_thread_num() * thread_bytes();
#else
      char* own = static_cast<char*>(scratch);
#endif
      const int64_t chunk = task % row_chunks_, block = task / row_chunks_ % pixel_blocks_,
                    gi = task / (row_chunks_ * pixel_blocks_) % s_.groups,
                    n = task / (row_chunks_ * pixel_blocks_ * s_.groups);
      const int64_t p_begin = block * block_panels_ * tile_.nr;
      const int64_t p_end = std::min(plane_, p_begin + block_panels_ * tile_.nr);
      const uint8_t* xg = x + (n * s_.in_channels + gi * s_.in_channels_per_group()) * s_.in_h * s_.in_w;
      TX* panels = reinterpret_cast<TX*>(own);
      uint8_t* rows = reinterpret_cast<uint8_t*>(own + panel_bytes() * block_panels_);
      for (int64_t p0 = p_begin, b = 0; p0 < p_end; p0 += tile_.nr, ++b) {
        pack_panel(xg, p0, std::min(tile_.nr, p_end - p0), rows, panels + b * padded_depth_ * tile_.nr);
      }
      const int64_t t_end = std::min(row_tiles_, (chunk + 1) * chunk_tiles);
      for (int64_t t = chunk * chunk_tiles; t < t_end; ++t) {
        for (int64_t p0 = p_begin, b = 0; p0 < p_end; p0 += tile_.nr, ++b) {
          run_tile(n, gi, t, p0, std::min(tile_.nr, p_end - p0), panels + b * padded_depth_ * tile_.nr, residual, y);
        }
      }
    }
  }

 private:
  int64_t panel_bytes() const { return padded_depth_ * tile_.nr * int64_t{sizeof(TX)}; }
  int64_t thread_bytes() const { return round_up(panel_bytes() * block_panels_ + tile_.group * tile_.nr, 64); }

  // The im2col panel of pixels [p0, p0 + nr) of one image's group xg: [k-group][NR][G]; taps in the
  // padding, depth past the end and pixels past nr read x_zp. rows: G scratch rows of NR bytes.
  void pack_panel(const uint8_t* xg, int64_t p0, int64_t nr, uint8_t* rows, TX* panel) const {
    const int64_t g = tile_.group, taps = s_.kernel_h * s_.kernel_w;
    const uint8_t* src[4];
    for (int64_t q = 0; q < padded_depth_ / g; ++q) {
      for (int64_t e = 0; e < g; ++e) {
        const int64_t k = q * g + e;
        if (k >= depth_) {
          src[e] = zp_row_.data();
        } else if (direct_ && nr == tile_.nr) {
          src[e] = xg + k * plane_ + p0;
        } else {
          uint8_t* row = rows + e * tile_.nr;
          gather_row(xg + (k / taps) * s_.in_h * s_.in_w, (k % taps) / s_.kernel_w, k % s_.kernel_w, p0, nr, row);
          std::fill(row + nr, row + tile_.nr, x_zp_);
          src[e] = row;
        }
      }
      tile_.interleave(src, tile_.nr, panel + q * tile_.nr * g);
    }
  }

  // row[j] = the tap (kh, kw) of channel plane xc for output pixel p0 + j, j < nr.
  void gather_row(const uint8_t* xc, int64_t kh, int64_t kw, int64_t p0, int64_t nr, uint8_t* row) const {
    const int64_t sw = s_.stride_w;
    int64_t oh = p0 / s_.out_w, ow = p0 % s_.out_w;
    for (int64_t j = 0; j < nr; ++oh, ow = 0) {
      const int64_t seg = std::min(s_.out_w - ow, nr - j);
      const int64_t ih = oh * s_.stride_h - s_.pad_top + kh * s_.dilation_h;
      uint8_t* d = row + j;
      j += seg;
      if (ih < 0 || ih >= s_.in_h) {
        std::fill(d, d + seg, x_zp_);
        continue;
      }
      // iw = iw0 + t * sw is inside the row for t in [lo, hi).
      const int64_t iw0 = ow * sw - s_.pad_left + kw * s_.dilation_w;
      const int64_t lo = std::clamp<int64_t>(iw0 < 0 ? (-iw0 + sw - 1) / sw : 0, 0, seg);
      const int64_t hi = std::clamp<int64_t>(iw0 < s_.in_w ? (s_.in_w - 1 - iw0) / sw + 1 : 0, lo, seg);
      const uint8_t* s = xc + ih * s_.in_w + iw0;
      std::fill(d, d + lo, x_zp_);
      if (sw == 1) {
        std::memcpy(d + lo, s + lo, static_cast<size_t>(hi - lo));
      } else {
        for (int64_t t = lo; t < hi; ++t) d[t] = s[t * sw];
      }
      std::fill(d + hi, d + seg, x_zp_);
    }
  }

  void run_tile(int64_t n, int64_t gi, int64_t t, int64_t p0, int64_t nr, const TX* panel, const float* residual,
                void* y) const {
    const int64_t mr = tile_.mr, c0 = gi * cout_ + t * mr;
    const int64_t offset = (n * s_.out_channels + c0) * plane_ + p0;
    x86::QConvUkernelParams p;
    p.groups = padded_depth_ / tile_.group;
    p.w = weights_.data() + (gi * row_tiles_ + t) * padded_depth_ * mr;
    p.x = panel;
    p.init = init_.data() + (gi * row_tiles_ + t) * mr;
    p.mr = std::min(mr, cout_ - t * mr);
    p.nr = nr;
    p.ldy = plane_;
    p.float_output = t_.float_output;
    const auto c = static_cast<size_t>(c0);
    if (t_.float_output) {
      p.y = static_cast<float*>(y) + offset;
      p.residual = t_.epilogue.residual ? residual + offset : nullptr;
      p.scale = t_.scale.data() + c;
      p.min = t_.epilogue.min;
      p.max = t_.epilogue.max;
    } else {
      p.y = static_cast<uint8_t*>(y) + offset;
      p.multiplier = t_.multiplier.data() + c;
      p.shift = t_.shift.data() + c;
      p.zero_point = t_.zero_point;
      p.lo = t_.lo;
      p.hi = t_.hi;
    }
    tile_.ukernel(p);
  }

  Conv2dShape s_;
  QConvTile tile_;
  uint8_t x_zp_;
  QConvOutputTables t_;
  int64_t depth_, padded_depth_;  // k per group, padded to the k-group
  int64_t cout_, row_tiles_;      // output channels per group, in tiles of MR
  int64_t plane_;                 // output pixels per channel
  bool direct_;                   // 1x1, stride 1, no padding: a panel's rows are rows of x
  int threads_;
  int64_t block_panels_ = 1, pixel_blocks_ = 1, row_chunks_ = 1;
  std::vector<uint8_t> zp_row_;  // NR bytes of x_zp: the depth past the end
  std::vector<TW> weights_;
  std::vector<int32_t> init_;  // [groups][row_tiles][MR]
};

}  // namespace

Result<std::unique_ptr<QConv2d>> create_qconv2d_gemm_tile(const Conv2dShape& shape, const QConvTile& tile,
                                                          const int8_t* weights, const QConv2dParams& params) {
  ASSIGN_OR_RETURN(QConvOutputTables tables, make_qconv_output_tables(shape, params));
  if (tile.widened) {
    return std::unique_ptr<QConv2d>(std::make_unique<QConv2dGemm<int16_t, int16_t>>(
        shape, tile, weights, params.x_zero_point, std::move(tables)));
  }
  return std::unique_ptr<QConv2d>(
      std::make_unique<QConv2dGemm<uint8_t, int8_t>>(shape, tile, weights, params.x_zero_point, std::move(tables)));
}

template <Isa kIsa>
Result<std::unique_ptr<QConv2d>> create_qconv2d_gemm(const Conv2dShape& shape, const int8_t* weights,
                                                     const QConv2dParams& params) {
  return create_qconv2d_gemm_tile(shape, qconv2d_tiles(kIsa).front(), weights, params);
}

template Result<std::unique_ptr<QConv2d>> create_qconv2d_gemm<Isa::kAvx512Vnni>(const Conv2dShape&, const int8_t*,
                                                                                const QConv2dParams&);
template Result<std::unique_ptr<QConv2d>> create_qconv2d_gemm<Isa::kAvx2>(const Conv2dShape&, const int8_t*,
                                                                          const QConv2dParams&);

}  // namespace edgerun::kernels
