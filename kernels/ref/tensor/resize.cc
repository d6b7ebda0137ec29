#include "kernels/ref/tensor/resize.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/ref/tensor/copy.h"
#include "kernels/ref/tensor/types.h"

namespace edgerun::ref {

double resize_source_coord(const ResizeParams& p, size_t axis, int64_t x_out) {
  const double x = static_cast<double>(x_out);
  const double in = static_cast<double>(p.in_shape[axis]);
  const double scale = p.scales[axis];
  // The ONNX reference measures the output length as scale * in, which is fractional when the output
  // size was truncated from scales; align_corners and tf_crop_and_resize depend on it.
  const double out_len = scale * in;
  switch (p.coord) {
    case ResizeCoord::kHalfPixel: return (x + 0.5) / scale - 0.5;
    case ResizeCoord::kHalfPixelSymmetric: {
      const double adjustment = static_cast<double>(p.out_shape[axis]) / out_len;
      const double offset = in / 2 * (1 - adjustment);
      return offset + (x + 0.5) / scale - 0.5;
    }
    case ResizeCoord::kPytorchHalfPixel: return out_len == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    case ResizeCoord::kAlignCorners: return out_len == 1 ? 0.0 : x * (in - 1) / (out_len - 1);
    case ResizeCoord::kAsymmetric: return x / scale;
    case ResizeCoord::kTfHalfPixelForNn: return (x + 0.5) / scale;
    case ResizeCoord::kTfCropAndResize: {
      const double start = p.roi_start[axis], end = p.roi_end[axis];
      const double span = out_len == 1 ? (end - start) * (in - 1) / 2 : x * (end - start) * (in - 1) / (out_len - 1);
      return span + start * (in - 1);
    }
  }
  return x;
}

namespace {

bool outside_roi(const ResizeParams& p, size_t axis, double x) {
  return p.coord == ResizeCoord::kTfCropAndResize && (x < 0 || x > static_cast<double>(p.in_shape[axis] - 1));
}

int64_t clamp_index(int64_t i, int64_t n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

int64_t nearest_index(const ResizeParams& p, size_t axis, double x) {
  const double fl = std::floor(x);
  int64_t i;
  if (p.nearest == ResizeNearest::kSimple) {
    i = static_cast<int64_t>(p.scales[axis] < 1 ? std::ceil(x) : fl);
  } else if (x == fl) {
    i = static_cast<int64_t>(x);
  } else {
    const double r = x - fl;
    bool up = false;
    switch (p.nearest) {
      case ResizeNearest::kRoundPreferFloor: up = r > 0.5; break;
      case ResizeNearest::kRoundPreferCeil: up = r >= 0.5; break;
      case ResizeNearest::kFloor: up = false; break;
      case ResizeNearest::kCeil: up = true; break;
      case ResizeNearest::kSimple: break;
    }
    i = static_cast<int64_t>(fl) + (up ? 1 : 0);
  }
  return clamp_index(i, p.in_shape[axis]);
}

double cubic_weight(double t, double a) {
  t = std::fabs(t);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0.0;
}

// Interpolation taps of one axis: `width` (index, weight) pairs per output index, or none when the
// output index lies outside the roi (extrapolated).
struct AxisTaps {
  int64_t width = 0;
  std::vector<int64_t> index;
  std::vector<double> weight;
  std::vector<bool> outside;
  bool identity = true;
};

AxisTaps interpolation_taps(const ResizeParams& p, size_t axis) {
  const int64_t in = p.in_shape[axis], out = p.out_shape[axis];
  const bool cubic = p.mode == ResizeMode::kCubic;
  const double support = cubic ? 2.0 : 1.0;
  // Antialiasing stretches the filter by 1/scale when downsampling.
  const double s = p.antialias ? std::min(p.scales[axis], 1.0) : 1.0;
  const int64_t start = static_cast<int64_t>(std::floor(-support / s)) + 1;
  AxisTaps t;
  t.width = 2 - 2 * start;
  t.index.resize(static_cast<size_t>(out * t.width));
  t.weight.resize(t.index.size());
  t.outside.resize(static_cast<size_t>(out));
  t.identity = in == out;
  for (int64_t j = 0; j < out; ++j) {
    const double x = resize_source_coord(p, axis, j);
    if (outside_roi(p, axis, x)) {
      t.outside[static_cast<size_t>(j)] = true;
      t.identity = false;
      continue;
    }
    // The left neighbour is strictly below x, so the ratio lies in (0, 1] as in the ONNX reference.
    const double fl = std::floor(x);
    const int64_t base = static_cast<int64_t>(fl) - (x == fl ? 1 : 0);
    const double ratio = x - static_cast<double>(base);
    int64_t* idx = &t.index[static_cast<size_t>(j * t.width)];
    double* w = &t.weight[static_cast<size_t>(j * t.width)];
    double sum = 0, inside_sum = 0;
    for (int64_t k = 0; k < t.width; ++k) {
      const double d = s * (static_cast<double>(start + k) - ratio);
      w[k] = cubic ? cubic_weight(d, p.cubic_a) : std::max(0.0, 1 - std::fabs(d));
      const int64_t pos = base + start + k;
      sum += w[k];
      if (pos >= 0 && pos < in) {
        inside_sum += w[k];
      } else if (p.exclude_outside) {
        w[k] = 0;
      }
      idx[k] = clamp_index(pos, in);
    }
    const double norm = p.exclude_outside ? inside_sum : (p.antialias ? sum : 1.0);
    for (int64_t k = 0; k < t.width; ++k) {
      w[k] /= norm;
      if (w[k] != 0 && (idx[k] != j || w[k] != 1)) t.identity = false;
    }
  }
  return t;
}

// One separable pass: src viewed as [outer, in, inner] -> dst [outer, out, inner].
void interpolate_axis(const AxisTaps& t, double extrapolation, int64_t outer, int64_t in, int64_t inner,
                      const double* src, double* dst) {
  const int64_t out = static_cast<int64_t>(t.outside.size());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < out; ++j) {
      double* d = dst + (o * out + j) * inner;
      if (t.outside[static_cast<size_t>(j)]) {
        std::fill(d, d + inner, extrapolation);
        continue;
      }
      std::fill(d, d + inner, 0.0);
      for (int64_t k = 0; k < t.width; ++k) {
        const double w = t.weight[static_cast<size_t>(j * t.width + k)];
        if (w == 0) continue;
        const double* s = src + (o * in + t.index[static_cast<size_t>(j * t.width + k)]) * inner;
        for (int64_t i = 0; i < inner; ++i) d[i] += w * s[i];
      }
    }
  }
}

template <typename T>
T from_double(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return T(0);
    v = std::trunc(v);
    if (v <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
    if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  }
}

}  // namespace

