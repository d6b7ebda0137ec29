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
      {"6x64c4", x86::qs8_conv2d_6x64c4__avx512vnni, x86::qs8_conv2d_interleave_c4__avx512vnni, 6, 64, 4, false},
      {"8x32c4", x86::qs8_conv2d_8x32c4__avx512vnni, x86::qs8_conv2d_interleave_c4__avx512vnni, 8, 32, 4, false},
      {"4x64c4", x86::qs8_conv2d_4x64c4__avx512vnni, x86::qs8_conv2d_interleave_c4__avx512vnni, 4, 64, 4, false},
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
//
// Per image and group, the input channels are first interleaved G at a time into an image padded with
// x_zp on every side a tap can reach, [channel group][phase][row][column][G]; the depth is ordered
// (tap, channel) so a k-group is G channels of one tap. Then, by shape:
//   KxK (implicit GEMM): the tiles read the image itself. The image keeps the stride's phases apart
//     (stride 2: even / odd rows and columns), so every tap reads one phase at a constant shift from
//     the output pixel's position on the phase grid; positions past the output width are computed
//     and not stored (2 of 16 columns at 14x14 stride 1, 1 of 8 at 7x7 stride 2).
//   1x1 stride 1 without padding: panels of NR pixels interleave x straight, no image.
//   1x1 otherwise: the image is the subsampled output grid, panels copy it.
template <typename TX, typename TW>
class QConv2dGemm final : public QConv2d {
 public:
  QConv2dGemm(const Conv2dShape& shape, const QConvTile& tile, const int8_t* weights, uint8_t x_zp,
              QuantOutputTables tables)
      : s_(shape),
        tile_(tile),
        x_zp_(x_zp),
        t_(std::move(tables)),
        cin_(shape.in_channels_per_group()),
        cin_groups_(ceil_div(cin_, tile.group)),
        taps_(shape.kernel_h * shape.kernel_w),
        k_groups_(taps_ * cin_groups_),
        cout_(shape.out_channels_per_group()),
        row_tiles_(ceil_div(cout_, tile.mr)),
        plane_(shape.out_h * shape.out_w),
        sub_h_(taps_ == 1 ? shape.stride_h : 1),
        sub_w_(taps_ == 1 ? shape.stride_w : 1),
        padded_h_((shape.out_h - 1) * (shape.stride_h / sub_h_) + (shape.kernel_h - 1) * shape.dilation_h + 1),
        padded_w_((shape.out_w - 1) * (shape.stride_w / sub_w_) + (shape.kernel_w - 1) * shape.dilation_w + 1),
        phases_h_(taps_ > 1 ? shape.stride_h : 1),
        phases_w_(taps_ > 1 ? shape.stride_w : 1),
        grid_h_(ceil_div(padded_h_, phases_h_)),
        grid_w_(ceil_div(padded_w_, phases_w_)),
        direct_(taps_ == 1 && shape.stride_h == 1 && shape.stride_w == 1 && shape.pad_top == 0 &&
                shape.pad_left == 0 && shape.out_h == shape.in_h && shape.out_w == shape.in_w),
        implicit_(taps_ > 1),
        grid_(implicit_ ? (shape.out_h - 1) * grid_w_ + shape.out_w : plane_),
        threads_(gemm_max_threads()),
        zp_row_(static_cast<size_t>(std::max(shape.in_w, plane_)), x_zp) {
    const int64_t mr = tile.mr, g = tile.group, depth = cin_ * taps_;
    // Group gi, row tile t, k-group q = (tap, channel group), row i, element e: [gi][t][q][i][e]; zero
    // past the channels and rows.
    weights_.assign(static_cast<size_t>(s_.groups * row_tiles_ * k_groups_ * mr * g), TW{0});
    init_.assign(static_cast<size_t>(s_.groups * row_tiles_ * mr), 0);
    for (int64_t c = 0; c < s_.out_channels; ++c) {
      const int64_t gi = c / cout_, row = c % cout_, t = row / mr, i = row % mr;
      TW* panel = weights_.data() + (gi * row_tiles_ + t) * k_groups_ * mr * g;
      int32_t rowsum = 0;
      for (int64_t k = 0; k < depth; ++k) {  // OIHW: k = channel * taps + tap
        const int64_t ci = k / taps_, tap = k % taps_;
        const int8_t v = weights[c * depth + k];
        panel[(tap * cin_groups_ + ci / g) * mr * g + i * g + ci % g] = static_cast<TW>(v);
        rowsum += v;
      }
      // Wrapping int32 arithmetic, as the accumulators (exact whenever the result fits).
      const uint32_t start = static_cast<uint32_t>(t_.bias[static_cast<size_t>(c)]) -
                             static_cast<uint32_t>(x_zp) * static_cast<uint32_t>(rowsum);
      init_[static_cast<size_t>((gi * row_tiles_ + t) * mr + i)] = static_cast<int32_t>(start);
    }
    // Where k-group q = (tap, channel group) of a tile's pixels starts: in the image (implicit: the
    // tap's phase and shift) or in the panel.
    for (int64_t q = 0; q < k_groups_; ++q) {
      const int64_t tap = q / cin_groups_, cg = q % cin_groups_, kh = tap / s_.kernel_w, kw = tap % s_.kernel_w;
      const int64_t dy = kh * s_.dilation_h, dx = kw * s_.dilation_w;  // the tap's phase, then its shift
      const int64_t at = ((dy % phases_h_) * phases_w_ + dx % phases_w_) * grid_h_ * grid_w_ +
                         (dy / phases_h_) * grid_w_ + dx / phases_w_;
      x_offsets_.push_back((implicit_ ? cg * image_plane() + at * g : q * tile.nr * g) * int64_t{sizeof(TX)});
    }
    const int64_t panels = ceil_div(grid_, tile.nr);
    block_panels_ = std::clamp<int64_t>(kBlockBytes / panel_bytes(), 1, panels);
    pixel_blocks_ = ceil_div(panels, block_panels_);
    if (pixel_blocks_ < 4 * threads_ && pixel_blocks_ % threads_ != 0) {  // a few blocks: as many per thread
      block_panels_ = ceil_div(panels, round_up(pixel_blocks_, threads_));
      pixel_blocks_ = ceil_div(panels, block_panels_);
    }
    // Fewer pixel blocks than threads: split the row tiles too.
    row_chunks_ = std::clamp<int64_t>(ceil_div(threads_, pixel_blocks_), 1, row_tiles_);
  }

