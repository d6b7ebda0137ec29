#include "engine/ops/prepared_op.h"

#include <cstdint>
#include <limits>
#include <vector>

#include "graph/passes/fuse_activations.h"

namespace edgerun {

namespace ops {
ref::ActivationParams fused_activation(const Node& node) {
  ref::ActivationParams p;
  const std::string name = node.attrs.get_string(kFusedActivation, "");
  using K = ref::ActivationKind;
  if (name.empty()) return p;
  if (name == "Relu") p.kind = K::kRelu;
  if (name == "Sigmoid") p.kind = K::kSigmoid;
  if (name == "Tanh") p.kind = K::kTanh;
  if (name == "HardSwish") p.kind = K::kHardSwish;
  if (name == "LeakyRelu") p.kind = K::kLeakyRelu;
  if (name == "HardSigmoid") p.kind = K::kHardSigmoid;
  if (name == "Clip") p.kind = K::kClip;
  p.alpha = node.attrs.get_float(kFusedAlpha, 0.0f);
  p.beta = node.attrs.get_float(kFusedBeta, 0.0f);
  p.min = node.attrs.get_float(kFusedMin, -std::numeric_limits<float>::infinity());
  p.max = node.attrs.get_float(kFusedMax, std::numeric_limits<float>::infinity());
  return p;
}

bool activation_as_clamp(const ref::ActivationParams& activation, kernels::Epilogue* epilogue) {
  switch (activation.kind) {
    case ref::ActivationKind::kNone: return true;
    case ref::ActivationKind::kRelu: epilogue->min = 0.0f; return true;
    case ref::ActivationKind::kClip:
      epilogue->min = activation.min;
      epilogue->max = activation.max;
      return true;
    default: return false;
  }
}
}  // namespace ops

Status run_once(const PreparedOp& op, KernelContext& ctx) {
  std::vector<uint8_t> scratch(op.scratch_bytes() + 64);
  void* aligned = scratch.data() + (64 - reinterpret_cast<uintptr_t>(scratch.data()) % 64) % 64;
  return op.run(ctx, aligned);
}

Result<PreparedStep> prepare_step(const PrepareContext& pc) {
  switch (pc.kernel.node().op) {
    case OpType::kConv: return ops::prepare_conv(pc);
    case OpType::kGemm: return ops::prepare_dense(pc);
    case OpType::kMatMul: return ops::prepare_matmul(pc);
    case OpType::kQConv: return ops::prepare_qconv(pc);
    case OpType::kQMatMul: return ops::prepare_qmatmul(pc);
    case OpType::kMaxPool:
    case OpType::kAveragePool:
    case OpType::kGlobalAveragePool:
    case OpType::kGlobalMaxPool: return ops::prepare_pool(pc);
    case OpType::kTranspose: return ops::prepare_transpose(pc);
    case OpType::kGather: return ops::prepare_gather(pc);
    default: return PreparedStep{};
  }
}

}  // namespace edgerun
