// Shape inference for ops that move elements without arithmetic: Transpose, Concat, Split, Slice,
// Tile, DepthToSpace, SpaceToDepth, Trilu; and the Transpose / Split / Slice parameter builders.
#include <limits>

#include "graph/ops/op_schema.h"
#include "graph/ops/tensor_params.h"

namespace edgerun {

Result<std::vector<int64_t>> transpose_perm(const NodeArgs& args, int64_t rank) {
  std::vector<int64_t> perm;
  if (args.attrs().has("perm")) {
    perm = args.attrs().get_ints("perm");
    if (static_cast<int64_t>(perm.size()) != rank) {
      return args.error("perm has " + std::to_string(perm.size()) + " entries for rank " + std::to_string(rank));
    }
  } else {
    for (int64_t i = rank; i-- > 0;) perm.push_back(i);
  }
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[static_cast<size_t>(p)]) return args.error("perm is not a permutation");
    seen[static_cast<size_t>(p)] = true;
  }
  return perm;
}

Result<SplitParams> split_params(const NodeArgs& args, const Shape& in, size_t num_outputs) {
  SplitParams p;
  auto axis = normalize_axis(args.attrs().get_int("axis", 0), static_cast<int64_t>(in.size()));
  if (!axis.ok() || in.empty()) return args.error("axis out of range for rank " + std::to_string(in.size()));
  p.axis = axis.value();
  const int64_t dim = in[static_cast<size_t>(p.axis)];
  if (args.opset() >= 13 && args.has(1)) {
    ASSIGN_OR_RETURN(p.sizes, args.ints(1));
  } else if (args.opset() < 13 && args.attrs().has("split")) {
    p.sizes = args.attrs().get_ints("split");
  } else {
    // Even split: opset 18's num_outputs allows a smaller last part; before, parts must be equal.
    const bool ragged = args.attrs().has("num_outputs");
    const int64_t n = ragged ? args.attrs().get_int("num_outputs", 0) : static_cast<int64_t>(num_outputs);
    if (n <= 0) return args.error("split into " + std::to_string(n) + " parts");
    if (!ragged && dim % n != 0) {
      return args.error("dim " + std::to_string(dim) + " does not split evenly into " + std::to_string(n) + " parts");
    }
    const int64_t chunk = (dim + n - 1) / n;
    for (int64_t i = 0; i < n; ++i) p.sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
  }
  if (p.sizes.size() != num_outputs) {
    return args.error("split gives " + std::to_string(p.sizes.size()) + " parts for " + std::to_string(num_outputs) +
                      " outputs");
  }
  int64_t sum = 0;
  for (int64_t s : p.sizes) {
    if (s < 0 || s > dim) return args.error("split size " + std::to_string(s) + " out of range");
    sum += s;
  }
  if (sum != dim) return args.error("split sizes sum to " + std::to_string(sum) + ", dim is " + std::to_string(dim));
  return p;
}

Result<SliceParams> slice_params(const NodeArgs& args, const Shape& in) {
  const int64_t rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> starts, ends, axes, steps;
  if (args.opset() < 10) {
    starts = args.attrs().get_ints("starts");
    ends = args.attrs().get_ints("ends");
    axes = args.attrs().get_ints("axes");
  } else {
    ASSIGN_OR_RETURN(starts, args.ints(1));
    ASSIGN_OR_RETURN(ends, args.ints(2));
    ASSIGN_OR_RETURN(axes, args.ints(3));
    ASSIGN_OR_RETURN(steps, args.ints(4));
  }
  if (axes.empty() && !args.has(3)) {
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  }
  if (steps.empty() && !args.has(4)) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
    return args.error("starts, ends, axes and steps differ in length");
  }
  ASSIGN_OR_RETURN(axes, normalize_axes(args, axes, rank));
  SliceParams p;
  p.start.assign(in.size(), 0);
  p.step.assign(in.size(), 1);
  p.out = in;
  for (size_t i = 0; i < axes.size(); ++i) {
    const size_t a = static_cast<size_t>(axes[i]);
    const int64_t dim = in[a], step = steps[i];
    if (step == 0) return args.error("slice step is zero");
    int64_t start = starts[i], end = ends[i];
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    int64_t len = 0;
    if (dim == 0) {
      start = 0;
    } else if (step > 0) {
      start = std::max<int64_t>(0, std::min(start, dim));
      end = std::max<int64_t>(0, std::min(end, dim));
      if (end > start) len = (end - start - 1) / step + 1;
    } else {
      start = std::max<int64_t>(0, std::min(start, dim - 1));
      end = std::max<int64_t>(-1, std::min(end, dim - 1));
      if (start > end) len = (start - end - 1) / -step + 1;
    }
    p.start[a] = len > 0 ? start : 0;
    p.step[a] = step;
    p.out[a] = len;
  }
  return p;
}

