// The engine's choice between dense and sparse kernels (engine/ops/sparse_choice.h): on the trained
// ResNet and BERT surrogates pruned as the study prunes them, FP32 and after SPTQ (INT8), `always`
// puts every conv / dense layer on the sparse kernels and `off` none, with the same outputs (INT8:
// identical); `measure` times each pruned layer and keeps whichever it picks, with the same outputs
// again; a dense model is never timed.
#include <doctest/doctest.h>

#include "engine/ops/sparse_choice.h"
#include "engine/plan.h"
#include "engine/session.h"
#include "graph/onnx/onnx_importer.h"
#include "models/data/task.h"
#include "operators/prune/prune.h"
#include "operators/sptq/calibration_data.h"
#include "operators/sptq/sptq.h"
#include "tests/support/tensor_compare.h"
#include "tools/common/model_inputs.h"

namespace edgerun {
namespace {

Graph pruned_surrogate(const std::string& model) {
  const Graph dense = onnx::import_model_file(data::source_dir() + "/models/trained/" + model + "/model.onnx").value();
  return prune::prune_graph(dense, prune::study_prune_options(dense)).value().graph;
}

struct Outcome {
  std::vector<NamedTensor> outputs;
  // Steps on a sparse kernel / on any kernel of a family with constant weights (FP32 or INT8 conv and
  // dense; not depthwise, not attention's batched products).
  int sparse_steps = 0, family_steps = 0;
};

Outcome run_with(const Graph& g, kernels::SparseKernels policy) {
  SessionOptions options;
  options.sparse = policy;
  auto session = Session::from_graph(g, options).value();
  const auto inputs = make_random_inputs(*session).value();
  Outcome o;
  REQUIRE(session->run(inputs, &o.outputs).ok());
  const Plan& plan = *session->plan();
  for (size_t s = 0; s < plan.num_steps(); ++s) {
    const std::string kernel = plan.step_kernel(s);
    o.sparse_steps += kernel.find("_spmm__") != std::string::npos;
    o.family_steps += kernel.find("f32_conv2d") == 0 || kernel.find("f32_dense") == 0 ||
                      kernel.find("qs8_conv2d") == 0 || kernel.find("qs8_gemm") == 0;
  }
  return o;
}

// The pruned graph quantized by SPTQ (ranges from one seeded random batch).
Graph quantized(const Graph& g) {
  sptq::CalibrationRequest calibration;
  calibration.samples = 1;
  return sptq::quantize(g, sptq::calibration_samples(g, calibration).value(), {}).value().graph;
}

TEST_CASE("sparse kernels: the policies choose as they say and every choice computes the same outputs") {
  for (const std::string name : {"resnet", "bert", "resnet int8", "bert int8"}) {
    CAPTURE(name);
    const bool int8 = name.find("int8") != std::string::npos;
    const Graph pruned = pruned_surrogate(name.substr(0, name.find(' ')));
    const Graph g = int8 ? quantized(pruned) : pruned;
    const testing::Tolerance tolerance = int8 ? testing::Tolerance{0, 0} : testing::Tolerance{1e-4, 1e-4};
    const Outcome off = run_with(g, kernels::SparseKernels::kOff);
    const Outcome always = run_with(g, kernels::SparseKernels::kAlways);
    const Outcome measured = run_with(g, kernels::SparseKernels::kMeasure);
    CHECK(off.sparse_steps == 0);
    CHECK(always.family_steps > 0);
    CHECK(always.sparse_steps == always.family_steps);
    REQUIRE(off.outputs.size() == always.outputs.size());
    for (size_t i = 0; i < off.outputs.size(); ++i) {
      CHECK(testing::compare_tensors(always.outputs[i].tensor, off.outputs[i].tensor, tolerance) == "");
      CHECK(testing::compare_tensors(measured.outputs[i].tensor, off.outputs[i].tensor, tolerance) == "");
    }
  }
}

TEST_CASE("sparse kernels: measure times only weights with enough zeros") {
  CHECK_FALSE(ops::try_sparse(kernels::SparseKernels::kMeasure, 0.0));
  CHECK_FALSE(ops::try_sparse(kernels::SparseKernels::kMeasure, ops::kSparseScreenZeros / 2));
  CHECK(ops::try_sparse(kernels::SparseKernels::kMeasure, 0.75));
  CHECK(ops::try_sparse(kernels::SparseKernels::kAlways, 0.0));
  CHECK_FALSE(ops::try_sparse(kernels::SparseKernels::kOff, 0.9));
  const Graph dense = onnx::import_model_file(data::source_dir() + "/models/trained/resnet/model.onnx").value();
  CHECK(run_with(dense, kernels::SparseKernels::kMeasure).sparse_steps == 0);
  CHECK(kernels::parse_sparse_kernels("sometimes").status().to_string().find("measure, off or always") !=
        std::string::npos);
}

}  // namespace
}  // namespace edgerun