void resize_nearest(const ResizeParams& p, size_t elem_size, const void* x, const void* fill, void* dst) {
  const std::vector<int64_t> strides = contiguous_strides(p.in_shape);
  RemapParams r;
  r.elem_size = elem_size;
  r.fill = fill;
  r.offsets.resize(p.in_shape.size());
  for (size_t a = 0; a < p.in_shape.size(); ++a) {
    std::vector<int64_t>& off = r.offsets[a];
    off.resize(static_cast<size_t>(p.out_shape[a]));
    for (int64_t j = 0; j < p.out_shape[a]; ++j) {
      const double c = resize_source_coord(p, a, j);
      off[static_cast<size_t>(j)] = outside_roi(p, a, c) ? -1 : nearest_index(p, a, c) * strides[a];
    }
  }
  remap_copy(r, x, dst);
}

template <typename T>
void resize_interpolate(const ResizeParams& p, const T* x, T* dst) {
  const size_t rank = p.in_shape.size();
  std::vector<int64_t> shape = p.in_shape;
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  std::vector<double> cur(x, x + n), next;
  // Shrinking axes first keeps the intermediate buffers small.
  std::vector<size_t> order(rank);
  for (size_t a = 0; a < rank; ++a) order[a] = a;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p.out_shape[a] < p.in_shape[a] && p.out_shape[b] >= p.in_shape[b]; });
  for (size_t a : order) {
    const AxisTaps taps = interpolation_taps(p, a);
    if (taps.identity) continue;
    int64_t outer = 1, inner = 1;
    for (size_t k = 0; k < a; ++k) outer *= shape[k];
    for (size_t k = a + 1; k < rank; ++k) inner *= shape[k];
    next.assign(static_cast<size_t>(outer * p.out_shape[a] * inner), 0.0);
    interpolate_axis(taps, p.extrapolation, outer, shape[a], inner, cur.data(), next.data());
    cur.swap(next);
    shape[a] = p.out_shape[a];
  }
  for (size_t i = 0; i < cur.size(); ++i) dst[i] = from_double<T>(cur[i]);
}

#define EDGERUN_INSTANTIATE(T) template void resize_interpolate<T>(const ResizeParams&, const T*, T*);
EDGERUN_REF_NUMERIC_TYPES(EDGERUN_INSTANTIATE)
#undef EDGERUN_INSTANTIATE

}  // namespace edgerun::ref
