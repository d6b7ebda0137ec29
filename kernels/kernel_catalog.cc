#include "kernels/kernel_catalog.h"

#include "kernels/conv/conv2d.h"
#include "kernels/dispatch.h"
#include "kernels/gemm/dense.h"
#include "kernels/gemm/matmul.h"

namespace edgerun::kernels {

namespace {

Conv2dShape conv(int64_t in_c, int64_t out_c, int64_t size, int64_t kernel, int64_t stride, int64_t dilation,
                 int64_t groups) {
  Conv2dShape s;
  s.in_channels = in_c;
  s.out_channels = out_c;
  s.groups = groups;
  s.in_h = s.in_w = size;
  s.kernel_h = s.kernel_w = kernel;
  s.stride_h = s.stride_w = stride;
  s.dilation_h = s.dilation_w = dilation;
  s.pad_top = s.pad_left = dilation * (kernel - 1) / 2;
  s.out_h = s.out_w = (size + 2 * s.pad_top - dilation * (kernel - 1) - 1) / stride + 1;
  return s;
}

template <typename Impl, typename Shape>
std::string chosen(const std::vector<Impl>& table, const Shape& shape, Backend backend) {
  const Impl* impl = choose_impl(table, shape, backend);
  return impl == nullptr ? "none" : impl->name;
}

}  // namespace

std::vector<KernelChoice> describe_kernel_choices(Backend backend) {
  struct ConvExample {
    const char* example;
    Conv2dShape shape;
  };
  const ConvExample convs[] = {
      {"3x3 64->64 @56 (resnet50 layer1)", conv(64, 64, 56, 3, 1, 1, 1)},
      {"1x1 256->64 @56 (resnet50 layer1)", conv(256, 64, 56, 1, 1, 1, 1)},
      {"7x7/2 3->64 @224 (stem)", conv(3, 64, 224, 7, 2, 1, 1)},
      {"3x3 256->256 @28 dilation 2 (fcn)", conv(256, 256, 28, 3, 1, 2, 1)},
      {"3x3 256->256 @56 groups 64 (resnext)", conv(256, 256, 56, 3, 1, 1, 64)},
      {"3x3 depthwise 96 @112/2 (mobilenetv2)", conv(96, 96, 112, 3, 2, 1, 96)},
  };
  std::vector<KernelChoice> out;
  for (const ConvExample& c : convs) out.push_back({"conv2d", c.example, chosen(conv2d_f32_impls(), c.shape, backend)});
  DenseShape dense;
  dense.m = 128;
  dense.k = 768;
  dense.n = 3072;
  out.push_back({"dense", "128x768 . 768x3072 (bert feed-forward)", chosen(dense_f32_impls(), dense, backend)});
  out.push_back({"matmul", "12 x 128x64 . 64x128 (bert attention)", choose_matmul_f32().name});
  return out;
}

}  // namespace edgerun::kernels
