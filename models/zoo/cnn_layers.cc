#include "models/zoo/cnn_layers.h"

#include <cmath>

namespace edgerun::zoo {

ValueId conv(GraphBuilder& b, const std::string& name, ValueId x, int64_t in_channels, const ConvSpec& s) {
  const int64_t fan_in = in_channels / s.groups * s.kernel * s.kernel;
  b.push_scope(name);
  std::vector<ValueId> inputs = {
      x, b.normal("weight", {s.out, in_channels / s.groups, s.kernel, s.kernel},
                  std::sqrt(2.0f / static_cast<float>(fan_in)))};
  if (s.bias) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
    inputs.push_back(b.uniform("bias", {s.out}, -bound, bound));
  }
  b.pop_scope();
  Attributes a;
  a.set_ints("dilations", {s.dilation, s.dilation});
  a.set_int("group", s.groups);
  a.set_ints("kernel_shape", {s.kernel, s.kernel});
  a.set_ints("pads", {s.pad, s.pad, s.pad, s.pad});
  a.set_ints("strides", {s.stride, s.stride});
  return b.op("Conv", name, inputs, std::move(a));
}

ValueId batch_norm(GraphBuilder& b, const std::string& name, ValueId x, int64_t channels, float gamma,
                   float epsilon) {
  b.push_scope(name);
  const ValueId scale = b.fill("weight", {channels}, gamma);
  const ValueId bias = b.fill("bias", {channels}, 0.0f);
  const ValueId mean = b.fill("running_mean", {channels}, 0.0f);
  const ValueId var = b.fill("running_var", {channels}, 1.0f);
  b.pop_scope();
  Attributes a;
  a.set_float("epsilon", epsilon);
  a.set_float("momentum", 0.9f);
  return b.op("BatchNormalization", name, {x, scale, bias, mean, var}, std::move(a));
}

ValueId relu(GraphBuilder& b, ValueId x, const std::string& name) { return b.op("Relu", name, {x}); }

ValueId relu6(GraphBuilder& b, ValueId x, const std::string& name) {
  const ValueId lo = b.constant(name + ".min", Tensor::from_vector<float>({}, {0.0f}));
  const ValueId hi = b.constant(name + ".max", Tensor::from_vector<float>({}, {6.0f}));
  return b.op("Clip", name, {x, lo, hi});
}

ValueId max_pool(GraphBuilder& b, const std::string& name, ValueId x, int64_t kernel, int64_t stride, int64_t pad) {
  Attributes a;
  a.set_int("ceil_mode", 0);
  a.set_ints("kernel_shape", {kernel, kernel});
  a.set_ints("pads", {pad, pad, pad, pad});
  a.set_ints("strides", {stride, stride});
  return b.op("MaxPool", name, {x}, std::move(a));
}

ValueId classifier_head(GraphBuilder& b, const std::string& fc_name, ValueId x, int64_t channels,
                        int64_t num_classes) {
  x = b.op("GlobalAveragePool", "avgpool", {x});
  Attributes flat;
  flat.set_int("axis", 1);
  x = b.op("Flatten", "flatten", {x}, std::move(flat));
  const float bound = 1.0f / std::sqrt(static_cast<float>(channels));
  b.push_scope(fc_name);
  const ValueId w = b.uniform("weight", {num_classes, channels}, -bound, bound);
  const ValueId bias = b.uniform("bias", {num_classes}, -bound, bound);
  b.pop_scope();
  Attributes gemm;
  gemm.set_float("alpha", 1.0f);
  gemm.set_float("beta", 1.0f);
  gemm.set_int("transB", 1);
  return b.op("Gemm", fc_name, {x, w, bias}, std::move(gemm));
}

}  // namespace edgerun::zoo
