#include "models/zoo/cnn_mobilenet.h"
#include "models/zoo/cnn_resnet.h"
#include "models/zoo/cnn_segmentation.h"
#include "models/zoo/zoo.h"

namespace edgerun::zoo {

namespace {

int64_t size_or(const BuildOptions& o, int64_t full) { return o.image_size > 0 ? o.image_size : full; }

ResNetSpec resnet_spec(const std::vector<int64_t>& depths, int64_t groups, int64_t width_per_group) {
  ResNetSpec spec;
  spec.groups = groups;
  spec.width_per_group = width_per_group;
  spec.stages = torchvision_stages(depths);
  return spec;
}

Result<Graph> classifier(const char* name, const BuildOptions& o, const std::vector<int64_t>& depths,
                         int64_t groups, int64_t width_per_group) {
  return build_resnet_classifier(name, resnet_spec(depths, groups, width_per_group), o.seed, o.batch,
                                 size_or(o, 224));
}

}  // namespace

std::vector<ZooEntry> cnn_zoo_entries() {
  return {
      {"resnet", "Wide-ResNet-101-2 @224", "torchvision wide_resnet101_2",
       [](const BuildOptions& o) { return classifier("wide_resnet101_2", o, {3, 4, 23, 3}, 1, 128); }},
      {"resnext", "ResNeXt-101 64x4d @224", "torchvision resnext101_64x4d",
       [](const BuildOptions& o) { return classifier("resnext101_64x4d", o, {3, 4, 23, 3}, 64, 4); }},
      {"fcn", "FCN-ResNet101 @520, 21 classes, aux head", "torchvision fcn_resnet101(num_classes=21, aux_loss=True)",
       [](const BuildOptions& o) { return build_fcn_resnet101(o.seed, o.batch, size_or(o, 520), 21); }},
      {"duc", "ResNet-101-DUC-HDC @800, 19 classes", "ONNX model zoo ResNet101-DUC-7 (TuSimple-DUC, MXNet)",
       [](const BuildOptions& o) { return build_resnet101_duc_hdc(o.seed, o.batch, size_or(o, 800), 19); }},
      {"resnet-student", "Wide-ResNet-50-2 @224", "torchvision wide_resnet50_2",
       [](const BuildOptions& o) { return classifier("wide_resnet50_2", o, {3, 4, 6, 3}, 1, 128); }},
      {"resnext-student", "ResNeXt-50 32x4d @224", "torchvision resnext50_32x4d",
       [](const BuildOptions& o) { return classifier("resnext50_32x4d", o, {3, 4, 6, 3}, 32, 4); }},
      {"resnet50", "ResNet-50 @224", "torchvision resnet50",
       [](const BuildOptions& o) { return classifier("resnet50", o, {3, 4, 6, 3}, 1, 64); }},
      {"mobilenetv2", "MobileNetV2 @224", "torchvision mobilenet_v2",
       [](const BuildOptions& o) { return build_mobilenet_v2(o.seed, o.batch, size_or(o, 224)); }},
  };
}

}  // namespace edgerun::zoo
