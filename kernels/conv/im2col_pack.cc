#include "kernels/conv/im2col_pack.h"

#include <algorithm>

#include "kernels/gemm/f32_gemm.h"

namespace edgerun::kernels {

void f32_im2col_run__ref(const float* row, int64_t iw0, int64_t in_w, int64_t stride, int64_t len, float* d) {
  for (int64_t t = 0; t < len; ++t) {
    const int64_t iw = iw0 + t * stride;
    d[t] = iw >= 0 && iw < in_w ? row[iw] : 0.0f;
  }
}

void pack_b_im2col(const Conv2dShape& s, x86::Im2colRun copy_run, const float* x, int64_t k0, int64_t kc, int64_t n0,
                   int64_t n, int64_t nr, float* dst) {
  const int64_t taps = s.kernel_h * s.kernel_w;
  const int64_t panels = ceil_div(n, nr);
  for (int64_t p = 0; p < kc; ++p) {
    const int64_t tap = (k0 + p) % taps;
    const float* image = x + (k0 + p) / taps * s.in_h * s.in_w;
    const int64_t dy = tap / s.kernel_w * s.dilation_h - s.pad_top;
    const int64_t dx = tap % s.kernel_w * s.dilation_w - s.pad_left;
    int64_t oh = n0 / s.out_w, ow = n0 % s.out_w;
    for (int64_t j = 0; j < n;) {
      // A run: up to the end of the output row and of the panel.
      const int64_t len = std::min({s.out_w - ow, n - j, nr - j % nr});
      const int64_t ih = oh * s.stride_h + dy;
      const bool inside = ih >= 0 && ih < s.in_h;  // else the whole run is padding
      copy_run(image + (inside ? ih : 0) * s.in_w, ow * s.stride_w + dx, inside ? s.in_w : 0, s.stride_w, len,
               dst + j / nr * kc * nr + p * nr + j % nr);
      j += len;
      ow += len;
      if (ow == s.out_w) {
        ow = 0;
        ++oh;
      }
    }
    const int64_t tail = panels * nr - n;  // columns of the last panel past n
    if (tail > 0) copy_run(image, 0, 0, 1, tail, dst + (panels - 1) * kc * nr + p * nr + (nr - tail));
  }
}

}  // namespace edgerun::kernels
