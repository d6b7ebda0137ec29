// Run function of Einsum: the parsed equation turned into the strides of the reference kernel.
#include <algorithm>

#include "engine/ops/op_kernels.h"
#include "graph/ops/einsum.h"
#include "kernels/ref/vision/einsum.h"

namespace edgerun::ops {

namespace {

Result<ref::EinsumParams> einsum_params(const KernelContext& ctx) {
  std::vector<Shape> shapes;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) shapes.push_back(ctx.input(i).shape());
  auto parsed = parse_einsum(ctx.attrs().get_string("equation", ""), shapes);
  if (!parsed.ok()) return ctx.error(parsed.status().message());
  const EinsumSpec& spec = parsed.value();
  const size_t num_labels = spec.label_sizes.size();

  // Each operand's stride per label: dims sharing a label (a diagonal) add up, a dim of 1 that
  // broadcasts against a larger label size stays 0.
  std::vector<std::vector<int64_t>> label_strides;
  for (size_t k = 0; k < shapes.size(); ++k) {
    std::vector<int64_t>& s = label_strides.emplace_back(num_labels, 0);
    int64_t stride = 1;
    for (size_t d = shapes[k].size(); d-- > 0;) {
      const size_t l = static_cast<size_t>(spec.operand_labels[k][d]);
      if (shapes[k][d] == spec.label_sizes[l]) s[l] += stride;
      stride *= shapes[k][d];
    }
  }
  std::vector<bool> in_output(num_labels, false);
  for (int l : spec.output_labels) in_output[static_cast<size_t>(l)] = true;
  std::vector<size_t> summed;
  for (size_t l = 0; l < num_labels; ++l) {
    if (!in_output[l] && spec.label_sizes[l] >= 0) summed.push_back(l);
  }
  // The label with the smallest strides is summed innermost.
  auto total_stride = [&](size_t l) {
    int64_t t = 0;
    for (const auto& s : label_strides) t += s[l];
    return t;
  };
  std::stable_sort(summed.begin(), summed.end(), [&](size_t a, size_t b) { return total_stride(a) > total_stride(b); });

  ref::EinsumParams p;
  for (int l : spec.output_labels) p.out_dims.push_back(spec.label_sizes[static_cast<size_t>(l)]);
  for (size_t l : summed) p.sum_dims.push_back(spec.label_sizes[l]);
  for (const auto& s : label_strides) {
    std::vector<int64_t>& strides = p.strides.emplace_back();
    for (int l : spec.output_labels) strides.push_back(s[static_cast<size_t>(l)]);
    for (size_t l : summed) strides.push_back(s[l]);
  }
  return p;
}

template <typename T>
Status einsum_typed(KernelContext& ctx, const ref::EinsumParams& p) {
  std::vector<const T*> inputs;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) inputs.push_back(ctx.input(i).data<T>());
  ref::einsum<T>(p, inputs.data(), ctx.output(0).data<T>());
  return Status::Ok();
}

}  // namespace

Status run_Einsum(KernelContext& ctx) {
  ASSIGN_OR_RETURN(ref::EinsumParams p, einsum_params(ctx));
  switch (ctx.output(0).dtype()) {
#define EDGERUN_RUN(T) return einsum_typed<T>(ctx, p);
    EDGERUN_NUMERIC_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return ctx.unsupported_here(std::string("Einsum of type ") + dtype_name(ctx.output(0).dtype()));
  }
}

}  // namespace edgerun::ops
