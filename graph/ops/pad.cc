// Pad: shape inference and the parameter builder shared with the run function.
#include "graph/ops/op_schema.h"
#include "graph/ops/tensor_params.h"

namespace edgerun {

Result<PadParams> pad_params(const NodeArgs& args, const Shape& in) {
  PadParams p;
  p.mode = args.attrs().get_string("mode", "constant");
  if (p.mode != "constant" && p.mode != "reflect" && p.mode != "edge" && p.mode != "wrap") {
    return args.error("unknown mode '" + p.mode + "'");
  }
  const int64_t rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> pads, axes;
  if (args.opset() < 11) {
    if (!args.attrs().has("pads")) return args.error("missing attribute 'pads'");
    pads = args.attrs().get_ints("pads");
  } else {
    if (!args.has(1)) return args.error("missing the pads input");
    ASSIGN_OR_RETURN(pads, args.ints(1));
    ASSIGN_OR_RETURN(axes, args.ints(3));
  }
  if (args.has(3)) {
    ASSIGN_OR_RETURN(axes, normalize_axes(args, axes, rank));
  } else {
    for (int64_t a = 0; a < rank; ++a) axes.push_back(a);
  }
  const size_t n = axes.size();
  if (pads.size() != 2 * n) {
    return args.error("pads has " + std::to_string(pads.size()) + " entries, expected " + std::to_string(2 * n));
  }
  p.begin.assign(in.size(), 0);
  p.end.assign(in.size(), 0);
  p.out = in;
  for (size_t i = 0; i < n; ++i) {
    const size_t a = static_cast<size_t>(axes[i]);
    const int64_t b = pads[i], e = pads[i + n];
    if (b > kMaxElements || e > kMaxElements || b < -kMaxElements || e < -kMaxElements) {
      return args.error("pad amount out of range");
    }
    p.begin[a] = b;
    p.end[a] = e;
    p.out[a] = in[a] + b + e;
    if (p.out[a] < 0) return args.error("pads crop axis " + std::to_string(a) + " below zero size");
    // Modes other than constant read the kept (uncropped) part of the axis; it must not be empty.
    const int64_t kept = in[a] - std::max<int64_t>(0, -b) - std::max<int64_t>(0, -e);
    if (p.mode != "constant" && p.out[a] > 0 && kept <= 0) {
      return args.error("mode '" + p.mode + "' pads an empty axis " + std::to_string(a));
    }
  }
  return p;
}

namespace ops {

Status infer_Pad(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 4));
  if (ctx.has_input(2) && (ctx.type(2) != ctx.type(0) || num_elements(ctx.shape(2)) > 1)) {
    return ctx.error("constant_value must be a scalar of the data type");
  }
  ASSIGN_OR_RETURN(PadParams p, pad_params(NodeArgs(ctx), ctx.shape(0)));
  ctx.set_output(0, ctx.type(0), p.out);
  return Status::Ok();
}

}  // namespace ops
}  // namespace edgerun
