// The Conv / Gemm / MatMul layers of the zoo models, read from their reference signatures
// (tests/data/zoo/<model>.sig, models/zoo/layer_signature.h) into the kernel families' shape structs,
// so the kernel benchmarks run on the shapes the models really have.
#pragma once

#include <string>
#include <vector>

#include "graph/status.h"
#include "kernels/conv/conv2d.h"
#include "kernels/epilogue.h"
#include "kernels/gemm/dense.h"

namespace edgerun::bench {

// A batched product with both operands at run time (attention's Q.K^T and P.V): `batch` products of
// [m, k] . [k, n].
struct MatMulShape {
  int64_t batch = 1, m = 0, n = 0, k = 0;
  double flops() const { return 2.0 * static_cast<double>(batch * m * n * k); }
};

// One distinct layer shape of a model. `name` is "L<index of its first occurrence>_<shape>", safe in a
// benchmark name; `count` is how many layers of the model share the shape (and epilogue).
template <typename Shape>
struct Layer {
  std::string name;
  int count = 1;
  Shape shape;
  bool bias = false;
  kernels::Epilogue epilogue;  // the fused activation (ReLU, Clip); never a residual: .sig omits it
};

struct ModelLayers {
  std::string model;
  std::vector<Layer<kernels::Conv2dShape>> conv;
  std::vector<Layer<kernels::DenseShape>> dense;  // Gemm, and MatMul with a 2-D weight
  std::vector<Layer<MatMulShape>> matmul;         // MatMul with both operands batched
};

// Parses one signature file. Conv input sizes are derived from the output size, stride, padding,
// dilation and kernel (the smallest input giving that output).
Result<ModelLayers> read_model_layers(const std::string& sig_path, const std::string& model);

// The models in zoo_dir named in `models` (comma separated). "NAME:dilated" keeps only the model's
// dilated convolutions (FCN and DUC repeat ResNet-101's other layers).
Result<std::vector<ModelLayers>> read_zoo_layers(const std::string& zoo_dir, const std::string& models);

}  // namespace edgerun::bench
