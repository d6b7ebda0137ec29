#include "kernels/backends/onednn/onednn_common.h"

#include <algorithm>
#include <limits>

namespace edgerun::kernels::onednn {

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::primitive_attr epilogue_attr(const Epilogue& epilogue) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::post_ops ops;
  if (epilogue.residual) ops.append_sum(1.0f);
  constexpr float kInf = std::numeric_limits<float>::infinity();
  if (epilogue.min == 0.0f && epilogue.max == kInf) {
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
  } else if (epilogue.min > -kInf || epilogue.max < kInf) {
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, epilogue.min, epilogue.max);
  }
  attr.set_post_ops(ops);
  return attr;
}

void fill_nan(float* y, size_t count) { std::fill(y, y + count, std::numeric_limits<float>::quiet_NaN()); }

}  // namespace edgerun::kernels::onednn
