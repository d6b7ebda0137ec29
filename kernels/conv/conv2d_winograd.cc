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
    const double g4[6][3] = {{1.0 / 4, 0, 0},          {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                             {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6},  {0, 0, 1}};
    for (int i = 0; i < 6; ++i) std::copy(g4[i], g4[i] + 3, g[i]);
  }
}

class Conv2dF32Winograd final : public Conv2dF32 {
 public:
  Conv2dF32Winograd(const WinogradUkernels& u, const Conv2dShape& s, const float* weights, const float* bias,
                    const Epilogue& epilogue)
      : u_(u), s_(s), epilogue_(epilogue), t_(u.tile + 2) {
    tiles_h_ = ceil_div(s.out_h, u.tile);
    tiles_w_ = ceil_div(s.out_w, u.tile);
    groups_ = ceil_div(s.batch * tiles_h_ * tiles_w_, u.nr);
    k_blocks_ = ceil_div(s.out_channels, u.mr);
    pack_weights(weights);
    if (bias != nullptr) bias_.assign(bias, bias + s.out_channels);
    threads_ = max_threads();
    const size_t coords = static_cast<size_t>(t_ * t_);
    v_bytes_ = round_up_64(coords * s.in_channels * u.nr * sizeof(float));
    m_bytes_ = round_up_64(coords * k_blocks_ * u.mr * u.nr * sizeof(float));
    lane_bytes_ = round_up_64(6 * u.nr * sizeof(int32_t));
  }

  size_t scratch_bytes() const override { return threads_ * (v_bytes_ + m_bytes_ + lane_bytes_); }

