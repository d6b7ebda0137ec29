// Every conv2d entry against the reference entry on generated shapes: 1x1, 3x3, 7x7 stride 2, dilated
// (FCN / DUC), grouped (ResNeXt), tails of every tile, batch 2, and the epilogue.
#include "kernels/conv/conv2d.h"

#include <string>

#include "tests/kernels/conv2d_tester.h"

namespace edgerun::testing {

namespace {

Epilogue relu() {
  Epilogue e;
  e.min = 0.0f;
  return e;
}

}  // namespace

TEST_CASE("conv2d entries match the reference") {
  const std::vector<ConvCase>& cases = conv_cases();
  Epilogue clip6;
  clip6.min = 0.0f;
  clip6.max = 6.0f;
  Epilogue residual_relu = relu();
  residual_relu.residual = true;
  for_each_impl(kernels::conv2d_f32_impls(), [&](const Conv2dF32Impl& impl) {
    for (const ConvCase& c : cases) {
      check_conv(impl, c, true, Epilogue());
      check_conv(impl, c, false, relu());
    }
    check_conv(impl, cases[1], true, clip6);
    check_conv(impl, cases[4], true, residual_relu);
    check_conv(impl, cases[6], false, residual_relu);
    check_conv(impl, cases[11], true, residual_relu);
  });
}

TEST_CASE("conv2d gemm entries leave depthwise to other kernels") {
  ConvCase c{1, 8, 8, 8, 6, 6, 3, 1, 1, 1};
  for (const Conv2dF32Impl& impl : kernels::conv2d_f32_impls()) {
    if (std::string(impl.name).find("conv2d_gemm") != std::string::npos) CHECK_FALSE(impl.supports(make_shape(c)));
  }
}

}  // namespace edgerun::testing
