// Run functions of Pad, Resize and Upsample.
#include "engine/ops/op_kernels.h"
#include "engine/ops/tensor_glue.h"
#include "kernels/ref/tensor/copy.h"
#include "kernels/ref/tensor/resize.h"

namespace edgerun::ops {

namespace {

// Input index that output index i of a padded axis reads, or -1 for the constant. The axis keeps
// input elements [lo, lo + m) after cropping by negative pads; `before` is the positive front pad.
int64_t pad_source(const std::string& mode, int64_t i, int64_t before, int64_t lo, int64_t m) {
  const int64_t j = i - before;
  if (j >= 0 && j < m) return lo + j;
  if (mode == "edge") return lo + (j < 0 ? 0 : m - 1);
  if (mode == "wrap") return lo + ((j % m) + m) % m;
  if (mode == "reflect") {
    if (m == 1) return lo;
    const int64_t period = 2 * (m - 1);
    int64_t r = ((j % period) + period) % period;
    return lo + (r < m ? r : period - r);
  }
  return -1;
}

Result<ref::ResizeParams> resize_params(const KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  ASSIGN_OR_RETURN(ResizeGeometry g, resize_geometry(node_args(ctx), x.shape()));
  ref::ResizeParams p;
  p.in_shape = x.shape();
  p.out_shape = g.out;
  p.scales = g.scales;
  p.roi_start = g.roi_start;
  p.roi_end = g.roi_end;
  p.mode = g.mode == "linear" ? ref::ResizeMode::kLinear
                              : (g.mode == "cubic" ? ref::ResizeMode::kCubic : ref::ResizeMode::kNearest);
  static const std::pair<const char*, ref::ResizeCoord> kCoords[] = {
      {"half_pixel", ref::ResizeCoord::kHalfPixel},
      {"half_pixel_symmetric", ref::ResizeCoord::kHalfPixelSymmetric},
      {"pytorch_half_pixel", ref::ResizeCoord::kPytorchHalfPixel},
      {"align_corners", ref::ResizeCoord::kAlignCorners},
      {"asymmetric", ref::ResizeCoord::kAsymmetric},
      {"tf_half_pixel_for_nn", ref::ResizeCoord::kTfHalfPixelForNn},
      {"tf_crop_and_resize", ref::ResizeCoord::kTfCropAndResize}};
  static const std::pair<const char*, ref::ResizeNearest> kNearest[] = {
      {"round_prefer_floor", ref::ResizeNearest::kRoundPreferFloor},
      {"round_prefer_ceil", ref::ResizeNearest::kRoundPreferCeil},
      {"floor", ref::ResizeNearest::kFloor},
      {"ceil", ref::ResizeNearest::kCeil},
      {"simple", ref::ResizeNearest::kSimple}};
  for (const auto& [name, c] : kCoords) {
    if (g.coord == name) p.coord = c;
  }
  for (const auto& [name, n] : kNearest) {
    if (g.nearest == name) p.nearest = n;
  }
  const Attributes& a = ctx.attrs();
  p.cubic_a = a.get_float("cubic_coeff_a", -0.75f);
  p.exclude_outside = a.get_int("exclude_outside", 0) != 0;
  p.antialias = a.get_int("antialias", 0) != 0;
  p.extrapolation = a.get_float("extrapolation_value", 0.0f);
  return p;
}

Status run_resize(KernelContext& ctx) {
  ASSIGN_OR_RETURN(ref::ResizeParams p, resize_params(ctx));
  const Tensor& x = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (out.shape() != p.out_shape) return ctx.error("output shape does not match the resize geometry");
  if (out.num_elements() == 0) return Status::Ok();
  if (p.mode == ref::ResizeMode::kNearest) {
    const Tensor fill = scalar_of_type(x.dtype(), p.extrapolation);
    ref::resize_nearest(p, dtype_size(x.dtype()), x.raw_data(), fill.raw_data(), out.raw_data());
    return Status::Ok();
  }
  switch (x.dtype()) {
#define EDGERUN_RESIZE(T)                                              \
  ref::resize_interpolate<T>(p, x.data<T>(), out.data<T>()); \
  return Status::Ok();
    EDGERUN_NUMERIC_CASES(EDGERUN_RESIZE);
#undef EDGERUN_RESIZE
    default: return ctx.unsupported_here(std::string("interpolating Resize of type ") + dtype_name(x.dtype()));
  }
}

}  // namespace

Status run_Pad(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor& out = ctx.output(0);
  ASSIGN_OR_RETURN(PadParams pp, pad_params(node_args(ctx), x.shape()));
  Tensor fill;
  if (ctx.opset() < 11) {
    fill = scalar_of_type(x.dtype(), ctx.attrs().get_float("value", 0.0f));
  } else if (ctx.has_input(2) && ctx.input(2).num_elements() == 1) {
    fill = ctx.input(2);
  } else {
    fill = scalar_of_type(x.dtype(), 0.0);
  }
  const std::vector<int64_t> strides = ref::contiguous_strides(x.shape());
  ref::RemapParams p;
  p.elem_size = dtype_size(x.dtype());
  p.fill = fill.raw_data();
  p.offsets.resize(x.shape().size());
  for (size_t a = 0; a < p.offsets.size(); ++a) {
    const int64_t lo = std::max<int64_t>(0, -pp.begin[a]);
    const int64_t m = x.shape()[a] - lo - std::max<int64_t>(0, -pp.end[a]);
    const int64_t before = std::max<int64_t>(0, pp.begin[a]);
    for (int64_t i = 0; i < pp.out[a]; ++i) {
      const int64_t src = pad_source(pp.mode, i, before, lo, m);
      p.offsets[a].push_back(src < 0 ? -1 : src * strides[a]);
    }
  }
  ref::remap_copy(p, x.raw_data(), out.raw_data());
  return Status::Ok();
}

Status run_Resize(KernelContext& ctx) { return run_resize(ctx); }
Status run_Upsample(KernelContext& ctx) { return run_resize(ctx); }

}  // namespace edgerun::ops
