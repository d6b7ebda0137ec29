// Choosing between a layer's dense kernel and its sparse one (kernels/sparse) at plan compile: by
// measurement, not by a sparsity threshold, since where sparse wins depends on the layer's shape, the
// block height of its zeros and the machine (a 75% pruned 1x1 conv on a 56x56 map wins by far; the
// same sparsity on a 7x7 map or against Winograd may not).
#pragma once

#include <cstddef>
#include <memory>

#include "kernels/dispatch.h"
#include "kernels/epilogue.h"
#include "kernels/sparse/block_sparse.h"
#include "kernels/sparse/sparse_policy.h"

namespace edgerun::ops {

// Weights with fewer zeros than this are not timed: the sparse kernels need most multiply-adds gone
// to pay for their indexing (a screen that keeps dense models' compile time unchanged; the choice
// among the layers that pass it is measured).
constexpr double kSparseScreenZeros = 0.3;

// Whether the policy tries the sparse kernel on weights with this fraction of zeros.
bool try_sparse(kernels::SparseKernels policy, double zero_fraction);

// Times run(x, residual, y, scratch) of both kernels (Conv2dF32 or DenseF32) on seeded random input in
// interleaved rounds and returns true when the sparse one's median is lower. x_floats / y_floats size
// the input and output; residual: whether run reads one shaped like y.
template <typename Kernel>
bool sparse_is_faster(const Kernel& dense, const Kernel& sparse, size_t x_floats, size_t y_floats, bool residual);

template <typename Kernel>
struct ChosenKernel {
  const char* name;
  std::unique_ptr<Kernel> kernel;
};

// `dense`, or the first eligible kernel of `sparse_table` (kernels/sparse) on the same weights where
// the policy says so: always, or measured faster. A sparse table that cannot serve the case (a
// shape it does not support) leaves the dense kernel.
template <typename Kernel, typename Impl, typename Shape>
ChosenKernel<Kernel> choose_dense_or_sparse(kernels::SparseKernels policy, ChosenKernel<Kernel> dense,
                                            const std::vector<Impl>& sparse_table, const Shape& shape,
                                            const float* weights, size_t weight_count, const float* bias,
                                            const kernels::Epilogue& epilogue, size_t x_floats, size_t y_floats) {
  if (!try_sparse(policy, kernels::zero_fraction(weights, static_cast<int64_t>(weight_count)))) return dense;
  auto sparse = kernels::create_kernel(sparse_table, shape, kernels::Backend::kNative, weights, bias, epilogue);
  if (!sparse.ok()) return dense;
  if (policy == kernels::SparseKernels::kAlways ||
      sparse_is_faster(*dense.kernel, *sparse->second, x_floats, y_floats, epilogue.residual)) {
    return {sparse->first->name, std::move(sparse->second)};
  }
  return dense;
}

}  // namespace edgerun::ops
