#include "kernels/qconv/qdwconv2d.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "kernels/qgemm/requantize.h"
#include "kernels/ref/omp.h"
#include "kernels/x86/qdwconv/qdwconv.h"
#include "kernels/x86/qgemm/qs8_gemm.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

namespace {

struct QDwConvKernels {
  void (*pack)(const x86::QDwConvPackArgs& a);
  void (*plane)(const x86::QDwConvPlaneArgs& a);
  x86::QRequantUkernel requantize;
};

constexpr QDwConvKernels kAvx512Vnni = {x86::qs8_dwconv2d_pack__avx512vnni, x86::qs8_dwconv2d_chw__avx512vnni,
                                        x86::qs8_requantize__avx512vnni};
constexpr QDwConvKernels kAvx2 = {x86::qs8_dwconv2d_pack__avx2, x86::qs8_dwconv2d_chw__avx2,
                                  x86::qs8_requantize__avx2};

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }
size_t aligned64(size_t bytes) { return (bytes + 63) / 64 * 64; }

class QDwConv2d final : public QConv2d {
 public:
  QDwConv2d(const Conv2dShape& shape, const QConv2dParams& params, const QDwConvKernels& k)
      : s_(shape), p_(params), k_(k) {
    tap_pairs_ = (shape.kernel_w + 1) / 2;
    const int64_t reach = 2 * (tap_pairs_ - 1) * shape.dilation_w;
    row_pairs_ = round_up(shape.out_w, x86::kQDwConvLanes) + reach / shape.stride_w;
    rows_ = (shape.out_h - 1) * shape.stride_h + (shape.kernel_h - 1) * shape.dilation_h + 1;
    ld_acc_ = round_up(shape.out_w, x86::kQDwConvLanes);
    for (int64_t kh = 0; kh < shape.kernel_h; ++kh) {
      for (int64_t p = 0; p < tap_pairs_; ++p) {
        const int64_t off = 2 * p * shape.dilation_w;
        tap_offset_.push_back(kh * shape.dilation_h * shape.stride_w * row_pairs_ +
                              off % shape.stride_w * row_pairs_ + off / shape.stride_w);
      }
    }
    row_bytes_ = aligned64(static_cast<size_t>(row_pairs_ * shape.stride_w + shape.dilation_w) * sizeof(int16_t));
    pairs_bytes_ = aligned64(static_cast<size_t>(rows_ * shape.stride_w * row_pairs_) * sizeof(int32_t));
    acc_bytes_ = params.output.float_output
                     ? 0
                     : aligned64(static_cast<size_t>(shape.out_h * ld_acc_ + 2 * shape.out_w) * sizeof(int32_t));
#if defined(_OPENMP)
    threads_ = omp_get_max_threads();
#endif
  }

  // Weights [C][1][kh][kw] as int16 pairs per row (0 past kernel_w); requantization per channel.
  Status prepare(const int8_t* weights) {
    const int64_t c_count = s_.out_channels;
    const int64_t kernel = s_.kernel_h * s_.kernel_w;
    weights_.assign(static_cast<size_t>(c_count * s_.kernel_h * tap_pairs_), 0);
    for (int64_t c = 0; c < c_count; ++c) {
      for (int64_t kh = 0; kh < s_.kernel_h; ++kh) {
        for (int64_t p = 0; p < tap_pairs_; ++p) {
          const int8_t* w = weights + c * kernel + kh * s_.kernel_w;
          const int64_t kw = 2 * p;
          const uint16_t lo = static_cast<uint16_t>(static_cast<int16_t>(w[kw]));
          const uint16_t hi = kw + 1 < s_.kernel_w ? static_cast<uint16_t>(static_cast<int16_t>(w[kw + 1])) : 0;
          weights_[static_cast<size_t>((c * s_.kernel_h + kh) * tap_pairs_ + p)] =
              static_cast<int32_t>(static_cast<uint32_t>(lo) | (static_cast<uint32_t>(hi) << 16));
        }
      }
    }
    if (!p_.output.float_output) {
      ASSIGN_OR_RETURN(requant_, make_requantization(p_.output.scale.data(), p_.output.scale.size() != 1, c_count,
                                                     p_.output.zero_point, p_.output.lo, p_.output.hi));
    }
    return Status::Ok();
  }

  size_t scratch_bytes() const override {
    return static_cast<size_t>(threads_) * (row_bytes_ + pairs_bytes_ + acc_bytes_);
  }