namespace ops {

Status infer_Transpose(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
  ASSIGN_OR_RETURN(std::vector<int64_t> perm, transpose_perm(NodeArgs(ctx), ctx.rank(0)));
  Shape out;
  for (int64_t p : perm) out.push_back(ctx.shape(0)[static_cast<size_t>(p)]);
  ctx.set_output(0, ctx.type(0), out);
  return Status::Ok();
}

Status infer_Concat(InferContext& ctx) {
  const size_t n = ctx.num_inputs();
  RETURN_IF_ERROR(require_inputs(ctx, std::max<size_t>(n, 1), std::numeric_limits<size_t>::max()));
  if (!ctx.attrs().has("axis") && ctx.opset() >= 4) return ctx.error("missing attribute 'axis'");
  const int64_t rank = ctx.rank(0);
  auto axis = normalize_axis(ctx.attrs().get_int("axis", 1), rank);
  if (!axis.ok() || rank == 0) return ctx.error("axis out of range for rank " + std::to_string(rank));
  const size_t a = static_cast<size_t>(axis.value());
  Shape out = ctx.shape(0);
  for (size_t i = 1; i < n; ++i) {
    const Shape& s = ctx.shape(i);
    if (ctx.type(i) != ctx.type(0)) return ctx.error("inputs differ in type");
    bool match = s.size() == out.size();
    for (size_t k = 0; match && k < s.size(); ++k) match = k == a || s[k] == out[k];
    if (!match) return ctx.error("cannot concatenate " + shape_to_string(ctx.shape(0)) + " and " + shape_to_string(s));
    out[a] += s[a];
  }
  ctx.set_output(0, ctx.type(0), out);
  return Status::Ok();
}

Status infer_Split(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 2));
  ASSIGN_OR_RETURN(SplitParams p, split_params(NodeArgs(ctx), ctx.shape(0), ctx.num_outputs()));
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    Shape s = ctx.shape(0);
    s[static_cast<size_t>(p.axis)] = p.sizes[i];
    ctx.set_output(i, ctx.type(0), s);
  }
  return Status::Ok();
}

Status infer_Slice(InferContext& ctx) {
  if (ctx.opset() < 10) {
    RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
  } else {
    RETURN_IF_ERROR(require_inputs(ctx, 3, 5));
  }
  ASSIGN_OR_RETURN(SliceParams p, slice_params(NodeArgs(ctx), ctx.shape(0)));
  ctx.set_output(0, ctx.type(0), p.out);
  return Status::Ok();
}

Status infer_Tile(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 2, 2));
  ASSIGN_OR_RETURN(std::vector<int64_t> repeats, NodeArgs(ctx).ints(1));
  const Shape& in = ctx.shape(0);
  if (repeats.size() != in.size()) return ctx.error("repeats must have one entry per input dim");
  Shape out(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (repeats[i] < 0 || repeats[i] > kMaxElements) return ctx.error("bad repeat " + std::to_string(repeats[i]));
    if (in[i] != 0 && repeats[i] > kMaxElements / in[i]) return ctx.error("tiled shape too large");
    out[i] = in[i] * repeats[i];
  }
  ctx.set_output(0, ctx.type(0), out);
  return Status::Ok();
}

namespace {

Result<int64_t> block_size(const InferContext& ctx) {
  if (ctx.rank(0) != 4) return ctx.error("input must be 4-D");
  const int64_t b = ctx.attrs().get_int("blocksize", 0);
  if (b <= 0 || b > (int64_t{1} << 20)) return ctx.error("bad blocksize " + std::to_string(b));
  return b;
}

}  // namespace

Status infer_DepthToSpace(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
  ASSIGN_OR_RETURN(int64_t b, block_size(ctx));
  const std::string mode = ctx.attrs().get_string("mode", "DCR");
  if (mode != "DCR" && mode != "CRD") return ctx.error("unknown mode '" + mode + "'");
  const Shape& in = ctx.shape(0);
  if (in[1] % (b * b) != 0) return ctx.error("channels not divisible by blocksize^2");
  ctx.set_output(0, ctx.type(0), {in[0], in[1] / (b * b), in[2] * b, in[3] * b});
  return Status::Ok();
}

Status infer_SpaceToDepth(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
  ASSIGN_OR_RETURN(int64_t b, block_size(ctx));
  const Shape& in = ctx.shape(0);
  if (in[2] % b != 0 || in[3] % b != 0) return ctx.error("height and width must be divisible by blocksize");
  if (in[1] > kMaxElements / (b * b)) return ctx.error("blocksize too large");
  ctx.set_output(0, ctx.type(0), {in[0], in[1] * b * b, in[2] / b, in[3] / b});
  return Status::Ok();
}

Status infer_Trilu(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 2));
  if (ctx.rank(0) < 2) return ctx.error("input must have rank >= 2");
  if (ctx.has_input(1) && (ctx.type(1) != DType::kI64 || num_elements(ctx.shape(1)) != 1)) {
    return ctx.error("k must be an int64 scalar");
  }
  ctx.set_output(0, ctx.type(0), ctx.shape(0));
  return Status::Ok();
}

}  // namespace ops
}  // namespace edgerun
