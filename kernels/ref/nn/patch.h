// Sliding-window geometry shared by convolution (im2col), transposed convolution (col2im) and pooling,
// for any number of spatial dims.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgerun::ref {

// A kernel slides over an `image`; `grid` is the number of placements along each dim (the output
// size of a convolution or pool). Tap k of placement o along dim d reads image coordinate
// o * strides[d] - pads_begin[d] + k * dilations[d]; coordinates outside the image are padding.
struct PatchGeometry {
  std::vector<int64_t> image;
  std::vector<int64_t> grid;
  std::vector<int64_t> kernel;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads_begin;

  size_t rank() const { return image.size(); }
  int64_t image_size() const { return product(image); }
  int64_t grid_size() const { return product(grid); }
  int64_t kernel_size() const { return product(kernel); }
  static int64_t product(const std::vector<int64_t>& v) {
    int64_t p = 1;
    for (int64_t x : v) p *= x;
    return p;
  }
};

// Visits every (kernel tap, placement) pair of a geometry: walk(fn) calls
// fn(tap, placement, image_offset) with tap and placement as row-major linear indices and
// image_offset the row-major offset of the image element read, or -1 when the tap is in padding.
// Taps are the outer loop and placements the inner one, in row-major order both.
class PatchWalker {
 public:
  explicit PatchWalker(const PatchGeometry& g) : g_(g), coord_(g.rank()), image_stride_(g.rank(), 1) {
    const size_t r = g.rank();
    for (size_t d = r; d-- > 0;) {
      if (d + 1 < r) image_stride_[d] = image_stride_[d + 1] * g.image[d + 1];
      coord_[d].resize(static_cast<size_t>(g.kernel[d] * g.grid[d]));
      for (int64_t k = 0; k < g.kernel[d]; ++k) {
        for (int64_t o = 0; o < g.grid[d]; ++o) {
          const int64_t c = o * g.strides[d] - g.pads_begin[d] + k * g.dilations[d];
          coord_[d][static_cast<size_t>(k * g.grid[d] + o)] = c >= 0 && c < g.image[d] ? c : -1;
        }
      }
    }
  }

  template <typename Fn>
  void walk(Fn&& fn) const {
    const size_t r = g_.rank();
    const int64_t grid_count = g_.grid_size();
    if (r == 0 || grid_count == 0) return;
    const int64_t last = g_.grid[r - 1];
    std::vector<int64_t> tap_index(r, 0);
    const int64_t taps = g_.kernel_size();
    for (int64_t tap = 0; tap < taps; ++tap) {
      unravel(tap, g_.kernel, tap_index);
      const int64_t* last_coord = coord_[r - 1].data() + tap_index[r - 1] * last;
      for (int64_t row = 0; row < grid_count; row += last) {
        // Offset and validity of this row of placements from every dim but the last.
        int64_t base = 0;
        bool valid = true;
        int64_t rest = row / last;
        for (size_t d = r - 1; d-- > 0;) {
          const int64_t o = rest % g_.grid[d];
          rest /= g_.grid[d];
          const int64_t c = coord_[d][static_cast<size_t>(tap_index[d] * g_.grid[d] + o)];
          valid = valid && c >= 0;
          base += c * image_stride_[d];
        }
        for (int64_t o = 0; o < last; ++o) {
          fn(tap, row + o, valid && last_coord[o] >= 0 ? base + last_coord[o] : int64_t{-1});
        }
      }
    }
  }

 private:
  static void unravel(int64_t linear, const std::vector<int64_t>& dims, std::vector<int64_t>& index) {
    for (size_t d = dims.size(); d-- > 0;) {
      index[d] = linear % dims[d];
      linear /= dims[d];
    }
  }

  const PatchGeometry& g_;
  std::vector<std::vector<int64_t>> coord_;  // coord_[d][k * grid[d] + o]: image coordinate or -1
  std::vector<int64_t> image_stride_;
};

// col[(c * taps + tap) * grid_size + placement] = image element read, or `pad` in padding, for each
// of `channels` consecutive images.
template <typename T>
void im2col(const PatchGeometry& g, int64_t channels, const T* image, T pad, T* col);

// The adjoint of im2col: image[c][offset] += col[(c * taps + tap) * grid_size + placement] for every
// tap that reads the image (padding taps are dropped). `image` must be initialised by the caller.
template <typename T>
void col2im_add(const PatchGeometry& g, int64_t channels, const T* col, T* image);

}  // namespace edgerun::ref
