#include "kernels/backends/xnnpack/conv2d_xnnpack.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <type_traits>

#include "kernels/backends/xnnpack/passes.h"
#include "kernels/backends/xnnpack/xnnpack_runtime.h"

namespace edgerun::kernels {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

size_t align_up(size_t bytes) { return (bytes + 63) / 64 * 64; }

// The least bottom (or right) padding whose output size is `out`: ONNX may declare more than the last
// window touches, which XNNPACK's rule would turn into an extra output row.
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

// XNNPACK's NCHW depthwise kernels want symmetric padding; declaring pad_begin at the end as well is
// equivalent when it gives the same output size (the extra rows are never read).
bool symmetric_agrees(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad) {
  return xnnpack_output_size(in + 2 * pad, kernel, stride, dilation) == out;
}

struct Padding {
  uint32_t top, right, bottom, left;
};

using CreateFn = decltype(&xnn_create_convolution2d_nhwc_f32);
using SetupFn = decltype(&xnn_setup_convolution2d_nhwc_f32);
static_assert(std::is_same_v<CreateFn, decltype(&xnn_create_convolution2d_nchw_f32)>);
static_assert(std::is_same_v<SetupFn, decltype(&xnn_setup_convolution2d_nchw_f32)>);

Result<xnn_operator_t> create_operator(CreateFn create, const char* what, const Conv2dShape& s, const Padding& p,
                                       const float* weights, const float* bias, float min, float max) {
  xnn_operator_t op = nullptr;
  RETURN_IF_ERROR(xnnpack::check(
      create(p.top, p.right, p.bottom, p.left, static_cast<uint32_t>(s.kernel_h), static_cast<uint32_t>(s.kernel_w),
             static_cast<uint32_t>(s.stride_h), static_cast<uint32_t>(s.stride_w),
             static_cast<uint32_t>(s.dilation_h), static_cast<uint32_t>(s.dilation_w),
             static_cast<uint32_t>(s.groups), static_cast<size_t>(s.in_channels_per_group()),
             static_cast<size_t>(s.out_channels_per_group()), static_cast<size_t>(s.in_channels),
             static_cast<size_t>(s.out_channels), weights, bias, min, max, /*flags=*/0, &op),
      what));
  return op;
}

// Two ways to run: XNNPACK's NCHW convolution (depthwise 3x3 / 5x5 only in this XNNPACK) straight on
// edgerun's layout, or its NHWC convolution (every shape) between transposes; the transpose back then
// applies the whole epilogue for free, while the NCHW path needs a separate pass only for what XNNPACK
// cannot do (see needs_epilogue_pass).
class Conv2dF32Xnnpack final : public Conv2dF32 {
 public:
  Conv2dF32Xnnpack(const Conv2dShape& shape, const Epilogue& epilogue, xnn_operator_t op, SetupFn setup,
                   bool nchw, pthreadpool_t pool)
      : shape_(shape), epilogue_(epilogue), op_(op), setup_(setup), nchw_(nchw), pool_(pool) {}

  void run(const float* x, const float* residual, float* y, void* scratch) const override {
    const size_t batch = static_cast<size_t>(shape_.batch);
    const size_t in_image = static_cast<size_t>(shape_.in_h * shape_.in_w);
    const size_t out_image = static_cast<size_t>(shape_.out_h * shape_.out_w);
    const size_t out_channels = static_cast<size_t>(shape_.out_channels);
    const bool post = nchw_ && xnnpack::needs_epilogue_pass(epilogue_);
    auto* scratch_floats = static_cast<float*>(scratch);
    const float* in = x;
    float* out = post ? scratch_floats : y;
    if (!nchw_) {
      float* x_nhwc = scratch_floats;
      xnnpack::transpose_images(pool_, batch, static_cast<size_t>(shape_.in_channels), in_image, x, x_nhwc);
      in = x_nhwc;
      out = scratch_floats + input_bytes() / sizeof(float);
    }
    const bool ran = xnnpack::setup_and_run(mutex_, op_.get(), pool_, [&] {
      return setup_(op_.get(), batch, static_cast<size_t>(shape_.in_h), static_cast<size_t>(shape_.in_w), in, out,
                    pool_);
    });
    // create() validated every parameter setup checks; NaN rather than stale output should XNNPACK disagree.
    if (!ran) {
      std::fill(y, y + batch * out_image * out_channels, std::numeric_limits<float>::quiet_NaN());
      return;
    }
    const float* r = epilogue_.residual ? residual : nullptr;
    if (!nchw_) {
      xnnpack::transpose_images_epilogue(pool_, batch, out_image, out_channels, out, r, epilogue_.min, epilogue_.max,
                                         y);
    } else if (post) {
      xnnpack::apply_epilogue(pool_, batch * out_image * out_channels, out, r, epilogue_.min, epilogue_.max, y);
    }
  }

  size_t scratch_bytes() const override {
    const size_t out = static_cast<size_t>(shape_.batch * shape_.out_h * shape_.out_w * shape_.out_channels) *
                       sizeof(float);
    if (nchw_) return xnnpack::needs_epilogue_pass(epilogue_) ? out : 0;
    return input_bytes() + out;
  }