  void run(const float* x, const float* residual, float* y, void* scratch) const override {
    const int threads = std::min(max_threads(), threads_);
    const int64_t parts = choose_parts(threads);
    const int64_t items = groups_ * parts;
    EDGERUN_OMP(parallel for schedule(dynamic, 1) num_threads(threads))
    for (int64_t item = 0; item < items; ++item) {
      char* own = static_cast<char*>(scratch) + thread_id() * (v_bytes_ + m_bytes_ + lane_bytes_);
      const int64_t part = item % parts;
      run_item(item / parts, k_blocks_ * part / parts, k_blocks_ * (part + 1) / parts, x, residual, y,
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

  // Splitting the output channels of a tile group over threads balances few groups (small images,
  // batch 1) at the cost of transforming the group's input once per part.
  int64_t choose_parts(int threads) const {
    int64_t best = 1;
    double best_cost = 1e300;
    for (int64_t p = 1; p <= std::min<int64_t>(k_blocks_, 4 * threads); ++p) {
      const double cost = static_cast<double>(ceil_div(groups_ * p, threads)) / p + 0.02 * (p - 1);
      if (cost < best_cost - 1e-9) best = p, best_cost = cost;
    }
    return best;
  }

  void run_item(int64_t group, int64_t kb0, int64_t kb1, const float* x, const float* residual, float* y, float* v,
                float* m, int32_t* lanes) const {
    const int nr = u_.nr, tile = u_.tile;
    int32_t *in_off = lanes, *in_y0 = lanes + nr, *in_x0 = lanes + 2 * nr;
    int32_t *out_off = lanes + 3 * nr, *out_y0 = lanes + 4 * nr, *out_x0 = lanes + 5 * nr;
    const int64_t tiles_per_image = tiles_h_ * tiles_w_, tiles = s_.batch * tiles_per_image;
    for (int lane = 0; lane < nr; ++lane) {
      const int64_t t = group * nr + lane;
      if (t >= tiles) {
        in_off[lane] = out_off[lane] = 0;
        in_y0[lane] = out_y0[lane] = kWinogradLaneUnused;
        in_x0[lane] = out_x0[lane] = 0;
        continue;
      }
      const int64_t n = t / tiles_per_image, ty = t % tiles_per_image / tiles_w_, tx = t % tiles_w_;
      out_y0[lane] = static_cast<int32_t>(ty * tile);
      out_x0[lane] = static_cast<int32_t>(tx * tile);
      out_off[lane] = static_cast<int32_t>(n * s_.out_channels * s_.out_h * s_.out_w + out_y0[lane] * s_.out_w +
                                           out_x0[lane]);
      in_y0[lane] = static_cast<int32_t>(out_y0[lane] - s_.pad_top);
      in_x0[lane] = static_cast<int32_t>(out_x0[lane] - s_.pad_left);
      in_off[lane] = static_cast<int32_t>(n * s_.in_channels * s_.in_h * s_.in_w + in_y0[lane] * s_.in_w + in_x0[lane]);
    }
    const int64_t c_count = s_.in_channels, rows = std::min(kb1 * u_.mr, s_.out_channels) - kb0 * u_.mr;
    WinogradInputArgs in{x,     s_.in_h * s_.in_w, c_count, in_off, in_y0, in_x0, static_cast<int32_t>(s_.in_h),
                         static_cast<int32_t>(s_.in_w), v};
    u_.input(in);
    for (int64_t xi = 0; xi < t_ * t_; ++xi) {
      const float* vx = v + xi * c_count * nr;
      for (int64_t kb = kb0; kb < kb1; ++kb) {
        const int64_t row = (kb - kb0) * u_.mr;
        u_.gemm(c_count, packed_.data() + (xi * k_blocks_ + kb) * c_count * u_.mr, vx, m + (xi * rows + row) * nr,
                std::min<int64_t>(u_.mr, rows - row));
      }
    }
    const int64_t k0 = kb0 * u_.mr, plane = s_.out_h * s_.out_w;
    WinogradOutputArgs out{m,
                           rows,
                           bias_.empty() ? nullptr : bias_.data() + k0,
                           epilogue_.residual ? residual + k0 * plane : nullptr,
                           y + k0 * plane,
                           plane,
                           out_off,
                           out_y0,
                           out_x0,
                           static_cast<int32_t>(s_.out_h),
                           static_cast<int32_t>(s_.out_w),
                           epilogue_.min,
                           epilogue_.max};
    u_.output(out);
  }

  const WinogradUkernels& u_;
  Conv2dShape s_;
  Epilogue epilogue_;
  int t_;
  int64_t tiles_h_ = 0, tiles_w_ = 0, groups_ = 0, k_blocks_ = 0;
  std::vector<float> packed_, bias_;
  int threads_ = 1;
  size_t v_bytes_ = 0, m_bytes_ = 0, lane_bytes_ = 0;
};

}  // namespace

bool conv2d_winograd_4x4_supports(const Conv2dShape& s) { return conv2d_winograd_applicable(s); }

bool conv2d_winograd_2x2_supports(const Conv2dShape& s) { return conv2d_winograd_applicable(s); }

template <const WinogradUkernels& U>
std::unique_ptr<Conv2dF32> create_conv2d_f32_winograd(const Conv2dShape& shape, const float* weights,
                                                      const float* bias, const Epilogue& epilogue) {
  return std::make_unique<Conv2dF32Winograd>(U, shape, weights, bias, epilogue);
}

template std::unique_ptr<Conv2dF32> create_conv2d_f32_winograd<f32_winograd_2x2_6x16__avx2>(
    const Conv2dShape&, const float*, const float*, const Epilogue&);
template std::unique_ptr<Conv2dF32> create_conv2d_f32_winograd<f32_winograd_4x4_6x16__avx2>(
    const Conv2dShape&, const float*, const float*, const Epilogue&);
template std::unique_ptr<Conv2dF32> create_conv2d_f32_winograd<f32_winograd_2x2_8x32__avx512>(
    const Conv2dShape&, const float*, const float*, const Epilogue&);
template std::unique_ptr<Conv2dF32> create_conv2d_f32_winograd<f32_winograd_4x4_8x32__avx512>(
    const Conv2dShape&, const float*, const float*, const Epilogue&);

}  // namespace edgerun::kernels
