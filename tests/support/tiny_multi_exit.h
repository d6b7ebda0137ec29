// A three-op multi-exit model for early-exit tests: x [batch, 3]; exit 0's logits are x, exit 1's are
// 2h with h = 0.5 x + 1, the final output is 3h. Confidences are easy to compute by hand.
#pragma once

#include <string>

#include "models/zoo/graph_builder.h"
#include "operators/early_exit/exit_heads.h"

namespace edgerun::testing {

inline early_exit::MultiExitModel tiny_multi_exit(int64_t batch = 1) {
  zoo::GraphBuilder b("tiny", 17);
  const ValueId x = b.input("x", DType::kF32, {batch, 3});
  auto scalar = [&](const std::string& name, float v) { return b.constant(name, Tensor::from_vector<float>({}, {v})); };
  const ValueId e0 = b.op("Mul", "exit0", {x, scalar("one", 1.f)});
  const ValueId h = b.op("Add", "h", {b.op("Mul", "half", {x, scalar("half_c", 0.5f)}), scalar("one_c", 1.f)});
  const ValueId e1 = b.op("Mul", "exit1", {h, scalar("two", 2.f)});
  const ValueId out = b.op("Mul", "final", {h, scalar("three", 3.f)});
  b.output(out, "out");
  b.output(e0, early_exit::exit_output_name("out", 0));
  b.output(e1, early_exit::exit_output_name("out", 1));
  early_exit::MultiExitModel m;
  m.graph = b.finish().value();
  m.exit_names = {"x", "h"};
  return m;
}

}  // namespace edgerun::testing
