#include "kernels/backends/xnnpack/conv2d_xnnpack.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>

#include "kernels/backends/xnnpack/layout.h"
#include "kernels/backends/xnnpack/xnnpack_runtime.h"

namespace edgerun::kernels {

namespace {

constexpr size_t kAlign = 64;

size_t align_up(size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

// Bottom (or right) padding that makes XNNPACK's output size rule give `out` (ONNX may declare more
// padding than the last window touches; extra padding XNNPACK would turn into an extra output row).
int64_t end_padding(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad_begin) {
  const int64_t span = (out - 1) * stride + dilation * (kernel - 1) + 1;
  return std::max<int64_t>(0, span - in - pad_begin);
}

// XNNPACK's rule: (padded - effective kernel) / stride + 1, with the difference clamped at zero.
int64_t xnnpack_output_size(int64_t padded, int64_t kernel, int64_t stride, int64_t dilation) {
  const int64_t effective = dilation * (kernel - 1) + 1;
  return std::max<int64_t>(0, padded - effective) / stride + 1;
}

bool axis_agrees(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad_begin) {
  const int64_t padded = in + pad_begin + end_padding(in, out, kernel, stride, dilation, pad_begin);
  return pad_begin >= 0 && xnnpack_output_size(padded, kernel, stride, dilation) == out;
}

class Conv2dF32Xnnpack final : public Conv2dF32 {
 public:
  Conv2dF32Xnnpack(const Conv2dShape& shape, const Epilogue& epilogue, xnn_operator_t op, pthreadpool_t pool)
      : shape_(shape), epilogue_(epilogue), op_(op), pool_(pool) {}

  void run(const float* x, const float* residual, float* y, void* scratch) const override {
    const size_t batch = static_cast<size_t>(shape_.batch);
    const size_t in_image = static_cast<size_t>(shape_.in_h * shape_.in_w);
    const size_t out_image = static_cast<size_t>(shape_.out_h * shape_.out_w);
    auto* x_nhwc = static_cast<float*>(scratch);
    float* y_nhwc = x_nhwc + input_bytes() / sizeof(float);
    xnnpack::transpose_images(pool_, batch, static_cast<size_t>(shape_.in_channels), in_image, x, x_nhwc);
    {
      // setup binds pointers inside the operator: one run at a time per kernel object.
      const std::lock_guard<std::mutex> lock(mutex_);
      const xnn_status setup = xnn_setup_convolution2d_nhwc_f32(
          op_.get(), batch, static_cast<size_t>(shape_.in_h), static_cast<size_t>(shape_.in_w), x_nhwc, y_nhwc, pool_);
      // create() validated every parameter setup checks; NaN rather than stale output should XNNPACK disagree.
      if (setup != xnn_status_success || xnn_run_operator(op_.get(), pool_) != xnn_status_success) {
        std::fill(y, y + batch * out_image * static_cast<size_t>(shape_.out_channels),
                  std::numeric_limits<float>::quiet_NaN());
        return;
      }
    }
    xnnpack::transpose_images_epilogue(pool_, batch, out_image, static_cast<size_t>(shape_.out_channels), y_nhwc,
                                       epilogue_.residual ? residual : nullptr, epilogue_.min, epilogue_.max, y);
  }

  size_t scratch_bytes() const override {
    return input_bytes() + static_cast<size_t>(shape_.batch * shape_.out_h * shape_.out_w * shape_.out_channels) *
                               sizeof(float);
  }

 private:
  size_t input_bytes() const {
    return align_up(static_cast<size_t>(shape_.batch * shape_.in_h * shape_.in_w * shape_.in_channels) *
                    sizeof(float));
  }

  Conv2dShape shape_;
  Epilogue epilogue_;
  std::unique_ptr<xnn_operator, xnnpack::OperatorDeleter> op_;
  pthreadpool_t pool_;
  mutable std::mutex mutex_;
};

}  // namespace

bool conv2d_f32_xnnpack_supports(const Conv2dShape& s) {
  constexpr int64_t kMax = std::numeric_limits<uint32_t>::max();
  for (int64_t v : {s.batch, s.in_channels, s.out_channels, s.groups, s.in_h, s.in_w, s.out_h, s.out_w, s.kernel_h,
                    s.kernel_w, s.stride_h, s.stride_w, s.dilation_h, s.dilation_w}) {
    if (v <= 0 || v > kMax) return false;
  }
  return s.pad_top <= kMax && s.pad_left <= kMax &&
         axis_agrees(s.in_h, s.out_h, s.kernel_h, s.stride_h, s.dilation_h, s.pad_top) &&
         axis_agrees(s.in_w, s.out_w, s.kernel_w, s.stride_w, s.dilation_w, s.pad_left);
}

Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_xnnpack(const Conv2dShape& s, const float* weights,
                                                             const float* bias, const Epilogue& epilogue) {
  if (!conv2d_f32_xnnpack_supports(s)) return unsupported("XNNPACK conv2d: shape outside what XNNPACK computes");
  RETURN_IF_ERROR(xnnpack::initialize());
  ASSIGN_OR_RETURN(pthreadpool_t pool, xnnpack::threadpool_for_current_threads());

  // ONNX OIHW -> XNNPACK's [groups, group_out, kh, kw, group_in]: the input channel moves innermost.
  const int64_t group_in = s.in_channels_per_group();
  const int64_t taps = s.kernel_h * s.kernel_w;
  std::vector<float> packed(static_cast<size_t>(s.out_channels * group_in * taps));
  for (int64_t o = 0; o < s.out_channels; ++o) {
    for (int64_t i = 0; i < group_in; ++i) {
      for (int64_t t = 0; t < taps; ++t) {
        packed[static_cast<size_t>((o * taps + t) * group_in + i)] = weights[(o * group_in + i) * taps + t];
      }
    }
  }
  // The clamp runs in the transpose back to NCHW, after the residual (XNNPACK would clamp before it).
  constexpr float kInf = std::numeric_limits<float>::infinity();
  xnn_operator_t op = nullptr;
  RETURN_IF_ERROR(xnnpack::check(
      xnn_create_convolution2d_nhwc_f32(
          static_cast<uint32_t>(s.pad_top),
          static_cast<uint32_t>(end_padding(s.in_w, s.out_w, s.kernel_w, s.stride_w, s.dilation_w, s.pad_left)),
          static_cast<uint32_t>(end_padding(s.in_h, s.out_h, s.kernel_h, s.stride_h, s.dilation_h, s.pad_top)),
          static_cast<uint32_t>(s.pad_left), static_cast<uint32_t>(s.kernel_h), static_cast<uint32_t>(s.kernel_w),
          static_cast<uint32_t>(s.stride_h), static_cast<uint32_t>(s.stride_w), static_cast<uint32_t>(s.dilation_h),
          static_cast<uint32_t>(s.dilation_w), static_cast<uint32_t>(s.groups), static_cast<size_t>(group_in),
          static_cast<size_t>(s.out_channels_per_group()), static_cast<size_t>(s.in_channels),
          static_cast<size_t>(s.out_channels), packed.data(), bias, -kInf, kInf, /*flags=*/0, &op),
      "xnn_create_convolution2d_nhwc_f32"));
  return std::unique_ptr<Conv2dF32>(std::make_unique<Conv2dF32Xnnpack>(s, epilogue, op, pool));
}

}  // namespace edgerun::kernels
