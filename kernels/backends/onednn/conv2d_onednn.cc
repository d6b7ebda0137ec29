#include "kernels/backends/onednn/conv2d_onednn.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <unordered_map>

#include "kernels/backends/onednn/onednn_common.h"

namespace edgerun::kernels {

namespace {

using dnnl::memory;
using Tag = memory::format_tag;
constexpr memory::data_type kF32 = memory::data_type::f32;

// oneDNN's end padding for one spatial axis: the padding ONNX's output extent implies, or 0 when the
// input has rows the window never reaches (oneDNN floors like ONNX). -1 when `out` is inconsistent.
int64_t end_padding(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t dilation, int64_t begin) {
  const int64_t span = (kernel - 1) * dilation + 1;
  const int64_t end = (out - 1) * stride + span - in - begin;  // reaches exactly the last window
  if (end >= 0) return end;
  return -end < stride ? 0 : -1;
}

class Conv2dF32OneDnn final : public Conv2dF32 {
 public:
  // Builds the primitive and reorders the weights; throws dnnl::error when oneDNN refuses.
  Conv2dF32OneDnn(const Conv2dShape& s, const float* weights, const float* bias, const Epilogue& epilogue)
      : stream_(onednn::cpu_engine()),
        residual_(epilogue.residual),
        y_count_(static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w)) {
    const dnnl::engine& engine = onednn::cpu_engine();
    const memory::dims src_dims = {s.batch, s.in_channels, s.in_h, s.in_w};
    const memory::dims dst_dims = {s.batch, s.out_channels, s.out_h, s.out_w};
    const bool grouped = s.groups > 1;
    const memory::dims w_dims =
        grouped ? memory::dims{s.groups, s.out_channels_per_group(), s.in_channels_per_group(), s.kernel_h, s.kernel_w}
                : memory::dims{s.out_channels, s.in_channels, s.kernel_h, s.kernel_w};
    nchw_src_ = memory::desc(src_dims, kF32, Tag::nchw);
    nchw_dst_ = memory::desc(dst_dims, kF32, Tag::nchw);
    const memory::desc bias_md = bias != nullptr ? memory::desc({s.out_channels}, kF32, Tag::x) : memory::desc();
    // A pointwise convolution on NCHW is a plain GEMM, which oneDNN runs as fast as its blocked kernel,
    // so it keeps NCHW and skips the reorders (which would double its time); other shapes get the
    // layouts oneDNN prefers.
    const bool pointwise = s.kernel_h == 1 && s.kernel_w == 1 && s.stride_h == 1 && s.stride_w == 1 &&
                           s.pad_top == 0 && s.pad_left == 0 && s.groups == 1;
    const Tag activations = pointwise ? Tag::nchw : Tag::any;

    const dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
        memory::desc(src_dims, kF32, activations), memory::desc(w_dims, kF32, Tag::any), bias_md,
        memory::desc(dst_dims, kF32, activations), {s.stride_h, s.stride_w}, {s.dilation_h - 1, s.dilation_w - 1},
        {s.pad_top, s.pad_left},
        {end_padding(s.in_h, s.out_h, s.kernel_h, s.stride_h, s.dilation_h, s.pad_top),
         end_padding(s.in_w, s.out_w, s.kernel_w, s.stride_w, s.dilation_w, s.pad_left)});
    const dnnl::convolution_forward::primitive_desc pd(desc, onednn::epilogue_attr(epilogue), engine);
    conv_ = dnnl::convolution_forward(pd);
    src_md_ = pd.src_desc();
    dst_md_ = pd.dst_desc();

    // Buffers in oneDNN's layouts where they differ from NCHW, and one scratchpad region that the
    // primitives share (they run one after another).
    onednn::ScratchLayout layout;
    size_t pad_bytes = pd.scratchpad_desc().get_size();
    dnnl::primitive_attr reorder_attr;
    reorder_attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    auto make_reorder = [&](const memory::desc& from, const memory::desc& to) {
      const dnnl::reorder::primitive_desc rpd(engine, from, engine, to, reorder_attr);
      pad_bytes = std::max(pad_bytes, rpd.scratchpad_desc().get_size());
      return dnnl::reorder(rpd);
    };
    if (src_md_ != nchw_src_) {
      to_src_ = make_reorder(nchw_src_, src_md_);
      src_at_ = layout.add(src_md_.get_size());
    }
    if (dst_md_ != nchw_dst_) {
      from_dst_ = make_reorder(dst_md_, nchw_dst_);
      if (residual_) to_dst_ = make_reorder(nchw_dst_, dst_md_);
      dst_at_ = layout.add(dst_md_.get_size());
    }
    pad_md_ = memory::desc({static_cast<memory::dim>(std::max<size_t>(pad_bytes, 1))}, memory::data_type::u8, Tag::x);
    pad_at_ = layout.add(pad_bytes);
    scratch_bytes_ = layout.total();