 private:
  size_t input_bytes() const {
    return align_up(static_cast<size_t>(shape_.batch * shape_.in_h * shape_.in_w * shape_.in_channels) *
                    sizeof(float));
  }

  Conv2dShape shape_;
  Epilogue epilogue_;
  std::unique_ptr<xnn_operator, xnnpack::OperatorDeleter> op_;
  SetupFn setup_;
  bool nchw_;
  pthreadpool_t pool_;
  mutable std::mutex mutex_;
};

// XNNPACK's NCHW depthwise operator when it takes the shape (else null): the layout needs no transposes.
Result<xnn_operator_t> try_nchw_depthwise(const Conv2dShape& s, const float* weights, const float* bias,
                                          const Epilogue& epilogue) {
  const bool symmetric = symmetric_agrees(s.in_h, s.out_h, s.kernel_h, s.stride_h, s.dilation_h, s.pad_top) &&
                         symmetric_agrees(s.in_w, s.out_w, s.kernel_w, s.stride_w, s.dilation_w, s.pad_left);
  if (!s.depthwise() || !symmetric) return xnn_operator_t{nullptr};
  const auto top = static_cast<uint32_t>(s.pad_top), left = static_cast<uint32_t>(s.pad_left);
  const bool clamp_here = !xnnpack::needs_epilogue_pass(epilogue);
  auto op = create_operator(xnn_create_convolution2d_nchw_f32, "xnn_create_convolution2d_nchw_f32", s,
                            Padding{top, left, top, left}, weights, bias, clamp_here ? epilogue.min : -kInf,
                            clamp_here ? epilogue.max : kInf);
  if (!op.ok() && op.status().code() == StatusCode::kUnsupported) return xnn_operator_t{nullptr};
  return op;
}

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

  // Depthwise OIHW weights are already XNNPACK's [groups, 1, kh, kw] in either layout.
  ASSIGN_OR_RETURN(xnn_operator_t nchw_op, try_nchw_depthwise(s, weights, bias, epilogue));
  if (nchw_op != nullptr) {
    return std::unique_ptr<Conv2dF32>(std::make_unique<Conv2dF32Xnnpack>(
        s, epilogue, nchw_op, xnn_setup_convolution2d_nchw_f32, /*nchw=*/true, pool));
  }

  // OIHW -> the NHWC operator's [groups, group_out, kh, kw, group_in]: the input channel moves innermost.
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
  const Padding padding{
      static_cast<uint32_t>(s.pad_top),
      static_cast<uint32_t>(end_padding(s.in_w, s.out_w, s.kernel_w, s.stride_w, s.dilation_w, s.pad_left)),
      static_cast<uint32_t>(end_padding(s.in_h, s.out_h, s.kernel_h, s.stride_h, s.dilation_h, s.pad_top)),
      static_cast<uint32_t>(s.pad_left)};
  // The clamp runs in the transpose back to NCHW, after the residual.
  ASSIGN_OR_RETURN(xnn_operator_t op, create_operator(xnn_create_convolution2d_nhwc_f32,
                                                      "xnn_create_convolution2d_nhwc_f32", s, padding,
                                                      packed.data(), bias, -kInf, kInf));
  return std::unique_ptr<Conv2dF32>(std::make_unique<Conv2dF32Xnnpack>(
      s, epilogue, op, xnn_setup_convolution2d_nhwc_f32, /*nchw=*/false, pool));
}

bool conv2d_f32_xnnpack_sparse_supports(const Conv2dShape& s) {
  return s.pointwise() && s.groups == 1 && conv2d_f32_xnnpack_supports(s);
}

Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_xnnpack_sparse(const Conv2dShape& s, const float* weights,
                                                                    const float* bias, const Epilogue& epilogue) {
  if (!conv2d_f32_xnnpack_sparse_supports(s)) return unsupported("XNNPACK sparse conv2d: not a 1x1 stride-1 conv");
  RETURN_IF_ERROR(xnnpack::initialize());
  ASSIGN_OR_RETURN(pthreadpool_t pool, xnnpack::threadpool_for_current_threads());
  // OIHW 1x1 weights are the NCHW operator's [out, in]; XNNPACK clamps where no residual comes after.
  const bool clamp_here = !xnnpack::needs_epilogue_pass(epilogue);
  ASSIGN_OR_RETURN(xnn_operator_t op, create_operator(xnn_create_convolution2d_nchw_f32,
                                                      "xnn_create_convolution2d_nchw_f32", s, Padding{0, 0, 0, 0},
                                                      weights, bias, clamp_here ? epilogue.min : -kInf,
                                                      clamp_here ? epilogue.max : kInf));
  return std::unique_ptr<Conv2dF32>(std::make_unique<Conv2dF32Xnnpack>(
      s, epilogue, op, xnn_setup_convolution2d_nchw_f32, /*nchw=*/true, pool));
}

}  // namespace edgerun::kernels
