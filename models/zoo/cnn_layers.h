// The layers the CNN builders are made of, written as PyTorch's exporter writes them in eval mode:
// Conv (weight, optional bias), BatchNormalization (scale, bias, running mean, running var), Relu,
// Clip (ReLU6), MaxPool, GlobalAveragePool + Flatten + Gemm. Parameter names follow torchvision's
// module names ("layer1.0.conv1.weight") under the builder's scope stack.
#pragma once

#include <cstdint>
#include <string>

#include "models/zoo/graph_builder.h"

namespace edgerun::zoo {

struct ConvSpec {
  int64_t out = 0;
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t pad = 0;
  int64_t dilation = 1;
  int64_t groups = 1;
  bool bias = false;
};

// He-normal weights over the fan-in (std = sqrt(2 / (C/groups * k * k))), so activations keep their
// scale through ReLU stacks; a bias, when asked for, is uniform in +-1/sqrt(fan-in) like torch's.
ValueId conv(GraphBuilder& b, const std::string& name, ValueId x, int64_t in_channels, const ConvSpec& spec);

// Inference BatchNormalization: scale `gamma`, bias 0, running mean 0, running variance 1.
ValueId batch_norm(GraphBuilder& b, const std::string& name, ValueId x, int64_t channels, float gamma = 1.0f,
                   float epsilon = 1e-5f);

ValueId relu(GraphBuilder& b, ValueId x, const std::string& name = "relu");
// torch's ReLU6 exports as Clip(x, 0, 6) with the bounds as scalar initializers.
ValueId relu6(GraphBuilder& b, ValueId x, const std::string& name);

ValueId max_pool(GraphBuilder& b, const std::string& name, ValueId x, int64_t kernel, int64_t stride, int64_t pad);

// adaptive_avg_pool2d(1) + flatten(1) + Linear: GlobalAveragePool, Flatten, Gemm(transB=1).
ValueId classifier_head(GraphBuilder& b, const std::string& fc_name, ValueId x, int64_t channels,
                        int64_t num_classes);

}  // namespace edgerun::zoo
