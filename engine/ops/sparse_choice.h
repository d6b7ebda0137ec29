// Choosing between a layer's dense kernel and its sparse one (kernels/sparse) at plan compile: by
// measurement, not by a sparsity threshold, since where sparse wins depends on the layer's shape, the
// block height of its zeros, the data type and the machine (a 75% pruned 1x1 conv on a 56x56 map
// wins by far in FP32; the same layer against Winograd or against INT8 VNNI may not).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <random>
#include <type_traits>
#include <vector>

#include "kernels/dispatch.h"
#include "kernels/sparse/block_sparse.h"
#include "kernels/sparse/sparse_policy.h"

namespace edgerun::ops {

// Weights with fewer zeros than this are not timed: the sparse kernels need most multiply-adds gone
// to pay for their indexing (a screen that keeps dense models' compile time unchanged; the choice
// among the layers that pass it is measured).
constexpr double kSparseScreenZeros = 0.3;

// Whether the policy tries the sparse kernel on weights with this fraction of zeros.
bool try_sparse(kernels::SparseKernels policy, double zero_fraction);

// Times first() and second() in interleaved rounds (so drift on a shared machine hits both alike)
// after one warm-up call each; true when second's median is lower.
bool second_is_faster(const std::function<void()>& first, const std::function<void()>& second);

// What a timed run reads and writes: seeded random input, the output and a residual (floats), and
// 64-byte aligned scratch.
template <typename In>
struct TimingBuffers {
  TimingBuffers(size_t x_count, size_t y_bytes, size_t residual_floats, size_t scratch_bytes)
      : x(x_count), y((y_bytes + 3) / 4), residual(residual_floats), scratch((scratch_bytes + 63) / 64) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (In& v : x) v = static_cast<In>(std::is_floating_point<In>::value ? uniform(rng) : rng() % 256);
    for (float& v : residual) v = uniform(rng);
  }
  struct alignas(64) Line {
    unsigned char bytes[64];
  };
  std::vector<In> x;
  std::vector<float> y, residual;
  std::vector<Line> scratch;
};

template <typename Kernel>
struct ChosenKernel {
  const char* name;
  std::unique_ptr<Kernel> kernel;
};

// `dense`, or the first eligible kernel of `sparse_table` (kernels/sparse) of `backend` on the same
// weights where the policy says so:
// always, or measured faster on x_count random inputs of type In (float or uint8_t) writing y_bytes,
// with residual_floats of residual. create_args follow the weights in the
// table's create(). A sparse table that cannot serve the case (a shape it does not support) leaves
// the dense kernel.
template <typename In, typename Kernel, typename Impl, typename Shape, typename Weight, typename... CreateArgs>
ChosenKernel<Kernel> choose_dense_or_sparse(kernels::SparseKernels policy, ChosenKernel<Kernel> dense,
                                            kernels::Backend backend, const std::vector<Impl>& sparse_table,
                                            const Shape& shape, const Weight* weights, size_t weight_count,
                                            size_t x_count, size_t y_bytes, size_t residual_floats,
                                            const CreateArgs&... create_args) {
  if (!try_sparse(policy, kernels::zero_fraction(weights, static_cast<int64_t>(weight_count)))) return dense;
  auto sparse = kernels::create_kernel(sparse_table, shape, backend, weights, create_args...);
  // Another provider's sparse kernel never stands in for the backend's own dense one.
  if (!sparse.ok() || sparse->first->backend != backend) return dense;
  if (policy == kernels::SparseKernels::kAlways) return {sparse->first->name, std::move(sparse->second)};
  TimingBuffers<In> b(x_count, y_bytes, residual_floats,
                      std::max(dense.kernel->scratch_bytes(), sparse->second->scratch_bytes()));
  const float* residual = residual_floats > 0 ? b.residual.data() : nullptr;
  const auto run = [&](const Kernel& k) { k.run(b.x.data(), residual, b.y.data(), b.scratch.data()); };
  if (second_is_faster([&] { run(*dense.kernel); }, [&] { run(*sparse->second); })) {
    return {sparse->first->name, std::move(sparse->second)};
  }
  return dense;
}

}  // namespace edgerun::ops
