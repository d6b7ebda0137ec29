#include "kernels/pool/pool2d_ref.h"

#include "kernels/ref/nn/pool.h"

namespace edgerun::kernels {

ref::PoolParams pool2d_ref_params(const Pool2dShape& s) {
  ref::PoolParams p;
  p.channels = s.planes();
  p.patch.image = {s.in_h, s.in_w};
  p.patch.grid = {s.out_h, s.out_w};
  p.patch.kernel = {s.kernel_h, s.kernel_w};
  p.patch.strides = {s.stride_h, s.stride_w};
  p.patch.dilations = {s.dilation_h, s.dilation_w};
  p.patch.pads_begin = {s.pad_top, s.pad_left};
  p.pads_end = {s.pad_bottom, s.pad_right};
  p.count_include_pad = s.count_include_pad;
  return p;
}

namespace {

class Pool2dF32Ref final : public Pool2dF32 {
 public:
  explicit Pool2dF32Ref(const Pool2dShape& shape) : shape_(shape), params_(pool2d_ref_params(shape)) {}

  void run(const float* x, float* y, void* /*scratch*/) const override {
    const int64_t plane = shape_.in_h * shape_.in_w;
    switch (shape_.kind) {
      case PoolKind::kMax: ref::max_pool(params_, x, y, nullptr); break;
      case PoolKind::kAverage: ref::average_pool(params_, x, y); break;
      case PoolKind::kGlobalMax: ref::global_max_pool(shape_.planes(), plane, x, y); break;
      case PoolKind::kGlobalAverage: ref::global_average_pool(shape_.planes(), plane, x, y); break;
    }
  }

 private:
  Pool2dShape shape_;
  ref::PoolParams params_;
};

}  // namespace

std::unique_ptr<Pool2dF32> create_pool2d_f32_ref(const Pool2dShape& shape) {
  return std::make_unique<Pool2dF32Ref>(shape);
}

}  // namespace edgerun::kernels