  // Per thread: its panels, and its own image when it runs whole (image, group) pairs.
  size_t scratch_bytes() const override {
    return static_cast<size_t>((whole_groups() ? 0 : image_bytes()) + threads_ * thread_bytes());
  }

  void run(const uint8_t* x, const float* residual, void* y, void* scratch) const override {
    [[maybe_unused]] const int threads = static_cast<int>(std::min<int64_t>(threads_, gemm_max_threads()));
    if (whole_groups()) {
      // Enough (image, group) pairs for every thread: each runs whole pairs, without barriers.
      EDGERUN_OMP(parallel for schedule(static) num_threads(threads))
      for (int64_t pair = 0; pair < s_.batch * s_.groups; ++pair) {
        char* own = static_cast<char*>(scratch) + thread_index() * thread_bytes();
        const int64_t n = pair / s_.groups, gi = pair % s_.groups;
        const uint8_t* xg = x + (n * s_.in_channels + gi * cin_) * s_.in_h * s_.in_w;
        TX* image = reinterpret_cast<TX*>(own + panels_bytes());
        if (!direct_) {
          for (int64_t cg = 0; cg < cin_groups_; ++cg) interleave_channels(xg, cg, image);
        }
        for (int64_t block = 0; block < pixel_blocks_; ++block) {
          run_block(n, gi, xg, image, block, 0, row_tiles_, reinterpret_cast<TX*>(own), residual, y);
        }
      }
      return;
    }
    // Few pairs: the threads share each pair's image and split its pixel blocks and row tiles.
    TX* image = reinterpret_cast<TX*>(static_cast<char*>(scratch) + threads_ * thread_bytes());
    const int64_t tasks = pixel_blocks_ * row_chunks_, chunk_tiles = ceil_div(row_tiles_, row_chunks_);
    EDGERUN_OMP(parallel num_threads(threads)) {
      TX* panels = reinterpret_cast<TX*>(static_cast<char*>(scratch) + thread_index() * thread_bytes());
      for (int64_t n = 0; n < s_.batch; ++n) {
        for (int64_t gi = 0; gi < s_.groups; ++gi) {
          const uint8_t* xg = x + (n * s_.in_channels + gi * cin_) * s_.in_h * s_.in_w;
          if (!direct_) {
            EDGERUN_OMP(for schedule(static))
            for (int64_t cg = 0; cg < cin_groups_; ++cg) interleave_channels(xg, cg, image);
          }
          EDGERUN_OMP(for schedule(static))
          for (int64_t task = 0; task < tasks; ++task) {
            const int64_t chunk = task % row_chunks_;
            run_block(n, gi, xg, image, task / row_chunks_, chunk * chunk_tiles,
                      std::min(row_tiles_, (chunk + 1) * chunk_tiles), panels, residual, y);
          }
        }
      }
    }
  }

