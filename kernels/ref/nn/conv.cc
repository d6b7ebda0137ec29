#include "kernels/ref/nn/conv.h"

#include <algorithm>

#include "kernels/ref/nn/gemm.h"

namespace edgerun::ref {

bool conv_is_pointwise(const ConvParams& p) {
  const PatchGeometry& g = p.patch;
  for (size_t d = 0; d < g.rank(); ++d) {
    if (g.kernel[d] != 1 || g.strides[d] != 1 || g.pads_begin[d] != 0 || g.image[d] != g.grid[d]) return false;
  }
  return true;
}

int64_t conv_workspace_size(const ConvParams& p) {
  if (conv_is_pointwise(p)) return 0;
  return p.in_channels / p.groups * p.patch.kernel_size() * p.patch.grid_size();
}

int64_t conv_transpose_workspace_size(const ConvParams& p) {
  return p.out_channels / p.groups * p.patch.kernel_size() * p.patch.grid_size();
}

namespace {
template <typename T>
void add_bias(int64_t channels, int64_t plane, const T* bias, T* y) {
  if (bias == nullptr) return;
  for (int64_t c = 0; c < channels; ++c) {
    T* row = y + c * plane;
    for (int64_t i = 0; i < plane; ++i) row[i] += bias[c];
  }
}
}  // namespace

template <typename T>
void conv(const ConvParams& p, const T* x, const T* w, const T* bias, T* y, T* workspace) {
  const int64_t cg = p.in_channels / p.groups;   // input channels per group
  const int64_t mg = p.out_channels / p.groups;  // output channels per group
  const int64_t depth = cg * p.patch.kernel_size();
  const int64_t in_plane = p.patch.image_size();
  const int64_t out_plane = p.patch.grid_size();
  const bool pointwise = conv_is_pointwise(p);
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t g = 0; g < p.groups; ++g) {
      const T* xg = x + (n * p.in_channels + g * cg) * in_plane;
      const T* col = xg;
      if (!pointwise) {
        im2col(p.patch, cg, xg, T(0), workspace);
        col = workspace;
      }
      GemmParams<T> gp;
      gp.m = mg;
      gp.n = out_plane;
      gp.k = depth;
      gp.lda = depth;
      gp.ldb = out_plane;
      gp.ldc = out_plane;
      T* yg = y + (n * p.out_channels + g * mg) * out_plane;
      gemm(gp, w + g * mg * depth, col, yg);
      add_bias(mg, out_plane, bias == nullptr ? nullptr : bias + g * mg, yg);
    }
  }
}

template <typename T>
void conv_transpose(const ConvParams& p, const T* x, const T* w, const T* bias, T* y, T* workspace) {
  const int64_t cg = p.in_channels / p.groups;
  const int64_t mg = p.out_channels / p.groups;
  const int64_t rows = mg * p.patch.kernel_size();  // col rows: (output channel, tap)
  const int64_t in_plane = p.patch.grid_size();
  const int64_t out_plane = p.patch.image_size();
  std::fill_n(y, p.batch * p.out_channels * out_plane, T(0));
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t g = 0; g < p.groups; ++g) {
      // col[rows, in_plane] = W_g^T * X_g, with W_g stored [cg, rows].
      GemmParams<T> gp;
      gp.m = rows;
      gp.n = in_plane;
      gp.k = cg;
      gp.trans_a = true;
      gp.lda = rows;
      gp.ldb = in_plane;
      gp.ldc = in_plane;
      gemm(gp, w + g * cg * rows, x + (n * p.in_channels + g * cg) * in_plane, workspace);
      T* yg = y + (n * p.out_channels + g * mg) * out_plane;
      col2im_add(p.patch, mg, workspace, yg);
      add_bias(mg, out_plane, bias == nullptr ? nullptr : bias + g * mg, yg);
    }
  }
}

template void conv<float>(const ConvParams&, const float*, const float*, const float*, float*, float*);
template void conv<double>(const ConvParams&, const double*, const double*, const double*, double*, double*);
template void conv_transpose<float>(const ConvParams&, const float*, const float*, const float*, float*, float*);
template void conv_transpose<double>(const ConvParams&, const double*, const double*, const double*, double*,
                                     double*);

}  // namespace edgerun::ref
