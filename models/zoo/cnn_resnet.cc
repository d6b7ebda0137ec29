#include "models/zoo/cnn_resnet.h"

#include <string>

#include "models/zoo/cnn_layers.h"

namespace edgerun::zoo {

namespace {

constexpr int64_t kExpansion = 4;
constexpr float kLastBnScale = 0.2f;

struct BlockSpec {
  int64_t in = 0;
  int64_t width = 0;   // channels of the 1x1 reduce and the 3x3 conv
  int64_t out = 0;
  int64_t stride = 1;
  int64_t dilation = 1;
  bool downsample = false;
};

// torchvision Bottleneck.forward: conv1 bn1 relu conv2 bn2 relu conv3 bn3 [downsample] add relu.
ValueId bottleneck(GraphBuilder& b, ValueId x, const BlockSpec& k, const ResNetSpec& spec) {
  const int64_t s1 = spec.stride_in_3x3 ? 1 : k.stride;
  const int64_t s3 = spec.stride_in_3x3 ? k.stride : 1;
  ValueId y = conv(b, "conv1", x, k.in, {k.width, 1, s1});
  y = relu(b, batch_norm(b, "bn1", y, k.width, 1.0f, spec.bn_epsilon));
  y = conv(b, "conv2", y, k.width, {k.width, 3, s3, k.dilation, k.dilation, spec.groups});
  y = relu(b, batch_norm(b, "bn2", y, k.width, 1.0f, spec.bn_epsilon));
  y = conv(b, "conv3", y, k.width, {k.out, 1});
  y = batch_norm(b, "bn3", y, k.out, kLastBnScale, spec.bn_epsilon);
  ValueId identity = x;
  if (k.downsample) {
    b.push_scope("downsample");
    identity = conv(b, "0", x, k.in, {k.out, 1, k.stride});
    identity = batch_norm(b, "1", identity, k.out, 1.0f, spec.bn_epsilon);
    b.pop_scope();
  }
  return relu(b, b.op("Add", "add", {y, identity}));
}

// Returns the stem's output channels.
int64_t stem(GraphBuilder& b, ValueId& x, const ResNetSpec& spec) {
  if (!spec.deep_stem) {
    x = conv(b, "conv1", x, 3, {64, 7, 2, 3});
    x = relu(b, batch_norm(b, "bn1", x, 64, 1.0f, spec.bn_epsilon));
    x = max_pool(b, "maxpool", x, 3, 2, spec.maxpool_pad);
    return 64;
  }
  const int64_t widths[3] = {64, 64, 128};
  int64_t in = 3;
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i + 1);
    x = conv(b, "conv1_" + n, x, in, {widths[i], 3, i == 0 ? 2 : 1, 1});
    x = relu(b, batch_norm(b, "bn1_" + n, x, widths[i], 1.0f, spec.bn_epsilon));
    in = widths[i];
  }
  x = max_pool(b, "maxpool", x, 3, 2, spec.maxpool_pad);
  return in;
}

}  // namespace

std::vector<ResNetStage> torchvision_stages(const std::vector<int64_t>& depths,
                                            const std::array<bool, 3>& replace_stride_with_dilation) {
  std::vector<ResNetStage> stages;
  int64_t dilation = 1;
  for (size_t i = 0; i < depths.size(); ++i) {
    ResNetStage st;
    st.planes = int64_t{64} << i;
    st.stride = i == 0 ? 1 : 2;
    const int64_t previous = dilation;
    if (i > 0 && i - 1 < replace_stride_with_dilation.size() && replace_stride_with_dilation[i - 1]) {
      dilation *= st.stride;
      st.stride = 1;
    }
    for (int64_t k = 0; k < depths[i]; ++k) st.dilations.push_back(k == 0 ? previous : dilation);
    stages.push_back(std::move(st));
  }
  return stages;
}

ResNetFeatures resnet_backbone(GraphBuilder& b, ValueId image, const ResNetSpec& spec) {
  ValueId x = image;
  int64_t in = stem(b, x, spec);
  ResNetFeatures features;
  for (size_t s = 0; s < spec.stages.size(); ++s) {
    const ResNetStage& st = spec.stages[s];
    b.push_scope("layer" + std::to_string(s + 1));
    for (size_t k = 0; k < st.dilations.size(); ++k) {
      BlockSpec block;
      block.in = in;
      block.width = st.planes * spec.width_per_group / 64 * spec.groups;
      block.out = st.planes * kExpansion;
      block.stride = k == 0 ? st.stride : 1;
      block.dilation = st.dilations[k];
      block.downsample = k == 0 && (st.stride != 1 || in != block.out);
      b.push_scope(std::to_string(k));
      x = bottleneck(b, x, block, spec);
      b.pop_scope();
      in = block.out;
    }
    b.pop_scope();
    features.stage_outputs.push_back(x);
    features.stage_channels.push_back(in);
  }
  return features;
}

Result<Graph> build_resnet_classifier(const std::string& name, const ResNetSpec& spec, uint64_t seed,
                                      int64_t batch, int64_t image_size, int64_t num_classes) {
  GraphBuilder b(name, seed);
  const ValueId image = b.input("input", DType::kF32, {batch, 3, image_size, image_size});
  const ResNetFeatures f = resnet_backbone(b, image, spec);
  b.output(classifier_head(b, "fc", f.stage_outputs.back(), f.stage_channels.back(), num_classes), "logits");
  return b.finish();
}

}  // namespace edgerun::zoo
