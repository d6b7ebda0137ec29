#include "models/zoo/cnn_mobilenet.h"

#include <string>

#include "models/zoo/cnn_layers.h"

namespace edgerun::zoo {

namespace {

// torchvision's Conv2dNormActivation: Conv (no bias), BatchNorm, optional ReLU6, as "<i>.0/1/2".
ValueId conv_bn(GraphBuilder& b, const std::string& name, ValueId x, int64_t in, const ConvSpec& spec,
                bool activation, float gamma = 1.0f) {
  b.push_scope(name);
  x = conv(b, "0", x, in, spec);
  x = batch_norm(b, "1", x, spec.out, gamma);
  if (activation) x = relu6(b, x, "2");
  b.pop_scope();
  return x;
}

// InvertedResidual.forward: [expand 1x1] depthwise 3x3, project 1x1 (linear), + x when shapes allow.
ValueId inverted_residual(GraphBuilder& b, ValueId x, int64_t in, int64_t out, int64_t stride, int64_t expand) {
  const int64_t hidden = in * expand;
  const bool residual = stride == 1 && in == out;
  b.push_scope("conv");
  ValueId y = x;
  int index = 0;
  if (expand != 1) y = conv_bn(b, std::to_string(index++), y, in, {hidden, 1}, true);
  y = conv_bn(b, std::to_string(index++), y, hidden, {hidden, 3, stride, 1, 1, hidden}, true);
  // The projection is a plain Conv + BatchNorm ("<i>" and "<i+1>"), not a Conv2dNormActivation.
  y = conv(b, std::to_string(index), y, hidden, {out, 1});
  y = batch_norm(b, std::to_string(index + 1), y, out, residual ? 0.2f : 1.0f);
  b.pop_scope();
  return residual ? b.op("Add", "add", {x, y}) : y;
}

}  // namespace

Result<Graph> build_mobilenet_v2(uint64_t seed, int64_t batch, int64_t image_size) {
  struct Setting { int64_t expand, channels, repeats, stride; };
  const Setting settings[] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                              {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  GraphBuilder b("mobilenet_v2", seed);
  ValueId x = b.input("input", DType::kF32, {batch, 3, image_size, image_size});
  b.push_scope("features");
  int feature = 0;
  x = conv_bn(b, std::to_string(feature++), x, 3, {32, 3, 2, 1}, true);
  int64_t in = 32;
  for (const Setting& s : settings) {
    for (int64_t r = 0; r < s.repeats; ++r) {
      b.push_scope(std::to_string(feature++));
      x = inverted_residual(b, x, in, s.channels, r == 0 ? s.stride : 1, s.expand);
      b.pop_scope();
      in = s.channels;
    }
  }
  x = conv_bn(b, std::to_string(feature), x, in, {1280, 1}, true);
  b.pop_scope();
  b.output(classifier_head(b, "classifier.1", x, 1280, 1000), "logits");
  return b.finish();
}

}  // namespace edgerun::zoo
