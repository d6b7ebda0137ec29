#include "kernels/conv/conv2d_winograd.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/ref/omp.h"
#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

namespace {

int max_threads() {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

int thread_id() {
#if defined(_OPENMP)
  return omp_get_thread_num();
#else
  return 0;
#endif
}

// Floats added between the coordinates' slices of V and M: their sizes are often multiples of 4 KiB,
// and 36 streams that far apart would share cache sets (4K aliasing) in the transforms.
constexpr int64_t kSkew = 16;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
size_t round_up_64(size_t bytes) { return (bytes + 63) / 64 * 64; }

}  // namespace

bool conv2d_winograd_applicable(const Conv2dShape& s) {
  constexpr int64_t kIndexLimit = int64_t{1} << 31;  // lane offsets are int32
  return s.kernel_h == 3 && s.kernel_w == 3 && s.stride_h == 1 && s.stride_w == 1 && s.dilation_h == 1 &&
         s.dilation_w == 1 && s.groups == 1 && s.out_h > 0 && s.out_w > 0 && s.in_channels > 0 &&
         s.batch * s.in_channels * s.in_h * s.in_w < kIndexLimit &&
         s.batch * s.out_channels * s.out_h * s.out_w < kIndexLimit;
}

namespace {

// G of F(m x m, 3 x 3), T x 3: the weight transform U = G g G^T.
void weight_transform_matrix(int m, double (&g)[6][3]) {
  if (m == 2) {
    const double g2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
    for (int i = 0; i < 4; ++i) std::copy(g2[i], g2[i] + 3, g[i]);
  } else {
    const double g4[6][3] = {{1.0 / 4, 0, 0},
                             {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                             {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                             {1.0 / 24, 1.0 / 12, 1.0 / 6},
                             {1.0 / 24, -1.0 / 12, 1.0 / 6},
                             {0, 0, 1}};
    for (int i = 0; i < 6; ++i) std::copy(g4[i], g4[i] + 3, g[i]);
  }
}

// Work is split into items of (a block of up to `width_max_` tiles, a range of output-channel blocks).
// An item transforms its tiles' input once, then, chunk of output channels by chunk, multiplies per
// coordinate and transforms back. Sizes, for the 32-48 KiB L1 / 1 MiB L2 per core of Zen 4 / Zen 5:
// - width_max_: V[xi] (in_channels x width floats) stays in L2 while every output-channel block of
//   the coordinate reads it; each weight block is reused for `width` lanes from L1.
// - chunk_blocks_: M of one chunk (T*T x rows x width floats) stays in L2 until it is transformed back.
class Conv2dF32Winograd final : public Conv2dF32 {
 public:
  Conv2dF32Winograd(const WinogradUkernels& u, const Conv2dShape& s, const float* weights, const float* bias,
                    const Epilogue& epilogue)
      : u_(u), s_(s), epilogue_(epilogue), t_(u.tile + 2) {
    tiles_h_ = ceil_div(s.out_h, u.tile);
    tiles_w_ = ceil_div(s.out_w, u.tile);
    tiles_ = s.batch * tiles_h_ * tiles_w_;
    k_blocks_ = ceil_div(s.out_channels, u.mr);
    // Measured on the zoo's layers: 64 lanes and 128 KiB slices run as fast as 128 and 512 KiB (within
    // noise) with half the scratch (11.5 instead of 40 MB for FCN's 1024-channel layer at 2 threads).
    constexpr int64_t kVSliceBytes = 128 << 10, kMChunkBytes = 1 << 20, kMaxWidth = 64;
    const int64_t fit = kVSliceBytes / (s.in_channels * int64_t{sizeof(float)}) / u.nr * u.nr;
    width_max_ = std::min(std::max<int64_t>(u.nr, std::min(fit, kMaxWidth)), ceil_div(tiles_, u.lanes) * u.lanes);
    const int64_t coords = t_ * t_;
    chunk_blocks_ = std::min(k_blocks_, std::max<int64_t>(1, kMChunkBytes / (coords * width_max_ * u.mr * 4)));
    pack_weights(weights);
    if (bias != nullptr) bias_.assign(bias, bias + s.out_channels);
    threads_ = max_threads();
    v_bytes_ = round_up_64(coords * (s.in_channels * width_max_ + kSkew) * sizeof(float));
    m_bytes_ = round_up_64((coords * (chunk_blocks_ * u.mr * width_max_ + kSkew) + u.lanes) * sizeof(float));
    lane_bytes_ = round_up_64(8 * width_max_ * sizeof(int32_t));
  }

  size_t scratch_bytes() const override { return threads_ * (v_bytes_ + m_bytes_ + lane_bytes_); }

  void run(const float* x, const float* residual, float* y, void* scratch) const override {
    const int threads = std::min(max_threads(), threads_);
    // Tile blocks: as wide as allowed, their count a multiple of the threads when there are enough
    // tiles, then as even as the lane granularity permits.
    int64_t blocks = ceil_div(tiles_, width_max_);
    if (tiles_ >= threads * u_.nr) blocks = ceil_div(blocks, threads) * threads;
    const int64_t width = ceil_div(ceil_div(tiles_, blocks), u_.lanes) * u_.lanes;
    blocks = ceil_div(tiles_, width);
    const int64_t parts = choose_parts(blocks, threads);
    const int64_t items = blocks * parts;
    EDGERUN_OMP(parallel for schedule(static, 1) num_threads(threads))
    for (int64_t item = 0; item < items; ++item) {
      char* own = static_cast<char*>(scratch) + thread_id() * (v_bytes_ + m_bytes_ + lane_bytes_);
      const int64_t block = item / parts, part = item % parts;
      const int64_t first = block * width, count = std::min(width, tiles_ - first);
      run_item(first, count, k_blocks_ * part / parts, k_blocks_ * (part + 1) / parts, x, residual, y,
               reinterpret_cast<float*>(own), reinterpret_cast<float*>(own + v_bytes_),
               reinterpret_cast<int32_t*>(own + v_bytes_ + m_bytes_));
    }
  }

 private:
  // U[xi][kb][c][mr] = (G g G^T)[xi], computed in double; rows past out_channels stay zero.
  void pack_weights(const float* weights) {
    const int64_t c_count = s_.in_channels, mr = u_.mr;
    double g[6][3];
    weight_transform_matrix(u_.tile, g);
    packed_.assign(static_cast<size_t>(t_ * t_ * k_blocks_ * mr * c_count), 0.0f);
    for (int64_t k = 0; k < s_.out_channels; ++k) {
      for (int64_t c = 0; c < c_count; ++c) {
        const float* w = weights + (k * c_count + c) * 9;
        double gw[6][3];  // G g
        for (int i = 0; i < t_; ++i) {
          for (int j = 0; j < 3; ++j) gw[i][j] = g[i][0] * w[j] + g[i][1] * w[3 + j] + g[i][2] * w[6 + j];
        }
        for (int i = 0; i < t_; ++i) {
          for (int j = 0; j < t_; ++j) {
            const double value = gw[i][0] * g[j][0] + gw[i][1] * g[j][1] + gw[i][2] * g[j][2];
            const int64_t xi = i * t_ + j;
            packed_[static_cast<size_t>(((xi * k_blocks_ + k / mr) * c_count + c) * mr + k % mr)] =
                static_cast<float>(value);
          }
        }
      }
    }
  }

  // Splitting the output channels of a tile block over threads balances few blocks (small images,
  // batch 1) at the cost of transforming the block's input once per part.
  int64_t choose_parts(int64_t blocks, int threads) const {
    int64_t best = 1;
    double best_cost = 1e300;
    for (int64_t p = 1; p <= std::min<int64_t>(k_blocks_, 4 * threads); ++p) {
      const double cost = static_cast<double>(ceil_div(blocks * p, threads)) / p + 0.02 * (p - 1);
      if (cost < best_cost - 1e-9) best = p, best_cost = cost;
    }
    return best;
  }

  // Lane i of the item is tile first + i (flattened over batch, tile rows, tile columns); segments
  // group neighbouring tiles of one row, at most u_.lanes of them. `arrays` holds 8 x width int32.
  WinogradSegments make_segments(int64_t first, int64_t count, int64_t width, int32_t* arrays) const {
    int32_t* a[8];
    for (int i = 0; i < 8; ++i) a[i] = arrays + i * width;
    WinogradSegments sg{0, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]};
    const int64_t tiles_per_image = tiles_h_ * tiles_w_, tile = u_.tile;
    for (int64_t lane = 0; lane < count; ++lane) {
      const int64_t t = first + lane, tx = t % tiles_w_;
      if (lane > 0 && tx > 0 && a[1][sg.size - 1] < u_.lanes) {
        ++a[1][sg.size - 1];
        continue;
      }
      const int64_t n = t / tiles_per_image, oy = t % tiles_per_image / tiles_w_ * tile, ox = tx * tile;
      const int64_t iy = oy - s_.pad_top, ix = ox - s_.pad_left, i = sg.size++;
      a[0][i] = static_cast<int32_t>(lane);
      a[1][i] = 1;
      a[2][i] = static_cast<int32_t>(n * s_.in_channels * s_.in_h * s_.in_w + iy * s_.in_w + ix);
      a[3][i] = static_cast<int32_t>(iy);
      a[4][i] = static_cast<int32_t>(ix);
      a[5][i] = static_cast<int32_t>(n * s_.out_channels * s_.out_h * s_.out_w + oy * s_.out_w + ox);
      a[6][i] = static_cast<int32_t>(oy);
      a[7][i] = static_cast<int32_t>(ox);
    }
    return sg;
  }

  void run_item(int64_t first, int64_t count, int64_t kb0, int64_t kb1, const float* x, const float* residual, float* y,
                float* v, float* m, int32_t* arrays) const {
    const int64_t width = ceil_div(count, u_.lanes) * u_.lanes, c_count = s_.in_channels;
    const WinogradSegments sg = make_segments(first, count, width, arrays);
    const int64_t v_stride = c_count * width + kSkew;
    u_.input({x, s_.in_h * s_.in_w, c_count, static_cast<int32_t>(s_.in_h), static_cast<int32_t>(s_.in_w), sg, width, v,
              v_stride});
    const int64_t plane = s_.out_h * s_.out_w;
    for (int64_t cb0 = kb0; cb0 < kb1; cb0 += chunk_blocks_) {
      const int64_t cb1 = std::min(kb1, cb0 + chunk_blocks_), k0 = cb0 * u_.mr;
      const int64_t rows = std::min(cb1 * u_.mr, s_.out_channels) - k0, m_stride = rows * width + kSkew;
      for (int64_t xi = 0; xi < t_ * t_; ++xi) {
        const float* vx = v + xi * v_stride;
        float* mx = m + xi * m_stride;
        for (int64_t kb = cb0; kb < cb1; ++kb) {
          const float* ub = packed_.data() + (xi * k_blocks_ + kb) * c_count * u_.mr;
          const int64_t row = (kb - cb0) * u_.mr, block_rows = std::min<int64_t>(u_.mr, rows - row);
          int64_t lane = 0;
          for (; lane + u_.nr <= width; lane += u_.nr) {
            u_.gemm(c_count, ub, vx + lane, width, mx + row * width + lane, width, block_rows);
          }
          for (; lane < width; lane += u_.lanes) {
            u_.gemm_tail(c_count, ub, vx + lane, width, mx + row * width + lane, width, block_rows);
          }
        }
      }
      u_.output({m, m_stride, rows, bias_.empty() ? nullptr : bias_.data() + k0,
                 epilogue_.residual ? residual + k0 * plane : nullptr, y + k0 * plane, plane,
                 static_cast<int32_t>(s_.out_h), static_cast<int32_t>(s_.out_w), sg, width, epilogue_.min,
                 epilogue_.max});
    }
  }

  const WinogradUkernels& u_;
  Conv2dShape s_;
  Epilogue epilogue_;
  int t_;
  int64_t tiles_h_ = 0, tiles_w_ = 0, tiles_ = 0, k_blocks_ = 0, width_max_ = 0, chunk_blocks_ = 0;
  std::vector<float> packed_, bias_;
  int threads_ = 1;
  size_t v_bytes_ = 0, m_bytes_ = 0, lane_bytes_ = 0;
};

}  // namespace

template <const WinogradUkernels& U>
Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_winograd(const Conv2dShape& shape, const float* weights, const float* bias,
                                                      const Epilogue& epilogue) {
  return std::unique_ptr<Conv2dF32>(std::make_unique<Conv2dF32Winograd>(U, shape, weights, bias, epilogue));
}

template Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_winograd<f32_winograd_2x2_6x16__avx2>(const Conv2dShape&,
                                                                                            const float*, const float*,
                                                                                            const Epilogue&);
template Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_winograd<f32_winograd_4x4_6x16__avx2>(const Conv2dShape&,
                                                                                            const float*, const float*,
                                                                                            const Epilogue&);
template Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_winograd<f32_winograd_2x2_8x32__avx512>(const Conv2dShape&,
                                                                                              const float*,
                                                                                              const float*,
                                                                                              const Epilogue&);
template Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_winograd<f32_winograd_4x4_8x32__avx512>(const Conv2dShape&,
                                                                                              const float*,
                                                                                              const float*,
                                                                                              const Epilogue&);

}  // namespace edgerun::kernels