 private:
  int64_t g() const { return tile_.group; }
  // One channel group of the padded interleaved image, in elements; the image in bytes (none when
  // direct); the panels of a pixel block in bytes; a thread's scratch.
  int64_t image_plane() const { return phases_h_ * phases_w_ * grid_h_ * grid_w_ * g(); }
  // The image has slack for the lanes of the last tile, past the grid (computed, not stored).
  int64_t image_bytes() const {
    return direct_ ? 0 : round_up((cin_groups_ * image_plane() + tile_.nr * g()) * int64_t{sizeof(TX)}, 64);
  }
  int64_t panel_bytes() const { return k_groups_ * tile_.nr * g() * int64_t{sizeof(TX)}; }
  int64_t panels_bytes() const { return implicit_ ? 0 : round_up(panel_bytes() * block_panels_, 64); }
  int64_t thread_bytes() const { return panels_bytes() + (whole_groups() ? image_bytes() : 0); }
  bool whole_groups() const { return s_.batch * s_.groups >= threads_; }
  static int thread_index() {
#if defined(_OPENMP)
    return omp_get_thread_num();
#else
    return 0;
#endif
  }

  // Pixel block `block` of image n, group gi (input xg, interleaved image) for row tiles
  // [t_begin, t_end): its panels packed into `panels`, then every tile of the block.
  void run_block(int64_t n, int64_t gi, const uint8_t* xg, const TX* image, int64_t block, int64_t t_begin,
                 int64_t t_end, TX* panels, const float* residual, void* y) const {
    const int64_t p_begin = block * block_panels_ * tile_.nr;
    const int64_t p_end = std::min(grid_, p_begin + block_panels_ * tile_.nr);
    for (int64_t p0 = p_begin, b = 0; p0 < p_end && !implicit_; p0 += tile_.nr, ++b) {
      TX* panel = panels + b * k_groups_ * tile_.nr * g();
      if (direct_) {
        interleave_panel(xg, p0, std::min(tile_.nr, p_end - p0), panel);
      } else {
        pack_panel(image, p0, std::min(tile_.nr, p_end - p0), panel);
      }
    }
    for (int64_t t = t_begin; t < t_end; ++t) {
      const x86::QConvUkernelParams row = row_tile_params(n, gi, t, residual, y);
      x86::QConvUkernelParams p = row;
      for (int64_t p0 = p_begin, b = 0; p0 < p_end; p0 += tile_.nr, ++b) {
        p.x = implicit_ ? image + p0 * g() : panels + b * k_groups_ * tile_.nr * g();
        p.nr = std::min(tile_.nr, p_end - p0);
        if (implicit_) {  // pixels are grid positions, y the channel's first pixel
          p.grid_q0 = p0;
        } else {
          p.y = static_cast<char*>(row.y) + p0 * (t_.float_output ? int64_t{sizeof(float)} : int64_t{1});
          if (row.residual != nullptr) p.residual = row.residual + p0;
        }
        tile_.ukernel(p);
      }
    }
  }

  // A direct panel: the channels of pixels [p0, p0 + nr) interleaved G at a time straight from x.
  void interleave_panel(const uint8_t* xg, int64_t p0, int64_t nr, TX* panel) const {
    const uint8_t* rows[4];
    for (int64_t cg = 0; cg < cin_groups_; ++cg) {
      for (int64_t e = 0; e < g(); ++e) {
        const int64_t ci = cg * g() + e;
        rows[e] = ci < cin_ ? xg + ci * plane_ + p0 : zp_row_.data();
      }
      tile_.interleave(rows, nr, 1, panel + cg * tile_.nr * g());
    }
  }

