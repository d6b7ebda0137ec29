// Test helpers for the nn and quant op tests: seeded random data and running one op through its
// infer and run functions, as the engine does.
#pragma once

#include <random>
#include <vector>

#include "engine/ops/op_kernels.h"
#include "graph/ops/op_schema.h"
#include "tests/support/random_data.h"

namespace edgerun::testing {

template <typename T>
std::vector<T> random_values(size_t n, uint32_t seed, double lo = -1.0, double hi = 1.0) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(dist(gen));
  return v;
}

inline Node make_node(OpType op, size_t inputs, size_t outputs, int opset = 17) {
  Node n;
  n.name = "n";
  n.op = op;
  n.op_type = op_name(op);
  n.opset = opset;
  for (size_t i = 0; i < inputs; ++i) n.inputs.push_back(static_cast<ValueId>(i));
  for (size_t i = 0; i < outputs; ++i) n.outputs.push_back(static_cast<ValueId>(inputs + i));
  return n;
}

// Infers and runs `node` on `inputs` (an undefined Tensor is an omitted optional input).
inline Result<std::vector<Tensor>> run_op(const Node& node, const std::vector<Tensor>& inputs) {
  std::vector<DType> types;
  std::vector<Shape> shapes;
  std::vector<const Tensor*> values;
  for (const Tensor& t : inputs) {
    types.push_back(t.dtype());
    shapes.push_back(t.shape());
    values.push_back(t.defined() ? &t : nullptr);
  }
  InferContext ictx(node, types, shapes, values);
  RETURN_IF_ERROR(infer_node(ictx));
  std::vector<Tensor> outputs;
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(ictx.output_type(i), ictx.output_shape(i)));
    outputs.push_back(std::move(t));
  }
  std::vector<Tensor*> out_ptrs;
  for (Tensor& t : outputs) out_ptrs.push_back(&t);
  KernelContext kctx(node, values, out_ptrs);
  RETURN_IF_ERROR(run_function(node.op)(kctx));
  return outputs;
}

template <typename T>
std::vector<T> values_of(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

}  // namespace edgerun::testing
