#include "kernels/ref/activation.h"

#include <algorithm>
#include <cmath>

namespace edgerun::ref {

namespace {
template <typename Fn>
void apply(float* data, int64_t n, Fn fn) {
  for (int64_t i = 0; i < n; ++i) data[i] = fn(data[i]);
}
}  // namespace

void apply_activation(float* data, int64_t n, const ActivationParams& p) {
  switch (p.kind) {
    case ActivationKind::kNone: return;
    case ActivationKind::kRelu: return apply(data, n, [](float x) { return x > 0.0f ? x : 0.0f; });
    case ActivationKind::kClip: return apply(data, n, [&](float x) { return std::min(std::max(x, p.min), p.max); });
    case ActivationKind::kLeakyRelu: return apply(data, n, [&](float x) { return x >= 0.0f ? x : x * p.alpha; });
    case ActivationKind::kSigmoid: return apply(data, n, [](float x) { return 1.0f / (1.0f + std::exp(-x)); });
    case ActivationKind::kTanh: return apply(data, n, [](float x) { return std::tanh(x); });
    case ActivationKind::kHardSigmoid:
      return apply(data, n, [&](float x) { return std::max(0.0f, std::min(1.0f, p.alpha * x + p.beta)); });
    case ActivationKind::kHardSwish:
      return apply(data, n, [](float x) { return x * std::max(0.0f, std::min(1.0f, x / 6.0f + 0.5f)); });
  }
}

}  // namespace edgerun::ref
