// One parameterised bottleneck ResNet: torchvision's ResNet-50/101, Wide-ResNet (width per group
// 128), ResNeXt (groups x width per group), the dilated backbone of FCN (replace_stride_with_dilation)
// and the TuSimple-DUC HDC backbone (three-conv stem, stride on the first 1x1, a dilation per block).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "models/zoo/graph_builder.h"

namespace edgerun::zoo {

struct ResNetStage {
  int64_t planes = 64;                 // bottleneck output = planes * 4
  int64_t stride = 1;                  // of the stage's first block
  std::vector<int64_t> dilations;      // one per block: the 3x3 conv's dilation (and padding)
};

struct ResNetSpec {
  // false: torchvision's 7x7/2 conv (64). true: three 3x3 convs (64/2, 64, 128) as in TuSimple-DUC.
  bool deep_stem = false;
  int64_t maxpool_pad = 1;         // torchvision pads the 3x3/2 max pool; MXNet's DUC does not
  bool stride_in_3x3 = true;       // torchvision (ResNet v1.5); false: on the first 1x1 (Caffe/MXNet)
  int64_t groups = 1;
  int64_t width_per_group = 64;
  float bn_epsilon = 1e-5f;
  std::vector<ResNetStage> stages;
};

// torchvision's stage plan for `depths` (e.g. {3, 4, 23, 3}): planes 64..512, strides 1,2,2,2, and
// where replace_stride_with_dilation[i] holds for layer i+2, stride 1 and dilation doubled, the first
// block keeping the previous dilation (torchvision's _make_layer).
std::vector<ResNetStage> torchvision_stages(const std::vector<int64_t>& depths,
                                            const std::array<bool, 3>& replace_stride_with_dilation = {});

struct ResNetFeatures {
  std::vector<ValueId> stage_outputs;   // layer1..layer4
  std::vector<int64_t> stage_channels;
};

// Stem + stages, emitted in the order of torchvision's forward(). The last BatchNorm of each block
// has scale 0.2 so that activations stay bounded through deep stacks of random blocks.
ResNetFeatures resnet_backbone(GraphBuilder& b, ValueId image, const ResNetSpec& spec);

// Backbone + GlobalAveragePool/Flatten/Gemm to `num_classes`: input "input" [batch,3,size,size],
// output "logits".
Result<Graph> build_resnet_classifier(const std::string& name, const ResNetSpec& spec, uint64_t seed,
                                      int64_t batch, int64_t image_size, int64_t num_classes = 1000);

}  // namespace edgerun::zoo
