#include "models/zoo/cnn_segmentation.h"

#include <string>

#include "models/zoo/cnn_layers.h"
#include "models/zoo/cnn_resnet.h"

namespace edgerun::zoo {

namespace {

// torchvision FCNHead: 3x3 conv to in/4 (no bias), BN, ReLU, Dropout (gone in eval), 1x1 conv + bias.
ValueId fcn_head(GraphBuilder& b, const std::string& scope, ValueId x, int64_t in, int64_t classes) {
  b.push_scope(scope);
  x = conv(b, "0", x, in, {in / 4, 3, 1, 1});
  x = relu(b, batch_norm(b, "1", x, in / 4), "2");
  x = conv(b, "4", x, in / 4, {classes, 1, 1, 0, 1, 1, true});
  b.pop_scope();
  return x;
}

// F.interpolate(x, size, mode="bilinear", align_corners=False) as torch 1.13 exports it at opset 17.
ValueId resize_to(GraphBuilder& b, const std::string& name, ValueId x, const Shape& size) {
  Attributes a;
  a.set_string("coordinate_transformation_mode", "half_pixel");
  a.set_float("cubic_coeff_a", -0.75f);
  a.set_string("mode", "linear");
  a.set_string("nearest_mode", "floor");
  const ValueId sizes = b.int64s(name + ".sizes", size);
  return b.op("Resize", name, {x, kNoValue, kNoValue, sizes}, std::move(a));
}

}  // namespace

Result<Graph> build_fcn_resnet101(uint64_t seed, int64_t batch, int64_t image_size, int64_t num_classes) {
  GraphBuilder b("fcn_resnet101", seed);
  const ValueId image = b.input("input", DType::kF32, {batch, 3, image_size, image_size});
  ResNetSpec spec;
  spec.stages = torchvision_stages({3, 4, 23, 3}, {false, true, true});
  b.push_scope("backbone");
  const ResNetFeatures f = resnet_backbone(b, image, spec);
  b.pop_scope();
  const Shape full = {batch, num_classes, image_size, image_size};
  const ValueId out = fcn_head(b, "classifier", f.stage_outputs[3], f.stage_channels[3], num_classes);
  b.output(resize_to(b, "resize", out, full), "out");
  const ValueId aux = fcn_head(b, "aux_classifier", f.stage_outputs[2], f.stage_channels[2], num_classes);
  b.output(resize_to(b, "aux_resize", aux, full), "aux");
  return b.finish();
}

Result<Graph> build_resnet101_duc_hdc(uint64_t seed, int64_t batch, int64_t image_size, int64_t num_classes) {
  constexpr int64_t kCells = 16;  // (ds_rate 8 / cell_width 2)^2
  GraphBuilder b("resnet101_duc_hdc", seed);
  const ValueId image = b.input("data", DType::kF32, {batch, 3, image_size, image_size});
  ResNetSpec spec;
  spec.deep_stem = true;
  spec.maxpool_pad = 0;
  spec.stride_in_3x3 = false;
  spec.bn_epsilon = 1e-6f;  // TuSimple-DUC resnet.py
  spec.stages = {{64, 1, {1, 1, 1}},
                 {128, 2, {1, 1, 1, 1}},
                 {256, 1, {}},
                 {512, 1, {5, 9, 17}}};
  // res4_1..res4_23: 2, then the HDC cycle 2,5,9,1 (res4_2 = 2, res4_3 = 5, res4_4 = 9, res4_5 = 1, ...).
  const int64_t cycle[4] = {1, 2, 5, 9};
  spec.stages[2].dilations.push_back(2);
  for (int k = 2; k <= 23; ++k) spec.stages[2].dilations.push_back(cycle[(k - 1) % 4]);
  const ResNetFeatures f = resnet_backbone(b, image, spec);

  ValueId sum = kNoValue;
  for (int64_t i = 0; i < 4; ++i) {
    const int64_t rate = 6 * (i + 1);
    const ValueId branch = conv(b, "fc1_cityscapes_c" + std::to_string(i), f.stage_outputs[3],
                                f.stage_channels[3], {num_classes * kCells, 3, 1, rate, rate, 1, true});
    sum = sum == kNoValue ? branch : b.op("Add", "fc1_cityscapes", {sum, branch});
  }
  const ValueId shape = b.int64s("cls_score_reshape.shape", {0, num_classes, -1});
  const ValueId scores = b.op("Reshape", "cls_score_reshape", {sum, shape});
  Attributes softmax;
  softmax.set_int("axis", 1);
  b.output(b.op("Softmax", "seg_loss", {scores}, std::move(softmax)), "seg_score");
  return b.finish();
}

}  // namespace edgerun::zoo
