#include "kernels/ref/nn/patch.h"

#include "kernels/ref/omp.h"

namespace edgerun::ref {

template <typename T>
void im2col(const PatchGeometry& g, int64_t channels, const T* image, T pad, T* col) {
  const PatchWalker walker(g);
  const int64_t image_size = g.image_size();
  const int64_t grid_size = g.grid_size();
  const int64_t col_size = g.kernel_size() * grid_size;
  EDGERUN_OMP(parallel for if (channels > 1))
  for (int64_t c = 0; c < channels; ++c) {
    const T* in = image + c * image_size;
    T* out = col + c * col_size;
    walker.walk([&](int64_t tap, int64_t placement, int64_t offset) {
      out[tap * grid_size + placement] = offset < 0 ? pad : in[offset];
    });
  }
}

template <typename T>
void col2im_add(const PatchGeometry& g, int64_t channels, const T* col, T* image) {
  const PatchWalker walker(g);
  const int64_t image_size = g.image_size();
  const int64_t grid_size = g.grid_size();
  const int64_t col_size = g.kernel_size() * grid_size;
  EDGERUN_OMP(parallel for if (channels > 1))
  for (int64_t c = 0; c < channels; ++c) {
    const T* in = col + c * col_size;
    T* out = image + c * image_size;
    walker.walk([&](int64_t tap, int64_t placement, int64_t offset) {
      if (offset >= 0) out[offset] += in[tap * grid_size + placement];
    });
  }
}

template void im2col<float>(const PatchGeometry&, int64_t, const float*, float, float*);
template void im2col<double>(const PatchGeometry&, int64_t, const double*, double, double*);
template void im2col<uint8_t>(const PatchGeometry&, int64_t, const uint8_t*, uint8_t, uint8_t*);
template void im2col<int8_t>(const PatchGeometry&, int64_t, const int8_t*, int8_t, int8_t*);
template void col2im_add<float>(const PatchGeometry&, int64_t, const float*, float*);
template void col2im_add<double>(const PatchGeometry&, int64_t, const double*, double*);

}  // namespace edgerun::ref
