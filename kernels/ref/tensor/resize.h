// Resize reference kernel (ONNX Resize 10..19 and Upsample): per-axis coordinate transform, then
// nearest (a byte-level remapped copy) or separable linear / cubic interpolation, one axis per pass.
// Coordinates and weights are computed in double, as the ONNX reference implementation does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgerun::ref {

enum class ResizeMode { kNearest, kLinear, kCubic };
enum class ResizeCoord {
  kHalfPixel,
  kHalfPixelSymmetric,
  kPytorchHalfPixel,
  kAlignCorners,
  kAsymmetric,
  kTfHalfPixelForNn,
  kTfCropAndResize,
};
// kSimple is Upsample's and Resize-10's rounding: floor when upsampling an axis, ceil when downsampling.
enum class ResizeNearest { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil, kSimple };

struct ResizeParams {
  std::vector<int64_t> in_shape, out_shape;
  std::vector<double> scales;               // per axis; out = floor(in * scale) or given sizes
  std::vector<double> roi_start, roi_end;   // per axis, used by kTfCropAndResize only
  ResizeMode mode = ResizeMode::kNearest;
  ResizeCoord coord = ResizeCoord::kHalfPixel;
  ResizeNearest nearest = ResizeNearest::kRoundPreferFloor;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  bool antialias = false;  // widen linear / cubic filters by 1/scale when downsampling
  double extrapolation = 0.0;  // value outside the roi (kTfCropAndResize)
};

// Source coordinate of output index x along one axis, per the coordinate transformation mode.
double resize_source_coord(const ResizeParams& p, size_t axis, int64_t x);

// Nearest mode on any element type: `fill` is the extrapolation value as one element of elem_size bytes.
void resize_nearest(const ResizeParams& p, size_t elem_size, const void* x, const void* fill, void* dst);

// Linear and cubic modes. Integer results are truncated toward zero and saturated.
template <typename T>
void resize_interpolate(const ResizeParams& p, const T* x, T* dst);

}  // namespace edgerun::ref
