// torchvision mobilenet_v2 (width 1.0): inverted residual blocks with depthwise 3x3 convs and ReLU6.
#pragma once

#include "models/zoo/graph_builder.h"

namespace edgerun::zoo {

// Input "input" [batch,3,size,size], output "logits" [batch,1000].
Result<Graph> build_mobilenet_v2(uint64_t seed, int64_t batch, int64_t image_size);

}  // namespace edgerun::zoo
