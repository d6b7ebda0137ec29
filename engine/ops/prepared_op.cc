#include "engine/ops/prepared_op.h"

namespace edgerun {

namespace ops {
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

Result<PreparedStep> prepare_step(const PrepareContext& pc) {
  switch (pc.kernel.node().op) {
    case OpType::kConv: return ops::prepare_conv(pc);
    case OpType::kGemm:
    case OpType::kMatMul: return ops::prepare_dense(pc);
    default: return PreparedStep{};
  }
}

}  // namespace edgerun