  void run(const uint8_t* x, const float* residual, void* y, void* scratch) const override {
    const int64_t planes = s_.batch * s_.out_channels;
    const int64_t in_plane = s_.in_h * s_.in_w, out_plane = s_.out_h * s_.out_w;
    EDGERUN_OMP(parallel for schedule(static))
    for (int64_t plane = 0; plane < planes; ++plane) {
      int thread = 0;
#if defined(_OPENMP)
      thread = omp_get_thread_num();
#endif
      char* mine = static_cast<char*>(scratch) + static_cast<size_t>(thread) * (row_bytes_ + pairs_bytes_ + acc_bytes_);
      const int64_t c = plane % s_.out_channels;
      x86::QDwConvPackArgs pack;
      pack.x = x + plane * in_plane;
      pack.in_h = s_.in_h;
      pack.in_w = s_.in_w;
      pack.zero_point = p_.x_zero_point;
      pack.pad_top = s_.pad_top;
      pack.pad_left = s_.pad_left;
      pack.rows = rows_;
      pack.stride_w = s_.stride_w;
      pack.dilation_w = s_.dilation_w;
      pack.row_pairs = row_pairs_;
      pack.row = reinterpret_cast<int16_t*>(mine);
      pack.pairs = reinterpret_cast<int32_t*>(mine + row_bytes_);
      k_.pack(pack);

      x86::QDwConvPlaneArgs a;
      a.pairs = pack.pairs;
      a.row_pairs = row_pairs_;
      a.stride_h = s_.stride_h;
      a.stride_w = s_.stride_w;
      a.out_h = s_.out_h;
      a.out_w = s_.out_w;
      a.taps = static_cast<int64_t>(tap_offset_.size());
      a.weights = weights_.data() + c * a.taps;
      a.tap_offset = tap_offset_.data();
      a.bias = p_.output.channel_bias(c);
      if (p_.output.float_output) {
        a.y = static_cast<float*>(y) + plane * out_plane;
        a.residual = p_.output.epilogue.residual ? residual + plane * out_plane : nullptr;
        a.scale = p_.output.channel_scale(c);
        a.min = p_.output.epilogue.min;
        a.max = p_.output.epilogue.max;
        k_.plane(a);
        continue;
      }
      a.acc = reinterpret_cast<int32_t*>(mine + row_bytes_ + pairs_bytes_);
      a.ld_acc = ld_acc_;
      k_.plane(a);
      // The requantization tile takes a multiplier and shift per column: this channel's, repeated.
      int32_t* mult = a.acc + s_.out_h * ld_acc_;
      int32_t* shift = mult + s_.out_w;
      std::fill(mult, mult + s_.out_w, requant_.multiplier[static_cast<size_t>(c)]);
      std::fill(shift, shift + s_.out_w, requant_.shift[static_cast<size_t>(c)]);
      x86::QRequantParams q;
      q.acc = a.acc;
      q.ld_acc = ld_acc_;
      q.rows = s_.out_h;
      q.cols = s_.out_w;
      q.multiplier = mult;
      q.shift = shift;
      q.zero_point = requant_.zero_point;
      q.lo = requant_.lo;
      q.hi = requant_.hi;
      q.y = static_cast<uint8_t*>(y) + plane * out_plane;
      q.ldy = s_.out_w;
      k_.requantize(q);
    }
  }

 private:
  Conv2dShape s_;
  QConv2dParams p_;
  QDwConvKernels k_;
  int64_t tap_pairs_ = 0, row_pairs_ = 0, rows_ = 0, ld_acc_ = 0;
  std::vector<int64_t> tap_offset_;
  std::vector<int32_t> weights_;
  Requantization requant_;
  size_t row_bytes_ = 0, pairs_bytes_ = 0, acc_bytes_ = 0;
  int threads_ = 1;
};

Status validate(const Conv2dShape& s, const QConv2dParams& p) {
  if (!qdwconv2d_supported(s)) return invalid_argument("qdwconv2d: not a depthwise convolution");
  if (s.batch <= 0 || s.in_h <= 0 || s.in_w <= 0 || s.out_h <= 0 || s.out_w <= 0 || s.kernel_h <= 0 ||
      s.kernel_w <= 0 || s.stride_h <= 0 || s.stride_w <= 0 || s.dilation_h <= 0 || s.dilation_w <= 0 ||
      s.pad_top < 0 || s.pad_left < 0) {
    return invalid_argument("qdwconv2d: bad shape");
  }
  const size_t c = static_cast<size_t>(s.out_channels);
  const QuantOutput& o = p.output;
  if (o.scale.size() != 1 && o.scale.size() != c) return invalid_argument("qdwconv2d: scale count does not match");
  if (!o.bias.empty() && o.bias.size() != c) return invalid_argument("qdwconv2d: bias count does not match");
  if (o.float_output && !(o.epilogue.min <= o.epilogue.max)) return invalid_argument("qdwconv2d: clamp min > max");
  for (const float scale : o.scale) {
    if (o.float_output && !std::isfinite(scale)) return invalid_argument("qdwconv2d: float output scale is not finite");
  }
  return Status::Ok();
}

Result<std::unique_ptr<QConv2d>> create(const Conv2dShape& shape, const int8_t* weights, const QConv2dParams& params,
                                        const QDwConvKernels& k) {
  RETURN_IF_ERROR(validate(shape, params));
  auto kernel = std::make_unique<QDwConv2d>(shape, params, k);
  RETURN_IF_ERROR(kernel->prepare(weights));
  return std::unique_ptr<QConv2d>(std::move(kernel));
}

}  // namespace

bool qdwconv2d_supported(const Conv2dShape& shape) { return shape.depthwise(); }

Result<std::unique_ptr<QConv2d>> create_qdwconv2d_avx512vnni(const Conv2dShape& shape, const int8_t* weights,
                                                             const QConv2dParams& params) {
  return create(shape, weights, params, kAvx512Vnni);
}

Result<std::unique_ptr<QConv2d>> create_qdwconv2d_avx2(const Conv2dShape& shape, const int8_t* weights,
                                                       const QConv2dParams& params) {
  return create(shape, weights, params, kAvx2);
}

}  // namespace edgerun::kernels