    // Weights into oneDNN's layout once (ONNX's OIHW is oihw, or goihw split by group).
    weights_ = memory(pd.weights_desc(), engine);
    memory user_weights(memory::desc(w_dims, kF32, grouped ? Tag::goihw : Tag::oihw), engine,
                        const_cast<float*>(weights));
    dnnl::reorder(user_weights, weights_).execute(stream_, user_weights, weights_);
    if (bias != nullptr) {
      bias_ = memory(bias_md, engine);
      std::memcpy(bias_.get_data_handle(), bias, bias_md.get_size());
    }
    stream_.wait();
  }

  void run(const float* x, const float* residual, float* y, void* scratch) const override {
    try {
      execute(x, residual, y, static_cast<char*>(scratch));
    } catch (const std::exception&) {
      onednn::fill_nan(y, y_count_);
    }
  }

  size_t scratch_bytes() const override { return scratch_bytes_; }

 private:
  void execute(const float* x, const float* residual, float* y, char* scratch) const {
    const dnnl::engine& engine = onednn::cpu_engine();
    const memory user_x(nchw_src_, engine, const_cast<float*>(x));
    const memory user_y(nchw_dst_, engine, y);
    const memory pad(pad_md_, engine, scratch + pad_at_);
    const memory src = to_src_ ? memory(src_md_, engine, scratch + src_at_) : user_x;
    const memory dst = from_dst_ ? memory(dst_md_, engine, scratch + dst_at_) : user_y;
    if (to_src_) to_src_.execute(stream_, {{DNNL_ARG_FROM, user_x}, {DNNL_ARG_TO, src}, {DNNL_ARG_SCRATCHPAD, pad}});
    if (residual_) {  // the sum post-op adds what dst holds
      if (to_dst_) {
        const memory user_r(nchw_dst_, engine, const_cast<float*>(residual));
        to_dst_.execute(stream_, {{DNNL_ARG_FROM, user_r}, {DNNL_ARG_TO, dst}, {DNNL_ARG_SCRATCHPAD, pad}});
      } else if (residual != y) {
        std::memcpy(y, residual, y_count_ * sizeof(float));
      }
    }
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights_}, {DNNL_ARG_DST, dst}, {DNNL_ARG_SCRATCHPAD, pad}};
    if (bias_) args.emplace(DNNL_ARG_BIAS, bias_);
    conv_.execute(stream_, args);
    if (from_dst_) from_dst_.execute(stream_, {{DNNL_ARG_FROM, dst}, {DNNL_ARG_TO, user_y}, {DNNL_ARG_SCRATCHPAD, pad}});
    stream_.wait();
  }

  mutable dnnl::stream stream_;  // wait() is non-const; the stream holds no state of a run
  bool residual_;
  size_t y_count_;
  dnnl::convolution_forward conv_;
  memory::desc nchw_src_, nchw_dst_, src_md_, dst_md_, pad_md_;
  dnnl::reorder to_src_, from_dst_, to_dst_;  // empty where the layouts already match
  memory weights_, bias_;                      // bias_ empty without bias
  size_t src_at_ = 0, dst_at_ = 0, pad_at_ = 0, scratch_bytes_ = 0;
};

}  // namespace

bool onednn_conv2d_f32_supports(const Conv2dShape& s) {
  const bool positive = s.batch > 0 && s.in_channels > 0 && s.out_channels > 0 && s.groups > 0 && s.in_h > 0 &&
                        s.in_w > 0 && s.out_h > 0 && s.out_w > 0 && s.kernel_h > 0 && s.kernel_w > 0 &&
                        s.stride_h > 0 && s.stride_w > 0 && s.dilation_h > 0 && s.dilation_w > 0 && s.pad_top >= 0 &&
                        s.pad_left >= 0;
  return positive && s.in_channels % s.groups == 0 && s.out_channels % s.groups == 0 &&
         end_padding(s.in_h, s.out_h, s.kernel_h, s.stride_h, s.dilation_h, s.pad_top) >= 0 &&
         end_padding(s.in_w, s.out_w, s.kernel_w, s.stride_w, s.dilation_w, s.pad_left) >= 0;
}

Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_onednn(const Conv2dShape& shape, const float* weights,
                                                            const float* bias, const Epilogue& epilogue) {
  if (!onednn_conv2d_f32_supports(shape)) return invalid_argument("onednn conv2d: inconsistent shape");
  return onednn::catch_errors("onednn conv2d", [&]() -> Result<std::unique_ptr<Conv2dF32>> {
    return std::unique_ptr<Conv2dF32>(std::make_unique<Conv2dF32OneDnn>(shape, weights, bias, epilogue));
  });
}

}  // namespace edgerun::kernels
