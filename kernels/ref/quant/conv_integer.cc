#include "kernels/ref/quant/conv_integer.h"

namespace edgerun::ref {

int64_t conv_integer_workspace_size(const ConvParams& p) { return conv_workspace_size(p); }

template <typename TX, typename TW>
void conv_integer(const ConvParams& p, const TX* x, TX x_zp, const TW* w, ZeroPoints<TW> w_zp, int32_t* y,
                  TX* workspace) {
  const int64_t cg = p.in_channels / p.groups;
  const int64_t mg = p.out_channels / p.groups;
  const int64_t depth = cg * p.patch.kernel_size();
  const int64_t in_plane = p.patch.image_size();
  const int64_t out_plane = p.patch.grid_size();
  const bool pointwise = conv_is_pointwise(p);
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t g = 0; g < p.groups; ++g) {
      const TX* xg = x + (n * p.in_channels + g * cg) * in_plane;
      const TX* col = xg;
      if (!pointwise) {
        im2col(p.patch, cg, xg, x_zp, workspace);
        col = workspace;
      }
      ZeroPoints<TW> wg = w_zp;
      if (wg.per_channel) wg.values += g * mg;
      qgemm<TW, TX>(mg, out_plane, depth, w + g * mg * depth, depth, wg, col, out_plane, ZeroPoints<TX>{&x_zp, false},
                    y + (n * p.out_channels + g * mg) * out_plane, out_plane);
    }
  }
}

template void conv_integer<uint8_t, uint8_t>(const ConvParams&, const uint8_t*, uint8_t, const uint8_t*,
                                             ZeroPoints<uint8_t>, int32_t*, uint8_t*);
template void conv_integer<uint8_t, int8_t>(const ConvParams&, const uint8_t*, uint8_t, const int8_t*,
                                            ZeroPoints<int8_t>, int32_t*, uint8_t*);
template void conv_integer<int8_t, uint8_t>(const ConvParams&, const int8_t*, int8_t, const uint8_t*,
                                            ZeroPoints<uint8_t>, int32_t*, int8_t*);
template void conv_integer<int8_t, int8_t>(const ConvParams&, const int8_t*, int8_t, const int8_t*,
                                           ZeroPoints<int8_t>, int32_t*, int8_t*);

}  // namespace edgerun::ref