  // Channels [cg * G, cg * G + G) of the group's input xg into the padded interleaved image: phase
  // (a, b), row i, column j holds padded position (r, c) = (a + phases_h * i, b + phases_w * j), which
  // is input row r * sub_h - pad_top, column c * sub_w - pad_left, or x_zp outside the input.
  void interleave_channels(const uint8_t* xg, int64_t cg, TX* image) const {
    const uint8_t* rows[4];
    const int64_t step = phases_w_ * sub_w_;  // input columns from one image column to the next
    for (int64_t a = 0; a < phases_h_; ++a) {
      for (int64_t b = 0; b < phases_w_; ++b) {
        TX* plane = image + cg * image_plane() + (a * phases_w_ + b) * grid_h_ * grid_w_ * g();
        const int64_t base = b * sub_w_ - s_.pad_left;  // input column of image column 0
        const int64_t left = std::min(base < 0 ? ceil_div(-base, step) : 0, grid_w_);  // columns left of x
        const int64_t iw0 = base + left * step;                                          // the first inside
        const int64_t count = iw0 < s_.in_w ? std::min((s_.in_w - 1 - iw0) / step + 1, grid_w_ - left) : 0;
        for (int64_t i = 0; i < grid_h_; ++i) {
          TX* out = plane + i * grid_w_ * g();
          const int64_t ih = (a + phases_h_ * i) * sub_h_ - s_.pad_top;
          if (ih < 0 || ih >= s_.in_h) {
            std::fill(out, out + grid_w_ * g(), static_cast<TX>(x_zp_));
            continue;
          }
          for (int64_t e = 0; e < g(); ++e) {
            const int64_t ci = cg * g() + e;
            rows[e] = ci < cin_ ? xg + (ci * s_.in_h + ih) * s_.in_w + iw0 : zp_row_.data();
          }
          std::fill(out, out + left * g(), static_cast<TX>(x_zp_));
          tile_.interleave(rows, count, step, out + left * g());
          std::fill(out + (left + count) * g(), out + grid_w_ * g(), static_cast<TX>(x_zp_));
        }
      }
    }
  }

  // The panel of pixels [p0, p0 + nr) of a 1x1 convolution, from its image (the output grid):
  // [channel group][NR][G], pixels past nr left as they are (their lanes are not stored).
  void pack_panel(const TX* image, int64_t p0, int64_t nr, TX* panel) const {
    for (int64_t cg = 0; cg < cin_groups_; ++cg) {
      std::memcpy(panel + cg * tile_.nr * g(), image + cg * image_plane() + p0 * g(),
                  static_cast<size_t>(nr * g()) * sizeof(TX));
    }
  }

  // The ukernel parameters of row tile t of image n, group gi, for the pixels from 0 (x and nr are
  // set per panel).
  x86::QConvUkernelParams row_tile_params(int64_t n, int64_t gi, int64_t t, const float* residual, void* y) const {
    const int64_t mr = tile_.mr, c0 = gi * cout_ + t * mr;
    const int64_t offset = (n * s_.out_channels + c0) * plane_;
    x86::QConvUkernelParams p;
    p.groups = k_groups_;
    p.w = weights_.data() + (gi * row_tiles_ + t) * k_groups_ * mr * g();
    p.x_offsets = x_offsets_.data();
    if (implicit_) {
      p.grid_w = grid_w_;
      p.out_w = s_.out_w;
    }
    p.init = init_.data() + (gi * row_tiles_ + t) * mr;
    p.mr = std::min(mr, cout_ - t * mr);
    p.ldy = plane_;
    set_qconv_output(t_, c0, offset, y, residual, &p);
    return p;
  }

  Conv2dShape s_;
  QConvTile tile_;
  uint8_t x_zp_;
  QuantOutputTables t_;
  int64_t cin_, cin_groups_;       // input channels per group, in groups of G (the last padded)
  int64_t taps_, k_groups_;        // kernel_h * kernel_w; depth in k-groups: taps * cin_groups
  int64_t cout_, row_tiles_;       // output channels per group, in tiles of MR
  int64_t plane_;                  // output pixels per channel
  int64_t sub_h_, sub_w_;          // 1x1: the stride, applied when interleaving (the image is the output grid)
  int64_t padded_h_, padded_w_;    // the padded input extent the taps read (1x1: subsampled)
  int64_t phases_h_, phases_w_;    // KxK: the stride; the image holds its phases apart
  int64_t grid_h_, grid_w_;        // the rows and columns of one phase
  bool direct_;                    // 1x1, stride 1, no padding: panels interleave x itself
  bool implicit_;                  // KxK stride 1: no panels, tiles read the image on its padded grid
  int64_t grid_;                   // pixels computed per channel: the output's, or its padded grid's
  int threads_;
  int64_t block_panels_ = 1, pixel_blocks_ = 1, row_chunks_ = 1;
  std::vector<uint8_t> zp_row_;  // in_w bytes of x_zp: the channels past the end
  std::vector<TW> weights_;
  std::vector<int32_t> init_;  // [groups][row_tiles][MR]
  std::vector<int64_t> x_offsets_;  // [k_groups]: bytes
};

}  // namespace

Result<std::unique_ptr<QConv2d>> create_qconv2d_gemm_tile(const Conv2dShape& shape, const QConvTile& tile,
                                                          const int8_t* weights, const QConv2dParams& params) {
  ASSIGN_OR_RETURN(QuantOutputTables tables, make_qconv_output_tables(shape, params));
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
