// Resize (opsets 10, 11, 13, 18, 19) and Upsample (7, 9): shape inference and the geometry builder
// shared with the run function. Follows the ONNX reference implementation where the spec is loose
// (output size from scales truncates scale * dim; roi does not change the output size).
#include <cmath>

#include "graph/ops/op_schema.h"
#include "graph/ops/tensor_params.h"

namespace edgerun {

namespace {

bool one_of(const std::string& s, std::initializer_list<const char*> options) {
  for (const char* o : options) {
    if (s == o) return true;
  }
  return false;
}

// An optional float-or-int input; empty tensors (the ONNX way to skip roi / scales) count as absent.
Result<const Tensor*> optional_input(const NodeArgs& args, size_t i) {
  ASSIGN_OR_RETURN(const Tensor* t, args.value(i));
  return t != nullptr && t->num_elements() == 0 ? nullptr : t;
}

Status read_modes(const NodeArgs& args, bool legacy, ResizeGeometry& g) {
  const Attributes& a = args.attrs();
  g.mode = a.get_string("mode", "nearest");
  if (g.mode == "bilinear" && legacy) g.mode = "linear";  // Upsample-7 spelling
  if (!one_of(g.mode, {"nearest", "linear", "cubic"}) || (legacy && g.mode == "cubic")) {
    return args.error("unknown mode '" + g.mode + "'");
  }
  if (legacy) {
    g.coord = "asymmetric";
    g.nearest = "simple";
    return Status::Ok();
  }
  g.coord = a.get_string("coordinate_transformation_mode", "half_pixel");
  if (!one_of(g.coord, {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric",
                        "tf_half_pixel_for_nn", "tf_crop_and_resize"})) {
    return args.error("unknown coordinate_transformation_mode '" + g.coord + "'");
  }
  g.nearest = a.get_string("nearest_mode", "round_prefer_floor");
  if (!one_of(g.nearest, {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"})) {
    return args.error("unknown nearest_mode '" + g.nearest + "'");
  }
  return Status::Ok();
}

Result<std::vector<double>> float_values(const NodeArgs& args, const Tensor& t, const char* what) {
  if (!dtype_is_float(t.dtype())) return args.error(std::string(what) + " must be a float tensor");
  std::vector<double> v(static_cast<size_t>(t.num_elements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = t.as_double(static_cast<int64_t>(i));
  return v;
}

}  // namespace

Result<ResizeGeometry> resize_geometry(const NodeArgs& args, const Shape& in) {
  const bool upsample = args.node().op == OpType::kUpsample;
  const bool legacy = upsample || args.opset() < 11;
  ResizeGeometry g;
  RETURN_IF_ERROR(read_modes(args, legacy, g));
  const size_t rank = in.size();

  std::vector<double> scales, roi;
  std::vector<int64_t> sizes;
  bool has_scales = false, has_sizes = false;
  if (upsample && args.opset() < 9) {
    const std::vector<float> s = args.attrs().get_floats("scales");
    scales.assign(s.begin(), s.end());
    has_scales = true;
  } else {
    const size_t scales_at = legacy ? 1 : 2;
    ASSIGN_OR_RETURN(const Tensor* t, optional_input(args, scales_at));
    if (t != nullptr) {
      ASSIGN_OR_RETURN(scales, float_values(args, *t, "scales"));
      has_scales = true;
    }
    if (!legacy) {
      ASSIGN_OR_RETURN(const Tensor* sz, optional_input(args, 3));
      if (sz != nullptr) {
        ASSIGN_OR_RETURN(sizes, args.ints(3));
        has_sizes = true;
      }
      if (g.coord == "tf_crop_and_resize") {
        ASSIGN_OR_RETURN(const Tensor* r, optional_input(args, 1));
        if (r != nullptr) {
          ASSIGN_OR_RETURN(roi, float_values(args, *r, "roi"));
        }
      }
    }
  }
  if (has_scales == has_sizes) return args.error("needs exactly one of scales and sizes");

  std::vector<int64_t> axes;
  if (!legacy && args.attrs().has("axes")) {
    ASSIGN_OR_RETURN(axes, normalize_axes(args, args.attrs().get_ints("axes"), static_cast<int64_t>(rank)));
  } else {
    for (size_t a = 0; a < rank; ++a) axes.push_back(static_cast<int64_t>(a));
  }
  const size_t n = axes.size();
  if ((has_scales ? scales.size() : sizes.size()) != n) {
    return args.error(std::string(has_scales ? "scales" : "sizes") + " must have " + std::to_string(n) + " entries");
  }
  if (!roi.empty() && roi.size() != 2 * n) return args.error("roi must have " + std::to_string(2 * n) + " entries");

  g.out = in;
  g.scales.assign(rank, 1.0);
  g.roi_start.assign(rank, 0.0);
  g.roi_end.assign(rank, 1.0);
  for (size_t i = 0; i < n && !roi.empty(); ++i) {
    g.roi_start[static_cast<size_t>(axes[i])] = roi[i];
    g.roi_end[static_cast<size_t>(axes[i])] = roi[i + n];
  }
  auto set_out = [&](size_t a, double size) -> Status {
    if (!(size >= 0) || size > static_cast<double>(kMaxElements)) return args.error("output size out of range");
    g.out[a] = static_cast<int64_t>(size);
    return Status::Ok();
  };
  if (has_scales) {
    for (size_t i = 0; i < n; ++i) {
      const size_t a = static_cast<size_t>(axes[i]);
      if (!(scales[i] > 0) || !std::isfinite(scales[i])) return args.error("scales must be positive");
      g.scales[a] = scales[i];
      RETURN_IF_ERROR(set_out(a, scales[i] * static_cast<double>(in[a])));
    }
    return g;
  }
  const std::string policy = args.attrs().get_string("keep_aspect_ratio_policy", "stretch");
  if (!one_of(policy, {"stretch", "not_larger", "not_smaller"})) {
    return args.error("unknown keep_aspect_ratio_policy '" + policy + "'");
  }
  double common = policy == "not_larger" ? INFINITY : 0.0;
  for (size_t i = 0; i < n; ++i) {
    const size_t a = static_cast<size_t>(axes[i]);
    if (sizes[i] < 0) return args.error("negative size " + std::to_string(sizes[i]));
    if (in[a] == 0) return args.error("cannot resize an empty axis");
    const double s = static_cast<double>(sizes[i]) / static_cast<double>(in[a]);
    g.scales[a] = s;
    g.out[a] = sizes[i];
    common = policy == "not_larger" ? std::min(common, s) : std::max(common, s);
  }
  if (policy != "stretch") {
    for (size_t i = 0; i < n; ++i) {
      const size_t a = static_cast<size_t>(axes[i]);
      g.scales[a] = common;
      RETURN_IF_ERROR(set_out(a, common * static_cast<double>(in[a]) + 0.5));
    }
  }
  return g;
}

namespace ops {

namespace {

Status infer_resize_like(InferContext& ctx) {
  const Attributes& a = ctx.attrs();
  if (a.get_int("antialias", 0) != 0 && a.get_string("mode", "nearest") == "nearest") {
    return ctx.error("antialias applies to linear and cubic modes only");
  }
  ASSIGN_OR_RETURN(ResizeGeometry g, resize_geometry(NodeArgs(ctx), ctx.shape(0)));
  const Shape& in = ctx.shape(0);
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == 0 && g.out[i] != 0) return ctx.error("cannot resize an empty axis");
  }
  if (g.mode != "nearest" && !(dtype_is_float(ctx.type(0)) || dtype_is_integer(ctx.type(0)))) {
    return ctx.error(std::string("cannot interpolate ") + dtype_name(ctx.type(0)));
  }
  if (g.mode != "nearest" && ctx.type(0) == DType::kF16) {
    return unsupported(ctx.node().describe() + ": linear / cubic Resize of f16");
  }
  ctx.set_output(0, ctx.type(0), g.out);
  return Status::Ok();
}

}  // namespace

Status infer_Resize(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 4));
  return infer_resize_like(ctx);
}

Status infer_Upsample(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, ctx.opset() < 9 ? 1 : 2, 2));
  return infer_resize_like(ctx);
}

}  // namespace ops
}  // namespace edgerun
